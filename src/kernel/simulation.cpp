#include "ccsim/kernel/simulation.hpp"

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

EventId Simulation::at(Time t, Callback fn) {
  CCSIM_CHECK_AT(now_, t >= now_, "an event was scheduled in the past");
  return queue_.push(t, std::move(fn));
}

EventQueue::Entry Simulation::take_next() {
  if (!decisions_->explores_ties()) return queue_.pop();
  const Time t = queue_.next_time();
  std::vector<EventQueue::Entry> due = queue_.pop_all_at(t);
  std::uint64_t pick = 0;
  if (due.size() > 1) {
    const std::string key = "tie " + std::to_string(due.size()) + " events at " + format_time(t);
    pick = decisions_->choose(DecisionKind::kTie, key, due.size());
  }
  EventQueue::Entry chosen = std::move(due[pick]);
  // Put the others back before running the chosen one, so that it can cancel them.
  for (std::size_t i = 0; i < due.size(); ++i) {
    if (i != pick) queue_.restore(std::move(due[i]));
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
    e.fn();
  }
}

}  // namespace ccsim::kernel
