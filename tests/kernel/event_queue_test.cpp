// The event queue and the simulation loop: ordering, cancellation, run limits, spawn and tie
// exploration.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/event_queue.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/time.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim::kernel;

namespace {

// A simulation with the default (non-exploring) decision source.
struct World {
  SeededDecisionSource source{1};
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

// A simulation whose decisions come from a recorded list.
struct ReplayWorld {
  explicit ReplayWorld(const std::vector<Decision>& recorded, bool explores_ties)
      : source(recorded, explores_ties) {}
  ReplayDecisionSource source;
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

Time ns(std::int64_t n) {
  return Time::from_ns(n);
}

}  // namespace

TEST_CASE("EventQueue pops events in (time, sequence) order") {
  EventQueue q;
  const EventId a = q.push(ns(30), [] {});
  const EventId b = q.push(ns(10), [] {});
  const EventId c = q.push(ns(20), [] {});
  const EventId d = q.push(ns(10), [] {});
  const EventId e = q.push(ns(0), [] {});

  std::vector<std::uint64_t> seqs;
  std::vector<std::int64_t> times;
  while (q.prune()) {
    const Time next = q.next_time();
    EventQueue::Entry entry = q.pop();
    CHECK(entry.time == next);
    seqs.push_back(entry.seq);
    times.push_back(entry.time.ns());
  }
  CHECK(seqs == std::vector<std::uint64_t>{e.seq, b.seq, d.seq, c.seq, a.seq});
  CHECK(times == std::vector<std::int64_t>{0, 10, 10, 20, 30});
}

TEST_CASE("EventQueue pops events due at the same instant in scheduling order (FIFO)") {
  EventQueue q;
  std::vector<std::uint64_t> pushed;
  // Interleave other instants so the heap really has to reorder entries.
  for (int i = 0; i < 64; ++i) {
    pushed.push_back(q.push(ns(100), [] {}).seq);
    q.push(ns(i % 2 == 0 ? 50 : 150), [] {});
  }
  std::vector<std::uint64_t> at_100;
  while (q.prune()) {
    EventQueue::Entry entry = q.pop();
    if (entry.time == ns(100)) at_100.push_back(entry.seq);
  }
  CHECK(at_100 == pushed);
}

TEST_CASE("EventQueue::take_window holds the live events due together, in order") {
  EventQueue q;
  const EventId a = q.push(
      ns(5), [] {}, 1, "a");
  const EventId b = q.push(
      ns(5), [] {}, 2, "b");
  const EventId c = q.push(
      ns(5), [] {}, 3, "c");
  q.push(ns(6), [] {});
  q.cancel(b);

  REQUIRE(q.prune());
  std::vector<EventQueue::Held> held;
  q.take_window(Duration(), held);  // a zero window: the same instant only
  REQUIRE(held.size() == 2);
  CHECK(held[0].seq == a.seq);
  CHECK(held[1].seq == c.seq);
  CHECK(q.label(held[1]) == "c");
  CHECK(q.chain(held[1]) == 3);
  CHECK(q.size() == 1);
  CHECK_FALSE(q.is_pending(c));

  // c runs first; a goes back, held until c's instant.
  q.put_back(held[0], ns(5));
  CHECK(q.is_pending(a));
  CHECK(q.size() == 2);
  const EventQueue::Entry taken = q.take(held[1]);
  CHECK(taken.seq == c.seq);
  CHECK(taken.chain == 3);
  REQUIRE(q.prune());
  CHECK(q.pop().seq == a.seq);
}

TEST_CASE("EventQueue::take_window holds at most kMaxTied events, the earliest scheduled") {
  EventQueue q;
  std::vector<EventId> ids;
  for (int i = 0; i < 1000; ++i)
    ids.push_back(q.push(ns(7), [] {}));
  std::vector<EventQueue::Held> held;
  REQUIRE(q.prune());
  q.take_window(Duration::max(), held);
  REQUIRE(held.size() == EventQueue::kMaxTied);
  CHECK(held.front().seq == ids.front().seq);
  CHECK(held.back().seq == ids[EventQueue::kMaxTied - 1].seq);
  CHECK(q.size() == 1000 - EventQueue::kMaxTied);
}

TEST_CASE("Simulation runs events in time order and same-instant events in scheduling order") {
  World w;
  std::vector<std::string> ran;
  std::vector<std::int64_t> when;
  auto note = [&](std::string label) {
    return [&, label] {
      ran.push_back(label);
      when.push_back(w.sim.now().ns());
    };
  };
  w.sim.at(ns(300), note("c"));
  w.sim.at(ns(100), note("a1"));
  w.sim.at(ns(200), note("b"));
  w.sim.at(ns(100), note("a2"));
  w.sim.at(ns(100), note("a3"));

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"a1", "a2", "a3", "b", "c"});
  CHECK(when == std::vector<std::int64_t>{100, 100, 100, 200, 300});
  CHECK(w.sim.events_run() == 5);
}

