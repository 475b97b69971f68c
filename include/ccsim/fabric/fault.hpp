// A fault: something done to a chaincode's stream or container, or to the whole peer, at a
// virtual time or right after the Nth message of a type is sent on a chaincode's stream.
// Faults act on the stream's life (terminate, half-close, send failure) and on processes,
// never by reordering inside a stream (docs/architecture.md, "Kernel"). Data only: the scenario
// layer reads them, the FaultInjector executes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/trace_events.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::fabric {

/// What a stream abort reports when the connection breaks under both ends (gRPC's text for
/// a closed transport).
inline constexpr const char* kTransportClosingError =
    "rpc error: code = Unavailable desc = transport is closing";
/// The default error of fail_next_send.
inline constexpr const char* kInjectedSendError = kTransportClosingError;

struct Fault {
  enum class Action : std::uint8_t {
    kTerminateStream,    // Stream abort: both ends see the stream break now
    kHalfClose,          // CloseSend from `side`: the other end gets EOF after what was sent
    kFailNextSend,       // the next send from `side` fails with `error`, nothing is delivered
    kCrashContainer,     // the chaincode process dies, as the container's `crash` behaviour
    kRestartContainer,   // crash, then Runtime.Start again: a new process dials the peer
    kRestartPeer,        // every chaincode stream breaks; handlers deregister as they end
    kInject,             // `message` is sent from `side` as is, bypassing that end's handler:
                         // a misbehaving peer or shim (stray replies, wrong-state messages)
    kWithhold,           // a scripted peer: the first `message.type` (REGISTERED or READY) it
                         // would send the chaincode is not sent; the handler goes on as if
    kDelay,              // ... it is sent `delay` late (what the peer sends meanwhile goes first)
    kFailNextQueryRead,  // the state database: the next batch read of a query iterator over
                         // the chaincode's namespace fails with `error`
  };

  /// Fires right after the `count`th message of `type` sent by `from` on the chaincode's
  /// streams (counted over all of that chaincode's streams, from the start of the run).
  struct AfterMessage {
    MessageType type = MessageType::UNDEFINED;
    Side from = Side::kPeer;
    std::uint64_t count = 1;
  };

  std::optional<kernel::Time> at;     // either at ...
  std::optional<AfterMessage> after;  // ... or after a message (neither: withhold, delay)
  std::string chaincode;              // the chaincode's name; may be empty for restart_peer
  Action action = Action::kTerminateStream;
  Side side = Side::kPeer;                 // half_close, fail_next_send
  std::string error = kInjectedSendError;  // fail_next_send, fail_next_query_read: the error
  int exit_code = 2;                       // crash_container, restart_container: what Wait returns
  ChaincodeMessage message;                // inject: what `side` sends; withhold, delay: type
  kernel::Duration delay;                  // delay: how late
  kernel::Duration down_for;               // restart_peer: how long the peer is gone
  bool graceful = false;                   // restart_peer: SIGTERM, not a crash
};

/// The action's name as scenarios spell it: "terminate_stream", "half_close", ...
const char* to_string(Fault::Action action);
std::optional<Fault::Action> fault_action_from_string(const std::string& name);
/// Every action name, in declaration order.
std::vector<std::string> fault_action_names();

/// "terminate_stream", "half_close side=shim", ... for traces.
std::string describe(const Fault& fault);

}  // namespace ccsim::fabric
