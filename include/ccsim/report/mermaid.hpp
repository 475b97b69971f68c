// The trace as Mermaid sequence diagrams, for reading a run at a glance: GitHub and mmdc render
// each part as-is (docs/outputs.md says how to open them and shows one).
//
// - Participants, declared in this order when a part has anything to show for them: endorser,
//   launcher, runtime, a peer/shim pair per chaincode stream, ledger, any other actor.
// - One arrow per message, drawn where it is delivered and labelled with its send and delivery
//   times, its type, txid and payload ("0.501s → 0.502s GET_STATE tx1 key=..."). When anything
//   else is drawn between a message's send and its delivery (a timeout, a state change, other
//   messages), its send is marked where it happened by a note over the sender ("0.501s sends
//   TRANSACTION tx1 [m6]") and its arrow is dotted and carries the same [mN]: an arrow never
//   hides that its message was sent before what is drawn above it. A message never delivered
//   is a crossed arrow where its loss shows (its receiver's stream end, or the run's end).
// - State changes, timers, stream ends, notes and outcomes are notes over their actor, each
//   with its time.
// - Text from the run is escaped with Mermaid's entity codes (#quot; #35; #59; #lt; #gt; ...),
//   so it shows exactly as recorded and can never end a statement or become markup; long texts
//   wrap, very long ones are cut (the JSON-lines trace has them whole).
// - The diagram is split into parts, in time order, each a complete diagram on its own that
//   stays under Mermaid's default limits (maxTextSize, 50000 characters): MermaidLimits.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::report {

struct MermaidLimits {
  /// The most bytes one part takes. Mermaid refuses a diagram longer than its maxTextSize
  /// (50000 characters by default; a byte is at most one character), and draws an error box
  /// instead: this leaves a fifth of that to spare.
  std::size_t max_bytes = 40000;
  /// The most arrows (messages) one part draws, so a part stays readable.
  std::size_t max_arrows = 300;
  /// Labels and notes wrap at this many bytes of text per line.
  std::size_t wrap = 60;
  /// A text from the run longer than this many bytes is cut, saying how much was left out.
  std::size_t max_text = 480;
};

/// A run's diagram, split into parts. Reads `events` twice when made (participants, then
/// where the parts split) and once per write(); holds what one part needs, never the run.
/// `events` and `result` must outlive it.
class MermaidDiagram {
 public:
  MermaidDiagram(const TraceSource& events, const scenario::RunResult& result,
                 MermaidLimits limits = {});
  ~MermaidDiagram();
  MermaidDiagram(const MermaidDiagram&) = delete;
  MermaidDiagram& operator=(const MermaidDiagram&) = delete;

  /// How many parts the diagram takes: 1 or more.
  std::size_t parts() const;
  /// Calls `part` with each part's number (1, 2, ...) and its whole text, in order.
  void write(const std::function<void(std::size_t part, const std::string& text)>& part) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Where part `part` of a diagram written to `path` goes: part 1 is `path` itself; part N > 1
/// is `path` with ".N" before its extension ("run.mmd" -> "run.2.mmd", "run" -> "run.2").
std::string mermaid_part_path(const std::string& path, std::size_t part);

/// Every part, one after the other, to one stream (each part begins with "sequenceDiagram";
/// a run that fits in one part writes one diagram). For a FIFO or a device, and tests.
void write_mermaid(std::ostream& out, const TraceSource& events, const scenario::RunResult& result,
                   const MermaidLimits& limits = {});
void write_mermaid(std::ostream& out, const scenario::RunResult& result);

}  // namespace ccsim::report
