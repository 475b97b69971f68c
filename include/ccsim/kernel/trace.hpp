// The trace of a run: one record per observable event, in the order they happened, and a
// digest over their canonical encoding. Recording is cheap (no formatting); renderers in the
// report layer turn a finished trace into text, JSON lines or diagrams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// The detail of an event as it is recorded: text the recorder wrote, or a text it can write
/// later from fields it can also hash into a key (a message's payload, a transition's
/// from-state). Both are computed only when asked for: the digest reads the key, a renderer or
/// an expectation the text, and a fuzzing run's fingerprint neither, so a run that renders
/// nothing never formats a payload.
class TraceDetail {
 public:
  using Format = void (*)(const void* subject, std::string& out);
  using Key = std::uint64_t (*)(const void* subject);

  TraceDetail() = default;
  explicit TraceDetail(std::string text) : owned_(std::move(text)) {}
  /// `subject` must stay alive while the event is being recorded (observers read it then).
  TraceDetail(Key hash, Format format, const void* subject)
      : format_(format), key_(hash), subject_(subject) {}
  /// A text formatted on demand with no key (what the digest does not read).
  TraceDetail(Format format, const void* subject) : format_(format), subject_(subject) {}
  /// Text that outlives the detail (a kept event's), not copied.
  static TraceDetail borrowed(std::string_view text) {
    TraceDetail d;
    d.borrowed_ = text;
    d.borrowing_ = true;
    return d;
  }
  TraceDetail(TraceDetail&&) = default;
  TraceDetail& operator=(TraceDetail&&) = default;

  /// The text, formatted on the first call.
  std::string_view text() const {
    if (format_ != nullptr) {
      format_(subject_, owned_);
      format_ = nullptr;
    }
    return borrowing_ ? borrowed_ : std::string_view(owned_);
  }
  /// Whether the text comes from hashed fields (then the digest reads key()).
  bool keyed() const { return key_ != nullptr; }
  /// The fields' hash. Only while the event is being recorded (it reads the subject).
  std::uint64_t key() const { return key_(subject_); }

 private:
  mutable std::string owned_;
  mutable Format format_ = nullptr;
  Key key_ = nullptr;
  const void* subject_ = nullptr;
  std::string_view borrowed_;
  bool borrowing_ = false;
};

/// An event as observers and renderers see it while it is recorded or replayed: its texts are
/// views into whatever recorded it (a message, a stream's name, a static name), valid only
/// during the call. What outlives the call is a TraceEvent made from it.
struct TraceEventView {
  Time t;
  TraceKind kind = TraceKind::kNote;
  std::string_view actor;   // who: e.g. "peer", "shim", "endorser", "launcher"
  std::string_view state;   // the actor's state when the event happened
  std::string_view stream;  // the stream's name, for message and stream events
  std::string_view from;    // the sending end, for message events
  std::string_view type;    // the message type, for message events
  std::string_view txid;
  std::string_view channel;
  TraceDetail detail;  // human-readable: payload summary, error text, transition, timer
  // kOutcome only.
  std::optional<std::int64_t> status;
  std::optional<std::string_view> error;
  std::optional<std::string_view> payload;
  /// Message events: the decoded payload as a JSON object's text (keys, values, args, status,
  /// nested messages), formatted only if an output asks; empty for other events. Not in the
  /// digest: the detail's key covers the same fields.
  TraceDetail fields;
};

/// One trace record, owning its texts: what a trace keeps, what a spool reads back, what an
/// observer keeps of an event. Which fields are set depends on the kind; unset strings are
/// empty.
struct TraceEvent {
  TraceEvent() = default;
  /// Copies the view's texts (formatting its detail).
  explicit TraceEvent(const TraceEventView& v);

  Time t;
  TraceKind kind = TraceKind::kNote;
  std::string actor;
  std::string state;
  std::string stream;
  std::string from;
  std::string type;
  std::string txid;
  std::string channel;
  std::string detail;
  std::optional<std::int64_t> status;
  std::optional<std::string> error;
  std::optional<std::string> payload;
  std::string fields;  // JSON object text, or empty

  /// A view of this event, valid while it lives (its detail is plain text).
  TraceEventView view() const;
};

/// Sees every event as it is recorded, whether or not the trace keeps it (property monitors,
/// expectations over a digest-only run).
class TraceObserver {
 public:
  virtual ~TraceObserver() = default;
  virtual void on_event(const TraceEventView& event) = 0;
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

  /// Shows the event to the observer, adds it to the digest, and keeps a copy in kEvents mode.
  void record(const TraceEventView& event);
  void record(const TraceEvent& event) { record(event.view()); }

  /// The observer (not owned) sees each event recorded from now on; nullptr removes it.
  void set_observer(TraceObserver* observer) {
    observer_ = observer;
    observer_kept_ = observer != nullptr ? observer->kept_counter() : nullptr;
  }
  /// Whether a fingerprint covers formatted details (a fingerprint trace skips them unless an
  /// expectation reads them; the digest covers a keyed detail's key whatever this says).
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
  std::uint64_t digest() const;

 private:
  void add_fingerprint(const TraceEventView& e);
  void add_digest(const TraceEventView& e);

  TraceMode mode_;
  bool details_;
  TraceObserver* observer_ = nullptr;
  const std::uint64_t* observer_kept_ = nullptr;  // what it keeps (see kept_counter)
  std::vector<TraceEvent> events_;
  std::size_t count_ = 0;
  std::uint64_t string_bytes_ = 0;
  std::uint64_t digest_state_ = 0xcbf29ce484222325ULL;  // word_hash state over the records
  std::uint64_t fingerprint_ = 0x6a09e667f3bcc908ULL;
};

}  // namespace ccsim::kernel
