// Simulated bidirectional streams: per-direction FIFO under random latency and under tie
// exploration, independence of the two directions, half-close and abort.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/rng.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/stream.hpp"
#include "ccsim/kernel/time.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim::kernel;

namespace {

using IntStream = Stream<int>;

// Records every message with its arrival time, and every close.
class Recorder final : public IntStream::Receiver {
 public:
  explicit Recorder(Simulation& sim) : sim_(&sim) {}

  void on_message(int msg) override {
    values.push_back(msg);
    times.push_back(sim_->now());
  }
  void on_closed(const StreamClosed& closed) override {
    closes.push_back(closed);
    close_times.push_back(sim_->now());
    // Whatever arrived before the close.
    messages_before_close.push_back(values.size());
  }

  std::vector<int> values;
  std::vector<Time> times;
  std::vector<StreamClosed> closes;
  std::vector<Time> close_times;
  std::vector<std::size_t> messages_before_close;

 private:
  Simulation* sim_;
};

// Answers every tie with the last candidate: the reverse of scheduling order.
class LastTieSource final : public DecisionSource {
 public:
  std::uint64_t choose(DecisionKind kind, std::string_view /*key*/, std::uint64_t range) override {
    return kind == DecisionKind::kTie ? range - 1 : 0;
  }
  bool explores_ties() const override { return true; }
};

struct World {
  SeededDecisionSource source{1};
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

struct TieWorld {
  LastTieSource source;
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

std::vector<int> iota(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i)
    v.push_back(i);
  return v;
}

bool non_decreasing(const std::vector<Time>& times) {
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] < times[i - 1]) return false;
  }
  return true;
}

constexpr int kMessages = 200;
constexpr std::int64_t kSendGapNs = 1000;        // a send every microsecond
constexpr std::int64_t kMaxLatencyNs = 5000000;  // latencies spread over 0..5ms

// Sends kMessages from A at 1us intervals with latencies drawn uniformly from [0, 5ms].
void send_with_random_latency(Simulation& sim, IntStream& stream) {
  for (int i = 0; i < kMessages; ++i) {
    sim.at(Time::from_ns(i * kSendGapNs), [&stream, i] { REQUIRE_FALSE(stream.send(End::kA, i)); });
  }
}

IntStream::LatencyFn random_latency(Rng& rng) {
  return [&rng](End, const int&) { return Duration::nanoseconds(rng.between(0, kMaxLatencyNs)); };
}

}  // namespace

TEST_CASE("Stream keeps FIFO order per direction under widely spread random latency") {
  World w;
  Rng rng(77);
  IntStream stream(w.sim, random_latency(rng));
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  send_with_random_latency(w.sim, stream);

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == iota(kMessages));
  CHECK(non_decreasing(b.times));

  // Each arrival is exactly max(send time + drawn latency, previous arrival): the FIFO clamp
  // delays a message only as much as needed. Replay the same draws to check.
  REQUIRE(b.times.size() == static_cast<std::size_t>(kMessages));
  Rng replay(77);
  Time previous = Time::zero();
  for (int i = 0; i < kMessages; ++i) {
    Time expected =
        Time::from_ns(i * kSendGapNs) + Duration::nanoseconds(replay.between(0, kMaxLatencyNs));
    if (expected < previous) expected = previous;
    CHECK_MESSAGE(b.times[static_cast<std::size_t>(i)] == expected, "message ", i);
    previous = expected;
  }
}

TEST_CASE("The random latency of the FIFO test would reorder messages without the FIFO clamp") {
  // Guards the test above: with fifo=false the same latencies must deliver out of order,
  // otherwise the FIFO test could not fail.
  World w;
  Rng rng(77);
  IntStream stream(w.sim, random_latency(rng), /*fifo=*/false);
  CHECK_FALSE(stream.fifo());
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  send_with_random_latency(w.sim, stream);

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values.size() == static_cast<std::size_t>(kMessages));
  CHECK(b.values != iota(kMessages));
  CHECK(non_decreasing(b.times));  // the simulation itself still runs in time order
}

