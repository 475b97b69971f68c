// What the kernel gives exploration strategies: tie windows, task chains, the tie candidates,
// unlogged decisions, and the fingerprint trace with its observer.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim::kernel;

namespace {

Time ns(std::int64_t n) {
  return Time::from_ns(n);
}

// Explores ties within a window and always picks one fixed answer (clamped); remembers what
// it was offered.
class FixedTieSource final : public DecisionSource {
 public:
  FixedTieSource(Duration window, std::uint64_t pick) : window_(window), pick_(pick) {}
  std::uint64_t choose(DecisionKind, std::string_view, std::uint64_t) override { return 0; }
  std::uint64_t choose_tie(std::string_view key, std::span<const TieCandidate> c) override {
    keys.emplace_back(key);
    offered.emplace_back(c.begin(), c.end());
    return pick_ < c.size() ? pick_ : c.size() - 1;
  }
  bool explores_ties() const override { return true; }
  Duration tie_window() const override { return window_; }
  bool reads_keys() const override { return false; }

  std::vector<std::string> keys;
  std::vector<std::vector<TieCandidate>> offered;

 private:
  Duration window_;
  std::uint64_t pick_;
};

struct Ran {
  std::vector<std::string> names;
  std::vector<std::int64_t> at;
};

}  // namespace

TEST_CASE("A tie window lets a later event run first and holds the earlier one until then") {
  FixedTieSource source(Duration::nanoseconds(5), /*pick=*/1);
  Decisions decisions(source);
  Trace trace;
  Simulation sim(decisions, trace);
  Ran ran;
  sim.at(ns(10), [&] {
    ran.names.push_back("a");
    ran.at.push_back(sim.now().ns());
  });
  sim.at(ns(14), [&] {
    ran.names.push_back("b");
    ran.at.push_back(sim.now().ns());
  });
  sim.at(ns(30), [&] {
    ran.names.push_back("c");
    ran.at.push_back(sim.now().ns());
  });
  CHECK(sim.run() == StopReason::kDrained);
  // b (due 14, within 5ns of a's 10) ran first; a waited until 14. c is too far to tie.
  CHECK(ran.names == std::vector<std::string>{"b", "a", "c"});
  CHECK(ran.at == std::vector<std::int64_t>{14, 14, 30});
  REQUIRE(decisions.log().size() == 1);
  CHECK(decisions.log()[0].key == "tie (unlabelled) | (unlabelled)");
  CHECK(decisions.log()[0].range == 2);
  CHECK(decisions.log()[0].value == 1);
}

TEST_CASE("A tie window never holds an event back more than the window after it was due") {
  // Events every 3ns with a 5ns window; the source always takes the latest candidate. Were
  // the window measured from the head alone, a starved event could slide on forever.
  FixedTieSource source(Duration::nanoseconds(5), /*pick=*/99);
  Decisions decisions(source);
  Trace trace;
  Simulation sim(decisions, trace);
  std::vector<std::int64_t> lateness;
  for (int i = 0; i < 20; ++i) {
    const std::int64_t due = 3 * i;
    sim.at(ns(due), [&, due] { lateness.push_back(sim.now().ns() - due); });
  }
  CHECK(sim.run() == StopReason::kDrained);
  REQUIRE(lateness.size() == 20);
  for (std::int64_t late : lateness) {
    CHECK(late >= 0);
    CHECK(late <= 5);
  }
  CHECK(std::count_if(lateness.begin(), lateness.end(), [](std::int64_t l) { return l > 0; }) > 0);
}

TEST_CASE("Tie candidates carry their task chains: spawn starts one, at() continues it") {
  FixedTieSource source(Duration(), /*pick=*/0);
  Decisions decisions(source);
  Trace trace;
  Simulation sim(decisions, trace);
  sim.at(ns(1), [&] {
    sim.spawn([] {});              // a new chain
    sim.after(Duration(), [] {});  // the chain of this event
  });
  CHECK(sim.run() == StopReason::kDrained);
  REQUIRE(source.offered.size() == 1);
  const auto& c = source.offered[0];
  REQUIRE(c.size() == 2);
  CHECK(c[0].chain != c[1].chain);
  CHECK(c[1].chain < c[0].chain);  // the continuation keeps the older chain; spawn's is new
  CHECK(c[0].due == ns(1));
}

