// Campaigns: what they find in the benign scenarios of scenarios/fuzz, independence from the
// number of jobs, shards that merge to the whole, and the determinism self-check.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "../scenario/test_support.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/report.hpp"

using namespace ccsim;

namespace {

scenario::Scenario fuzz_scenario(const std::string& name) {
  return scenario::load_file(testing::source_path("scenarios/fuzz/" + name + ".json"));
}

// The default budget of the proofs: small enough for CI under sanitizers.
constexpr std::uint64_t kBudget = 2000;

explore::CampaignReport fuzz(const scenario::Scenario& s, std::uint64_t runs, unsigned jobs = 1,
                             explore::Shard shard = {}) {
  explore::CampaignOptions o;
  o.runs = runs;
  o.jobs = jobs;
  o.shard = shard;
  return explore::run_campaign({&s}, o);
}

const explore::Failure* find(const explore::ScenarioReport& r, const std::string& property) {
  for (const explore::Failure& f : r.failures) {
    if (f.property == property) return &f;
  }
  return nullptr;
}

}  // namespace

// docs/fabric-sources.md 6.4 #1, 7.8 step 5: the handler is visible from Register, before READY.
TEST_CASE("proof 6.4 #1: from a benign scenario the fuzzer finds TRANSACTION before READY in 2.5") {
  const auto s = fuzz_scenario("cold_start_two_proposals.2.5");
  // Benign as written: its own run succeeds.
  REQUIRE(scenario::run(s, {.seed = s.default_seed}).failures.empty());
  const auto report = fuzz(s, kBudget);
  const explore::ScenarioReport& r = report.scenarios[0];
  CHECK(r.runs == kBudget);
  // The shim rejects tx2's TRANSACTION (docs/fabric-sources.md 3.4, 6.4 #7) in both states the
  // window spans: created (before REGISTERED) and established (between REGISTERED and READY,
  // two serialSends in HandleRegister, core/chaincode/handler.go 2.5).
  std::uint64_t counted = 0;
  for (const char* state : {"created", "established"}) {
    CAPTURE(state);
    const explore::Failure* f = nullptr;
    for (const explore::Failure& each : r.failures) {
      if (each.property == "no_handler_error" &&
          each.message.find(std::string("cannot handle message (TRANSACTION) while in state: ") +
                            state) != std::string::npos) {
        f = &each;
      }
    }
    REQUIRE(f != nullptr);
    CHECK(f->shrunk_done);
    CHECK(!f->shrunk.empty());
    counted += f->count;
  }
  CHECK(counted == r.failed_runs_by_property.at("no_handler_error"));
}

// docs/fabric-sources.md 4.5: 3.0 uses a registered handler only once it is ready.
TEST_CASE("proof 4.5: the same budget finds nothing in 3.0") {
  const auto s = fuzz_scenario("cold_start_two_proposals.3.0");
  const auto report = fuzz(s, kBudget);
  const explore::ScenarioReport& r = report.scenarios[0];
  CHECK(r.runs == kBudget);
  CHECK(r.failures.empty());
  CHECK(r.failed_runs_by_property.empty());
  CHECK_FALSE(report.failed());
  // And it explored: many orders of the events, every property checked.
  CHECK(r.traces.estimate() > 100);
  CHECK(r.properties == explore::all_campaign_properties());
}

// docs/fabric-sources.md 4.1, 7.8 (FAB-5391): a Launch while the placeholder waits for REGISTER.
TEST_CASE("proof 4.1: the fuzzer finds premature execution in 1.1") {
  const auto s = fuzz_scenario("cold_start_during_launch.1.1");
  REQUIRE(scenario::run(s, {.seed = s.default_seed}).failures.empty());
  const auto report = fuzz(s, 10000);
  // The scenario expects both proposals to succeed; the failure breaks its expect.
  const explore::Failure* f = find(report.scenarios[0], "expect");
  REQUIRE(f != nullptr);
  // Replayed from its shrunk decisions, tx2 is refused by the launch under way.
  scenario::RunOptions replay;
  replay.seed = f->seed;
  replay.replay = f->shrunk;
  replay.tie_window = f->tie_window;
  const scenario::RunResult result = scenario::run(s, replay);
  bool premature = false;
  for (const fabric::ProposalOutcome& o : result.outcomes) {
    premature = premature || (o.txid == "tx2" && o.error &&
                              o.error->starts_with("premature execution - chaincode (mycc:1.0) "));
  }
  CHECK(premature);
}

