// LaunchState (1.3+ form, docs/fabric-sources.md 4.4): the outcome of one chaincode launch,
// shared by the first launcher and every caller queued behind it. Notify is idempotent: the
// first call wins and releases every waiter.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/kernel/simulation.hpp"

namespace ccsim::fabric {

class LaunchState {
 public:
  /// A waiter gets the launch error, or nullopt on success.
  using Waiter = std::function<void(const std::optional<std::string>& err)>;

  explicit LaunchState(kernel::Simulation& sim) : sim_(&sim) {}

  void notify(std::optional<std::string> err);
  bool notified() const { return notified_; }
  const std::optional<std::string>& err() const { return err_; }
  /// Like waiting on Done(): the waiter runs as its own task once notified. `who` names the
  /// waiter in that task's label ("launch mycc:1.0 for tx1").
  void on_done(Waiter waiter, std::string who);

 private:
  kernel::Simulation* sim_;
  bool notified_ = false;
  std::optional<std::string> err_;
  struct Waiting {
    Waiter waiter;
    std::string who;
  };
  void wake(Waiter waiter, const std::string& who);

  std::vector<Waiting> waiters_;
};

}  // namespace ccsim::fabric
