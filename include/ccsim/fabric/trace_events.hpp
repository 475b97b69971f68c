// Builders for the trace records the Fabric actors emit, so every actor spells a message
// event, a state change or a note the same way.
#pragma once

#include <string>
#include <string_view>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/kernel/simulation.hpp"

namespace ccsim::fabric {

/// Which actor of a stream: the peer-side Handler or the chaincode-side shim Handler.
enum class Side : std::uint8_t { kPeer, kShim };
const char* to_string(Side side);

// Text arguments are views: each is copied once, into the record (most are literals or a
// to_string's static text, which a std::string parameter would copy twice).
void trace_message(kernel::Simulation& sim, kernel::TraceKind kind, Side actor,
                   std::string_view state, std::string_view stream, Side from,
                   const ChaincodeMessage& msg);
void trace_state(kernel::Simulation& sim, std::string_view actor, std::string_view stream,
                 std::string_view from_state, std::string_view to_state);
/// An actor's event of any non-message kind (timer, stream end, note).
void trace_event(kernel::Simulation& sim, kernel::TraceKind kind, std::string_view actor,
                 std::string_view state, std::string_view stream, std::string_view txid,
                 std::string_view channel, std::string detail);
inline void trace_note(kernel::Simulation& sim, std::string_view actor, std::string_view state,
                       std::string_view stream, std::string_view txid, std::string_view channel,
                       std::string detail) {
  trace_event(sim, kernel::TraceKind::kNote, actor, state, stream, txid, channel,
              std::move(detail));
}

}  // namespace ccsim::fabric
