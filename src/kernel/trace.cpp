#include "ccsim/kernel/trace.hpp"

namespace ccsim::kernel {

const char* to_string(TraceKind kind) {
  switch (kind) {
    case TraceKind::kSend:
      return "send";
    case TraceKind::kDeliver:
      return "deliver";
    case TraceKind::kState:
      return "state";
    case TraceKind::kTimer:
      return "timer";
    case TraceKind::kStreamEnd:
      return "stream_end";
    case TraceKind::kNote:
      return "note";
    case TraceKind::kOutcome:
      return "outcome";
  }
  return "?";
}

namespace {
using word_hash::fold;

std::uint64_t fold(std::uint64_t h, const std::optional<std::string_view>& s) {
  h = fold(h, static_cast<std::uint64_t>(s.has_value()));
  return s ? fold(h, *s) : h;
}

// What the digest and the fingerprint both begin a record with: time (ns), kind, and the seven
// names as texts.
std::uint64_t fold_head(std::uint64_t h, const TraceEventView& e) {
  h = fold(h, static_cast<std::uint64_t>(e.t.ns()));
  h = fold(h, static_cast<std::uint64_t>(e.kind));
  for (std::string_view s : {e.actor, e.state, e.stream, e.from, e.type, e.txid, e.channel})
    h = fold(h, s);
  return h;
}
}  // namespace

TraceEvent::TraceEvent(const TraceEventView& v)
    : t(v.t),
      kind(v.kind),
      actor(v.actor),
      state(v.state),
      stream(v.stream),
      from(v.from),
      type(v.type),
      txid(v.txid),
      channel(v.channel),
      detail(v.detail.text()),
      status(v.status),
      fields(v.fields.text()) {
  if (v.error) error.emplace(*v.error);
  if (v.payload) payload.emplace(*v.payload);
}

TraceEventView TraceEvent::view() const {
  TraceEventView v{t,
                   kind,
                   actor,
                   state,
                   stream,
                   from,
                   type,
                   txid,
                   channel,
                   TraceDetail::borrowed(detail),
                   status,
                   std::nullopt,
                   std::nullopt,
                   TraceDetail::borrowed(fields)};
  if (error) v.error = *error;
  if (payload) v.payload = *payload;
  return v;
}

// The fingerprint hashes a keyed detail's text only when details are wanted (an expectation
// reads them), an empty text otherwise: what fuzzing counted as one trace before details were
// keyed, so campaigns count the same distinct traces.
void Trace::add_fingerprint(const TraceEventView& e) {
  std::uint64_t h = fold_head(fingerprint_, e);
  h = fold(h, e.detail.keyed() && !details_ ? std::string_view() : e.detail.text());
  h = fold(h, e.status ? static_cast<std::uint64_t>(*e.status) : 0xffffffffffffffffULL);
  h = fold(h, e.error);
  h = fold(h, e.payload);
  fingerprint_ = h ^ (h >> 29);
}

// The digest's encoding of a record (docs/architecture.md, "The digest"): time (ns), kind, the
// seven names as texts, the detail as 1 and its key or 0 and its text, the status as a presence
// word and its value, error and payload as a presence word and their texts.
void Trace::add_digest(const TraceEventView& e) {
  std::uint64_t h = fold_head(digest_state_, e);
  if (e.detail.keyed()) {
    h = fold(fold(h, 1), e.detail.key());
  } else {
    h = fold(fold(h, 0), e.detail.text());
  }
  h = fold(h, static_cast<std::uint64_t>(e.status.has_value()));
  if (e.status) h = fold(h, static_cast<std::uint64_t>(*e.status));
  h = fold(h, e.error);
  h = fold(h, e.payload);
  digest_state_ = h;
}

void Trace::record(const TraceEventView& e) {
  ++count_;
  if (observer_ != nullptr) observer_->on_event(e);
  if (mode_ == TraceMode::kFingerprint) {
    add_fingerprint(e);
    return;
  }
  add_digest(e);
  if (mode_ == TraceMode::kEvents) {
    events_.emplace_back(e);
    const TraceEvent& kept = events_.back();
    string_bytes_ += kept.actor.size() + kept.state.size() + kept.stream.size() + kept.from.size() +
                     kept.type.size() + kept.txid.size() + kept.channel.size() +
                     kept.detail.size() + (kept.error ? kept.error->size() : 0) +
                     (kept.payload ? kept.payload->size() : 0) + kept.fields.size();
  }
}

std::uint64_t Trace::digest() const {
  if (mode_ == TraceMode::kFingerprint) return fingerprint_;
  return word_hash::avalanche(digest_state_);
}

}  // namespace ccsim::kernel
