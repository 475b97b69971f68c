#include "ccsim/fabric/delay_model.hpp"

namespace ccsim::fabric {

const DelayRange& DirectionDelays::for_type(MessageType t) const {
  auto it = by_type.find(t);
  return it == by_type.end() ? all : it->second;
}

kernel::Duration DelayModel::latency(kernel::Decisions& decisions, const std::string& stream,
                                     Side from, const ChaincodeMessage& msg) const {
  const DirectionDelays& dir = from == Side::kPeer ? peer_to_shim : shim_to_peer;
  const DelayRange& r = dir.for_type(msg.type);
  if (r.max <= r.min) return r.min;
  const auto span = static_cast<std::uint64_t>((r.max - r.min).ns()) + 1;
  // Build the key only if something reads or logs it (fuzzing runs do not).
  std::string key;
  if (decisions.wants_keys()) {
    key = "latency ";
    key += from == Side::kPeer ? "peer->" + stream : stream + "->peer";
    key += ' ';
    key += label_of(msg);
  }
  const std::uint64_t offset = decisions.choose(kernel::DecisionKind::kLatency, key, span);
  return r.min + kernel::Duration::nanoseconds(static_cast<std::int64_t>(offset));
}

kernel::Duration DelayModel::close_latency(kernel::Decisions& decisions, const std::string& stream,
                                           Side from) const {
  const DelayRange& r = (from == Side::kPeer ? peer_to_shim : shim_to_peer).all;
  if (r.max <= r.min) return r.min;
  const auto span = static_cast<std::uint64_t>((r.max - r.min).ns()) + 1;
  std::string key;
  if (decisions.wants_keys()) {
    key = "latency ";
    key += from == Side::kPeer ? "peer->" + stream : stream + "->peer";
    key += " EOF";
  }
  const std::uint64_t offset = decisions.choose(kernel::DecisionKind::kLatency, key, span);
  return r.min + kernel::Duration::nanoseconds(static_cast<std::int64_t>(offset));
}

}  // namespace ccsim::fabric