TEST_CASE("Simulation::after schedules relative to the current instant") {
  World w;
  std::vector<std::int64_t> when;
  w.sim.at(ns(1000), [&] {
    w.sim.after(Duration::nanoseconds(250), [&] { when.push_back(w.sim.now().ns()); });
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(when == std::vector<std::int64_t>{1250});
}

TEST_CASE("Cancelling a pending event keeps it from running") {
  World w;
  std::vector<std::string> ran;
  w.sim.at(ns(1), [&] { ran.push_back("first"); });
  const EventId doomed = w.sim.at(ns(2), [&] { ran.push_back("doomed"); });
  w.sim.at(ns(3), [&] { ran.push_back("last"); });

  w.sim.cancel(doomed);
  CHECK_FALSE(w.sim.is_pending(doomed));
  CHECK(w.sim.pending() == 2);

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"first", "last"});
  CHECK(w.sim.events_run() == 2);
}

TEST_CASE("An event can cancel a later event due at the same instant") {
  World w;
  std::vector<std::string> ran;
  EventId second;
  w.sim.at(ns(7), [&] {
    ran.push_back("first");
    w.sim.cancel(second);
  });
  second = w.sim.at(ns(7), [&] { ran.push_back("second"); });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"first"});
}

TEST_CASE("Cancelling an event that already ran, or cancelling twice, is a no-op") {
  EventQueue q;
  const EventId ran = q.push(ns(1), [] {});
  const EventId live = q.push(ns(2), [] {});
  const EventId twice = q.push(ns(3), [] {});

  REQUIRE(q.prune());
  CHECK(q.pop().seq == ran.seq);
  CHECK(q.size() == 2);

  q.cancel(ran);  // already ran
  CHECK(q.size() == 2);
  CHECK(q.is_pending(live));
  CHECK(q.is_pending(twice));

  q.cancel(twice);
  CHECK(q.size() == 1);
  q.cancel(twice);  // already cancelled
  CHECK(q.size() == 1);
  CHECK(q.is_pending(live));

  q.cancel(EventId{});  // names nothing
  CHECK(q.size() == 1);

  REQUIRE(q.prune());
  CHECK(q.pop().seq == live.seq);
  CHECK(q.size() == 0);
  CHECK_FALSE(q.prune());
}

TEST_CASE("Cancelling from inside a run after the target ran does not disturb later events") {
  World w;
  std::vector<std::string> ran;
  const EventId early = w.sim.at(ns(1), [&] { ran.push_back("early"); });
  w.sim.at(ns(2), [&] {
    w.sim.cancel(early);
    w.sim.cancel(early);
    ran.push_back("canceller");
  });
  w.sim.at(ns(3), [&] { ran.push_back("late"); });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"early", "canceller", "late"});
  CHECK(w.sim.pending() == 0);
}

TEST_CASE("EventQueue::size counts only live events") {
  EventQueue q;
  CHECK(q.size() == 0);
  const EventId a = q.push(ns(1), [] {});
  const EventId b = q.push(ns(2), [] {});
  const EventId c = q.push(ns(3), [] {});
  CHECK(q.size() == 3);

  q.cancel(b);  // cancelled but still physically in the heap
  CHECK(q.size() == 2);

  REQUIRE(q.prune());
  CHECK(q.pop().seq == a.seq);
  CHECK(q.size() == 1);

  REQUIRE(q.prune());  // drops the cancelled b on the way to c
  CHECK(q.size() == 1);
  CHECK(q.pop().seq == c.seq);
  CHECK(q.size() == 0);
}

