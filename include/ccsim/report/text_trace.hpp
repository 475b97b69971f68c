// The human-readable trace of a run: aligned columns, one line per event (virtual time,
// actor, stream, handler state, event, message type, txid, detail), then one outcome line
// per proposal, then the seed and digest.
#pragma once

#include <functional>
#include <ostream>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

struct TextOptions {
  bool events = true;  // false: outcomes and the summary only (--quiet)
  /// Written after the events and before the outcome lines (--summary's table), if set.
  std::function<void(std::ostream&)> before_outcomes;
};

void write_text(std::ostream& out, const scenario::Scenario& scenario,
                const scenario::RunResult& result, const TextOptions& options = {});
/// The same, reading the events from `events` (a spool, for a run that kept none).
void write_text(std::ostream& out, const scenario::Scenario& scenario, const TraceSource& events,
                const scenario::RunResult& result, const TextOptions& options = {});

}  // namespace ccsim::report
