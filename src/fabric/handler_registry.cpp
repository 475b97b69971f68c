#include "ccsim/fabric/handler_registry.hpp"

#include "ccsim/fabric/handler.hpp"

namespace ccsim::fabric {

std::pair<std::shared_ptr<LaunchState>, bool> HandlerRegistry::launching(const std::string& ccid) {
  if (auto it = launching_.find(ccid); it != launching_.end()) return {it->second, true};
  if (handlers_.count(ccid) != 0) {
    auto state = std::make_shared<LaunchState>(*sim_);
    state->notify(std::nullopt);
    return {state, true};
  }
  auto state = std::make_shared<LaunchState>(*sim_);
  launching_[ccid] = state;
  return {state, false};
}

void HandlerRegistry::ready(const std::string& ccid) {
  if (auto it = launching_.find(ccid); it != launching_.end()) it->second->notify(std::nullopt);
}

void HandlerRegistry::failed(const std::string& ccid, const std::string& err) {
  if (auto it = launching_.find(ccid); it != launching_.end()) it->second->notify(err);
}

Handler* HandlerRegistry::handler(const std::string& ccid) const {
  auto it = handlers_.find(ccid);
  return it == handlers_.end() ? nullptr : it->second;
}

std::optional<std::string> HandlerRegistry::register_handler(const std::string& ccid,
                                                             Handler& handler) {
  if (handlers_.count(ccid) != 0) return "duplicate chaincodeID: " + ccid;
  if (launching_.count(ccid) == 0 && !allow_unsolicited_) {
    return "peer will not accept external chaincode connection " + ccid + " (except in dev mode)";
  }
  handlers_[ccid] = &handler;
  return std::nullopt;
}

std::optional<std::string> HandlerRegistry::deregister(const std::string& ccid) {
  Handler* h = handler(ccid);
  handlers_.erase(ccid);
  launching_.erase(ccid);
  if (h == nullptr) return "could not find handler: " + ccid;
  h->close();
  return std::nullopt;
}

}  // namespace ccsim::fabric