TEST_CASE("The two directions of a stream are independent") {
  World w;
  // A->B is slow, B->A is fast: nothing orders the directions against each other.
  IntStream stream(w.sim, [](End from, const int&) {
    return from == End::kA ? Duration::milliseconds(10) : Duration::milliseconds(1);
  });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);

  w.sim.at(Time::zero(), [&] {
    CHECK_FALSE(stream.send(End::kA, 100));
    CHECK_FALSE(stream.send(End::kB, 200));
    CHECK_FALSE(stream.send(End::kB, 201));
    // A half-closes its own direction; B can still send.
    stream.close_send(End::kA);
    CHECK_FALSE(stream.can_send(End::kA));
    CHECK(stream.can_send(End::kB));
  });
  w.sim.at(Time::zero() + Duration::milliseconds(2),
           [&] { CHECK_FALSE(stream.send(End::kB, 202)); });

  CHECK(w.sim.run() == StopReason::kDrained);

  // B->A was not held back by the slow A->B message in flight.
  CHECK(a.values == std::vector<int>{200, 201, 202});
  CHECK(a.times == std::vector<Time>{Time::zero() + Duration::milliseconds(1),
                                     Time::zero() + Duration::milliseconds(1),
                                     Time::zero() + Duration::milliseconds(3)});
  CHECK(a.closes.empty());  // A's half-close says nothing to A's inbound direction

  CHECK(b.values == std::vector<int>{100});
  CHECK(b.times == std::vector<Time>{Time::zero() + Duration::milliseconds(10)});
  REQUIRE(b.closes.size() == 1);
  CHECK(b.closes[0].eof);
}

TEST_CASE("close_send gives the other end EOF after every message sent before it") {
  World w;
  // Messages take 5ms; the close itself is sent with zero latency and must still wait.
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(5); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);

  w.sim.at(Time::zero(), [&] {
    CHECK_FALSE(stream.send(End::kA, 1));
    CHECK_FALSE(stream.send(End::kA, 2));
    stream.close_send(End::kA);
    stream.close_send(End::kA);  // a second half-close is a no-op
  });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == std::vector<int>{1, 2});
  REQUIRE(b.closes.size() == 1);
  CHECK(b.closes[0].eof);
  CHECK(b.closes[0].error.empty());
  CHECK(b.messages_before_close[0] == 2);
  CHECK(b.close_times[0] == Time::zero() + Duration::milliseconds(5));
  CHECK(a.values.empty());
  CHECK(a.closes.empty());
  CHECK_FALSE(stream.aborted());
}

TEST_CASE("the close latency delays EOF beyond the last message") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  stream.set_close_latency([](End from) {
    return from == End::kA ? Duration::milliseconds(4) : Duration::milliseconds(9);
  });
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    CHECK_FALSE(stream.send(End::kA, 7));
    stream.close_send(End::kA);
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == std::vector<int>{7});
  REQUIRE(b.close_times.size() == 1);
  CHECK(b.close_times[0] == Time::zero() + Duration::milliseconds(4));
  CHECK(b.closes[0].eof);
}

TEST_CASE("EOF never overtakes a message that takes longer than the close latency") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(6); });
  stream.set_close_latency([](End) { return Duration::milliseconds(2); });
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    CHECK_FALSE(stream.send(End::kA, 7));
    stream.close_send(End::kA);
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == std::vector<int>{7});
  REQUIRE(b.close_times.size() == 1);
  CHECK(b.close_times[0] == Time::zero() + Duration::milliseconds(6));
}

TEST_CASE("abort drops in-flight messages and both ends get the error, not EOF") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(10); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);

  w.sim.at(Time::zero(), [&] {
    CHECK_FALSE(stream.send(End::kA, 1));
    CHECK_FALSE(stream.send(End::kA, 2));
    CHECK_FALSE(stream.send(End::kB, 3));
    stream.close_send(End::kA);
  });
  w.sim.at(Time::zero() + Duration::milliseconds(1), [&] {
    stream.abort("container exited");
    stream.abort("second reason is ignored");
  });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(stream.aborted());
  CHECK(a.values.empty());
  CHECK(b.values.empty());
  for (Recorder* r : {&a, &b}) {
    REQUIRE(r->closes.size() == 1);
    CHECK_FALSE(r->closes[0].eof);
    CHECK(r->closes[0].error == "container exited");
    CHECK(r->close_times[0] == Time::zero() + Duration::milliseconds(1));
  }
}

TEST_CASE("send after close_send fails with EOF and send after abort fails with the reason") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);

  CHECK(stream.can_send(End::kA));
  stream.close_send(End::kA);
  CHECK_FALSE(stream.can_send(End::kA));
  const std::optional<std::string> after_close = stream.send(End::kA, 1);
  REQUIRE(after_close.has_value());
  CHECK(*after_close == "EOF");
  CHECK_FALSE(stream.send(End::kB, 2).has_value());

  stream.abort("deadline exceeded");
  CHECK_FALSE(stream.can_send(End::kA));
  CHECK_FALSE(stream.can_send(End::kB));
  const std::optional<std::string> a_after_abort = stream.send(End::kA, 3);
  const std::optional<std::string> b_after_abort = stream.send(End::kB, 4);
  REQUIRE(a_after_abort.has_value());
  REQUIRE(b_after_abort.has_value());
  CHECK(*a_after_abort == "deadline exceeded");  // the abort wins over the half-close
  CHECK(*b_after_abort == "deadline exceeded");

  stream.close_send(End::kB);  // no-op on an aborted stream: no EOF for A
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(a.values.empty());
  CHECK(b.values.empty());
  REQUIRE(a.closes.size() == 1);
  REQUIRE(b.closes.size() == 1);
  CHECK_FALSE(a.closes[0].eof);
  CHECK_FALSE(b.closes[0].eof);
  CHECK(a.closes[0].error == "deadline exceeded");
  CHECK(b.closes[0].error == "deadline exceeded");
}

