#include "ccsim/explore/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ccsim/kernel/rng.hpp"
#include "ccsim/report/html.hpp"
#include "failure_fields.hpp"

namespace ccsim::explore {

using Json = nlohmann::ordered_json;

void add_failure_fields(Json& j, const Failure& f) {
  j["property"] = f.property;
  j["signature"] = f.signature;
  j["message"] = f.message;
  j["run"] = f.run;
  j["seed"] = kernel::seed_text(f.seed);
  j["strategy"] = f.strategy;
  j["tie_window"] = kernel::format_duration(f.tie_window);
  j["decisions"] = f.decisions_size;
  j["shrunk"] = f.shrunk_done ? Json(f.shrunk_size) : Json(nullptr);
}

namespace {

// 2: scenario_sha256 and runs_fingerprint per scenario. 3: seeds as decimal strings (format 2
// reports, with seeds as numbers, are still read).
constexpr int kFormat = 3;
constexpr int kOldestReadable = 2;

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
  j["seed"] = kernel::seed_text(report.seed);
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
    sj["scenario_sha256"] = s.scenario_sha256;
    sj["runs_fingerprint"] = s.runs_fingerprint;
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
                                    {"seed", kernel::seed_text(d.seed)},
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

namespace {

// Reading a report strictly: a count is a JSON integer from 0 to 2^64 - 1 (nlohmann's get<>
// would convert 1e30 or -1 silently), named by its place when it is not.
struct ReportReader {
  const std::string& file;

  [[noreturn]] void bad(const std::string& why) const {
    throw std::invalid_argument(file + ": " + why);
  }
  const Json& at(const Json& j, const char* key, const std::string& where) const {
    if (!j.is_object() || !j.contains(key)) bad(where + ": missing \"" + key + "\"");
    return j[key];
  }
  std::uint64_t count(const Json& j, const std::string& where) const {
    if (!j.is_number_unsigned())
      bad(where + ": expected an integer from 0 to 18446744073709551615, got " + j.dump());
    return j.get<std::uint64_t>();
  }
  std::uint64_t count(const Json& j, const char* key, const std::string& where) const {
    return count(at(j, key, where), where + "/" + key);
  }
  // A seed: its decimal digits in a string, as ccsim writes it, or (format 2) a JSON number.
  std::uint64_t seed(const Json& j, const char* key, const std::string& where) const {
    const Json& v = at(j, key, where);
    if (v.is_string()) {
      if (const auto s = kernel::parse_seed(v.get<std::string>())) return *s;
      bad(where + "/" + key + ": expected the decimal digits of a seed, got " + v.dump());
    }
    return count(v, where + "/" + key);
  }
  std::string text(const Json& j, const char* key, const std::string& where) const {
    const Json& v = at(j, key, where);
    if (!v.is_string()) bad(where + "/" + key + ": expected a string, got " + v.dump());
    return v.get<std::string>();
  }
  const Json& array(const Json& j, const char* key, const std::string& where) const {
    const Json& v = at(j, key, where);
    if (!v.is_array()) bad(where + "/" + key + ": expected an array");
    return v;
  }
  std::vector<std::string> strings(const Json& j, const char* key, const std::string& where) const {
    std::vector<std::string> out;
    const Json& a = array(j, key, where);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string())
        bad(where + "/" + key + "/" + std::to_string(i) + ": expected a string");
      out.push_back(a[i].get<std::string>());
    }
    return out;
  }
  std::map<std::string, std::uint64_t> counts(const Json& j, const char* key,
                                              const std::string& where) const {
    const Json& v = at(j, key, where);
    if (!v.is_object()) bad(where + "/" + key + ": expected an object");
    std::map<std::string, std::uint64_t> out;
    for (const auto& [k, n] : v.items())
      out[k] = count(n, where + "/" + key + "/" + k);
    return out;
  }
};

}  // namespace

