// RunningChaincodes, 1.0/1.1's runningChaincodes (docs/fabric-sources.md 4.1, 4.2): the map from a
// chaincode's canonical name ("name:version") to its handler, in which an unregistered
// placeholder handler marks a launch under way, and (FAB-5391, 1.0.1) the launchStarted flags.
// Launch, registration, Execute and deregistration consult it under one lock in Fabric; here
// every call is synchronous, so each is atomic by construction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "ccsim/fabric/profile.hpp"

namespace ccsim::fabric {

class Handler;

/// readyNotify: a Go `chan bool` of capacity 1 that the launch creates. The handler that takes
/// over the placeholder sends true once REGISTERED is out, or false if its registration then
/// failed; the launcher receives it in its select.
class ReadyNotify {
 public:
  /// The send. One handler takes over one placeholder, so the one slot never overflows.
  void send(bool value);
  /// The value sent, once there is one.
  const std::optional<bool>& value() const { return value_; }
  /// Called at the send (the launcher's select case becomes ready).
  void on_send(std::function<void()> wake) { wake_ = std::move(wake); }

 private:
  std::optional<bool> value_;
  std::function<void()> wake_;
};

class RunningChaincodes {
 public:
  /// A chaincodeMap entry: the registered handler, or (handler == nullptr) the placeholder
  /// `&Handler{readyNotify: notfy}` that preLaunchSetup inserts, registered == false.
  struct Entry {
    Handler* handler = nullptr;
    std::shared_ptr<ReadyNotify> ready_notify;
    bool registered() const { return handler != nullptr; }
  };

  /// `user_runs_cc`: chaincode.mode "dev", where a chaincode may register without a launch.
  RunningChaincodes(const Profile& profile, bool user_runs_cc)
      : profile_(&profile), user_runs_cc_(user_runs_cc) {}

  bool user_runs_cc() const { return user_runs_cc_; }

  /// chaincodeHasBeenLaunched: the entry under `name`, or nullptr.
  const Entry* find(const std::string& name) const;
  /// launchStarted (FAB-5391): set while launchAndWaitForRegister runs.
  bool launch_started(const std::string& name) const { return launch_started_.count(name) != 0; }
  void set_launch_started(const std::string& name) { launch_started_.insert(name); }
  void clear_launch_started(const std::string& name) { launch_started_.erase(name); }

  /// preLaunchSetup: (over)writes the entry with a placeholder holding `notify`.
  void pre_launch_setup(const std::string& name, std::shared_ptr<ReadyNotify> notify);
  /// registerHandler: a registered entry is a duplicate ("Duplicate chaincodeID error: %s"); a
  /// placeholder is taken over (its readyNotify goes to `*took_over`); no entry is refused
  /// outside dev mode ("peer will not accepting external chaincode connection %v (except in
  /// dev mode)", 1.1 "... will not accept ..."). Texts as Fabric builds them, with the
  /// ChaincodeID in protobuf's compact text form.
  std::optional<std::string> register_handler(const std::string& name, Handler& handler,
                                              std::shared_ptr<ReadyNotify>* took_over);
  /// deregisterHandler: deletes whatever entry `name` has (keyed by name, not by handler);
  /// "Error deregistering handler, could not find handler with key: %s" if there is none.
  std::optional<std::string> deregister_handler(const std::string& name);
  /// The delete of Stop and of a failed VMCProcess.
  void erase(const std::string& name) { map_.erase(name); }

 private:
  const Profile* profile_;
  bool user_runs_cc_;
  std::map<std::string, Entry> map_;
  std::set<std::string> launch_started_;
};

/// A ChaincodeID{name} as golang/protobuf's String() prints it (compact text, each field
/// followed by a space): `name:"mycc:1.0" `.
std::string chaincode_id_text(const std::string& name);

}  // namespace ccsim::fabric
