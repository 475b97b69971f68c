// The CPU model behind `cpu` steps: k jobs on c cores each progress at min(1, c/k).
#include <doctest/doctest.h>

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
