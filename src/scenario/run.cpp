#include "ccsim/scenario/run.hpp"

#include <memory>

namespace ccsim::scenario {

RunResult run(const Scenario& scenario, const RunOptions& options) {
  RunResult result;
  result.seed = options.seed;
  result.trace = kernel::Trace(options.keep_trace);

  std::unique_ptr<kernel::DecisionSource> source;
  if (options.replay) {
    source = std::make_unique<kernel::ReplayDecisionSource>(*options.replay);
  } else {
    source = std::make_unique<kernel::SeededDecisionSource>(options.seed);
  }
  kernel::Decisions decisions(*source);
  {
    kernel::Simulation sim(decisions, result.trace);
    fabric::Peer peer(sim, scenario.profile, scenario.config, scenario.network, scenario.chaincodes,
                      scenario.faults, options.mutation);
    for (const ScheduledProposal& sp : scenario.proposals) {
      sim.at(sp.at, [&peer, &sp] { peer.submit(sp.proposal); });
    }
    result.stop = sim.run(scenario.limits);
    result.end_time = sim.now();
    result.events = sim.events_run();
    result.outcomes = peer.outcomes();
    result.ledger = peer.ledger().state();
    if (result.stop == kernel::StopReason::kEventLimit) {
      result.limit_error = "run stopped at the event limit (" +
                           std::to_string(scenario.limits.max_events) + " events) at " +
                           kernel::format_time(sim.now());
    } else if (result.stop == kernel::StopReason::kHorizon) {
      result.limit_error = "run stopped at the virtual time horizon (" +
                           kernel::format_time(scenario.limits.horizon) + ") with " +
                           std::to_string(sim.pending()) + " events pending";
    }
    // The peer goes before the simulation: pending events may still refer to it.
  }
  result.decisions = decisions.log();
  result.failures = check_expectations(scenario, result);
  return result;
}

}  // namespace ccsim::scenario
