#include "ccsim/kernel/event_queue.hpp"

#include <algorithm>
#include <cstdint>

#include "ccsim/kernel/check.hpp"

namespace ccsim::kernel {

namespace {
// std heap functions build a max-heap; "later" keys compare greater, so the root is the
// earliest (time, seq).
template <class K>
bool later(const K& a, const K& b) {
  if (a.time != b.time) return a.time > b.time;
  return a.seq > b.seq;
}
}  // namespace

EventQueue::EventQueue() {
  // A run rarely has more pending events than this: one allocation each instead of a few
  // regrowths per run (a fuzzing campaign builds a queue per run). Each block stays under
  // 1 KiB, which glibc serves from its per-thread cache; larger ones cost several times more.
  heap_.reserve(32);
  slots_.reserve(14);
  free_slots_.reserve(32);
  done_.reserve(1024);
}

std::uint32_t EventQueue::take_slot(Callback fn, Time due, std::uint64_t chain, std::string label) {
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(Slot{std::move(fn), due, chain});
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    Slot& s = slots_[slot];
    s.fn = std::move(fn);
    s.due = due;
    s.chain = chain;
  }
  if (!label.empty()) {
    if (labels_.size() <= slot) labels_.resize(slot + 1);
    labels_[slot] = std::move(label);
  } else if (slot < labels_.size()) {
    labels_[slot].clear();
  }
  return slot;
}

EventQueue::Entry EventQueue::release(const Key& key) {
  Slot& s = slots_[key.slot];
  Entry e{key.time, key.seq, std::move(s.fn), s.chain};
  free_slots_.push_back(key.slot);
  return e;
}

EventId EventQueue::push(Time time, Callback fn, std::uint64_t chain, std::string label) {
  const std::uint64_t seq = next_seq_++;
  done_.push_back(false);
  heap_.push_back(Key{time, seq, take_slot(std::move(fn), time, chain, std::move(label))});
  std::push_heap(heap_.begin(), heap_.end(), later<Key>);
  return EventId{seq};
}

bool EventQueue::is_pending(EventId id) const {
  return id.valid() && id.seq < next_seq_ && !done_[id.seq];
}

void EventQueue::cancel(EventId id) {
  if (!is_pending(id)) return;
  done_[id.seq] = true;
  ++cancelled_in_heap_;
}

bool EventQueue::prune() {
  while (!heap_.empty()) {
    if (!done_[heap_.front().seq]) return true;
    std::pop_heap(heap_.begin(), heap_.end(), later<Key>);
    // A cancelled event's captures go now, not when its slot is reused.
    slots_[heap_.back().slot].fn.reset();
    free_slots_.push_back(heap_.back().slot);
    heap_.pop_back();
    --cancelled_in_heap_;
  }
  return false;
}

EventQueue::Key EventQueue::pop_key() {
  CCSIM_CHECK(!heap_.empty(), "pop from an empty event queue");
  std::pop_heap(heap_.begin(), heap_.end(), later<Key>);
  const Key key = heap_.back();
  heap_.pop_back();
  done_[key.seq] = true;
  return key;
}

EventQueue::Entry EventQueue::pop() {
  return release(pop_key());
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
  done_[h.seq] = false;
  h.time = time;
  heap_.push_back(h);
  std::push_heap(heap_.begin(), heap_.end(), later<Key>);
}

EventQueue::Entry EventQueue::take(const Held& h) {
  return release(h);
}

}  // namespace ccsim::kernel
