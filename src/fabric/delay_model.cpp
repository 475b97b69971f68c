#include "ccsim/fabric/delay_model.hpp"

namespace ccsim::fabric {

const DelayRange& DirectionDelays::for_type(MessageType t) const {
  auto it = by_type.find(t);
  return it == by_type.end() ? all : it->second;
}

namespace {
// A latency in `r`: a decision when it is a range, keyed "latency <direction> <what>"; the key
// is built only if something reads or logs it (fuzzing runs do not).
template <class What>
kernel::Duration draw(kernel::Decisions& decisions, const DelayRange& r, const std::string& stream,
                      Side from, What&& what) {
  if (r.max <= r.min) return r.min;
  const auto span = static_cast<std::uint64_t>((r.max - r.min).ns()) + 1;
  std::string key;
  if (decisions.wants_keys()) {
    key = "latency ";
    key += from == Side::kPeer ? "peer->" + stream : stream + "->peer";
    key += ' ';
    key += what();
  }
  const std::uint64_t offset = decisions.choose(kernel::DecisionKind::kLatency, key, span);
  return r.min + kernel::Duration::nanoseconds(static_cast<std::int64_t>(offset));
}
}  // namespace

kernel::Duration DelayModel::latency(kernel::Decisions& decisions, const std::string& stream,
                                     Side from, const ChaincodeMessage& msg) const {
  const DirectionDelays& dir = from == Side::kPeer ? peer_to_shim : shim_to_peer;
  return draw(decisions, dir.for_type(msg.type), stream, from, [&] { return label_of(msg); });
}

kernel::Duration DelayModel::close_latency(kernel::Decisions& decisions, const std::string& stream,
                                           Side from) const {
  const DirectionDelays& dir = from == Side::kPeer ? peer_to_shim : shim_to_peer;
  return draw(decisions, dir.all, stream, from, [] { return std::string("EOF"); });
}

}  // namespace ccsim::fabric
