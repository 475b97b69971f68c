// The trace as a Mermaid sequence diagram, for reading a run at a glance: GitHub renders the
// output as-is (a .mmd file, or the text inside a ```mermaid block). Participants, declared
// in this order when they have anything to show: endorser, launcher, runtime, a peer/shim
// pair per chaincode stream, ledger. One arrow per delivered message (at the time it is
// received, labelled "TYPE txid"); state changes, timers, stream ends, notes and outcomes
// are notes over their actor. Sends are not drawn: their delivery is the arrow.
#pragma once

#include <ostream>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

void write_mermaid(std::ostream& out, const scenario::RunResult& result);
/// The same, reading the events from `events` (a spool, for a run that kept none).
void write_mermaid(std::ostream& out, const TraceSource& events, const scenario::RunResult& result);

}  // namespace ccsim::report