TEST_CASE("Unlogged decisions build no keys for a source that does not read them") {
  FixedTieSource source(Duration(), /*pick=*/1);
  Decisions decisions(source, /*keep_log=*/false);
  CHECK_FALSE(decisions.wants_keys());
  Trace trace;
  Simulation sim(decisions, trace);
  std::vector<std::string> ran;
  sim.at(ns(1), [&] { ran.push_back("first"); });
  sim.at(ns(1), [&] { ran.push_back("second"); });
  CHECK(sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"second", "first"});
  CHECK(decisions.log().empty());
  REQUIRE(source.keys.size() == 1);
  CHECK(source.keys[0].empty());
  // Logging or a key-reading source asks for keys.
  Decisions logged(source);
  CHECK(logged.wants_keys());
  ReplayDecisionSource replay({});
  Decisions replayed(replay, /*keep_log=*/false);
  CHECK(replayed.wants_keys());
}

TEST_CASE("The decision log numbers repeated keys by occurrence") {
  SeededDecisionSource source(3);
  Decisions decisions(source);
  decisions.choose(DecisionKind::kLatency, "latency a", 10);
  decisions.choose(DecisionKind::kLatency, "latency b", 10);
  decisions.choose(DecisionKind::kLatency, "latency a", 10);
  decisions.choose(DecisionKind::kLatency, "latency a", 1);  // one option: not asked
  REQUIRE(decisions.log().size() == 3);
  CHECK(decisions.log()[0].occurrence == 0);
  CHECK(decisions.log()[1].occurrence == 0);
  CHECK(decisions.log()[2].occurrence == 1);
}

namespace {
struct Collect final : TraceObserver {
  void on_event(const TraceEventView& e) override {
    seen.push_back(std::string(e.actor) + "/" + std::string(e.detail.text()));
  }
  std::vector<std::string> seen;
};

TraceEvent event(std::int64_t t, const std::string& actor, const std::string& detail) {
  TraceEvent e;
  e.t = Time::from_ns(t);
  e.actor = actor;
  e.detail = detail;
  return e;
}
}  // namespace

TEST_CASE("A fingerprint trace: observed, counted, not kept, no details asked, stable") {
  Trace t(TraceMode::kFingerprint);
  CHECK_FALSE(t.wants_details());
  t.set_details(true);
  CHECK(t.wants_details());
  Collect c;
  t.set_observer(&c);
  t.record(event(1, "peer", "x"));
  t.record(event(2, "shim", "y"));
  CHECK(c.seen == std::vector<std::string>{"peer/x", "shim/y"});
  CHECK(t.count() == 2);
  CHECK(t.events().empty());

  Trace same(TraceMode::kFingerprint);
  same.record(event(1, "peer", "x"));
  same.record(event(2, "shim", "y"));
  CHECK(same.digest() == t.digest());
  Trace other(TraceMode::kFingerprint);
  other.record(event(1, "peer", "x"));
  other.record(event(2, "shim", "z"));
  CHECK(other.digest() != t.digest());
  // Not the canonical digest: that one is what ccsim run prints.
  Trace canonical(TraceMode::kDigest);
  canonical.record(event(1, "peer", "x"));
  canonical.record(event(2, "shim", "y"));
  CHECK(canonical.digest() != t.digest());
  CHECK(canonical.wants_details());
}

TEST_CASE("A tie window at the end of time does not overflow") {
  FixedTieSource source(Duration::seconds(1), /*pick=*/1);
  Decisions decisions(source);
  Trace trace;
  Simulation sim(decisions, trace);
  std::vector<std::string> ran;
  sim.at(Time::from_ns(INT64_MAX - 5), [&] { ran.push_back("a"); });
  sim.at(Time::from_ns(INT64_MAX), [&] { ran.push_back("b"); });
  CHECK(sim.run() == StopReason::kDrained);
  CHECK(ran == std::vector<std::string>{"b", "a"});
}