// docs/fabric-sources.md 4.4, 7.8: 1.3+ queue callers on the launch state.
TEST_CASE("proof 4.4: the same scenario finds nothing in 1.4") {
  const auto s = fuzz_scenario("cold_start_during_launch.1.4");
  REQUIRE(scenario::run(s, {.seed = s.default_seed}).failures.empty());
  const auto report = fuzz(s, kBudget);
  CHECK(report.scenarios[0].failures.empty());
  CHECK(report.scenarios[0].traces.estimate() > 100);
}

TEST_CASE("jobs independence: 1 job and 2 give the same report") {
  const auto s = fuzz_scenario("cold_start_two_proposals.2.5");
  const auto one = fuzz(s, 600, 1);
  const auto two = fuzz(s, 600, 2);
  REQUIRE(!one.scenarios[0].failures.empty());
  CHECK(explore::report_json(one, /*timing=*/false) == explore::report_json(two, false));
  // The failure records themselves, decisions included.
  REQUIRE(one.scenarios[0].failures.size() == two.scenarios[0].failures.size());
  for (std::size_t i = 0; i < one.scenarios[0].failures.size(); ++i) {
    CHECK(one.scenarios[0].failures[i].decisions == two.scenarios[0].failures[i].decisions);
    CHECK(one.scenarios[0].failures[i].shrunk == two.scenarios[0].failures[i].shrunk);
  }
}

TEST_CASE("shards: three shards merged equal the unsharded campaign") {
  const auto s = fuzz_scenario("cold_start_two_proposals.2.5");
  const auto whole = fuzz(s, 500, 2);
  std::vector<explore::CampaignReport> parts;
  for (std::uint64_t k = 0; k < 3; ++k) {
    // Through the report file format, as `ccsim merge` reads them.
    const auto part = fuzz(s, 500, 1, explore::Shard{k, 3});
    CHECK(part.scenarios[0].runs == explore::Shard{k, 3}.size(500));
    parts.push_back(explore::parse_report(explore::report_json(part), "part.json"));
  }
  const auto merged = explore::merge_reports(parts);
  CHECK(explore::report_json(merged, false) == explore::report_json(whole, false));
}

TEST_CASE("shards: merging refuses reports that are not one campaign's shards") {
  const auto s = fuzz_scenario("cold_start_two_proposals.3.0");
  const auto a = fuzz(s, 20, 1, explore::Shard{0, 2});
  const auto b = fuzz(s, 20, 1, explore::Shard{1, 2});
  CHECK_NOTHROW(explore::merge_reports({a, b}));
  CHECK_THROWS_WITH_AS(explore::merge_reports({a}), "shards missing: 2/2", std::invalid_argument);
  CHECK_THROWS_WITH_AS(explore::merge_reports({a, a}), "shard 1/2 appears twice",
                       std::invalid_argument);
  auto other = b;
  other.seed = 9;
  CHECK_THROWS_AS(explore::merge_reports({a, other}), std::invalid_argument);
  const auto whole = fuzz(s, 20, 1);
  CHECK_THROWS_AS(explore::merge_reports({a, whole}), std::invalid_argument);
}

TEST_CASE("shards: merging refuses shards of another build or another text of the scenario") {
  const auto s = fuzz_scenario("cold_start_two_proposals.2.5");
  const auto a = fuzz(s, 40, 1, explore::Shard{0, 2});
  // Another build: one whose handlers behave differently (a test-only mutant stands in for a
  // compiler that orders two draws the other way) explores other runs from the same seeds.
  explore::CampaignOptions o;
  o.runs = 40;
  o.shard = explore::Shard{1, 2};
  o.mutation = fabric::Mutation::kDoubleCompleted;
  const auto other_build = explore::run_campaign({&s}, o);
  CHECK(other_build.scenarios[0].runs_fingerprint != a.scenarios[0].runs_fingerprint);
  CHECK(other_build.scenarios[0].scenario_sha256 == a.scenarios[0].scenario_sha256);
  try {
    explore::merge_reports({a, other_build});
    FAIL("merged");
  } catch (const std::invalid_argument& e) {
    CAPTURE(e.what());
    CHECK(std::string(e.what()).find(
              "their runs of " + s.file + " differ (runs fingerprint " +
              a.scenarios[0].runs_fingerprint + " vs " + other_build.scenarios[0].runs_fingerprint +
              "): they were made by builds of ccsim that explore differently") !=
          std::string::npos);
  }
  // The same file name with other contents.
  auto edited_text = testing::read_file(s.file);
  edited_text.insert(edited_text.rfind('}'), ", \"seed\": 1");
  const auto edited = scenario::load_text(edited_text, s.file);
  const auto b = fuzz(edited, 40, 1, explore::Shard{1, 2});
  CHECK_THROWS_WITH_AS(
      explore::merge_reports({a, b}),
      ("the reports are not of one campaign: " + s.file + " has different contents (sha256 " +
       a.scenarios[0].scenario_sha256 + " vs " + b.scenarios[0].scenario_sha256 + ")")
          .c_str(),
      std::invalid_argument);
  // A shard that counts more runs than it takes.
  auto inflated = fuzz(s, 40, 1, explore::Shard{1, 2});
  inflated.scenarios[0].runs = 21;
  CHECK_THROWS_WITH_AS(
      explore::merge_reports({a, inflated}),
      ("a report counts 21 runs of " + s.file + ", more than its shards take (20)").c_str(),
      std::invalid_argument);
}

