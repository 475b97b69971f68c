// How long a message takes to cross a stream: a range per direction, optionally per message
// type. A range with min < max makes each message's latency a decision
// ("latency peer->mycc TRANSACTION tx1").
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/trace_events.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::fabric {

/// Uniform in [min, max]; min == max is a fixed latency.
struct DelayRange {
  kernel::Duration min;
  kernel::Duration max;
};

struct DirectionDelays {
  DelayRange all;                             // every message type not listed below
  std::map<MessageType, DelayRange> by_type;  // overrides per message type
  const DelayRange& for_type(MessageType t) const;
};

/// A proxy, load balancer or firewall on every chaincode stream that cuts a connection after
/// `idle_timeout` with nothing crossing it.
struct Middlebox {
  /// What keeps a connection from idling: any frame (an L4 box sees gRPC's HTTP/2 PINGs as
  /// traffic) or only chaincode messages (an L7 proxy's stream idle timer).
  enum class Counts : std::uint8_t { kBytes, kMessages };
  /// How it cuts: a TCP reset both ends see at once, or by forgetting the connection, so that
  /// whatever either end sends from then on is lost and neither end is told.
  enum class Cut : std::uint8_t { kReset, kDrop };
  kernel::Duration idle_timeout;
  Counts counts = Counts::kBytes;
  Cut cut = Cut::kReset;
};

/// gRPC's HTTP/2 keepalive on the chaincode streams, where the scenario overrides the
/// release's values (a shim built otherwise, a chaincode in another language).
struct GrpcKeepalive {
  std::optional<kernel::Duration> time;      // the client: a PING after this long receiving nothing
  std::optional<kernel::Duration> timeout;   // the client: gives up when no ACK comes in this
  std::optional<kernel::Duration> min_time;  // the server: a PING sooner after the last is a strike
};

struct DelayModel {
  DirectionDelays peer_to_shim;
  DirectionDelays shim_to_peer;
  std::optional<Middlebox> middlebox;
  std::optional<GrpcKeepalive> grpc_keepalive;
  /// Whether gRPC's transport (keepalive PINGs, idle connections) is simulated: only where a
  /// scenario has something that can tell, a middlebox or keepalive values of its own.
  bool transport_modelled() const { return middlebox.has_value() || grpc_keepalive.has_value(); }
  /// Unsafe: lets a message overtake an earlier one in the same direction. Breaks gRPC's
  /// guarantee; for exploring what a non-FIFO transport would do.
  bool unsafe_reorder = false;

  /// The latency of `msg` sent by `from` on the stream `stream`, drawn through decisions.
  kernel::Duration latency(kernel::Decisions& decisions, const std::string& stream, Side from,
                           const ChaincodeMessage& msg) const;
  /// The latency of a half-close by `from` (gRPC's END_STREAM, or the error status in its
  /// place): the direction's latency for every message type ("latency peer->mycc EOF").
  kernel::Duration close_latency(kernel::Decisions& decisions, const std::string& stream,
                                 Side from) const;
};

}  // namespace ccsim::fabric
