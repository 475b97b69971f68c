#include "ccsim/fabric/handshake_script.hpp"

namespace ccsim::fabric {

HandshakeScript::HandshakeScript(const std::vector<Fault>& faults) {
  for (const Fault& f : faults) {
    if (f.action == Fault::Action::kWithhold) {
      rules_.push_back(Rule{f.chaincode, f.message.type, std::nullopt});
    } else if (f.action == Fault::Action::kDelay) {
      rules_.push_back(Rule{f.chaincode, f.message.type, f.delay});
    }
  }
}

const HandshakeScript::Rule* HandshakeScript::take(const std::string& chaincode, MessageType type) {
  for (Rule& r : rules_) {
    if (r.used || r.chaincode != chaincode || r.type != type) continue;
    r.used = true;
    return &r;
  }
  return nullptr;
}

}  // namespace ccsim::fabric
