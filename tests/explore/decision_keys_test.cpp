// Decision keys name what they decide (issue: "a repro survives unrelated code changes"): a
// tie is keyed by the labels of the events it chooses between, and every event the model
// schedules has a label.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../scenario/test_support.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/strategy.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

using namespace ccsim;
using kernel::Decision;
using kernel::DecisionKind;

TEST_CASE("decision keys: every event a bundled scenario schedules is labelled") {
  const std::vector<std::string> files = testing::bundled_scenarios();
  REQUIRE(files.size() > 50);
  std::size_t ties = 0;
  for (const std::string& file : files) {
    CAPTURE(file);
    const scenario::Scenario s = scenario::load_file(file);
    // Random orderings (same-instant ties) and tie-window jitter, logged so keys are built.
    for (const explore::Strategy& strategy : explore::parse_plan("random,tie-window").slots) {
      const explore::Probe probe = explore::probe(s, strategy.tie_window());
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        auto source = explore::make_source(strategy, seed, seed, probe);
        scenario::RunOptions o;
        o.source = source.get();
        o.keep_trace = false;
        const scenario::RunResult r = scenario::run(s, o);
        for (const Decision& d : r.decisions) {
          if (d.kind != DecisionKind::kTie) continue;
          ++ties;
          CAPTURE(d.key);
          CHECK(d.key.rfind("tie ", 0) == 0);
          CHECK(d.key.find("(unlabelled)") == std::string::npos);
        }
      }
    }
  }
  CHECK(ties > 1000);  // the check above saw real ties
}

TEST_CASE("decision keys: a shrunk repro still replays after every time in the scenario shifts") {
  // The 2.5 TRANSACTION-before-READY failure (docs/fabric-sources.md 6.4 #1), found and shrunk
  // under 1ms of latency; then the scenario changes so that every event of interest happens
  // at other instants (3ms of latency, tx2 at 3ms). Keyed by instant, the ties would no
  // longer match; keyed by their events, the same repro fails the same way.
  const std::string file = testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json");
  const scenario::Scenario original = scenario::load_file(file);
  explore::CampaignOptions o;
  o.runs = 300;
  o.plan = explore::parse_plan("random");
  const explore::CampaignReport report = explore::run_campaign({&original}, o);
  REQUIRE(!report.scenarios[0].failures.empty());
  const explore::Failure& f = report.scenarios[0].failures[0];
  REQUIRE(f.shrunk_done);
  REQUIRE(!f.shrunk.empty());

  nlohmann::json shifted = nlohmann::json::parse(testing::read_file(file));
  REQUIRE(shifted["network"]["latency"] == "1ms");
  REQUIRE(shifted["proposals"][1]["at"] == "1ms");
  shifted["network"]["latency"] = "3ms";
  shifted["proposals"][1]["at"] = "3ms";
  const scenario::Scenario moved = scenario::load_text(shifted.dump(), "shifted.json");

  CHECK_FALSE(explore::breaks_as(moved, explore::replay(moved, {}, f.tie_window), f.property,
                                 f.signature));  // its own order is fine
  CHECK(explore::breaks_as(moved, explore::replay(moved, f.shrunk, f.tie_window), f.property,
                           f.signature));
}