TEST_CASE("Receivers are called from scheduled events, never from inside send") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration(); });  // zero latency
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  CHECK_FALSE(stream.send(End::kA, 1));
  CHECK(b.values.empty());
  stream.abort("gone");
  CHECK(b.closes.empty());
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values.empty());  // dropped by the abort before its arrival event ran
  REQUIRE(b.closes.size() == 1);
  CHECK(b.closes[0].error == "gone");
}

TEST_CASE("The tie source used below really reverses same-instant events") {
  // Guards the FIFO-under-ties tests: without the FIFO machinery (fifo=false), a source that
  // always picks the last tied event delivers same-instant messages in reverse.
  TieWorld w;
  IntStream stream(
      w.sim, [](End, const int&) { return Duration::milliseconds(1); },
      /*fifo=*/false);
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    for (int i = 0; i < 5; ++i)
      REQUIRE_FALSE(stream.send(End::kA, i));
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == std::vector<int>{4, 3, 2, 1, 0});
}

TEST_CASE("Stream keeps FIFO order when same-instant arrivals run in reverse (tie exploration)") {
  TieWorld w;
  // Every message arrives at the same instant, so all arrival events are tied.
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    for (int i = 0; i < 20; ++i)
      REQUIRE_FALSE(stream.send(End::kA, i));
    stream.close_send(End::kA);
  });

  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == iota(20));
  REQUIRE(b.closes.size() == 1);
  CHECK(b.closes[0].eof);
  CHECK(b.messages_before_close[0] == 20);

  // Ties really were explored, and answered with the last candidate.
  std::size_t ties = 0;
  for (const Decision& d : w.decisions.log()) {
    if (d.kind != DecisionKind::kTie) continue;
    ++ties;
    CHECK(d.value == d.range - 1);
  }
  CHECK(ties > 0);
}

TEST_CASE("Stream keeps FIFO order under random latency with ties explored") {
  TieWorld w;
  Rng rng(4242);
  // Coarse latencies (whole milliseconds) plus the FIFO clamp produce many tied arrivals.
  IntStream stream(w.sim,
                   [&rng](End, const int&) { return Duration::milliseconds(rng.between(0, 20)); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);
  // Ten sends share each instant, so the send events themselves are tied and run in reverse:
  // FIFO is about the order send() was called in, which is recorded here.
  std::vector<int> sent_by_a;
  std::vector<int> sent_by_b;
  for (int i = 0; i < kMessages; ++i) {
    w.sim.at(Time::zero() + Duration::microseconds(100) * (i / 10), [&, i] {
      REQUIRE_FALSE(stream.send(End::kA, i));
      sent_by_a.push_back(i);
      REQUIRE_FALSE(stream.send(End::kB, 1000 + i));
      sent_by_b.push_back(1000 + i);
    });
  }

  CHECK(w.sim.run() == StopReason::kDrained);
  REQUIRE(sent_by_a.size() == static_cast<std::size_t>(kMessages));
  CHECK(sent_by_a != iota(kMessages));  // the tie source did reorder the sends
  CHECK(b.values == sent_by_a);
  CHECK(a.values == sent_by_b);
  CHECK(non_decreasing(a.times));
  CHECK(non_decreasing(b.times));
  CHECK(w.decisions.log().size() > 10);
}

TEST_CASE("In the unsafe non-FIFO mode EOF still arrives after every message sent before it") {
  World w;
  IntStream stream(
      w.sim, [](End, const int& msg) { return Duration::milliseconds(msg); }, /*fifo=*/false);
  Recorder b(w.sim);
  stream.attach(End::kB, &b);
  CHECK_FALSE(stream.send(End::kA, 5));
  CHECK_FALSE(stream.send(End::kA, 1));
  stream.close_send(End::kA);
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == std::vector<int>{1, 5});  // messages may overtake each other...
  REQUIRE(b.closes.size() == 1);
  CHECK(b.closes[0].eof);
  CHECK(b.messages_before_close[0] == 2);  // ...but never the EOF
  CHECK(b.close_times[0] == Time::zero() + Duration::milliseconds(5));
}

