#include "ccsim/fabric/launch_state.hpp"

namespace ccsim::fabric {

void LaunchState::notify(std::optional<std::string> err) {
  if (notified_) return;
  notified_ = true;
  err_ = std::move(err);
  std::vector<Waiting> waiters = std::move(waiters_);
  waiters_.clear();
  for (Waiting& w : waiters)
    wake(std::move(w.waiter), w.who);
}

void LaunchState::on_done(Waiter waiter, std::string who) {
  if (notified_) return wake(std::move(waiter), who);
  waiters_.push_back(Waiting{std::move(waiter), std::move(who)});
}

void LaunchState::wake(Waiter waiter, const std::string& who) {
  sim_->spawn([w = std::move(waiter), e = err_] { w(e); },
              [&] { return who + " sees the launch done"; });
}

}  // namespace ccsim::fabric
