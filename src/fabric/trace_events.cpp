#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

const char* to_string(Side side) {
  return side == Side::kPeer ? "peer" : "shim";
}

void trace_message(kernel::Simulation& sim, kernel::TraceKind kind, Side actor,
                   std::string_view state, std::string_view stream, Side from,
                   const ChaincodeMessage& msg) {
  kernel::TraceEvent e;
  e.t = sim.now();
  e.kind = kind;
  e.actor = to_string(actor);
  e.state = state;
  e.stream = stream;
  e.from = to_string(from);
  e.type = to_string(msg.type);
  e.txid = msg.txid;
  e.channel = msg.channel_id;
  // A fuzzing trace may skip the payload summary: formatting it is most of tracing's cost.
  if (sim.trace().wants_details()) e.detail = msg.summary();
  sim.trace().record(std::move(e));
}

void trace_state(kernel::Simulation& sim, std::string_view actor, std::string_view stream,
                 std::string_view from_state, std::string_view to_state) {
  kernel::TraceEvent e;
  e.t = sim.now();
  e.kind = kernel::TraceKind::kState;
  e.actor = actor;
  e.state = to_state;
  e.stream = stream;
  if (sim.trace().wants_details()) {
    e.detail = from_state;
    e.detail += " -> ";
    e.detail += to_state;
  }
  sim.trace().record(std::move(e));
}

void trace_event(kernel::Simulation& sim, kernel::TraceKind kind, std::string_view actor,
                 std::string_view state, std::string_view stream, std::string_view txid,
                 std::string_view channel, std::string detail) {
  kernel::TraceEvent e;
  e.t = sim.now();
  e.kind = kind;
  e.actor = actor;
  e.state = state;
  e.stream = stream;
  e.txid = txid;
  e.channel = channel;
  e.detail = std::move(detail);
  sim.trace().record(std::move(e));
}

}  // namespace ccsim::fabric