TEST_CASE("EventQueue::is_pending is true only between scheduling and running or cancelling") {
  EventQueue q;
  CHECK_FALSE(q.is_pending(EventId{}));
  CHECK_FALSE(q.is_pending(EventId{999}));  // never assigned

  const EventId a = q.push(ns(1), [] {});
  const EventId b = q.push(ns(2), [] {});
  CHECK(a.valid());
  CHECK(b.valid());
  CHECK_FALSE(a == b);
  CHECK(q.is_pending(a));
  CHECK(q.is_pending(b));

  q.cancel(b);
  CHECK_FALSE(q.is_pending(b));

  REQUIRE(q.prune());
  q.pop();
  CHECK_FALSE(q.is_pending(a));
}

TEST_CASE("Simulation::is_pending is false for the running event and true for later ones") {
  World w;
  EventId self;
  EventId later;
  bool self_pending = true;
  bool later_pending = false;
  self = w.sim.at(ns(1), [&] {
    self_pending = w.sim.is_pending(self);
    later_pending = w.sim.is_pending(later);
  });
  later = w.sim.at(ns(2), [] {});
  CHECK(w.sim.is_pending(self));
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK_FALSE(self_pending);
  CHECK(later_pending);
  CHECK_FALSE(w.sim.is_pending(later));
}

TEST_CASE("Simulation::run stops with kEventLimit after max_events events") {
  World w;
  std::vector<int> ran;
  for (int i = 0; i < 10; ++i)
    w.sim.at(ns(i + 1), [&ran, i] { ran.push_back(i); });

  RunLimits limits;
  limits.max_events = 4;
  CHECK(w.sim.run(limits) == StopReason::kEventLimit);
  CHECK(ran == std::vector<int>{0, 1, 2, 3});
  CHECK(w.sim.events_run() == 4);
  CHECK(w.sim.pending() == 6);
  CHECK(w.sim.now() == ns(4));

  // Without the limit the rest runs.
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(w.sim.pending() == 0);
}

TEST_CASE("Simulation::run with max_events = 0 runs nothing") {
  World w;
  bool ran = false;
  w.sim.at(ns(1), [&] { ran = true; });
  RunLimits limits;
  limits.max_events = 0;
  CHECK(w.sim.run(limits) == StopReason::kEventLimit);
  CHECK_FALSE(ran);
  CHECK(w.sim.pending() == 1);
}

TEST_CASE("Simulation::run stops with kHorizon, events after the horizon do not run") {
  World w;
  std::vector<std::int64_t> ran;
  for (std::int64_t t : {1000, 2000, 3000, 4000}) {
    w.sim.at(ns(t), [&ran, &w] { ran.push_back(w.sim.now().ns()); });
  }
  RunLimits limits;
  limits.horizon = ns(2000);  // an event due exactly at the horizon still runs
  CHECK(w.sim.run(limits) == StopReason::kHorizon);
  CHECK(ran == std::vector<std::int64_t>{1000, 2000});
  CHECK(w.sim.now() == ns(2000));
  CHECK(w.sim.pending() == 2);
}

TEST_CASE("Simulation::run drains the queue when no limit is reached") {
  World w;
  int count = 0;
  // A chain: each event schedules the next, 100 in all.
  std::function<void()> step = [&] {
    if (++count < 100) w.sim.after(Duration::microseconds(1), step);
  };
  w.sim.at(ns(0), step);
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(count == 100);
  CHECK(w.sim.events_run() == 100);
  CHECK(w.sim.pending() == 0);
  CHECK(w.sim.now() == Time::zero() + Duration::microseconds(99));

  World empty;
  CHECK(empty.sim.run() == StopReason::kDrained);
  CHECK(empty.sim.events_run() == 0);
}

TEST_CASE("Simulation::stop ends the run after the current event") {
  World w;
  std::vector<int> ran;
  w.sim.at(ns(1), [&] { ran.push_back(1); });
  w.sim.at(ns(2), [&] {
    ran.push_back(2);
    w.sim.stop();
  });
  w.sim.at(ns(3), [&] { ran.push_back(3); });
  CHECK(w.sim.run() == StopReason::kStopped);
  CHECK(ran == std::vector<int>{1, 2});
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<int>{1, 2, 3});
}

TEST_CASE("to_string names every stop reason") {
  CHECK(std::string(to_string(StopReason::kDrained)) == "drained");
  CHECK(std::string(to_string(StopReason::kEventLimit)) == "event limit");
  CHECK(std::string(to_string(StopReason::kHorizon)) == "time horizon");
  CHECK(std::string(to_string(StopReason::kStopped)) == "stopped");
}