CampaignReport parse_report(const std::string& text, const std::string& file) {
  const ReportReader in{file};
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ccsim_fuzz_report"))
    in.bad("not a ccsim fuzz report (no \"ccsim_fuzz_report\" key)");
  const Json& format = j["ccsim_fuzz_report"];
  if (!format.is_number_integer() || format.get<std::int64_t>() < kOldestReadable ||
      format.get<std::int64_t>() > kFormat) {
    in.bad("report format " + format.dump() + ", expected " + std::to_string(kOldestReadable) +
           " to " + std::to_string(kFormat) + " (written by another version of ccsim)");
  }
  CampaignReport r;
  r.seed = in.seed(j, "seed", "");
  r.runs = in.count(j, "runs", "");
  r.plan = in.text(j, "strategy", "");
  r.shards = in.strings(j, "shards", "");
  const Json& interrupted = in.at(j, "interrupted", "");
  if (!interrupted.is_boolean()) in.bad("/interrupted: expected true or false");
  r.interrupted = interrupted.get<bool>();
  if (j.contains("elapsed_seconds") && j["elapsed_seconds"].is_number())
    r.elapsed_seconds = std::max(0.0, j["elapsed_seconds"].get<double>());
  const Json& scenarios = in.array(j, "scenarios", "");
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const Json& sj = scenarios[i];
    const std::string at = "/scenarios/" + std::to_string(i);
    ScenarioReport s;
    s.file = in.text(sj, "file", at);
    s.name = in.text(sj, "name", at);
    s.scenario_sha256 = in.text(sj, "scenario_sha256", at);
    s.runs_fingerprint = in.text(sj, "runs_fingerprint", at);
    s.properties = in.strings(sj, "properties", at);
    s.runs = in.count(sj, "runs", at);
    s.events = in.count(sj, "events", at);
    s.runs_by_strategy = in.counts(sj, "runs_by_strategy", at);
    s.failed_runs_by_property = in.counts(sj, "failed_runs_by_property", at);
    const Json& failures = in.array(sj, "failures", at);
    for (std::size_t k = 0; k < failures.size(); ++k) {
      const Json& fj = failures[k];
      const std::string fat = at + "/failures/" + std::to_string(k);
      Failure f;
      f.property = in.text(fj, "property", fat);
      f.signature = in.text(fj, "signature", fat);
      f.message = in.text(fj, "message", fat);
      f.run = in.count(fj, "run", fat);
      f.seed = in.seed(fj, "seed", fat);
      f.strategy = in.text(fj, "strategy", fat);
      f.count = in.count(fj, "count", fat);
      f.artifact = in.text(fj, "artifact", fat);
      f.replay_command = in.text(fj, "replay", fat);
      f.decisions_size = in.count(fj, "decisions", fat);
      const Json& shrunk = in.at(fj, "shrunk", fat);
      f.shrunk_done = !shrunk.is_null();
      if (f.shrunk_done) f.shrunk_size = in.count(shrunk, fat + "/shrunk");
      s.failures.push_back(std::move(f));
    }
    s.failures_dropped = in.count(sj, "failures_dropped", at);
    const Json& coverage = in.at(sj, "coverage", at);
    for (const std::string& d : in.strings(coverage, "deliveries", at + "/coverage"))
      s.coverage.deliveries.insert(d);
    for (const std::string& t : in.strings(coverage, "transitions", at + "/coverage"))
      s.coverage.transitions.insert(t);
    s.determinism_checked = in.count(sj, "determinism_checked", at);
    if (sj.contains("determinism_mismatch")) {
      const Json& d = sj["determinism_mismatch"];
      const std::string dat = at + "/determinism_mismatch";
      s.determinism = DeterminismMismatch{in.count(d, "run", dat), in.seed(d, "seed", dat),
                                          in.count(d, "event", dat), in.text(d, "first", dat),
                                          in.text(d, "second", dat)};
    }
    if (!s.traces.from_hex(in.text(sj, "trace_sketch", at)))
      in.bad(at + "/trace_sketch: malformed (expected 8192 hex digits)");
    r.scenarios.push_back(std::move(s));
  }
  return r;
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
  return report::markup_escaped(s);
}
}  // namespace

