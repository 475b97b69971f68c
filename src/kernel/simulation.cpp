#include "ccsim/kernel/simulation.hpp"

#include <algorithm>

#include "ccsim/kernel/check.hpp"

namespace ccsim::kernel {

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kDrained:
      return "drained";
    case StopReason::kEventLimit:
      return "event limit";
    case StopReason::kHorizon:
      return "time horizon";
    case StopReason::kStopped:
      return "stopped";
    case StopReason::kKeptLimit:
      return "kept-bytes limit";
  }
  return "?";
}

EventId Simulation::schedule(Time t, Callback&& fn, std::uint64_t chain, std::string&& label) {
  CCSIM_CHECK_AT(now_, t >= now_, "an event was scheduled in the past");
  if (domain_ != 0) {
    // Only a process that can die pays for the wrapper.
    fn = [this, d = domain_, f = std::move(fn)]() mutable {
      if (dead(d)) return;
      DomainScope scope(*this, d);
      f();
    };
  }
  return queue_.push(t, std::move(fn), chain, std::move(label));
}

EventQueue::Entry Simulation::take_next() {
  if (!explores_ties_) return queue_.pop();
  queue_.take_window(decisions_->tie_window(), held_);
  if (held_.size() == 1) return queue_.take(held_.front());
  candidates_.clear();
  for (const EventQueue::Held& h : held_)
    candidates_.push_back(TieCandidate{h.time, queue_.chain(h), queue_.label(h)});
  const std::uint64_t pick = decisions_->choose_tie(candidates_);
  // Put the others back before running the chosen one, so that it can cancel them. Those due
  // before it wait until its instant (within the window, by take_window's rule).
  const EventQueue::Held chosen = held_[pick];
  for (std::size_t i = 0; i < held_.size(); ++i) {
    if (i != pick) queue_.put_back(held_[i], std::max(held_[i].time, chosen.time));
  }
  return queue_.take(chosen);
}

StopReason Simulation::run(const RunLimits& limits) {
  stopped_ = false;
  while (true) {
    if (stopped_) return StopReason::kStopped;
    if (!queue_.prune()) return StopReason::kDrained;
    if (!daemons_.empty() && daemons_.size() == queue_.size()) return StopReason::kDrained;
    if (queue_.next_time() > limits.horizon) return StopReason::kHorizon;
    if (events_run_ >= limits.max_events) return StopReason::kEventLimit;
    if (kept_bytes() > limits.max_kept_bytes) return StopReason::kKeptLimit;
    if (interrupt_ != nullptr && events_run_ % 4096 == 0 &&
        interrupt_->load(std::memory_order_relaxed)) {
      return StopReason::kStopped;
    }
    EventQueue::Entry e = take_next();
    if (!daemons_.empty()) daemons_.erase(e.seq);
    CCSIM_CHECK_AT(now_, e.time >= now_, "virtual time went backwards");
    now_ = e.time;
    ++events_run_;
    running_chain_ = e.chain;
    queue_.run(e);
    running_chain_ = 0;
  }
}

}  // namespace ccsim::kernel
