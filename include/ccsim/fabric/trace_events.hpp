// Builders for the trace records the Fabric actors emit, so every actor spells a message
// event, a state change or a note the same way.
#pragma once

#include <string>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/kernel/simulation.hpp"

namespace ccsim::fabric {

/// Which actor of a stream: the peer-side Handler or the chaincode-side shim Handler.
enum class Side : std::uint8_t { kPeer, kShim };
const char* to_string(Side side);

void trace_message(kernel::Simulation& sim, kernel::TraceKind kind, Side actor,
                   const std::string& state, const std::string& stream, Side from,
                   const ChaincodeMessage& msg);
void trace_state(kernel::Simulation& sim, const std::string& actor, const std::string& stream,
                 const std::string& from_state, const std::string& to_state);
/// An actor's event of any non-message kind (timer, stream end, note).
void trace_event(kernel::Simulation& sim, kernel::TraceKind kind, const std::string& actor,
                 const std::string& state, const std::string& stream, const std::string& txid,
                 const std::string& channel, std::string detail);
inline void trace_note(kernel::Simulation& sim, const std::string& actor, const std::string& state,
                       const std::string& stream, const std::string& txid,
                       const std::string& channel, std::string detail) {
  trace_event(sim, kernel::TraceKind::kNote, actor, state, stream, txid, channel,
              std::move(detail));
}

}  // namespace ccsim::fabric
