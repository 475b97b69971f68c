// The determinism contract (docs/architecture.md, "Kernel"): a run is a pure function of (scenario,
// seed, replayed decisions).
#include <thread>

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace ccsim;

namespace {
// invoke_basic with a random delay model: every message's latency is a decision.
scenario::Scenario random_latency_scenario() {
  return scenario::load_text(R"({
    "network": { "latency": { "min": "100us", "max": "20ms" } },
    "chaincodes": [ { "name": "mycc", "functions": { "set_a": [
      { "get_state": "a" }, { "put_state": { "key": "a", "value": "1" } } ] } } ],
    "proposals": [
      { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "set_a" },
      { "txid": "tx2", "channel": "ch1", "chaincode": "mycc", "function": "set_a", "at": "1ms" } ]
  })",
                             "random_latency.json");
}
}  // namespace

TEST_CASE("the same scenario and seed run twice in one process give identical traces") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto a = scenario::run(s, {.seed = 7});
  const auto b = scenario::run(s, {.seed = 7});
  CHECK(a.digest() == b.digest());
  CHECK(testing::jsonl_of(a) == testing::jsonl_of(b));
  CHECK(a.trace.count() > 20);
}

TEST_CASE("runs on two threads at once give the digest of a run on one thread") {
  const auto s = random_latency_scenario();
  const std::uint64_t expected = scenario::run(s, {.seed = 11}).digest();
  std::uint64_t d1 = 0;
  std::uint64_t d2 = 0;
  std::thread t1([&] {
    for (int i = 0; i < 50; ++i)
      d1 = scenario::run(s, {.seed = 11}).digest();
  });
  std::thread t2([&] {
    for (int i = 0; i < 50; ++i)
      d2 = scenario::run(s, {.seed = 11}).digest();
  });
  t1.join();
  t2.join();
  CHECK(d1 == expected);
  CHECK(d2 == expected);
}

TEST_CASE("another seed under a random delay model gives a different trace") {
  const auto s = random_latency_scenario();
  const auto a = scenario::run(s, {.seed = 1});
  const auto b = scenario::run(s, {.seed = 2});
  CHECK(a.digest() != b.digest());
  CHECK(a.decisions != b.decisions);
  // Both are still correct runs: latency changes timing, not the protocol's outcome.
  REQUIRE(a.outcomes.size() == 2);
  REQUIRE(b.outcomes.size() == 2);
  CHECK(a.outcomes[0].status == 200);
  CHECK(b.outcomes[1].status == 200);
}

TEST_CASE("a fixed delay model asks no latency decisions, so every seed gives the same trace") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto a = scenario::run(s, {.seed = 1});
  const auto b = scenario::run(s, {.seed = 99});
  CHECK(a.decisions.empty());
  CHECK(a.digest() == b.digest());
}

TEST_CASE("replaying a run's decision log reproduces it exactly") {
  const auto s = random_latency_scenario();
  const auto original = scenario::run(s, {.seed = 5});
  REQUIRE(!original.decisions.empty());
  scenario::RunOptions replay;
  replay.seed = 5;
  replay.replay = original.decisions;
  const auto again = scenario::run(s, replay);
  CHECK(again.digest() == original.digest());
  CHECK(again.decisions == original.decisions);
}
