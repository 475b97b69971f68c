#include "ccsim/kernel/event_queue.hpp"

#include <algorithm>
#include <cstdint>

#include "ccsim/kernel/check.hpp"

namespace ccsim::kernel {

namespace {

// std's heap functions build a max-heap: "later" keys compare greater, so the root is the
// earliest (time, seq). Branch-free: equal times are common (same-instant tasks).
struct Later {
  bool operator()(const EventQueue::Held& a, const EventQueue::Held& b) const {
    return (a.time > b.time) | ((a.time == b.time) & (a.seq > b.seq));
  }
};

}  // namespace

EventQueue::EventQueue() {
  // A run rarely has more pending events than this: one allocation each instead of a few
  // regrowths per run (a fuzzing campaign builds a queue per run).
  heap_.reserve(32);
  free_slots_.reserve(32);
}

std::uint32_t EventQueue::take_slot(Callback&& fn, Time due, std::uint64_t chain, std::uint64_t seq,
                                    std::string&& label) {
  std::uint32_t i = 0;
  if (free_slots_.empty()) {
    i = slot_count_++;
    if ((i >> kBlockBits) == blocks_.size())
      blocks_.push_back(std::make_unique<Slot[]>(kBlockSize));
  } else {
    i = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& s = slot(i);
  s.fn = std::move(fn);
  s.due = due;
  s.chain = chain;
  s.seq = seq;
  s.queued = true;
  s.cancelled = false;
  if (!label.empty()) {
    if (labels_.size() <= i) labels_.resize(i + 1);
    labels_[i] = std::move(label);
  } else if (i < labels_.size()) {
    labels_[i].clear();
  }
  return i;
}

void EventQueue::free_slot(std::uint32_t i) {
  Slot& s = slot(i);
  s.fn.reset();  // the captures go now, not when the slot is reused
  s.seq = 0;
  s.queued = false;
  s.cancelled = false;
  free_slots_.push_back(i);
}

void EventQueue::heap_push(Key key) {
  heap_.push_back(key);
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

EventQueue::Key EventQueue::heap_pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const Key top = heap_.back();
  heap_.pop_back();
  return top;
}

EventId EventQueue::push(Time time, Callback&& fn, std::uint64_t chain, std::string&& label) {
  const std::uint64_t seq = next_seq_++;
  const std::uint32_t i = take_slot(std::move(fn), time, chain, seq, std::move(label));
  heap_push(Key{time, seq, i});
  return EventId{seq, i};
}

bool EventQueue::is_pending(EventId id) const {
  if (!id.valid() || id.slot >= slot_count_) return false;
  const Slot& s = slot(id.slot);
  return s.seq == id.seq && s.queued && !s.cancelled;
}

// A cancelled event's work goes at once (what it captured may hold a finished transaction's
// state), and once cancelled events are most of the heap they are swept out of it in one
// pass: a run that cancels a long timer per transaction (Execute's timeout) holds memory for
// its live events only, at amortised O(1) per cancel.
void EventQueue::cancel(EventId id) {
  if (!is_pending(id)) return;
  Slot& s = slot(id.slot);
  s.cancelled = true;
  s.fn.reset();
  if (id.slot < labels_.size()) std::string().swap(labels_[id.slot]);
  ++cancelled_in_heap_;
  if (cancelled_in_heap_ >= kSweepAtLeast && 2 * cancelled_in_heap_ > heap_.size()) sweep();
}

void EventQueue::sweep() {
  std::size_t kept = 0;
  for (const Key& key : heap_) {
    if (slot(key.slot).cancelled) {
      free_slot(key.slot);
    } else {
      heap_[kept++] = key;
    }
  }
  heap_.resize(kept);
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  cancelled_in_heap_ = 0;
}

bool EventQueue::prune() {
  while (!heap_.empty()) {
    if (!slot(heap_.front().slot).cancelled) return true;
    const Key dropped = heap_pop();
    free_slot(dropped.slot);
    --cancelled_in_heap_;
  }
  return false;
}

EventQueue::Key EventQueue::pop_key() {
  CCSIM_CHECK(!heap_.empty(), "pop from an empty event queue");
  const Key key = heap_pop();
  slot(key.slot).queued = false;
  return key;
}

EventQueue::Entry EventQueue::pop() {
  return take(pop_key());
}

void EventQueue::run(const Entry& e) {
  slot(e.slot).fn();
  free_slot(e.slot);
}

void EventQueue::discard(const Entry& e) {
  free_slot(e.slot);
}

void EventQueue::take_window(Duration window, std::vector<Held>& held) {
  held.clear();
  held.push_back(pop_key());
  Time deadline = due(held.back()) + window;
  while (held.size() < kMaxTied && prune() && heap_.front().time <= deadline) {
    held.push_back(pop_key());
    deadline = std::min(deadline, due(held.back()) + window);
  }
}

void EventQueue::put_back(Held h, Time time) {
  slot(h.slot).queued = true;
  h.time = time;
  heap_push(h);
}

EventQueue::Entry EventQueue::take(const Held& h) {
  return Entry{h.time, h.seq, h.slot, slot(h.slot).chain};
}

}  // namespace ccsim::kernel
