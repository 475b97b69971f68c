// A scripted peer's handshake, as a shim's own tests use one: the first REGISTERED or READY
// the peer would send a chaincode is withheld, or sent late (faults "withhold" and "delay").
// The peer Handler asks before it sends either; its state moves on as if it had sent it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/fault.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::fabric {

class HandshakeScript {
 public:
  /// What happens to one message: withheld (no delay) or sent `delay` late.
  struct Rule {
    std::string chaincode;
    MessageType type = MessageType::UNDEFINED;
    std::optional<kernel::Duration> delay;  // nullopt: withheld
    bool used = false;
  };

  /// The withhold and delay faults of `faults` (the others are not its business).
  explicit HandshakeScript(const std::vector<Fault>& faults);

  /// The rule for the peer's `type` to `chaincode`, used up from now on; nullptr: send it.
  const Rule* take(const std::string& chaincode, MessageType type);

 private:
  std::vector<Rule> rules_;
};

}  // namespace ccsim::fabric
