// How long a message takes to cross a stream: a range per direction, optionally per message
// type. A range with min < max makes each message's latency a decision
// ("latency peer->mycc TRANSACTION tx1").
#pragma once

#include <map>

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

struct DelayModel {
  DirectionDelays peer_to_shim;
  DirectionDelays shim_to_peer;
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
