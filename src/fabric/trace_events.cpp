#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

const char* to_string(Side side) {
  return side == Side::kPeer ? "peer" : "shim";
}

namespace {
void format_summary(const void* msg, std::string& out) {
  out = static_cast<const ChaincodeMessage*>(msg)->summary();
}
void format_fields(const void* msg, std::string& out) {
  out = static_cast<const ChaincodeMessage*>(msg)->fields_json();
}
std::uint64_t message_key(const void* msg) {
  return static_cast<const ChaincodeMessage*>(msg)->digest_key();
}

struct Transition {
  std::string_view from;
  std::string_view to;
};
void format_transition(const void* transition, std::string& out) {
  const auto& t = *static_cast<const Transition*>(transition);
  out.reserve(t.from.size() + 4 + t.to.size());
  out = t.from;
  out += " -> ";
  out += t.to;
}
std::uint64_t transition_key(const void* transition) {
  return kernel::word_hash::fold(0, static_cast<const Transition*>(transition)->from);
}
}  // namespace

// A message's detail is its summary, formatted only if someone reads it: the digest reads the
// message's payload fields instead (ChaincodeMessage::digest_key).
void trace_message(kernel::Simulation& sim, kernel::TraceKind kind, Side actor,
                   std::string_view state, std::string_view stream, Side from,
                   const ChaincodeMessage& msg) {
  sim.trace().record(kernel::TraceEventView{
      sim.now(), kind, to_string(actor), state, stream, to_string(from), to_string(msg.type),
      msg.txid, msg.channel_id, kernel::TraceDetail(message_key, format_summary, &msg),
      std::nullopt, std::nullopt, std::nullopt, kernel::TraceDetail(format_fields, &msg)});
}

// The detail "from -> to" is formatted only if read; the digest reads the from-state (the
// to-state is the record's state).
void trace_state(kernel::Simulation& sim, std::string_view actor, std::string_view stream,
                 std::string_view from_state, std::string_view to_state) {
  const Transition transition{from_state, to_state};
  sim.trace().record(
      kernel::TraceEventView{sim.now(),
                             kernel::TraceKind::kState,
                             actor,
                             to_state,
                             stream,
                             {},
                             {},
                             {},
                             {},
                             kernel::TraceDetail(transition_key, format_transition, &transition),
                             std::nullopt,
                             std::nullopt,
                             std::nullopt});
}

void trace_event(kernel::Simulation& sim, kernel::TraceKind kind, std::string_view actor,
                 std::string_view state, std::string_view stream, std::string_view txid,
                 std::string_view channel, std::string detail) {
  sim.trace().record(kernel::TraceEventView{sim.now(),
                                            kind,
                                            actor,
                                            state,
                                            stream,
                                            {},
                                            {},
                                            txid,
                                            channel,
                                            kernel::TraceDetail(std::move(detail)),
                                            std::nullopt,
                                            std::nullopt,
                                            std::nullopt});
}

}  // namespace ccsim::fabric
