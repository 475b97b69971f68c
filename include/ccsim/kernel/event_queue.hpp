// The pending-event set of a run, ordered by (time, sequence). The sequence number is a
// per-queue counter taken at every push, so events due at the same instant run in the order
// they were scheduled unless a decision source chooses otherwise. A cancelled event's work is
// dropped at once; its key is skipped when it reaches the front, or swept out with the others
// once cancelled keys are most of the heap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/kernel/callback.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::kernel {

/// A handle to a scheduled event, for cancellation. Default-constructed handles name nothing.
struct EventId {
  std::uint64_t seq = 0;   // 0 is never assigned
  std::uint32_t slot = 0;  // where the event lives while it is pending
  bool valid() const { return seq != 0; }
  bool operator==(const EventId&) const = default;
};

class EventQueue {
 public:
  /// An event taken off the queue, to run (run()) or drop (discard()): what it does stays in
  /// its slot, which is not reused until then.
  struct Entry {
    Time time;  // when it runs; a tie window may hold it back past when it was due
    std::uint64_t seq;
    std::uint32_t slot;
    std::uint64_t chain;  // the task chain it belongs to (see Simulation::spawn)
  };
  /// A live event held out of the queue while a tie is decided (see take_window): what runs
  /// stays in its slot, so holding and putting back moves 24 bytes.
  struct Held {
    Time time;
    std::uint64_t seq;
    std::uint32_t slot;
  };

  EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  EventId push(Time time, Callback&& fn, std::uint64_t chain = 0, std::string&& label = {});
  /// Cancels a pending event, destroying its work (and what it captured) now. Cancelling one
  /// that already ran or was cancelled is a no-op.
  void cancel(EventId id);
  bool is_pending(EventId id) const;

  /// Drops cancelled events from the front; true when a live event remains.
  bool prune();
  /// The earliest live event's time. Requires prune() == true.
  Time next_time() const { return heap_.front().time; }
  /// Removes and returns the earliest live event. Requires prune() == true.
  Entry pop();
  /// Runs a taken event's work where it lies (it may schedule and cancel others meanwhile),
  /// then frees its slot.
  void run(const Entry& e);
  /// Frees a taken event's slot without running it.
  void discard(const Entry& e);

  /// The most events one tie holds: a tie costs time linear in its size (and its decision's
  /// key names every event), so a run with thousands of events due at once stays linear.
  static constexpr std::size_t kMaxTied = 64;

  /// Holds out of the queue, into `held` (cleared first) in (time, sequence) order, the
  /// earliest live event and every live event that could run before it within a tie window:
  /// one due no later than `window` after the due time of each event taken before it; at most
  /// kMaxTied of them (the rest wait for a later tie). Requires prune() == true. Each held
  /// event must then be taken or put back.
  void take_window(Duration window, std::vector<Held>& held);
  /// What a held event is: when it was due, its chain, its label.
  Time due(const Held& h) const { return slot(h.slot).due; }
  std::uint64_t chain(const Held& h) const { return slot(h.slot).chain; }
  std::string_view label(const Held& h) const {
    return h.slot < labels_.size() ? std::string_view(labels_[h.slot]) : std::string_view();
  }
  /// Puts a held event back, to run at `time` (no earlier than it was held at).
  void put_back(Held h, Time time);
  /// Takes a held event to run it.
  Entry take(const Held& h);

  /// Live (scheduled, not cancelled, not yet run) events.
  std::size_t size() const { return heap_.size() - cancelled_in_heap_; }

 private:
  // The heap orders small keys; what an event does lives in a slot, reused once the event has left
  // the queue, so sifting moves 24 bytes rather than a callable. A slot knows the sequence
  // number of the event it holds, so cancel and is_pending are O(1) with nothing kept per
  // event that ever ran.
  using Key = Held;
  struct Slot {
    Callback fn;
    Time due;
    std::uint64_t chain = 0;
    std::uint64_t seq = 0;   // the event it holds; 0: free
    bool queued = false;     // in the heap (not held, taken or run)
    bool cancelled = false;  // in the heap, to be dropped when it reaches the front
  };
  // Slots come in blocks that never move: an event's work runs in its slot while it schedules
  // others, which may add blocks. A block is small (a fuzzing campaign makes a queue per run,
  // and most runs never need a second one).
  static constexpr std::uint32_t kBlockBits = 5;
  static constexpr std::uint32_t kBlockSize = 1U << kBlockBits;

  Slot& slot(std::uint32_t i) { return blocks_[i >> kBlockBits][i & (kBlockSize - 1)]; }
  const Slot& slot(std::uint32_t i) const { return blocks_[i >> kBlockBits][i & (kBlockSize - 1)]; }
  std::uint32_t take_slot(Callback&& fn, Time due, std::uint64_t chain, std::uint64_t seq,
                          std::string&& label);
  void free_slot(std::uint32_t i);
  void heap_push(Key key);
  Key heap_pop();
  /// Drops every cancelled event from the heap and frees its slot.
  void sweep();
  static constexpr std::size_t kSweepAtLeast = 64;  // a small heap just waits for the front
  Key pop_key();

  std::vector<Key> heap_;
  std::vector<std::unique_ptr<Slot[]>> blocks_;
  std::uint32_t slot_count_ = 0;
  // labels_[slot]: the label of the event in that slot, kept apart (and only grown when a run
  // builds labels) so that slots stay small.
  std::vector<std::string> labels_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t cancelled_in_heap_ = 0;
  std::uint64_t next_seq_ = 1;
};

}  // namespace ccsim::kernel
