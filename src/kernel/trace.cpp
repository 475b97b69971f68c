#include "ccsim/kernel/trace.hpp"

#include <bit>
#include <cstring>

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

// The fingerprint: eight bytes at a time, multiply and rotate (in the manner of wyhash and
// xxhash). Bytes are read as little-endian words whatever the machine, so a trace has one
// fingerprint everywhere.
constexpr std::uint64_t kP1 = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kP2 = 0xc2b2ae3d27d4eb4fULL;

inline std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
inline std::uint64_t fold(std::uint64_t h, std::uint64_t word) {
  return rotl(h ^ (word * kP2), 31) * kP1;
}
// Up to eight bytes as a little-endian word. Each size is its own fixed-size copy, which
// compilers inline, rather than a call to memcpy.
template <std::size_t N>
inline std::uint64_t load_n(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, N);
  return word;
}
inline std::uint64_t load_le(const char* p, std::size_t n) {
  std::uint64_t word = 0;
  switch (n) {
    case 8:
      word = load_n<8>(p);
      break;
    case 7:
      word = load_n<7>(p);
      break;
    case 6:
      word = load_n<6>(p);
      break;
    case 5:
      word = load_n<5>(p);
      break;
    case 4:
      word = load_n<4>(p);
      break;
    case 3:
      word = load_n<3>(p);
      break;
    case 2:
      word = load_n<2>(p);
      break;
    default:
      word = load_n<1>(p);
      break;
  }
  if constexpr (std::endian::native == std::endian::big) {
    std::uint64_t swapped = 0;
    for (int i = 0; i < 8; ++i)
      swapped |= ((word >> (8 * i)) & 0xff) << (8 * (7 - i));
    word = swapped;  // the copied bytes sat at the top, so the zeros are now above them
  }
  return word;
}
std::uint64_t fold(std::uint64_t h, const std::string& s) {
  h = fold(h, s.size());
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8)
    h = fold(h, load_le(p, 8));
  if (n > 0) h = fold(h, load_le(p, n));
  return h;
}
std::uint64_t fold(std::uint64_t h, const std::optional<std::string>& s) {
  h = fold(h, static_cast<std::uint64_t>(s.has_value()));
  return s ? fold(h, *s) : h;
}
}  // namespace

void Trace::add_fingerprint(const TraceEvent& e) {
  std::uint64_t h = fingerprint_;
  h = fold(h, static_cast<std::uint64_t>(e.t.ns()));
  h = fold(h, static_cast<std::uint64_t>(e.kind));
  for (const std::string* s :
       {&e.actor, &e.state, &e.stream, &e.from, &e.type, &e.txid, &e.channel, &e.detail}) {
    h = fold(h, *s);
  }
  h = fold(h, e.status ? static_cast<std::uint64_t>(*e.status) : 0xffffffffffffffffULL);
  h = fold(h, e.error);
  h = fold(h, e.payload);
  fingerprint_ = h ^ (h >> 29);
}

void Trace::record(TraceEvent&& e) {
  ++count_;
  if (observer_ != nullptr) observer_->on_event(e);
  if (mode_ == TraceMode::kFingerprint) {
    add_fingerprint(e);
    return;
  }
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
  if (mode_ == TraceMode::kEvents) {
    string_bytes_ += e.actor.size() + e.state.size() + e.stream.size() + e.from.size() +
                     e.type.size() + e.txid.size() + e.channel.size() + e.detail.size() +
                     (e.error ? e.error->size() : 0) + (e.payload ? e.payload->size() : 0);
    events_.push_back(std::move(e));
  }
}

}  // namespace ccsim::kernel