TEST_CASE("The observer sees every accepted send, in order, and no failed one") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);
  std::vector<std::pair<End, int>> seen;
  stream.set_observer([&](End from, const int& msg) { seen.emplace_back(from, msg); });
  CHECK_FALSE(stream.send(End::kA, 1));
  CHECK_FALSE(stream.send(End::kB, 2));
  CHECK_FALSE(stream.send(End::kA, 3));
  stream.close_send(End::kA);
  CHECK(stream.send(End::kA, 4) == std::optional<std::string>("EOF"));
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(seen == std::vector<std::pair<End, int>>{{End::kA, 1}, {End::kB, 2}, {End::kA, 3}});
  CHECK(b.values == std::vector<int>{1, 3});
  CHECK(a.values == std::vector<int>{2});
}

TEST_CASE("An observer that aborts the stream loses the message it observed") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);
  stream.set_observer([&](End, const int& msg) {
    if (msg == 2) stream.abort("broken");
  });
  CHECK_FALSE(stream.send(End::kA, 1));
  CHECK_FALSE(stream.send(End::kA, 2));  // accepted, then lost with the stream
  CHECK(stream.send(End::kA, 3) == std::optional<std::string>("broken"));
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values.empty());
  REQUIRE(b.closes.size() == 1);
  CHECK(b.closes[0].error == "broken");
  REQUIRE(a.closes.size() == 1);
}

TEST_CASE("fail_next_send fails exactly one send from that end, which is not delivered") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);
  int observed = 0;
  stream.set_observer([&](End, const int&) { ++observed; });
  stream.fail_next_send(End::kA, "send failed");
  CHECK_FALSE(stream.send(End::kB, 10));  // the other end is unaffected
  CHECK(stream.send(End::kA, 1) == std::optional<std::string>("send failed"));
  CHECK_FALSE(stream.send(End::kA, 2));  // one-shot
  CHECK(stream.can_send(End::kA));
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(b.values == std::vector<int>{2});
  CHECK(a.values == std::vector<int>{10});
  CHECK(observed == 2);
  CHECK(b.closes.empty());
}

TEST_CASE("fail_next_send does not replace the error of a closed or aborted direction") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  stream.fail_next_send(End::kA, "send failed");
  stream.close_send(End::kA);
  CHECK(stream.send(End::kA, 1) == std::optional<std::string>("EOF"));
  stream.fail_next_send(End::kB, "send failed");
  stream.abort("gone");
  CHECK(stream.send(End::kB, 1) == std::optional<std::string>("gone"));
  CHECK(w.sim.run() == StopReason::kDrained);
}

TEST_CASE("set_close_error: the other end gets the error, in order, where EOF would come") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(2); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    CHECK_FALSE(stream.send(End::kB, 1));
    stream.close_send(End::kB);  // the EOF is in flight ...
    stream.set_close_error(End::kB, "rpc error: code = Unknown desc = bang");  // ... and fails
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(a.values == std::vector<int>{1});
  REQUIRE(a.closes.size() == 1);
  CHECK_FALSE(a.closes[0].eof);
  CHECK(a.closes[0].error == "rpc error: code = Unknown desc = bang");
  CHECK(a.messages_before_close[0] == 1);
  CHECK(a.close_times[0] == Time::zero() + Duration::milliseconds(2));
  CHECK(b.closes.empty());
  CHECK_FALSE(stream.aborted());
}

