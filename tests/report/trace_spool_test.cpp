// The trace spool (report/trace_spool.hpp): a run that keeps no events in memory renders,
// from its spool, exactly what a run that kept them renders, for every bundled scenario and
// every renderer; and a spool that cannot be made is the user's error, exit 2.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../scenario/test_support.hpp"
#include "ccsim/report/jsonl_trace.hpp"
#include "ccsim/report/mermaid.hpp"
#include "ccsim/report/perfetto.hpp"
#include "ccsim/report/summary.hpp"
#include "ccsim/report/text_trace.hpp"
#include "ccsim/report/trace_spool.hpp"

using namespace ccsim;

namespace {

/// Every rendering of a run, its events read from `events`.
std::string render_all(const scenario::Scenario& s, const report::TraceSource& events,
                       const scenario::RunResult& r) {
  std::ostringstream out;
  report::write_jsonl(out, events, r);
  report::write_mermaid(out, events, r);
  report::write_perfetto(out, events, r);
  report::write_summary(out, s, events, r);
  report::write_text(out, s, events, r);
  return out.str();
}

}  // namespace

TEST_CASE("trace spool: every bundled scenario renders the same from its spool as from memory") {
  const auto files = testing::bundled_scenarios();
  REQUIRE(files.size() > 50);
  for (const std::string& file : files) {
    CAPTURE(file);
    const scenario::Scenario s = scenario::load_file(file);
    scenario::RunOptions kept;
    kept.seed = s.default_seed;
    const scenario::RunResult in_memory = scenario::run(s, kept);

    report::TraceSpool spool("/tmp");
    scenario::RunOptions spooled = kept;
    spooled.keep_trace = false;
    spooled.observer = &spool;
    const scenario::RunResult on_disk = scenario::run(s, spooled);
    CHECK(on_disk.trace.events().empty());  // nothing kept in memory
    CHECK(spool.events() == in_memory.trace.events().size());
    CHECK(on_disk.digest() == in_memory.digest());
    const std::string expected = render_all(s, report::KeptEvents(in_memory.trace), in_memory);
    CHECK(render_all(s, spool, on_disk) == expected);
    // A second reading gives the same again (two-pass renderers read twice).
    CHECK(render_all(s, spool, on_disk) == expected);
  }
}

TEST_CASE("trace spool: no place for the spool is a clear error, exit 2, no output file") {
  const std::string out = "/tmp/ccsim-spool-test-" + std::to_string(::getpid()) + ".jsonl";
  const auto r = testing::run_command("TMPDIR=/nonexistent-ccsim-dir " + std::string(CCSIM_BINARY) +
                                      " run --quiet --jsonl " + out + " " +
                                      testing::source_path("scenarios/invoke_basic.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("cannot make a temporary file for the trace in /nonexistent-ccsim-dir: No "
                      "such file or directory") != std::string::npos);
  CHECK(!std::filesystem::exists(out));
}

// The spool counts against limits.max_kept_bytes as kept events would: a long run with an
// output stops at the limit (exit 1, the limit named) and its output is whole up to there. A
// keepalive every second for 200,000 events makes about 15 MB of records; the limit is 1 MB.
TEST_CASE(
    "trace spool: what is spooled counts against max_kept_bytes, and the output stays whole") {
  const std::string dir = "/tmp/ccsim-spool-limit-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/long.json");
    f << R"({ "config": { "keepalive": "1s" },
      "limits": { "max_kept_bytes": 1000000, "max_events": 200000 },
      "chaincodes": [ { "name": "cc", "launch_at": "0", "functions": { "f": [] } } ],
      "proposals": [ { "chaincode": "cc", "function": "f", "at": "1000000s" } ] })";
  }
  const auto r = testing::run_command(std::string(CCSIM_BINARY) + " run --quiet --jsonl " + dir +
                                      "/out.jsonl " + dir + "/long.json");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("limit: run stopped at the kept-bytes limit (1000000 bytes") !=
        std::string::npos);
  const std::string jsonl = testing::read_file(dir + "/out.jsonl");
  CHECK(jsonl.size() > 1'000'000);  // the records on disk are smaller than their JSON
  CHECK(jsonl.find("{\"event\":\"end\"") != std::string::npos);
  // Without an output nothing is spooled, and only max_events ends the run.
  const auto quiet =
      testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " + dir + "/long.json");
  CHECK(quiet.output.find("event limit") != std::string::npos);
  std::filesystem::remove_all(dir);
}
