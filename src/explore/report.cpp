#include "ccsim/explore/report.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "failure_fields.hpp"

namespace ccsim::explore {

using Json = nlohmann::ordered_json;

void add_failure_fields(Json& j, const Failure& f) {
  j["property"] = f.property;
  j["signature"] = f.signature;
  j["message"] = f.message;
  j["run"] = f.run;
  j["seed"] = f.seed;
  j["strategy"] = f.strategy;
  j["tie_window"] = kernel::format_duration(f.tie_window);
  j["decisions"] = f.decisions_size;
  j["shrunk"] = f.shrunk_done ? Json(f.shrunk_size) : Json(nullptr);
}

namespace {

constexpr int kFormat = 1;

Json failure_json(const Failure& f) {
  Json j;
  add_failure_fields(j, f);
  j["count"] = f.count;
  j["artifact"] = f.artifact;
  j["replay"] = f.replay_command;
  return j;
}

std::string rate(double runs, double seconds) {
  if (seconds <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", runs / seconds);
  return buf;
}

}  // namespace

std::string report_json(const CampaignReport& report, bool timing) {
  Json j;
  j["ccsim_fuzz_report"] = kFormat;
  j["seed"] = report.seed;
  j["runs"] = report.runs;
  j["strategy"] = report.plan;
  j["shards"] = report.shards;
  j["interrupted"] = report.interrupted;
  if (timing) {
    j["elapsed_seconds"] = report.elapsed_seconds;
    std::uint64_t runs = 0;
    for (const ScenarioReport& s : report.scenarios)
      runs += s.runs;
    j["runs_per_second"] =
        report.elapsed_seconds > 0
            ? Json(std::llround(static_cast<double>(runs) / report.elapsed_seconds))
            : Json(nullptr);
  }
  j["failed"] = report.failed();
  Json scenarios = Json::array();
  for (const ScenarioReport& s : report.scenarios) {
    Json sj;
    sj["file"] = s.file;
    sj["name"] = s.name;
    sj["properties"] = s.properties;
    sj["runs"] = s.runs;
    sj["events"] = s.events;
    sj["runs_by_strategy"] = s.runs_by_strategy;
    sj["failed_runs_by_property"] = s.failed_runs_by_property;
    Json failures = Json::array();
    for (const Failure& f : s.failures)
      failures.push_back(failure_json(f));
    sj["failures"] = failures;
    sj["failures_dropped"] = s.failures_dropped;
    sj["distinct_traces"] = s.traces.estimate();
    sj["coverage"]["deliveries"] = s.coverage.deliveries;
    sj["coverage"]["transitions"] = s.coverage.transitions;
    sj["determinism_checked"] = s.determinism_checked;
    if (s.determinism) {
      const DeterminismMismatch& d = *s.determinism;
      sj["determinism_mismatch"] = {{"run", d.run},
                                    {"seed", d.seed},
                                    {"event", d.event},
                                    {"first", d.first},
                                    {"second", d.second}};
    }
    sj["trace_sketch"] = s.traces.to_hex();
    scenarios.push_back(std::move(sj));
  }
  j["scenarios"] = scenarios;
  return j.dump(2) + "\n";
}

CampaignReport parse_report(const std::string& text, const std::string& file) {
  const auto bad = [&](const std::string& why) -> CampaignReport {
    throw std::invalid_argument(file + ": " + why);
  };
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ccsim_fuzz_report"))
    return bad("not a ccsim fuzz report (no \"ccsim_fuzz_report\" key)");
  if (j["ccsim_fuzz_report"] != kFormat)
    return bad("report format " + j["ccsim_fuzz_report"].dump() + ", expected " +
               std::to_string(kFormat));
  try {
    CampaignReport r;
    r.seed = j.at("seed").get<std::uint64_t>();
    r.runs = j.at("runs").get<std::uint64_t>();
    r.plan = j.at("strategy").get<std::string>();
    r.shards = j.at("shards").get<std::vector<std::string>>();
    r.interrupted = j.at("interrupted").get<bool>();
    r.elapsed_seconds = j.value("elapsed_seconds", 0.0);
    for (const Json& sj : j.at("scenarios")) {
      ScenarioReport s;
      s.file = sj.at("file").get<std::string>();
      s.name = sj.at("name").get<std::string>();
      s.properties = sj.at("properties").get<std::vector<std::string>>();
      s.runs = sj.at("runs").get<std::uint64_t>();
      s.events = sj.at("events").get<std::uint64_t>();
      s.runs_by_strategy = sj.at("runs_by_strategy").get<std::map<std::string, std::uint64_t>>();
      s.failed_runs_by_property =
          sj.at("failed_runs_by_property").get<std::map<std::string, std::uint64_t>>();
      for (const Json& fj : sj.at("failures")) {
        Failure f;
        f.property = fj.at("property").get<std::string>();
        f.signature = fj.at("signature").get<std::string>();
        f.message = fj.at("message").get<std::string>();
        f.run = fj.at("run").get<std::uint64_t>();
        f.seed = fj.at("seed").get<std::uint64_t>();
        f.strategy = fj.at("strategy").get<std::string>();
        f.count = fj.at("count").get<std::uint64_t>();
        f.artifact = fj.at("artifact").get<std::string>();
        f.replay_command = fj.at("replay").get<std::string>();
        f.decisions_size = fj.at("decisions").get<std::uint64_t>();
        f.shrunk_done = !fj.at("shrunk").is_null();
        if (f.shrunk_done) f.shrunk_size = fj.at("shrunk").get<std::uint64_t>();
        s.failures.push_back(std::move(f));
      }
      s.failures_dropped = sj.at("failures_dropped").get<std::uint64_t>();
      s.coverage.deliveries = sj.at("coverage").at("deliveries").get<std::set<std::string>>();
      s.coverage.transitions = sj.at("coverage").at("transitions").get<std::set<std::string>>();
      s.determinism_checked = sj.at("determinism_checked").get<std::uint64_t>();
      if (sj.contains("determinism_mismatch")) {
        const Json& d = sj["determinism_mismatch"];
        s.determinism = DeterminismMismatch{
            d.at("run").get<std::uint64_t>(), d.at("seed").get<std::uint64_t>(),
            d.at("event").get<std::uint64_t>(), d.at("first").get<std::string>(),
            d.at("second").get<std::string>()};
      }
      if (!s.traces.from_hex(sj.at("trace_sketch").get<std::string>()))
        return bad("a scenario's trace_sketch is malformed");
      r.scenarios.push_back(std::move(s));
    }
    return r;
  } catch (const Json::exception& e) {
    return bad(std::string("malformed report: ") + e.what());
  }
}

void write_summary(std::ostream& out, const CampaignReport& report) {
  for (const ScenarioReport& s : report.scenarios) {
    out << s.file << ": " << s.runs << " runs (" << report.plan << ", seed " << report.seed;
    if (report.shards.size() == 1 && report.shards[0] != "1/1")
      out << ", shard " << report.shards[0];
    out << "), " << s.events << " events";
    if (report.elapsed_seconds > 0 && report.scenarios.size() == 1)
      out << ", " << rate(static_cast<double>(s.runs), report.elapsed_seconds) << " runs/s";
    out << ", " << s.traces.estimate() << " distinct traces\n";
    out << "  coverage: " << s.coverage.deliveries.size()
        << " (peer state, shim state, message) deliveries, " << s.coverage.transitions.size()
        << " handler transitions\n";
    out << "  properties:";
    for (const std::string& p : s.properties)
      out << " " << p;
    out << "\n";
    if (!s.failed_runs_by_property.empty()) {
      out << "  failed runs by property:";
      for (const auto& [property, runs] : s.failed_runs_by_property)
        out << " " << property << " " << runs;
      out << "\n";
    }
    for (const Failure& f : s.failures) {
      out << "  FAILED " << f.property << " in " << f.count << (f.count == 1 ? " run" : " runs")
          << ", first at run " << f.run << " (" << f.strategy << ", seed " << f.seed
          << "): " << f.message << "\n";
      if (f.shrunk_done) {
        out << "    decisions: " << f.decisions_size << ", shrunk to " << f.shrunk_size << "\n";
      }
      if (!f.replay_command.empty()) out << "    replay: " << f.replay_command << "\n";
    }
    if (s.failures_dropped > 0)
      out << "  FAILED in " << s.failures_dropped << " more distinct ways (not kept)\n";
    if (s.determinism) {
      const DeterminismMismatch& d = *s.determinism;
      out << "  NONDETERMINISTIC run " << d.run << " (seed " << d.seed
          << "): two reruns differ first at trace event " << d.event << ":\n    " << d.first
          << "\n    " << d.second << "\n";
    } else if (s.determinism_checked > 0) {
      out << "  determinism: " << s.determinism_checked << " runs rerun twice, identical\n";
    }
  }
  if (report.interrupted) out << "interrupted: the report covers the runs done so far\n";
  std::uint64_t runs = 0;
  for (const ScenarioReport& s : report.scenarios)
    runs += s.runs;
  if (report.scenarios.size() > 1 && report.elapsed_seconds > 0)
    out << "total: " << runs << " runs, " << rate(static_cast<double>(runs), report.elapsed_seconds)
        << " runs/s\n";
}

namespace {
std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}
}  // namespace

void write_junit(std::ostream& out, const CampaignReport& report) {
  std::size_t failures = 0;
  for (const ScenarioReport& s : report.scenarios)
    failures += s.failed() ? 1 : 0;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", report.elapsed_seconds);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ccsim fuzz\" tests=\"" << report.scenarios.size() << "\" failures=\""
      << failures << "\" time=\"" << seconds << "\">\n";
  out << "  <testsuite name=\"ccsim fuzz\" tests=\"" << report.scenarios.size() << "\" failures=\""
      << failures << "\" errors=\"0\" time=\"" << seconds << "\">\n";
  for (const ScenarioReport& s : report.scenarios) {
    out << "    <testcase classname=\"ccsim.fuzz\" name=\"" << xml(s.file) << "\">\n";
    if (s.failed()) {
      std::string first;
      std::string body;
      for (const Failure& f : s.failures) {
        const std::string line = f.property + ": " + f.message;
        if (first.empty()) first = line;
        body += line + "\n  first at run " + std::to_string(f.run) + " (" + f.strategy + ", seed " +
                std::to_string(f.seed) + "), " + std::to_string(f.count) + " failing runs\n";
        if (!f.replay_command.empty()) body += "  replay: " + f.replay_command + "\n";
      }
      if (s.determinism) {
        const std::string line = "nondeterministic run " + std::to_string(s.determinism->run) +
                                 " at trace event " + std::to_string(s.determinism->event);
        if (first.empty()) first = line;
        body += line + ":\n  " + s.determinism->first + "\n  " + s.determinism->second + "\n";
      }
      if (first.empty()) first = std::to_string(s.failures_dropped) + " distinct failures";
      out << "      <failure message=\"" << xml(first) << "\" type=\"property\">" << xml(body)
          << "</failure>\n";
    }
    out << "      <system-out>"
        << xml(std::to_string(s.runs) + " runs, " + std::to_string(s.traces.estimate()) +
               " distinct traces")
        << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace ccsim::explore