TEST_CASE("stop: a campaign told to stop keeps what it did and says it was interrupted") {
  const auto s = fuzz_scenario("cold_start_two_proposals.2.5");
  std::atomic<bool> stop{false};
  explore::CampaignOptions o;
  o.runs = 100000;
  o.batch = 16;
  o.stop = &stop;
  o.on_progress = [&](const explore::Progress& p) {
    if (p.done >= 64) stop = true;
  };
  const auto report = explore::run_campaign({&s}, o);
  CHECK(report.interrupted);
  CHECK(report.scenarios[0].runs >= 64);
  CHECK(report.scenarios[0].runs < 100000);
}

namespace {
// A deliberately nondeterministic runner: every other call, the run's first proposal is
// submitted 1ms late, as if some state leaked between runs.
struct Flaky {
  std::atomic<std::uint64_t> calls{0};
  scenario::RunResult operator()(const scenario::Scenario& s, const scenario::RunOptions& o) {
    if (calls++ % 2 == 0) return scenario::run(s, o);
    scenario::Scenario late = s;
    late.proposals[0].at = late.proposals[0].at + kernel::Duration::milliseconds(1);
    return scenario::run(late, o);
  }
};
}  // namespace

TEST_CASE("determinism self-check: reports the first differing trace event") {
  const auto s = fuzz_scenario("cold_start_two_proposals.3.0");
  explore::CampaignOptions o;
  o.runs = 20;
  o.check_determinism = 5;
  const auto clean = explore::run_campaign({&s}, o);
  CHECK(clean.scenarios[0].determinism_checked == 5);
  CHECK_FALSE(clean.scenarios[0].determinism);

  Flaky flaky;
  o.runner = [&](const scenario::Scenario& sc, const scenario::RunOptions& ro) {
    return flaky(sc, ro);
  };
  const auto report = explore::run_campaign({&s}, o);
  const auto& m = report.scenarios[0].determinism;
  REQUIRE(m);
  CHECK(report.failed());
  // Both reruns start with tx1's proposal note, one at 0s and one at 1ms: event 0 differs.
  CHECK(m->event == 0);
  CHECK(m->first != m->second);
  CHECK(m->first.find("endorser") != std::string::npos);
  CHECK(m->second.find("endorser") != std::string::npos);
  CHECK((m->first.find("0.001000000s") == 0 || m->second.find("0.001000000s") == 0));
}

TEST_CASE("properties are checkable on any RunResult, kept trace or not") {
  const auto s = fuzz_scenario("cold_start_two_proposals.2.5");
  const auto report = fuzz(s, 300);
  REQUIRE(!report.scenarios[0].failures.empty());
  const explore::Failure& f = report.scenarios[0].failures[0];
  const auto props = explore::all_campaign_properties();
  // Replayed without a trace (fingerprint, no details) ...
  const auto fast = explore::violations(s, explore::replay(s, f.shrunk, f.tie_window), props);
  // ... and with every event kept.
  scenario::RunOptions full;
  full.replay = f.shrunk;
  full.tie_window = f.tie_window;
  const auto with_trace = scenario::run(s, full);
  REQUIRE(!with_trace.trace.events().empty());
  const auto slow = explore::violations(s, with_trace, props);
  REQUIRE(!fast.empty());
  REQUIRE(slow.size() == fast.size());
  for (std::size_t i = 0; i < slow.size(); ++i)
    CHECK(slow[i].key() == fast[i].key());
  CHECK(slow[0].property == "no_handler_error");
}
