// The trace as Chrome trace-event JSON (the JSON Object Format), which ui.perfetto.dev and
// chrome://tracing open: one process "ccsim", one thread track per actor ("endorser",
// "launcher", "runtime", "peer <stream>", "shim <stream>") in order of first appearance,
// an instant per trace event, and one complete event "tx <txid>" per proposal, from its
// submission to its outcome, on "transactions" tracks after the actors' (overlapping
// proposals take further lanes, "transactions 2", ...). Timestamps are microseconds.
#pragma once

#include <ostream>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

void write_perfetto(std::ostream& out, const scenario::RunResult& result);
/// The same, reading the events from `events` (a spool, for a run that kept none).
void write_perfetto(std::ostream& out, const TraceSource& events,
                    const scenario::RunResult& result);

}  // namespace ccsim::report
