// The trace of a run: one record per observable event, in the order they happened, and a
// digest over their canonical encoding. Recording is cheap (no formatting); renderers in the
// report layer turn a finished trace into text, JSON lines or diagrams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::kernel {

enum class TraceKind : std::uint8_t {
  kSend,       // a message handed to a stream
  kDeliver,    // a message taken off a stream by its receiver's loop
  kState,      // an actor's state changed (detail: "from -> to")
  kTimer,      // a timer fired (detail names it)
  kStreamEnd,  // an end of a stream observed its end (detail: the error or EOF)
  kNote,       // anything else worth reading: launch steps, dropped messages, decisions
  kOutcome,    // a proposal's final result
};

const char* to_string(TraceKind kind);

/// One trace record. Which fields are set depends on the kind; unset strings are empty.
struct TraceEvent {
  Time t;
  TraceKind kind = TraceKind::kNote;
  std::string actor;   // who: e.g. "peer", "shim", "endorser", "launcher"
  std::string state;   // the actor's state when the event happened
  std::string stream;  // the stream's name, for message and stream events
  std::string from;    // the sending end, for message events
  std::string type;    // the message type, for message events
  std::string txid;
  std::string channel;
  std::string detail;  // human-readable: payload summary, error text, transition, timer
  // kOutcome only.
  std::optional<std::int64_t> status;
  std::optional<std::string> error;
  std::optional<std::string> payload;
};

class Trace {
 public:
  /// keep_events=false keeps only the digest and count (fuzzing throughput).
  explicit Trace(bool keep_events = true) : keep_events_(keep_events) {}

  void record(TraceEvent event);

  const std::vector<TraceEvent>& events() const { return events_; }
  std::size_t count() const { return count_; }
  /// Digest of every event recorded so far, in order.
  std::uint64_t digest() const { return digest_.value(); }

 private:
  bool keep_events_;
  std::vector<TraceEvent> events_;
  std::size_t count_ = 0;
  Digest digest_;
};

}  // namespace ccsim::kernel
