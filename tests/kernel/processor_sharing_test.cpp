// The CPU model behind `cpu` steps: k jobs on c cores each progress at min(1, c/k). And the
// kernel's daemon events that the transport model's timers use.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/processor_sharing.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim::kernel;

namespace {

struct World {
  SeededDecisionSource source{1};
  Decisions decisions{source};
  Trace trace;
  Simulation sim{decisions, trace};
};

Duration ms(std::int64_t n) {
  return Duration::milliseconds(n);
}

// Starts a job of `work` at `start`; its end time goes into ends[i].
void job_at(World& w, ProcessorSharing& cpu, Duration start, Duration work,
            std::vector<std::int64_t>& ends, std::size_t i) {
  w.sim.at(Time::zero() + start, [&w, &cpu, work, &ends, i] {
    cpu.run(work, [&w, &ends, i] { ends[i] = w.sim.now().ns(); });
  });
}

}  // namespace

TEST_CASE("processor sharing: one job alone takes exactly its work") {
  World w;
  ProcessorSharing cpu(w.sim, 1, "cpu");
  std::vector<std::int64_t> ends(1, -1);
  job_at(w, cpu, ms(5), ms(100), ends, 0);
  w.sim.run();
  CHECK(ends[0] == ms(105).ns());
}

TEST_CASE("processor sharing: three jobs of 100ms, 10ms apart, on one core") {
  // By hand: 0-10 the first alone (90 left); 10-20 two at half speed (85 and 95 left);
  // from 20 three at a third: the first needs 85 more, 255ms, ending at 275; the second then
  // has 10 left and the third 15; two at half speed: the second ends 20ms later at 295; the
  // third, alone with 5 left, at 300.
  World w;
  ProcessorSharing cpu(w.sim, 1, "cpu");
  std::vector<std::int64_t> ends(3, -1);
  for (std::size_t i = 0; i < 3; ++i)
    job_at(w, cpu, ms(10 * static_cast<std::int64_t>(i)), ms(100), ends, i);
  w.sim.run();
  CHECK(ends == std::vector<std::int64_t>{ms(275).ns(), ms(295).ns(), ms(300).ns()});
}

TEST_CASE("processor sharing: the same three jobs on two cores") {
  // 0-20 at most two jobs, each at full speed (80 and 90 left at 20); from 20 three share two
  // cores at 2/3: the first's 80 take 120ms (ends at 140), the others then have 10 and 20
  // left at full speed: 150 and 160.
  World w;
  ProcessorSharing cpu(w.sim, 2, "cpu");
  std::vector<std::int64_t> ends(3, -1);
  for (std::size_t i = 0; i < 3; ++i)
    job_at(w, cpu, ms(10 * static_cast<std::int64_t>(i)), ms(100), ends, i);
  w.sim.run();
  CHECK(ends == std::vector<std::int64_t>{ms(140).ns(), ms(150).ns(), ms(160).ns()});
}

TEST_CASE("processor sharing: equal jobs started together end together, in arrival order") {
  World w;
  ProcessorSharing cpu(w.sim, 1, "cpu");
  std::vector<int> order;
  w.sim.at(Time::zero(), [&] {
    for (int i = 0; i < 3; ++i)
      cpu.run(ms(10), [&w, &order, i] {
        CHECK(w.sim.now().ns() == ms(30).ns());
        order.push_back(i);
      });
  });
  w.sim.run();
  CHECK(order == std::vector<int>{0, 1, 2});
}

TEST_CASE("processor sharing: a cleared server ends nothing and leaves no event") {
  World w;
  ProcessorSharing cpu(w.sim, 1, "cpu");
  bool ended = false;
  w.sim.at(Time::zero(), [&] { cpu.run(ms(10), [&] { ended = true; }); });
  w.sim.at(Time::zero() + ms(5), [&] {
    cpu.clear();
    CHECK(cpu.running() == 0);
  });
  w.sim.run();
  CHECK_FALSE(ended);
  CHECK(w.sim.now().ns() == ms(5).ns());  // the end event was cancelled, not run
}

TEST_CASE("processor sharing: no work ends at once") {
  World w;
  ProcessorSharing cpu(w.sim, 4, "cpu");
  std::int64_t end = -1;
  w.sim.at(Time::zero() + ms(7), [&] { cpu.run(Duration{}, [&] { end = w.sim.now().ns(); }); });
  w.sim.run();
  CHECK(end == ms(7).ns());
}

TEST_CASE("a run with only daemon events left has drained, and daemons run while work remains") {
  World w;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    w.sim.daemon_at(w.sim.now() + ms(10), tick, [] { return std::string("tick"); });
  };
  w.sim.daemon_at(Time::zero() + ms(10), tick, [] { return std::string("tick"); });
  w.sim.at(Time::zero() + ms(35), [] {});  // the work: until 35ms
  CHECK(w.sim.run() == StopReason::kDrained);
  CHECK(ticks == 3);  // 10, 20, 30: the tick due at 40 is left, and ends nothing
  CHECK(w.sim.now().ns() == ms(35).ns());
  // A cancelled daemon is no longer counted.
  World v;
  const EventId d = v.sim.daemon_at(
      Time::zero() + ms(5), [] {}, [] { return std::string("d"); });
  v.sim.at(Time::zero() + ms(1), [&] { v.sim.cancel(d); });
  CHECK(v.sim.run() == StopReason::kDrained);
  CHECK(v.sim.now().ns() == ms(1).ns());
}
