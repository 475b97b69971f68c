#include "ccsim/explore/artifact.hpp"

#include <cstdio>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ccsim/kernel/digest.hpp"
#include "failure_fields.hpp"

namespace ccsim::explore {

using Json = nlohmann::ordered_json;

namespace {

Json decision_list(const std::vector<kernel::Decision>& decisions) {
  Json list = Json::array();
  for (const kernel::Decision& d : decisions) {
    Json j;
    j["key"] = d.key;
    j["value"] = d.value;
    if (d.occurrence != 0) j["occurrence"] = d.occurrence;
    j["range"] = d.range;
    list.push_back(std::move(j));
  }
  return list;
}

Json replay_section(const std::vector<kernel::Decision>& decisions, kernel::Duration window) {
  Json r;
  r["tie_window"] = kernel::format_duration(window);
  r["decisions"] = decision_list(decisions);
  return r;
}

// Letters, digits, "-", "_" and "." are kept, the rest become "_"; a leading "." too, so
// that no name is "." or "..", or hidden (the CLI's temporary folders are).
std::string folder_name(const std::string& text) {
  std::string out;
  for (char c : text)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  if (!out.empty() && out[0] == '.') out[0] = '_';
  return out.empty() ? "scenario" : out;
}

std::string scenario_folder(const scenario::Scenario& s) {
  if (!s.name.empty()) return folder_name(s.name);
  std::string stem = s.file.substr(s.file.find_last_of('/') + 1);
  if (auto dot = stem.rfind(".json"); dot != std::string::npos) stem.erase(dot);
  return folder_name(stem);
}

std::string hash8(const std::string& text) {
  kernel::Digest d;
  d.add(text);
  return kernel::format_digest(d.value()).substr(0, 8);
}

}  // namespace

std::string decisions_json(const std::vector<kernel::Decision>& decisions,
                           kernel::Duration tie_window) {
  return replay_section(decisions, tie_window).dump(2) + "\n";
}

std::string repro_scenario(const scenario::Scenario& scenario, const Failure& failure,
                           const std::vector<kernel::Decision>& decisions) {
  Json doc = Json::parse(scenario.source, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object())
    throw std::invalid_argument(scenario.file + ": the scenario's JSON text is not at hand");
  std::string name = doc.contains("name") ? doc["name"].get<std::string>() : "";
  const std::string suffix = " (repro: " + failure.property + ")";
  // A repro shrunk again keeps one suffix.
  if (name.size() >= suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    name.erase(name.size() - suffix.size());
  }
  doc["name"] = (name.empty() ? scenario_folder(scenario) : name) + suffix;
  doc["description"] = "Fuzzing repro of " + scenario.file + ": " + failure.key() +
                       ". Found at run " + std::to_string(failure.run) + " (" + failure.strategy +
                       ", seed " + std::to_string(failure.seed) +
                       "); the decisions below replay it with no randomness. " + failure.message;
  doc.erase("$schema");
  // Run under --profile: the repro names the release it failed under.
  if (!scenario.profile_flag.empty()) doc["profile"] = scenario.profile_flag;
  // A property a scenario can name goes into expect.properties, so ccsim run checks it.
  if (scenario::find_property(failure.property) != nullptr) {
    Json& props = doc["expect"]["properties"];
    if (!props.is_array()) props = Json::array();
    bool listed = false;
    for (const Json& p : props)
      listed = listed || p == failure.property;
    if (!listed) props.push_back(failure.property);
  }
  doc["replay"] = replay_section(decisions, failure.tie_window);
  return doc.dump(2) + "\n";
}

std::vector<std::string> artifact_folders(const std::vector<const scenario::Scenario*>& scenarios) {
  std::vector<std::string> out;
  std::set<std::string> taken;
  for (const scenario::Scenario* s : scenarios) {
    const std::string base = scenario_folder(*s);
    std::string name = base;
    for (int k = 2; !taken.insert(name).second; ++k)
      name = base + "-" + std::to_string(k);
    out.push_back(name);
  }
  return out;
}

Artifact make_artifact(const scenario::Scenario& scenario, const Failure& failure,
                       const std::string& folder) {
  Artifact a;
  a.folder = folder + "/" + folder_name(failure.property) + "-" + hash8(failure.key());
  const std::vector<kernel::Decision>& replayed =
      failure.shrunk_done ? failure.shrunk : failure.decisions;
  Json info;
  info["scenario"] = scenario.file;
  add_failure_fields(info, failure);
  a.files.emplace_back("failure.json", info.dump(2) + "\n");
  a.files.emplace_back("decisions.json", decisions_json(failure.decisions, failure.tie_window));
  if (failure.shrunk_done)
    a.files.emplace_back("shrunk.json", decisions_json(failure.shrunk, failure.tie_window));
  a.files.emplace_back("repro.json", repro_scenario(scenario, failure, replayed));
  return a;
}

}  // namespace ccsim::explore
