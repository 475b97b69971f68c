#include "ccsim/fabric/launch_state.hpp"

namespace ccsim::fabric {

void LaunchState::notify(std::optional<std::string> err) {
  if (notified_) return;
  notified_ = true;
  err_ = std::move(err);
  std::vector<Waiter> waiters = std::move(waiters_);
  waiters_.clear();
  for (Waiter& w : waiters) {
    sim_->spawn([w = std::move(w), e = err_] { w(e); });
  }
}

void LaunchState::on_done(Waiter waiter) {
  if (notified_) {
    sim_->spawn([w = std::move(waiter), e = err_] { w(e); });
    return;
  }
  waiters_.push_back(std::move(waiter));
}

}  // namespace ccsim::fabric
