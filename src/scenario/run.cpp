#include "ccsim/scenario/run.hpp"

#include <algorithm>
#include <memory>

namespace ccsim::scenario {

namespace {

bool has_tie(const std::vector<kernel::Decision>& decisions) {
  return std::any_of(decisions.begin(), decisions.end(), [](const kernel::Decision& d) {
    return d.kind == kernel::DecisionKind::kTie;
  });
}

kernel::TraceMode trace_mode(const RunOptions& options) {
  if (options.keep_trace) return kernel::TraceMode::kEvents;
  return options.fingerprint ? kernel::TraceMode::kFingerprint : kernel::TraceMode::kDigest;
}

}  // namespace

RunResult run(const Scenario& scenario, const RunOptions& options) {
  RunResult result;
  result.seed = options.seed;
  result.trace = kernel::Trace(trace_mode(options));
  if (!result.trace.wants_details() && expectations_read_details(scenario))
    result.trace.set_details(true);
  TraceFactsGatherer gatherer(scenario, options.observer);
  result.trace.set_observer(&gatherer);

  std::unique_ptr<kernel::DecisionSource> owned;
  kernel::DecisionSource* source = options.source;
  if (source == nullptr) {
    if (options.replay) {
      owned = std::make_unique<kernel::ReplayDecisionSource>(
          *options.replay, has_tie(*options.replay), options.tie_window);
    } else if (scenario.replay) {
      owned = std::make_unique<kernel::ReplayDecisionSource>(scenario.replay->decisions,
                                                             has_tie(scenario.replay->decisions),
                                                             scenario.replay->tie_window);
    } else {
      owned = std::make_unique<kernel::SeededDecisionSource>(options.seed);
    }
    source = owned.get();
  }
  kernel::Decisions decisions(*source, options.log_decisions);
  {
    kernel::Simulation sim(decisions, result.trace);
    sim.set_interrupt(options.interrupt);
    fabric::Peer peer(sim, scenario.profile, scenario.config, scenario.network, scenario.chaincodes,
                      scenario.faults, options.mutation, &scenario.initial_ledger);
    peer.reserve_outcomes(scenario.proposals.size());
    for (const ScheduledProposal& sp : scenario.proposals) {
      sim.at(
          sp.at, [&peer, &sp] { peer.submit(sp.proposal); },
          [&sp] { return "proposal " + sp.proposal.txid; });
    }
    result.stop = sim.run(scenario.limits);
    result.end_time = sim.now();
    result.events = sim.events_run();
    result.outcomes = peer.take_outcomes();
    result.ledger = peer.ledger().state();
    result.left_behind = fabric::left_behind(peer);
    if (result.stop == kernel::StopReason::kEventLimit) {
      result.limit_error = "run stopped at the event limit (" +
                           std::to_string(scenario.limits.max_events) + " events) at " +
                           kernel::format_time(sim.now());
    } else if (result.stop == kernel::StopReason::kStopped) {
      result.limit_error = "run interrupted after " + std::to_string(sim.events_run()) +
                           " events at " + kernel::format_time(sim.now());
    } else if (result.stop == kernel::StopReason::kKeptLimit) {
      result.limit_error =
          "run stopped at the kept-bytes limit (" + std::to_string(scenario.limits.max_kept_bytes) +
          " bytes of trace events, decisions, committed writes and outcomes kept, "
          "limits.max_kept_bytes) "
          "after " +
          std::to_string(sim.events_run()) + " events at " + kernel::format_time(sim.now()) +
          "; ccsim run --quiet without output files keeps no trace";
    } else if (result.stop == kernel::StopReason::kHorizon) {
      result.limit_error = "run stopped at the virtual time horizon (" +
                           kernel::format_time(scenario.limits.horizon) + ") with " +
                           std::to_string(sim.pending()) + " events pending";
    }
    // The peer goes before the simulation: pending events may still refer to it.
  }
  result.trace.set_observer(nullptr);
  result.facts = gatherer.take();
  result.decisions = decisions.log();
  result.failures = check_expectations(scenario, result);
  return result;
}

kernel::Duration answer_bound(const Scenario& scenario, const fabric::Proposal& proposal) {
  const fabric::PeerConfig config = fabric::effective(scenario.config, scenario.profile);
  // The launch: the startup timer bounds it (4.4, 4.5); 1.0 starts that timer only after the
  // image is built (4.2, FAB-5591), and the FSM era's Launch then waits for READY's answer
  // with the same timeout again (4.1, sendReady).
  kernel::Duration launch = config.startup_timeout;
  if (scenario.profile.peer_fsm) launch = launch + config.startup_timeout;
  if (!scenario.profile.startup_timer_covers_build) {
    for (const fabric::ChaincodeDefinition& def : scenario.chaincodes) {
      if (def.name == proposal.chaincode) launch = launch + def.container.build_delay;
    }
  }
  // Execute: its own timer bounds the whole call, cc2cc callees included (2.2, 2.5).
  return launch + config.execute_timeout;
}

}  // namespace ccsim::scenario