TEST_CASE("The close observer hears every close_send, even one that changes nothing") {
  World w;
  IntStream stream(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  stream.attach(End::kA, &a);
  std::vector<std::pair<End, Time>> closed;
  stream.set_close_observer([&](End from) { closed.emplace_back(from, w.sim.now()); });
  w.sim.at(Time::zero(), [&] {
    stream.close_send(End::kB);
    stream.close_send(End::kB);  // heard again; still one EOF
  });
  w.sim.at(Time::zero() + Duration::milliseconds(5), [&] {
    stream.abort("gone");
    stream.close_send(End::kA);  // heard, though nothing is sent any more
  });
  CHECK(w.sim.run() == StopReason::kDrained);
  REQUIRE(closed.size() == 3);
  CHECK(closed[0] == std::make_pair(End::kB, Time::zero()));
  CHECK(closed[1] == std::make_pair(End::kB, Time::zero()));
  CHECK(closed[2] == std::make_pair(End::kA, Time::zero() + Duration::milliseconds(5)));
  REQUIRE(a.closes.size() == 2);
  CHECK(a.closes[0].eof);  // B's EOF arrived at 1ms, before the abort
  CHECK(a.closes[1].error == "gone");
  CHECK_FALSE(stream.can_send(End::kA));
}

TEST_CASE("A stream labels its arrivals, EOF and break by direction and message") {
  TieWorld w;  // ties explored (the last candidate first) and keys logged: labels are built
  IntStream stream(w.sim, [](End, const int&) { return Duration(); });
  stream.set_labels("peer->cc", "cc->peer",
                    [](const int& msg) { return "M" + std::to_string(msg); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  stream.attach(End::kA, &a);
  stream.attach(End::kB, &b);
  REQUIRE_FALSE(stream.send(End::kA, 1));
  REQUIRE_FALSE(stream.send(End::kB, 2));
  stream.close_send(End::kA);
  w.sim.at(
      Time(), [] {}, [] { return "timer"; });
  CHECK(w.sim.run() == StopReason::kDrained);
  std::vector<std::string> keys;
  for (const Decision& d : w.decisions.log())
    keys.push_back(d.key);
  CHECK(keys == std::vector<std::string>{"tie peer->cc M1 | cc->peer M2 | peer->cc EOF | timer",
                                         "tie peer->cc M1 | cc->peer M2 | peer->cc EOF",
                                         "tie peer->cc M1 | cc->peer M2"});
  // An arrival delivers its direction's oldest message: running "peer->cc EOF" first
  // delivered M1, and EOF still came after it.
  CHECK(b.values == std::vector<int>{1});
  REQUIRE(b.closes.size() == 1);
  CHECK(b.messages_before_close == std::vector<std::size_t>{1});

  TieWorld broken;
  IntStream s2(broken.sim, [](End, const int&) { return Duration(); });
  s2.set_labels("peer->cc", "cc->peer", [](const int& msg) { return std::to_string(msg); });
  Recorder a2(broken.sim);
  Recorder b2(broken.sim);
  s2.attach(End::kA, &a2);
  s2.attach(End::kB, &b2);
  s2.abort("gone");
  CHECK(broken.sim.run() == StopReason::kDrained);
  REQUIRE(broken.decisions.log().size() == 1);
  // Each end's error is named by the direction it stops receiving.
  CHECK(broken.decisions.log()[0].key == "tie cc->peer broken | peer->cc broken");
}

// --- Connections lost without a reset (the transport model's middlebox) --------------------

TEST_CASE("abort can give each end its own error") {
  World w;
  IntStream s(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  s.attach(End::kA, &a);
  s.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] { s.abort("a's error", "b's error"); });
  w.sim.run();
  REQUIRE(a.closes.size() == 1);
  REQUIRE(b.closes.size() == 1);
  CHECK(a.closes[0].error == "a's error");
  CHECK(b.closes[0].error == "b's error");
  CHECK(s.send(End::kA, 1) == std::optional<std::string>("a's error"));
  CHECK(s.send(End::kB, 1) == std::optional<std::string>("b's error"));
}

TEST_CASE("a blackholed stream accepts sends, delivers nothing and tells no end") {
  World w;
  IntStream s(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  s.attach(End::kA, &a);
  s.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    REQUIRE_FALSE(s.send(End::kA, 1));  // in flight when the network forgets the connection
    s.blackhole();
    CHECK_FALSE(s.send(End::kA, 2));  // accepted, as a socket buffer accepts it
    CHECK_FALSE(s.send(End::kB, 3));
    s.close_send(End::kA);  // the FIN is lost too
  });
  w.sim.run();
  CHECK(a.values.empty());
  CHECK(b.values.empty());
  CHECK(a.closes.empty());
  CHECK(b.closes.empty());
}

TEST_CASE("break_end tells only the end that gives up, and its sends fail") {
  World w;
  IntStream s(w.sim, [](End, const int&) { return Duration::milliseconds(1); });
  Recorder a(w.sim);
  Recorder b(w.sim);
  s.attach(End::kA, &a);
  s.attach(End::kB, &b);
  w.sim.at(Time::zero(), [&] {
    s.blackhole();
    s.break_end(End::kA, "keepalive failed");
    CHECK(s.send(End::kA, 1) == std::optional<std::string>("keepalive failed"));
    CHECK_FALSE(s.send(End::kB, 2));  // B still believes in the connection
  });
  w.sim.run();
  REQUIRE(a.closes.size() == 1);
  CHECK(a.closes[0].error == "keepalive failed");
  CHECK(b.closes.empty());
  CHECK(s.broken(End::kA));
  CHECK_FALSE(s.broken(End::kB));
}
