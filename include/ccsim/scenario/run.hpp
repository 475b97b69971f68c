// Running a scenario: build the world (simulation + peer) from the Scenario value, submit
// the proposals at their times, run to the end, and check the scenario's expectations.
// A run is a pure function of (scenario, seed, replayed decisions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
  /// Tests only: run the handlers with this mutant (fabric/mutation.hpp). No scenario file or
  /// command-line flag sets it.
  fabric::Mutation mutation = fabric::Mutation::kNone;
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

/// A built-in property of a finished run, by the name `expect.properties` uses. Properties
/// over trace events need a run with keep_trace (without events they hold vacuously).
struct Property {
  const char* name;     // e.g. "one_outcome_per_proposal"
  const char* meaning;  // one line: what holds
  /// nullopt when the property holds, else what broke it (one line, e.g. "tx1 has 2 outcomes").
  std::optional<std::string> (*violation)(const Scenario& scenario, const RunResult& result);
};

/// Every built-in property, in a fixed order.
std::span<const Property> properties();
/// The property called `name`, or nullptr.
const Property* find_property(std::string_view name);

}  // namespace ccsim::scenario
