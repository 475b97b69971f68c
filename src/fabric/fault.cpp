#include "ccsim/fabric/fault.hpp"

namespace ccsim::fabric {

namespace {
constexpr Fault::Action kActions[] = {
    Fault::Action::kTerminateStream,
    Fault::Action::kHalfClose,
    Fault::Action::kFailNextSend,
    Fault::Action::kCrashContainer,
    Fault::Action::kRestartContainer,
    Fault::Action::kRestartPeer,
    Fault::Action::kInject,
    Fault::Action::kWithhold,
    Fault::Action::kDelay,
    Fault::Action::kFailNextQueryRead,
};
}  // namespace

const char* to_string(Fault::Action action) {
  switch (action) {
    case Fault::Action::kTerminateStream:
      return "terminate_stream";
    case Fault::Action::kHalfClose:
      return "half_close";
    case Fault::Action::kFailNextSend:
      return "fail_next_send";
    case Fault::Action::kCrashContainer:
      return "crash_container";
    case Fault::Action::kRestartContainer:
      return "restart_container";
    case Fault::Action::kRestartPeer:
      return "restart_peer";
    case Fault::Action::kInject:
      return "inject";
    case Fault::Action::kWithhold:
      return "withhold";
    case Fault::Action::kDelay:
      return "delay";
    case Fault::Action::kFailNextQueryRead:
      return "fail_next_query_read";
  }
  return "?";
}

std::optional<Fault::Action> fault_action_from_string(const std::string& name) {
  for (Fault::Action a : kActions) {
    if (name == to_string(a)) return a;
  }
  return std::nullopt;
}

std::vector<std::string> fault_action_names() {
  std::vector<std::string> out;
  for (Fault::Action a : kActions)
    out.emplace_back(to_string(a));
  return out;
}

std::string describe(const Fault& fault) {
  std::string out = to_string(fault.action);
  if (fault.action == Fault::Action::kHalfClose || fault.action == Fault::Action::kFailNextSend ||
      fault.action == Fault::Action::kInject) {
    out += std::string(" side=") + to_string(fault.side);
  }
  if (fault.action == Fault::Action::kInject) {
    out += std::string(" ") + to_string(fault.message.type);
    if (!fault.message.txid.empty()) out += " txid=" + fault.message.txid;
  }
  if (fault.action == Fault::Action::kWithhold || fault.action == Fault::Action::kDelay) {
    out += std::string(" ") + to_string(fault.message.type);
  }
  if (fault.action == Fault::Action::kDelay) out += " by " + kernel::format_duration(fault.delay);
  if (fault.action == Fault::Action::kFailNextSend ||
      fault.action == Fault::Action::kFailNextQueryRead) {
    out += " error=\"" + fault.error + "\"";
  }
  if (fault.at) {
    out += " (at " + kernel::format_time(*fault.at) + ")";
  } else if (fault.after) {
    out += std::string(" (after ") + to_string(fault.after->type) + " #" +
           std::to_string(fault.after->count) + " from " + to_string(fault.after->from) + ")";
  }
  return out;
}

}  // namespace ccsim::fabric
