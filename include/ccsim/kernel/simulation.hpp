// The engine of one run: the virtual clock, the event queue, the run's decisions and its
// trace. An ordinary object (no process-wide state): two Simulations never interact.
//
// Ordering guarantee: events run in (time, sequence) order, where the sequence is taken at
// scheduling. If the decision source explores ties, the event to run among those due at the
// same instant (or within the source's tie window) is a decision ("tie at T"); otherwise the
// earliest scheduled runs.
//
// Task chains: every event belongs to a chain, for strategies that order goroutines (PCT).
// spawn() starts a new chain; at() and after() continue the chain of the event that calls
// them (a new one when called from outside any event).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/event_queue.hpp"
#include "ccsim/kernel/time.hpp"
#include "ccsim/kernel/trace.hpp"

namespace ccsim::kernel {

/// Bounds that protect a run. Reaching one ends the run with a named stop reason.
struct RunLimits {
  /// Counted over the Simulation's whole life, not per run() call.
  std::uint64_t max_events = 10'000'000;
  Time horizon = Time::from_ns(INT64_MAX);  // events due after this instant do not run
};

enum class StopReason : std::uint8_t {
  kDrained,     // no event left
  kEventLimit,  // max_events events ran
  kHorizon,     // the next event is due after the horizon
  kStopped,     // stop() was called
};

const char* to_string(StopReason reason);

class Simulation {
 public:
  Simulation(Decisions& decisions, Trace& trace) : decisions_(&decisions), trace_(&trace) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time now() const { return now_; }
  Decisions& decisions() { return *decisions_; }
  Trace& trace() { return *trace_; }

  /// Schedules fn at an absolute instant, which must not be in the past.
  EventId at(Time t, Callback fn);
  /// Schedules fn after a non-negative delay.
  EventId after(Duration d, Callback fn) { return at(now_ + d, std::move(fn)); }
  /// A goroutine: fn runs as its own task at the current instant, after everything already
  /// due now. Its place among same-instant tasks is a tie decision when ties are explored.
  EventId spawn(Callback fn);
  void cancel(EventId id) { queue_.cancel(id); }
  bool is_pending(EventId id) const { return queue_.is_pending(id); }

  /// Runs events until the queue drains, a limit is reached, or stop() is called.
  StopReason run(const RunLimits& limits = {});
  /// Ends run() after the current event.
  void stop() { stopped_ = true; }

  std::uint64_t events_run() const { return events_run_; }
  std::size_t pending() const { return queue_.size(); }

 private:
  EventQueue::Entry take_next();
  EventId schedule(Time t, Callback fn, std::uint64_t chain);

  Decisions* decisions_;
  Trace* trace_;
  EventQueue queue_;
  Time now_ = Time::zero();
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
  std::uint64_t running_chain_ = 0;  // 0: no event is running
  std::uint64_t next_chain_ = 1;
  // Scratch space of take_next, kept to spare an allocation per event.
  std::vector<EventQueue::Entry> window_;
  std::vector<TieCandidate> candidates_;
};

}  // namespace ccsim::kernel