TEST_CASE("Simulation::spawn runs at the current instant after events already due then") {
  World w;
  std::vector<std::string> ran;
  std::vector<std::int64_t> when;
  auto note = [&](const std::string& label) {
    ran.push_back(label);
    when.push_back(w.sim.now().ns());
  };
  w.sim.at(ns(5), [&] {
    note("a");
    w.sim.spawn([&] {
      note("spawned");
      w.sim.spawn([&] { note("spawned-by-spawned"); });
    });
  });
  w.sim.at(ns(5), [&] { note("b"); });
  w.sim.at(ns(5), [&] { note("c"); });
  w.sim.at(ns(6), [&] { note("later"); });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"a", "b", "c", "spawned", "spawned-by-spawned", "later"});
  CHECK(when == std::vector<std::int64_t>{5, 5, 5, 5, 5, 6});
}

TEST_CASE("A recorded tie decision makes the second of two same-instant events run first") {
  // Decisions names the tie by its candidates' labels, earliest scheduled first.
  const std::vector<Decision> recorded{Decision{DecisionKind::kTie, "tie first | second", 2, 1}};
  ReplayWorld w(recorded, /*explores_ties=*/true);
  std::vector<std::string> ran;
  w.sim.at(
      ns(5), [&] { ran.push_back("first-scheduled"); }, [] { return "first"; });
  w.sim.at(
      ns(5), [&] { ran.push_back("second-scheduled"); }, [] { return "second"; });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"second-scheduled", "first-scheduled"});
  REQUIRE(w.decisions.log().size() == 1);
  CHECK(w.decisions.log()[0] == recorded[0]);
}

TEST_CASE("Exploring ties without a recorded answer keeps scheduling order and logs the tie") {
  ReplayWorld w({}, /*explores_ties=*/true);
  std::vector<std::string> ran;
  w.sim.at(ns(5), [&] { ran.push_back("first-scheduled"); });
  w.sim.at(ns(5), [&] { ran.push_back("second-scheduled"); });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"first-scheduled", "second-scheduled"});
  REQUIRE(w.decisions.log().size() == 1);
  CHECK(w.decisions.log()[0] ==
        Decision{DecisionKind::kTie, "tie (unlabelled) | (unlabelled)", 2, 0});
}

namespace {
struct TieRun {
  std::vector<std::string> ran;  // the events' labels, in the order they ran
  std::string key;               // the tie decision's key
};
// Events labelled `labels`, all due at `due` and scheduled in that order, replayed against
// `recorded`.
TieRun run_tie(const std::vector<Decision>& recorded, std::int64_t due,
               const std::vector<std::string>& labels) {
  ReplayWorld w(recorded, /*explores_ties=*/true);
  TieRun out;
  for (const std::string& label : labels) {
    w.sim.at(
        ns(due), [&out, label] { out.ran.push_back(label); }, [label] { return label; });
  }
  CHECK(w.sim.run() == StopReason::kDrained);
  REQUIRE(w.decisions.log().size() == 1);
  out.key = w.decisions.log()[0].key;
  return out;
}
}  // namespace

TEST_CASE("A tie decision is keyed by what its events are, not by when they are due") {
  // The same two events tied at another instant, scheduled in the same order: the recorded
  // answer still applies (a repro survives a change that shifts every time).
  const std::vector<Decision> recorded{
      Decision{DecisionKind::kTie, "tie deliver REGISTER | keepalive tick", 2, 1}};
  for (const std::int64_t due : {5, 7000}) {
    const TieRun r = run_tie(recorded, due, {"deliver REGISTER", "keepalive tick"});
    CHECK(r.ran == std::vector<std::string>{"keepalive tick", "deliver REGISTER"});
    CHECK(r.key == "tie deliver REGISTER | keepalive tick");
  }
  // Scheduled the other way round, the candidates read differently: not this decision, so
  // the fixed rule (earliest scheduled) applies rather than a value meant for another event.
  const TieRun r = run_tie(recorded, 5, {"keepalive tick", "deliver REGISTER"});
  CHECK(r.ran == std::vector<std::string>{"keepalive tick", "deliver REGISTER"});
  CHECK(r.key == "tie keepalive tick | deliver REGISTER");
}

