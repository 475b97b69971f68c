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
  }
  return "?";
}

EventId Simulation::schedule(Time t, Callback fn, std::uint64_t chain, std::string label) {
  CCSIM_CHECK_AT(now_, t >= now_, "an event was scheduled in the past");
  return queue_.push(t, std::move(fn), chain, std::move(label));
}

EventQueue::Entry Simulation::take_next() {
  if (!decisions_->explores_ties()) return queue_.pop();
  EventQueue::Entry first = queue_.pop_window(decisions_->tie_window(), window_);
  if (window_.empty()) return first;
  candidates_.clear();
  candidates_.push_back(TieCandidate{first.time, first.chain, first.label});
  for (const EventQueue::Entry& e : window_)
    candidates_.push_back(TieCandidate{e.time, e.chain, e.label});
  const std::uint64_t pick = decisions_->choose_tie(candidates_);
  if (pick == 0) {
    for (EventQueue::Entry& e : window_)
      queue_.restore(std::move(e));
    return first;
  }
  // Put the others back before running the chosen one, so that it can cancel them. Those due
  // before it wait until its instant (within the window, by pop_window's rule).
  EventQueue::Entry chosen = std::move(window_[pick - 1]);
  first.time = std::max(first.time, chosen.time);
  queue_.restore(std::move(first));
  for (std::size_t i = 0; i < window_.size(); ++i) {
    if (i + 1 == pick) continue;
    if (window_[i].time < chosen.time) window_[i].time = chosen.time;
    queue_.restore(std::move(window_[i]));
  }
  return chosen;
}

StopReason Simulation::run(const RunLimits& limits) {
  stopped_ = false;
  while (true) {
    if (stopped_) return StopReason::kStopped;
    if (!queue_.prune()) return StopReason::kDrained;
    if (queue_.next_time() > limits.horizon) return StopReason::kHorizon;
    if (events_run_ >= limits.max_events) return StopReason::kEventLimit;
    EventQueue::Entry e = take_next();
    CCSIM_CHECK_AT(now_, e.time >= now_, "virtual time went backwards");
    now_ = e.time;
    ++events_run_;
    running_chain_ = e.chain;
    e.fn();
    running_chain_ = 0;
  }
}

}  // namespace ccsim::kernel
