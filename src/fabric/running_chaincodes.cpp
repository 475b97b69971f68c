#include "ccsim/fabric/running_chaincodes.hpp"

#include "ccsim/kernel/check.hpp"

namespace ccsim::fabric {

void ReadyNotify::send(bool value) {
  // Capacity 1 and a single sender per channel: a second send would block its sender forever.
  CCSIM_CHECK(!value_.has_value(), "a second send on a readyNotify channel");
  value_ = value;
  if (wake_) wake_();
}

std::string chaincode_id_text(const std::string& name) {
  // proto3 leaves out an empty string field; the message then prints as "".
  return name.empty() ? std::string() : "name:\"" + name + "\" ";
}

const RunningChaincodes::Entry* RunningChaincodes::find(const std::string& name) const {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : &it->second;
}

void RunningChaincodes::pre_launch_setup(const std::string& name,
                                         std::shared_ptr<ReadyNotify> notify) {
  map_[name] = Entry{nullptr, std::move(notify)};
}

std::optional<std::string> RunningChaincodes::register_handler(
    const std::string& name, Handler& handler, std::shared_ptr<ReadyNotify>* took_over) {
  const bool lower = profile_->lowercase_errors;
  auto it = map_.find(name);
  if (it != map_.end() && it->second.registered()) {
    return std::string(lower ? "duplicate" : "Duplicate") +
           " chaincodeID error: " + chaincode_id_text(name);
  }
  if (it != map_.end()) {
    // The placeholder a launch set up: this handler takes over its readyNotify.
    *took_over = it->second.ready_notify;
    it->second = Entry{&handler, nullptr};
    return std::nullopt;
  }
  if (!user_runs_cc_) {
    return std::string(lower ? "peer will not accept" : "peer will not accepting") +
           " external chaincode connection " + chaincode_id_text(name) + " (except in dev mode)";
  }
  map_[name] = Entry{&handler, nullptr};
  return std::nullopt;
}

std::optional<std::string> RunningChaincodes::deregister_handler(const std::string& name) {
  if (map_.erase(name) == 0) {
    return std::string(profile_->lowercase_errors ? "error" : "Error") +
           " deregistering handler, could not find handler with key: " + name;
  }
  return std::nullopt;
}

}  // namespace ccsim::fabric
