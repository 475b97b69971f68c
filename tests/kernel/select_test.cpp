// Go-style select: which ready case wins, and how that choice is a logged decision.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/select.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/time.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim::kernel;

namespace {

struct SeededWorld {
  SeededDecisionSource source{3};
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

struct ReplayWorld {
  explicit ReplayWorld(const std::vector<Decision>& recorded) : source(recorded) {}
  ReplayDecisionSource source;
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

// Remembers every resolution and when it happened.
struct Chosen {
  std::vector<std::size_t> cases;
  std::vector<Time> times;

  Select::OnChosen callback(Simulation& sim) {
    return [this, &sim](std::size_t c) {
      cases.push_back(c);
      times.push_back(sim.now());
    };
  }
};

Time ns(std::int64_t n) {
  return Time::from_ns(n);
}

}  // namespace

TEST_CASE("A select with one ready case resolves to that case without asking") {
  SeededWorld w;
  Chosen chosen;
  Select select(w.sim, "execute ch1/tx1", 3, chosen.callback(w.sim));
  w.sim.at(ns(5), [&] { select.ready(2); });

  CHECK_FALSE(select.resolved());
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(select.resolved());
  CHECK(chosen.cases == std::vector<std::size_t>{2});
  CHECK(chosen.times == std::vector<Time>{ns(5)});
  CHECK(w.decisions.log().empty());  // one candidate: nothing to decide
}

TEST_CASE("Two cases ready at the same instant resolve to the lowest index by default") {
  SeededWorld w;
  Chosen chosen;
  Select select(w.sim, "k", 3, chosen.callback(w.sim));
  // Readied in reverse index order, in two separate events at the same instant.
  w.sim.at(ns(5), [&] { select.ready(2); });
  w.sim.at(ns(5), [&] { select.ready(1); });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(chosen.cases == std::vector<std::size_t>{1});
  CHECK(chosen.times == std::vector<Time>{ns(5)});
}

TEST_CASE("A replayed answer of 1 for \"select <key>\" picks the second ready case") {
  const std::vector<Decision> recorded{Decision{DecisionKind::kSelect, "select k", 2, 1}};
  ReplayWorld w(recorded);
  Chosen chosen;
  Select select(w.sim, "k", 3, chosen.callback(w.sim));
  w.sim.at(ns(5), [&] {
    select.ready(2);
    select.ready(0);
  });

  CHECK(w.sim.run() == StopReason::kDrained);
  // Candidates are listed in declared order: {0, 2}; answer 1 is case 2.
  CHECK(chosen.cases == std::vector<std::size_t>{2});
}

TEST_CASE("A replayed answer for another key leaves the default choice") {
  const std::vector<Decision> recorded{Decision{DecisionKind::kSelect, "select other", 2, 1}};
  ReplayWorld w(recorded);
  Chosen chosen;
  Select select(w.sim, "k", 2, chosen.callback(w.sim));
  w.sim.at(ns(5), [&] {
    select.ready(1);
    select.ready(0);
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(chosen.cases == std::vector<std::size_t>{0});
}

TEST_CASE("The select decision is recorded in Decisions::log()") {
  SUBCASE("default source") {
    SeededWorld w;
    Chosen chosen;
    Select select(w.sim, "execute ch1/tx1", 2, chosen.callback(w.sim));
    w.sim.at(ns(5), [&] {
      select.ready(0);
      select.ready(1);
    });
    CHECK(w.sim.run() == StopReason::kDrained);
    REQUIRE(w.decisions.log().size() == 1);
    CHECK(w.decisions.log()[0] == Decision{DecisionKind::kSelect, "select execute ch1/tx1", 2, 0});
  }
  SUBCASE("replayed answer") {
    const std::vector<Decision> recorded{
        Decision{DecisionKind::kSelect, "select execute ch1/tx1", 3, 2}};
    ReplayWorld w(recorded);
    Chosen chosen;
    Select select(w.sim, "execute ch1/tx1", 4, chosen.callback(w.sim));
    w.sim.at(ns(5), [&] {
      select.ready(3);
      select.ready(1);
      select.ready(0);
    });
    CHECK(w.sim.run() == StopReason::kDrained);
    CHECK(chosen.cases == std::vector<std::size_t>{3});
    REQUIRE(w.decisions.log().size() == 1);
    CHECK(w.decisions.log()[0] == recorded[0]);
  }
}

namespace {
// Three selects keyed "k" in turn, at 10, 20 and 30ns, each with both of its two cases ready.
Chosen three_selects(ReplayWorld& w) {
  Chosen chosen;
  std::vector<std::unique_ptr<Select>> selects;
  for (int round = 0; round < 3; ++round) {
    selects.push_back(std::make_unique<Select>(w.sim, "k", 2, chosen.callback(w.sim)));
    Select* s = selects.back().get();
    w.sim.at(ns(10 * (round + 1)), [s] {
      s->ready(0);
      s->ready(1);
    });
  }
  CHECK(w.sim.run() == StopReason::kDrained);
  return chosen;
}
}  // namespace

TEST_CASE("Replayed select answers are matched by occurrence of the key, and clamped") {
  // First question for "select k" (occurrence 0) gets 1; the second (occurrence 1) gets 7,
  // clamped to range-1 = 1; a third is not answered and falls back to 0.
  const std::vector<Decision> recorded{Decision{DecisionKind::kSelect, "select k", 2, 1, 0},
                                       Decision{DecisionKind::kSelect, "select k", 2, 7, 1}};
  ReplayWorld w(recorded);
  const Chosen chosen = three_selects(w);
  CHECK(chosen.cases == std::vector<std::size_t>{1, 1, 0});
  REQUIRE(w.decisions.log().size() == 3);
  CHECK(w.decisions.log()[1].value == 1);  // clamped, and logged as clamped
  CHECK(w.decisions.log()[2].value == 0);
  CHECK(w.decisions.log()[2].occurrence == 2);
}

TEST_CASE("Dropping a recorded answer restores the default at its occurrence only") {
  // Shrinking drops decisions: the answer for the second question must stay with it.
  const std::vector<Decision> recorded{Decision{DecisionKind::kSelect, "select k", 2, 1, 1}};
  ReplayWorld w(recorded);
  const Chosen chosen = three_selects(w);
  CHECK(chosen.cases == std::vector<std::size_t>{0, 1, 0});
}

TEST_CASE("A case made ready after the select resolved is ignored") {
  SeededWorld w;
  Chosen chosen;
  Select select(w.sim, "k", 2, chosen.callback(w.sim));
  w.sim.at(ns(5), [&] {
    select.ready(1);
    // Scheduled after the resolution task at the same instant: too late to compete.
    w.sim.spawn([&] { select.ready(0); });
  });
  w.sim.at(ns(6), [&] { select.ready(0); });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(select.resolved());
  CHECK(chosen.cases == std::vector<std::size_t>{1});
  CHECK(chosen.times == std::vector<Time>{ns(5)});
  CHECK(w.decisions.log().empty());
}

TEST_CASE("Cases ready at different instants do not compete: the earlier one wins") {
  SeededWorld w;
  Chosen chosen;
  Select select(w.sim, "k", 2, chosen.callback(w.sim));
  w.sim.at(ns(5), [&] { select.ready(1); });
  w.sim.at(ns(6), [&] { select.ready(0); });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(chosen.cases == std::vector<std::size_t>{1});
  CHECK(w.decisions.log().empty());
}

TEST_CASE("A select may be destroyed from its own callback") {
  SeededWorld w;
  std::optional<std::size_t> got;
  std::unique_ptr<Select> select;
  select = std::make_unique<Select>(w.sim, "k", 2, [&](std::size_t c) {
    got = c;
    select.reset();
  });
  w.sim.at(ns(5), [&] {
    select->ready(0);
    select->ready(1);
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  REQUIRE(got.has_value());
  CHECK(*got == 0);
  CHECK(select == nullptr);
}

TEST_CASE("Destroying an unresolved select cancels its pending resolution") {
  SeededWorld w;
  bool called = false;
  auto select = std::make_unique<Select>(w.sim, "k", 2, [&](std::size_t) { called = true; });
  w.sim.at(ns(5), [&] {
    select->ready(0);
    select.reset();  // abandoned before the resolution task runs
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK_FALSE(called);
  CHECK(w.sim.events_run() == 1);
}

TEST_CASE("prefer() reorders the default: the first ready case in preference order wins") {
  SeededWorld w;
  Chosen chosen;
  Select select(w.sim, "k", 3, chosen.callback(w.sim));
  select.prefer({2, 0});  // case 1 left out: it follows in declared order
  w.sim.at(ns(5), [&] {
    select.ready(0);
    select.ready(1);
    select.ready(2);
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(chosen.cases == std::vector<std::size_t>{2});
  // Only 0 and 1 ready: 0 is preferred to 1 (0 is in the list, 1 is not).
  SeededWorld v;
  Chosen second;
  Select other(v.sim, "k", 3, second.callback(v.sim));
  other.prefer({2, 0});
  v.sim.at(ns(5), [&] {
    other.ready(1);
    other.ready(0);
  });
  CHECK(v.sim.run() == StopReason::kDrained);
  CHECK(second.cases == std::vector<std::size_t>{0});
}

TEST_CASE("With a preference, a replayed answer indexes the ready cases in preference order") {
  const std::vector<Decision> recorded{Decision{DecisionKind::kSelect, "select k", 3, 1}};
  ReplayWorld w(recorded);
  Chosen chosen;
  Select select(w.sim, "k", 3, chosen.callback(w.sim));
  select.prefer({2, 1, 0});
  w.sim.at(ns(5), [&] {
    select.ready(0);
    select.ready(1);
    select.ready(2);
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  // Candidates {2, 1, 0}: answer 1 is case 1; answer 2 would be case 0.
  CHECK(chosen.cases == std::vector<std::size_t>{1});
}
