// The trace as Chrome trace-event JSON (the JSON Object Format), which ui.perfetto.dev,
// Chrome DevTools' Performance panel and speedscope open (docs/outputs.md). Timestamps are
// microseconds of virtual time, with nanoseconds as three decimals.
//
// Processes and their threads (tracks), each thread a lane; where slices would overlap
// without nesting, further lanes of the same name follow ("peer mycc 2", ...):
// - "transactions": a span per proposal, from its submission to its outcome (or the run's
//   end), each on the lowest lane free when it starts, so lanes are as many as proposals ever
//   open at once;
// - "ccsim": the endorser, launcher, runtime, ledger and any other actor, and "launcher
//   timers": a span per startup timeout, from the launch that starts it to its firing or its
//   stop (the launch failed, or its proposal went on to its chaincode);
// - "chaincode <stream>" per chaincode stream: "peer <stream>" and "shim <stream>" with the
//   handlers' events; "peer <stream> execute timers": a span per Execute's timeout, from the
//   TRANSACTION or INIT the peer sends to the timer's firing or its stop (the result delivered,
//   or Execute's error note); "shim <stream> executions": a span per transaction the chaincode
//   handles, from the TRANSACTION or INIT it receives to the COMPLETED or ERROR it sends (or its
//   stream's end), marked "(cc2cc)" when another execution of the txid is open (a callee).
// Every trace event is a short slice (1 microsecond) on its actor's track; events at one
// instant nest, each 1 ns after the one before, in the trace's order. Each send slice has a
// flow ("s"/"f", bound to the enclosing slice) to its delivery slice; a message never delivered
// says so in its args. Memory is what is open (proposals, executions, timers, messages in
// flight), never the run.
#pragma once

#include <ostream>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

void write_perfetto(std::ostream& out, const scenario::RunResult& result);
/// The same, reading the events from `events` (a spool, for a run that kept none). Reads them
/// twice: lanes, then the events.
void write_perfetto(std::ostream& out, const TraceSource& events,
                    const scenario::RunResult& result);

}  // namespace ccsim::report
