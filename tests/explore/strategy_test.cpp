// Seeds per run, shards, strategy plans and the decision sources they make.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "ccsim/explore/seeds.hpp"
#include "ccsim/explore/strategy.hpp"
#include "ccsim/kernel/decision_source.hpp"

using namespace ccsim;
using explore::StrategyKind;

TEST_CASE("run seeds: a pure function of (campaign seed, index), distinct across both") {
  CHECK(explore::run_seed(1, 0) == explore::run_seed(1, 0));
  std::set<std::uint64_t> seen;
  for (std::uint64_t campaign : {0ULL, 1ULL, 2ULL}) {
    for (std::uint64_t i = 0; i < 1000; ++i)
      seen.insert(explore::run_seed(campaign, i));
  }
  CHECK(seen.size() == 3000);
}

TEST_CASE("shards: K/N takes i % N == K-1, and the shards of a campaign cover it once") {
  std::string error;
  const auto s = explore::parse_shard("2/3", error);
  REQUIRE(s);
  CHECK(s->index == 1);
  CHECK(s->count == 3);
  CHECK(s->spelling() == "2/3");
  std::vector<int> covered(100, 0);
  for (std::uint64_t k = 0; k < 3; ++k) {
    const explore::Shard shard{k, 3};
    for (std::uint64_t n = 0; n < shard.size(100); ++n) {
      CHECK(shard.contains(shard.run(n)));
      ++covered.at(shard.run(n));
    }
  }
  CHECK(covered == std::vector<int>(100, 1));
  CHECK(explore::Shard{2, 3}.size(2) == 0);
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "", "1/3x", "-1/3"}) {
    CAPTURE(bad);
    CHECK_FALSE(explore::parse_shard(bad, error));
    CHECK(error.find("expected K/N with 1 <= K <= N") != std::string::npos);
  }
}

TEST_CASE("strategy plans: the portfolio mixes all three, lists take one slot each") {
  const explore::StrategyPlan p = explore::portfolio();
  CHECK(p.name == "portfolio");
  REQUIRE(p.slots.size() == 10);
  std::set<std::string> names;
  for (const auto& s : p.slots)
    names.insert(s.name());
  CHECK(names == std::set<std::string>{"random", "pct:2", "pct:3", "tie-window:1ms"});
  CHECK(explore::parse_plan("portfolio").slots == p.slots);

  const auto plan = explore::parse_plan("random,pct:5,tie-window:250us,pct,tie-window");
  REQUIRE(plan.slots.size() == 5);
  CHECK(plan.slots[0].kind == StrategyKind::kRandom);
  CHECK(plan.slots[1].kind == StrategyKind::kPct);
  CHECK(plan.slots[1].depth == 5);
  CHECK(plan.slots[2].name() == "tie-window:250us");
  CHECK(plan.slots[3].depth == 3);
  CHECK(plan.slots[4].window == explore::kDefaultTieWindow);
  CHECK(plan.for_run(6).name() == "pct:5");
}

TEST_CASE("strategy plans: bad text is refused with one line naming it") {
  for (const char* bad :
       {"rand", "pct:0", "pct:65", "pct:x", "tie-window:soon", "random:1", "", "random,"}) {
    CAPTURE(bad);
    try {
      explore::parse_plan(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      CHECK(what.find("bad strategy") == 0);
      CHECK(what.find("expected portfolio, random, pct") != std::string::npos);
    }
  }
}

TEST_CASE("a run's ordinal counts the earlier runs of the same strategy, over its slots") {
  const explore::StrategyPlan p = explore::portfolio();
  std::map<std::string, std::uint64_t> seen;
  for (std::uint64_t i = 0; i < 100; ++i) {
    const std::string name = p.for_run(i).name();
    CHECK(p.ordinal(i) == seen[name]++);
  }
}

namespace {
std::vector<std::uint64_t> answers(kernel::DecisionSource& s) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < 20; ++i)
    out.push_back(s.choose(kernel::DecisionKind::kLatency, "", 1000));
  const kernel::TieCandidate c[3] = {
      {kernel::Time::from_ns(1), 1}, {kernel::Time::from_ns(1), 2}, {kernel::Time::from_ns(1), 3}};
  for (int i = 0; i < 20; ++i)
    out.push_back(s.choose_tie("", c));
  return out;
}
}  // namespace

TEST_CASE("sources: the same seed answers the same, random explores, reads no keys") {
  const explore::Probe probe{kernel::Duration(), {2, 3, 2}};
  for (const char* name : {"random", "pct:3", "tie-window:1ms"}) {
    CAPTURE(name);
    const explore::Strategy st = explore::parse_plan(name).slots[0];
    auto a = explore::make_source(st, 42, 5, probe);
    auto b = explore::make_source(st, 42, 5, probe);
    CHECK(answers(*a) == answers(*b));
    CHECK(a->explores_ties());
    CHECK_FALSE(a->reads_keys());
    CHECK(a->tie_window() == st.tie_window());
  }
  auto r1 = explore::make_source(explore::parse_plan("random").slots[0], 1, 0, probe);
  auto r2 = explore::make_source(explore::parse_plan("random").slots[0], 2, 0, probe);
  CHECK(answers(*r1) != answers(*r2));
}

TEST_CASE("pct: a tie runs the highest-priority chain, the same one while nothing changes") {
  // Depth 1: no change points, so one chain wins every tie it is in.
  const explore::Strategy st{StrategyKind::kPct, 1, {}};
  auto s = explore::make_source(st, 7, 0, explore::Probe{});
  const kernel::TieCandidate ab[2] = {{kernel::Time::from_ns(1), 10},
                                      {kernel::Time::from_ns(1), 20}};
  const kernel::TieCandidate ba[2] = {{kernel::Time::from_ns(1), 20},
                                      {kernel::Time::from_ns(1), 10}};
  const std::uint64_t first = s->choose_tie("", ab);
  const std::uint64_t winner = ab[first].chain;
  for (int i = 0; i < 10; ++i) {
    CHECK(ab[s->choose_tie("", ab)].chain == winner);
    CHECK(ba[s->choose_tie("", ba)].chain == winner);
  }
}

TEST_CASE("tie-window: ordinals first enumerate every single deviation of the probe run") {
  // Probe: three ties with 2, 3 and 2 candidates: 1 + 2 + 1 single deviations.
  const explore::Probe probe{kernel::Duration::milliseconds(1), {2, 3, 2}};
  const explore::Strategy st{StrategyKind::kTieWindow, 3, kernel::Duration::milliseconds(1)};
  const kernel::TieCandidate two[2] = {{kernel::Time::from_ns(1), 1},
                                       {kernel::Time::from_ns(1), 2}};
  const kernel::TieCandidate three[3] = {
      {kernel::Time::from_ns(1), 1}, {kernel::Time::from_ns(1), 2}, {kernel::Time::from_ns(1), 3}};
  std::vector<std::vector<std::uint64_t>> runs;
  for (std::uint64_t ordinal = 0; ordinal < 4; ++ordinal) {
    auto s = explore::make_source(st, 99, ordinal, probe);
    runs.push_back({s->choose_tie("", two), s->choose_tie("", three), s->choose_tie("", two)});
    // Latencies and selects keep the fixed rule.
    CHECK(s->choose(kernel::DecisionKind::kLatency, "", 100) == 0);
    CHECK(s->choose(kernel::DecisionKind::kSelect, "", 2) == 0);
  }
  CHECK(runs ==
        std::vector<std::vector<std::uint64_t>>{{1, 0, 0}, {0, 1, 0}, {0, 2, 0}, {0, 0, 1}});
}