namespace {
// One JUnit test case: its name, and its failure's message and text when it failed.
struct JunitCase {
  std::string name;
  std::optional<std::string> message;
  std::string body;
};

// A scenario's test cases: one per distinct failure (named by its property and signature, its
// message that failure's own), one per property that held, and one each for failures found but
// not kept and a determinism mismatch.
std::vector<JunitCase> junit_cases(const ScenarioReport& s) {
  std::vector<JunitCase> cases;
  std::set<std::string> failed;
  for (const Failure& f : s.failures) {
    failed.insert(f.property);
    std::string body = "first at run " + std::to_string(f.run) + " (" + f.strategy + ", seed " +
                       std::to_string(f.seed) + "), " + std::to_string(f.count) +
                       " failing runs\n" + f.message + "\n";
    if (!f.replay_command.empty()) body += "replay: " + f.replay_command + "\n";
    cases.push_back({f.key(), f.property + ": " + f.message, body});
  }
  for (const std::string& p : s.properties) {
    if (failed.count(p) == 0) cases.push_back({p, std::nullopt, ""});
  }
  if (s.failures_dropped > 0) {
    const std::string what = std::to_string(s.failures_dropped) +
                             " more distinct failures, found but not kept (the report keeps the "
                             "first ones)";
    cases.push_back({"more distinct failures", what, what + "\n"});
  }
  if (s.determinism) {
    const DeterminismMismatch& d = *s.determinism;
    const std::string line = "nondeterministic: run " + std::to_string(d.run) + " (seed " +
                             std::to_string(d.seed) + ") differs at trace event " +
                             std::to_string(d.event);
    cases.push_back({"determinism", line, line + ":\n  " + d.first + "\n  " + d.second + "\n"});
  }
  return cases;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}
}  // namespace

// JUnit XML as CI dashboards read it (Jenkins, GitLab, GitHub's test reporters): a test suite
// per scenario, a test case per distinct failure and per property that held, so two bugs show
// as two failures, each with its own message and replay command. Properties are checked
// together in every run, so a test case has no time of its own (time="0"); a suite's time is
// the campaign's share by runs.
void write_junit(std::ostream& out, const CampaignReport& report) {
  std::uint64_t all_runs = 0;
  for (const ScenarioReport& s : report.scenarios)
    all_runs += s.runs;
  std::vector<std::vector<JunitCase>> suites;
  std::size_t tests = 0;
  std::size_t failures = 0;
  for (const ScenarioReport& s : report.scenarios) {
    suites.push_back(junit_cases(s));
    for (const JunitCase& c : suites.back()) {
      ++tests;
      failures += c.message ? 1 : 0;
    }
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ccsim fuzz\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" time=\"" << seconds_text(report.elapsed_seconds) << "\">\n";
  for (std::size_t i = 0; i < report.scenarios.size(); ++i) {
    const ScenarioReport& s = report.scenarios[i];
    const std::vector<JunitCase>& cases = suites[i];
    std::size_t failed = 0;
    for (const JunitCase& c : cases)
      failed += c.message ? 1 : 0;
    const double share = all_runs == 0 ? 0.0
                                       : report.elapsed_seconds * static_cast<double>(s.runs) /
                                             static_cast<double>(all_runs);
    out << "  <testsuite name=\"" << xml(s.file) << "\" tests=\"" << cases.size()
        << "\" failures=\"" << failed << "\" errors=\"0\" time=\"" << seconds_text(share)
        << "\">\n";
    for (const JunitCase& c : cases) {
      out << "    <testcase classname=\"" << xml(s.file) << "\" name=\"" << xml(c.name)
          << "\" time=\"0\"";
      if (!c.message) {
        out << "/>\n";
        continue;
      }
      out << ">\n      <failure message=\"" << xml(*c.message) << "\" type=\"property\">"
          << xml(c.body) << "</failure>\n    </testcase>\n";
    }
    out << "    <system-out>"
        << xml(std::to_string(s.runs) + " runs, " + std::to_string(s.traces.estimate()) +
               " distinct traces")
        << "</system-out>\n";
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

void write_campaign_html(std::ostream& out, const CampaignReport& report,
                         const std::vector<ProgressSample>& progress) {
  report::write_html_page(out,
                          "ccsim fuzz: " + std::to_string(report.runs) + " runs, seed " +
                              kernel::seed_text(report.seed),
                          "campaign", [&](const std::function<void(std::string)>& put) {
                            put("{\"kind\":\"campaign\",\"report\":");
                            put(report_json(report, /*timing=*/true));
                            Json samples = Json::array();
                            for (const ProgressSample& p : progress)
                              samples.push_back(Json::array({p.seconds, p.runs}));
                            put(",\"progress\":" + samples.dump() + "}");
                          });
}

}  // namespace ccsim::explore
