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

/// Sees every event as it is recorded, whether or not the trace keeps it (property monitors,
/// expectations over a digest-only run).
class TraceObserver {
 public:
  virtual ~TraceObserver() = default;
  virtual void on_event(const TraceEvent& event) = 0;
  /// Where the observer counts the bytes it keeps of the run's events (a spool on disk), which
  /// count against RunLimits::max_kept_bytes like kept events; nullptr: it keeps nothing.
  /// Asked once, when the observer is set.
  virtual const std::uint64_t* kept_counter() const { return nullptr; }
};

/// What a trace keeps of its events.
enum class TraceMode : std::uint8_t {
  kEvents,       // every event, and the digest (replay, reports)
  kDigest,       // the digest and the count only
  kFingerprint,  // fuzzing: a cheaper 64-bit fingerprint instead of the digest, and actors
                 // leave detail strings unformatted unless set_details(true) asks for them
};

class Trace {
 public:
  /// keep_events=false keeps only the digest and count.
  explicit Trace(bool keep_events = true)
      : Trace(keep_events ? TraceMode::kEvents : TraceMode::kDigest) {}
  explicit Trace(TraceMode mode) : mode_(mode), details_(mode != TraceMode::kFingerprint) {}

  /// Takes the event (kept only in kEvents mode; a reference spares fuzzing runs a move).
  void record(TraceEvent&& event);
  void record(const TraceEvent& event) { record(TraceEvent(event)); }

  /// The observer (not owned) sees each event recorded from now on; nullptr removes it.
  void set_observer(TraceObserver* observer) {
    observer_ = observer;
    observer_kept_ = observer != nullptr ? observer->kept_counter() : nullptr;
  }
  /// Whether actors should format `detail` strings. Only a fingerprint trace may skip them.
  bool wants_details() const { return details_; }
  void set_details(bool on) { details_ = on || mode_ != TraceMode::kFingerprint; }

  TraceMode mode() const { return mode_; }
  const std::vector<TraceEvent>& events() const { return events_; }
  std::size_t count() const { return count_; }
  /// About how many bytes the kept events take: the records' storage as allocated (the
  /// vector's capacity, which grows by doubling) and their strings; 0 unless kEvents.
  /// What RunLimits::max_kept_bytes bounds.
  std::uint64_t kept_bytes() const {
    return events_.capacity() * sizeof(TraceEvent) + string_bytes_ +
           (observer_kept_ != nullptr ? *observer_kept_ : 0);
  }
  /// Digest of every event recorded so far, in order (the run's digest, printed with the
  /// seed). A kFingerprint trace returns its fingerprint instead: equal traces give equal
  /// fingerprints, but it is not the digest `ccsim run` prints.
  std::uint64_t digest() const {
    return mode_ == TraceMode::kFingerprint ? fingerprint_ : digest_.value();
  }

 private:
  void add_fingerprint(const TraceEvent& e);

  TraceMode mode_;
  bool details_;
  TraceObserver* observer_ = nullptr;
  const std::uint64_t* observer_kept_ = nullptr;  // what it keeps (see kept_counter)
  std::vector<TraceEvent> events_;
  std::size_t count_ = 0;
  std::uint64_t string_bytes_ = 0;
  Digest digest_;
  std::uint64_t fingerprint_ = 0x6a09e667f3bcc908ULL;
};

}  // namespace ccsim::kernel
