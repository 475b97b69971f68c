// The trace spool (report/trace_spool.hpp): a run that keeps no events in memory renders,
// from its spool, exactly what a run that kept them renders, for every bundled scenario and
// every renderer; and a spool that cannot be made is the user's error, exit 2.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
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

    report::TraceSpool spool;
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
