// The engine of one run: the virtual clock, the event queue, the run's decisions and its
// trace. An ordinary object (no process-wide state): two Simulations never interact.
//
// Ordering guarantee: events run in (time, sequence) order, where the sequence is taken at
// scheduling. If the decision source explores ties, the event to run among those due at the
// same instant (or within the source's tie window) is a decision; otherwise the earliest
// scheduled runs.
//
// Labels: an event may say what it is ("peer->mycc TRANSACTION tx1", "peer mycc loop").
// A tie decision is keyed by the labels of the events it chooses between, not by the instant
// or by sequence numbers, so a recorded decision keeps its meaning when an unrelated change
// shifts times or the order of scheduling. Labels are built only when a tie decision could be
// named by them (wants_labels()): the label argument is a function, called only then.
//
// Task chains: every event belongs to a chain, for strategies that order goroutines (PCT).
// spawn() starts a new chain; at() and after() continue the chain of the event that calls
// them (a new one when called from outside any event).
#pragma once

#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <type_traits>
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
  Time horizon = Time::max();  // events due after this instant do not run
  /// What the run keeps as it goes may not grow past this: the trace's events and the
  /// decision log (Trace::kept_bytes, Decisions::kept_bytes), and what the model keeps for
  /// good (Simulation::keep: committed writes, outcomes).
  std::uint64_t max_kept_bytes = 1ULL << 30;
};

enum class StopReason : std::uint8_t {
  kDrained,     // no event left
  kEventLimit,  // max_events events ran
  kHorizon,     // the next event is due after the horizon
  kStopped,     // stop() was called
  kKeptLimit,   // what the run keeps reached max_kept_bytes
};

const char* to_string(StopReason reason);

class Simulation {
 public:
  Simulation(Decisions& decisions, Trace& trace)
      : decisions_(&decisions),
        trace_(&trace),
        explores_ties_(decisions.explores_ties()),
        wants_labels_(explores_ties_ && decisions.wants_keys()) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time now() const { return now_; }
  Decisions& decisions() { return *decisions_; }
  Trace& trace() { return *trace_; }

  /// Something that makes an event's label: called only when wants_labels().
  template <class F>
  static constexpr bool kIsLabel = std::is_invocable_r_v<std::string, F&>;

  /// Schedules fn at an absolute instant, which must not be in the past.
  EventId at(Time t, Callback fn) { return schedule(t, std::move(fn), continuing_chain(), {}); }
  template <class MakeLabel>
  requires kIsLabel<MakeLabel> EventId at(Time t, Callback fn, MakeLabel&& label) {
    return schedule(t, std::move(fn), continuing_chain(), make_label(label));
  }
  /// Schedules fn at `t` in domain `d` (the receiving end's, for a stream's delivery).
  template <class MakeLabel>
  requires kIsLabel<MakeLabel> EventId at_in(std::uint32_t d, Time t, Callback fn,
                                             MakeLabel&& label) {
    DomainScope scope(*this, d);
    return at(t, std::move(fn), label);
  }
  /// Schedules fn after a non-negative delay.
  EventId after(Duration d, Callback fn) { return at(now_ + d, std::move(fn)); }
  template <class MakeLabel>
  requires kIsLabel<MakeLabel> EventId after(Duration d, Callback fn, MakeLabel&& label) {
    return at(now_ + d, std::move(fn), label);
  }
  /// A goroutine: fn runs as its own task at the current instant, after everything already
  /// due now. Its place among same-instant tasks is a tie decision when ties are explored.
  EventId spawn(Callback fn) { return schedule(now_, std::move(fn), next_chain_++, {}); }
  template <class MakeLabel>
  requires kIsLabel<MakeLabel> EventId spawn(Callback fn, MakeLabel&& label) {
    return schedule(now_, std::move(fn), next_chain_++, make_label(label));
  }
  /// A background event (a keepalive timer that re-arms itself for as long as a connection
  /// lives): it runs like any other, but a run whose queue holds nothing else has drained.
  template <class MakeLabel>
  requires kIsLabel<MakeLabel> EventId daemon_at(Time t, Callback fn, MakeLabel&& label) {
    const EventId id = at(t, std::move(fn), label);
    daemons_.insert(id.seq);
    return id;
  }
  /// Whether labels are built: only when ties are explored and their keys are read or logged.
  bool wants_labels() const { return wants_labels_; }

