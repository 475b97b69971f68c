// Running a scenario: build the world (simulation + peer) from the Scenario value, submit
// the proposals at their times, run to the end, and check the scenario's expectations.
// A run is a pure function of (scenario, seed, replayed decisions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/peer.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/trace.hpp"
#include "ccsim/scenario/scenario.hpp"

namespace ccsim::scenario {

struct RunOptions {
  std::uint64_t seed = 1;
  /// Answer decisions from this list instead of the seeded source (see ReplayDecisionSource).
  std::optional<std::vector<kernel::Decision>> replay;
  /// false keeps only the digest (fuzzing): trace events are not stored.
  bool keep_trace = true;
};

struct RunResult {
  std::uint64_t seed = 0;
  kernel::Trace trace;
  std::vector<fabric::ProposalOutcome> outcomes;
  std::vector<kernel::Decision> decisions;
  std::map<fabric::StateKey, std::string> ledger;
  kernel::StopReason stop = kernel::StopReason::kDrained;
  kernel::Time end_time;
  std::uint64_t events = 0;
  /// Set when the run was cut by a limit: what was reached, and when.
  std::optional<std::string> limit_error;
  /// One line per expectation that did not hold.
  std::vector<std::string> failures;

  bool passed() const { return !limit_error && failures.empty(); }
  std::uint64_t digest() const { return trace.digest(); }
};

RunResult run(const Scenario& scenario, const RunOptions& options);

/// The expectations of `scenario` that `result` breaks, one line each.
std::vector<std::string> check_expectations(const Scenario& scenario, const RunResult& result);

}  // namespace ccsim::scenario
