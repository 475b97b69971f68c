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
void add_optional(Digest& d, const std::optional<std::string>& s) {
  d.add(static_cast<std::uint64_t>(s.has_value()));
  if (s) d.add(*s);
}
}  // namespace

void Trace::record(TraceEvent e) {
  digest_.add(static_cast<std::uint64_t>(e.t.ns()));
  digest_.add(static_cast<std::uint64_t>(e.kind));
  for (const std::string* s :
       {&e.actor, &e.state, &e.stream, &e.from, &e.type, &e.txid, &e.channel, &e.detail}) {
    digest_.add(*s);
  }
  digest_.add(static_cast<std::uint64_t>(e.status.has_value()));
  if (e.status) digest_.add(static_cast<std::uint64_t>(*e.status));
  add_optional(digest_, e.error);
  add_optional(digest_, e.payload);
  ++count_;
  if (keep_events_) events_.push_back(std::move(e));
}

}  // namespace ccsim::kernel
