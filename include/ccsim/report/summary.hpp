// ccsim run --summary: one row per proposal (when it was submitted and answered, how long it
// took, its result, and the path it took through launches, messages and timers), then the
// distinct paths with how many proposals took each. It reads a kept trace.
#pragma once

#include <ostream>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

void write_summary(std::ostream& out, const scenario::Scenario& scenario,
                   const scenario::RunResult& result);
/// The same, reading the events from `events` (a spool, for a run that kept none).
void write_summary(std::ostream& out, const scenario::Scenario& scenario, const TraceSource& events,
                   const scenario::RunResult& result);

}  // namespace ccsim::report
