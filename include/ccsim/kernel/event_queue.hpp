// The pending-event set of a run, ordered by (time, sequence). The sequence number is a
// per-queue counter taken at every push, so events due at the same instant run in the order
// they were scheduled unless a decision source chooses otherwise. Cancelled events are
// skipped when they reach the front.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccsim/kernel/callback.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::kernel {

/// A handle to a scheduled event, for cancellation. Default-constructed handles name nothing.
struct EventId {
  std::uint64_t seq = 0;  // 0 is never assigned
  bool valid() const { return seq != 0; }
  bool operator==(const EventId&) const = default;
};

class EventQueue {
 public:
  /// An event taken off the queue.
  struct Entry {
    Time time;  // when it runs; a tie window may hold it back past `due`
    std::uint64_t seq;
    Callback fn;
    Time due;             // when it was scheduled to run
    std::uint64_t chain;  // the task chain it belongs to (see Simulation::spawn)
    std::string label;    // what it is, for tie decisions (see Simulation); may be empty
  };

  EventQueue();

  EventId push(Time time, Callback fn, std::uint64_t chain = 0, std::string label = {});
  /// Cancels a pending event. Cancelling one that already ran or was cancelled is a no-op.
  void cancel(EventId id);
  bool is_pending(EventId id) const;

  /// Drops cancelled events from the front; true when a live event remains.
  bool prune();
  /// The earliest live event's time. Requires prune() == true.
  Time next_time() const { return heap_.front().time; }
  /// Removes and returns the earliest live event. Requires prune() == true.
  Entry pop();
  /// Removes every live event due at exactly `time`, in (time, sequence) order.
  std::vector<Entry> pop_all_at(Time time);
  /// Removes and returns the earliest live event and puts in `others` (cleared first),
  /// in (time, sequence) order, every live event that could run before it within a tie
  /// window: one due no later than `window` after the due time of each event taken before
  /// it. Requires prune() == true.
  Entry pop_window(Duration window, std::vector<Entry>& others);
  /// Puts back an event taken by pop_all_at or pop_window, keeping its sequence number.
  void restore(Entry entry);

  /// Live (scheduled, not cancelled, not yet run) events.
  std::size_t size() const { return heap_.size() - cancelled_in_heap_; }

 private:
  // The heap orders small keys; what an event does lives in a slot, reused once the event
  // has left the queue, so sifting moves 24 bytes rather than a callable.
  struct Key {
    Time time;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    Callback fn;
    Time due;
    std::uint64_t chain = 0;
    std::string label;
  };

  std::uint32_t take_slot(Callback fn, Time due, std::uint64_t chain, std::string label);
  Entry release(const Key& key);

  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  // done_[seq]: the event has run or was cancelled. One bit per event ever scheduled keeps
  // cancel and is_pending O(1) without searching the heap.
  std::vector<bool> done_{false};
  std::size_t cancelled_in_heap_ = 0;
  std::uint64_t next_seq_ = 1;
};

}  // namespace ccsim::kernel
