// The machine-readable trace: JSON lines, one object per event. This is a contract other
// tools parse (README, "JSON lines trace"): fields may be added, never renamed or removed.
//   message: {"t_ns", "event": "send"|"deliver", "stream", "from", "type", "txid", "channel", ...}
//   outcome: {"t_ns", "event": "outcome", "txid", "status", "error", "payload", ...}
//   last:    {"event": "end", "t_ns", "seed", "digest"}
#pragma once

#include <ostream>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

void write_jsonl(std::ostream& out, const scenario::RunResult& result);
/// The same, reading the events from `events` (a spool, for a run that kept none).
void write_jsonl(std::ostream& out, const TraceSource& events, const scenario::RunResult& result);

}  // namespace ccsim::report
