// What a fuzzing campaign checks in every run (docs/fuzzing.md, "Properties"), each by name:
//   no_handler_error          no stream ends and the peer sends no ERROR (only in scenarios
//                             whose own run has neither: those that expect none)
//   one_outcome_per_proposal  every proposal has exactly one outcome
//   no_context_left           no transaction context or query iterator is left behind
//   no_send_after_stream_end  no end sends on a stream after it saw the stream end
//   answered_within_bound     every proposal answered within launch bound + execute timeout
//   one_result_per_transaction  a shim sends at most one COMPLETED/ERROR result per
//                             INIT/TRANSACTION it received
//   run_limits                the run ends before the scenario's limits
//   expect                    the scenario's own expectations
// The first six are scenario::properties() of the same name, so a repro scenario can list
// the one it breaks in expect.properties and `ccsim run` fails the same way.
#pragma once

#include <string>
#include <vector>

#include "ccsim/scenario/run.hpp"
#include "ccsim/scenario/scenario.hpp"

namespace ccsim::explore {

inline constexpr const char* kExpectProperty = "expect";
inline constexpr const char* kRunLimitsProperty = "run_limits";

/// One broken property in one run.
struct Violation {
  std::string property;
  /// One line: what broke it. May lack payload text in a run that skipped details.
  std::string message;
  /// What makes two failures the same: the property's normalised account of it, without
  /// times, counts, txids or payloads, so that it reads the same in every run that fails the
  /// same way and in runs with and without details.
  std::string signature;

  /// property + signature: the identity of a distinct failure.
  std::string key() const { return property + ": " + signature; }
};

/// The properties a campaign checks on `scenario`, in report order, given the scenario's own
/// run (`ccsim run FILE`: its default seed).
std::vector<std::string> campaign_properties(const scenario::Scenario& scenario,
                                             const scenario::RunResult& reference);

/// Every property of `checked` that `result` breaks, in the order of `checked`.
std::vector<Violation> violations(const scenario::Scenario& scenario,
                                  const scenario::RunResult& result,
                                  const std::vector<std::string>& checked);

/// Whether `result` breaks `property` the way `signature` says: what shrinking keeps true.
/// For "expect", any failing expectation with that signature counts, not just the first.
bool breaks_as(const scenario::Scenario& scenario, const scenario::RunResult& result,
               const std::string& property, const std::string& signature);

/// Every property name a campaign may check, in report order.
const std::vector<std::string>& all_campaign_properties();

}  // namespace ccsim::explore