TEST_CASE("Labels are built only when a tie decision could be named by them") {
  // Ties not explored: no tie is ever named, so no label is built. Explored (and logged):
  // each of the three ways to schedule builds its event's label once.
  for (const bool explores_ties : {false, true}) {
    CAPTURE(explores_ties);
    int built = 0;
    auto label = [&built] {
      ++built;
      return std::string("x");
    };
    ReplayWorld w({}, explores_ties);
    CHECK(w.sim.wants_labels() == explores_ties);
    w.sim.at(
        ns(1), [] {}, label);
    w.sim.spawn([] {}, label);
    w.sim.after(
        Duration::nanoseconds(2), [] {}, label);
    CHECK(w.sim.run() == StopReason::kDrained);
    CHECK(built == (explores_ties ? 3 : 0));
  }
}

TEST_CASE("A source that does not explore ties is never asked about them") {
  const std::vector<Decision> recorded{
      Decision{DecisionKind::kTie, "tie (unlabelled) | (unlabelled)", 2, 1}};
  ReplayWorld w(recorded, /*explores_ties=*/false);
  std::vector<std::string> ran;
  w.sim.at(ns(5), [&] { ran.push_back("first-scheduled"); });
  w.sim.at(ns(5), [&] { ran.push_back("second-scheduled"); });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"first-scheduled", "second-scheduled"});
  CHECK(w.decisions.log().empty());
}

TEST_CASE("With ties explored, the chosen event can cancel the events it was tied with") {
  const std::vector<Decision> recorded{Decision{DecisionKind::kTie, "tie a | b | c", 3, 2}};
  ReplayWorld w(recorded, /*explores_ties=*/true);
  std::vector<std::string> ran;
  EventId a;
  EventId b;
  a = w.sim.at(
      ns(9), [&] { ran.push_back("a"); }, [] { return "a"; });
  b = w.sim.at(
      ns(9), [&] { ran.push_back("b"); }, [] { return "b"; });
  w.sim.at(
      ns(9),
      [&] {
        ran.push_back("c");
        w.sim.cancel(a);
      },
      [] { return "c"; });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"c", "b"});
  // After c ran and cancelled a, only b was left: no second tie to decide.
  CHECK(w.decisions.log().size() == 1);
  CHECK_FALSE(w.sim.is_pending(b));
}

TEST_CASE(
    "Cancelling an event lets go of what it captured at once, not when it reaches the front") {
  EventQueue q;
  auto held = std::make_shared<int>(7);
  const EventId timer = q.push(ns(30'000'000'000), [held] { (void)held; });  // a 30s timeout
  q.push(ns(10), [] {});
  CHECK(held.use_count() == 2);
  q.cancel(timer);
  CHECK(held.use_count() == 1);  // the finished transaction's state is not kept for 30s
  CHECK(q.size() == 1);
}

TEST_CASE("A heap of mostly cancelled events is swept, and the live ones still run in order") {
  // 400 events at pseudo-random times, three in four cancelled as they would be (timers of
  // finished transactions): what runs is every live event in (time, sequence) order.
  EventQueue q;
  std::vector<EventId> ids;
  std::vector<std::pair<std::int64_t, std::uint64_t>> live;  // (time, seq)
  std::vector<std::uint64_t> ran;
  std::uint64_t x = 12345;
  for (int i = 0; i < 400; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto t = static_cast<std::int64_t>((x >> 33) % 1000);
    ids.push_back(q.push(ns(t), [&ran, i] { ran.push_back(static_cast<std::uint64_t>(i)); }));
    if (i % 4 == 3) live.emplace_back(t, static_cast<std::uint64_t>(i));
  }
  for (int i = 0; i < 400; ++i) {
    if (i % 4 != 3) q.cancel(ids[static_cast<std::size_t>(i)]);
  }
  CHECK(q.size() == 100);
  std::sort(live.begin(), live.end());
  std::vector<std::uint64_t> expected;
  for (const auto& [t, i] : live)
    expected.push_back(i);
  while (q.prune())
    q.run(q.pop());
  CHECK(ran == expected);
  // Cancelled handles stay dead after their slots were reused.
  for (int i = 0; i < 400; ++i)
    CHECK_FALSE(q.is_pending(ids[static_cast<std::size_t>(i)]));
}
