// HandlerRegistry (1.3+/2.x form, docs/fabric-sources.md 4.4): registered peer handlers and
// in-progress launches, both keyed by chaincode ID. Deregistration is keyed by name, not by
// handler identity, exactly as in Fabric (section 2.7's hazard follows from that).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "ccsim/fabric/launch_state.hpp"

namespace ccsim::fabric {

class Handler;

class HandlerRegistry {
 public:
  HandlerRegistry(kernel::Simulation& sim, bool allow_unsolicited_registration)
      : sim_(&sim), allow_unsolicited_(allow_unsolicited_registration) {}

  /// The launch state for ccid and whether someone already started it (a registered
  /// handler without a launch counts as started and already notified).
  std::pair<std::shared_ptr<LaunchState>, bool> launching(const std::string& ccid);
  void ready(const std::string& ccid);
  void failed(const std::string& ccid, const std::string& err);
  Handler* handler(const std::string& ccid) const;
  /// 1.2's hasLaunched: a handler is registered or a launch is under way.
  bool has_launched(const std::string& ccid) const {
    return handlers_.count(ccid) != 0 || launching_.count(ccid) != 0;
  }
  /// Fabric's errors: "duplicate chaincodeID: %s", "peer will not accept external chaincode
  /// connection %s (except in dev mode)".
  std::optional<std::string> register_handler(const std::string& ccid, Handler& handler);
  /// Removes handler and launch state; "could not find handler: %s" if there was no handler.
  std::optional<std::string> deregister(const std::string& ccid);

 private:
  kernel::Simulation* sim_;
  bool allow_unsolicited_;
  std::map<std::string, Handler*> handlers_;
  std::map<std::string, std::shared_ptr<LaunchState>> launching_;
};

}  // namespace ccsim::fabric