  // --- Domains: what dies with a process ---------------------------------------------------
  // An event belongs to the domain that was current when it was scheduled (0, the host's, by
  // default) and runs in it; an event of a killed domain does nothing when its time comes.
  // A process that can die (a peer that restarts) runs in a domain of its own, so that every
  // timer, loop and goroutine it left behind is gone with it.

  /// A fresh domain, alive.
  std::uint32_t new_domain() { return next_domain_++; }
  std::uint32_t domain() const { return domain_; }
  void kill_domain(std::uint32_t d) {
    if (d != 0) dead_domains_.insert(d);
  }
  bool dead(std::uint32_t d) const { return d != 0 && dead_domains_.count(d) != 0; }
  /// Runs code in domain `d` for the scope's life (what it schedules belongs to `d`).
  class DomainScope {
   public:
    DomainScope(Simulation& sim, std::uint32_t d) : sim_(&sim), saved_(sim.domain_) {
      sim.domain_ = d;
    }
    ~DomainScope() { sim_->domain_ = saved_; }
    DomainScope(const DomainScope&) = delete;
    DomainScope& operator=(const DomainScope&) = delete;

   private:
    Simulation* sim_;
    std::uint32_t saved_;
  };
  /// `fn` bound to the current domain: called later from anywhere, it runs in that domain, or
  /// not at all once the domain is dead (a callback into a process from the host).
  template <class F>
  auto bind_domain(F fn) {
    return [this, d = domain_, fn = std::move(fn)](auto&&... args) mutable {
      if (dead(d)) return;
      DomainScope scope(*this, d);
      fn(std::forward<decltype(args)>(args)...);
    };
  }
  void cancel(EventId id) {
    if (!daemons_.empty()) daemons_.erase(id.seq);
    queue_.cancel(id);
  }
  bool is_pending(EventId id) const { return queue_.is_pending(id); }

  /// Runs events until the queue drains, a limit is reached, or stop() is called.
  StopReason run(const RunLimits& limits = {});
  /// An outside request to stop (a signal's flag, not owned), polled every few thousand
  /// events: when set, run() returns kStopped. It never changes what a run does before it.
  void set_interrupt(const std::atomic<bool>* flag) { interrupt_ = flag; }
  /// Ends run() after the current event.
  void stop() { stopped_ = true; }

  std::uint64_t events_run() const { return events_run_; }
  /// The bytes max_kept_bytes bounds: the trace's kept events, the decision log, and what
  /// keep() was told of.
  std::uint64_t kept_bytes() const {
    return trace_->kept_bytes() + decisions_->kept_bytes() + kept_;
  }
  /// The model keeps `bytes` more until the run ends (a committed write, an outcome).
  void keep(std::uint64_t bytes) { kept_ += bytes; }
  std::size_t pending() const { return queue_.size(); }

 private:
  EventQueue::Entry take_next();
  EventId schedule(Time t, Callback&& fn, std::uint64_t chain, std::string&& label);
  // at() and after() continue the running event's chain; outside any event, a new one.
  std::uint64_t continuing_chain() { return running_chain_ != 0 ? running_chain_ : next_chain_++; }
  template <class MakeLabel>
  std::string make_label(MakeLabel& label) const {
    return wants_labels_ ? std::string(label()) : std::string();
  }

  Decisions* decisions_;
  Trace* trace_;
  bool explores_ties_;  // the source's, fixed for the run: asked once, not per event
  bool wants_labels_;
  EventQueue queue_;
  Time now_ = Time::zero();
  std::set<std::uint64_t> daemons_;  // pending daemon_at events, by sequence
  std::uint32_t domain_ = 0;         // the running event's
  std::uint32_t next_domain_ = 1;
  std::set<std::uint32_t> dead_domains_;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
  const std::atomic<bool>* interrupt_ = nullptr;
  std::uint64_t kept_ = 0;
  std::uint64_t running_chain_ = 0;  // 0: no event is running
  std::uint64_t next_chain_ = 1;
  // Scratch space of take_next, kept to spare an allocation per event.
  std::vector<EventQueue::Held> held_;
  std::vector<TieCandidate> candidates_;
};

}  // namespace ccsim::kernel
