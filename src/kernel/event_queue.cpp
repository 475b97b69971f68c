#include "ccsim/kernel/event_queue.hpp"

#include <algorithm>

#include "ccsim/kernel/check.hpp"

namespace ccsim::kernel {

namespace {
// std heap functions build a max-heap; "later" entries compare greater, so the root is the
// earliest (time, seq).
bool later(const EventQueue::Entry& a, const EventQueue::Entry& b) {
  if (a.time != b.time) return a.time > b.time;
  return a.seq > b.seq;
}
}  // namespace

EventId EventQueue::push(Time time, Callback fn, std::uint64_t chain) {
  const std::uint64_t seq = next_seq_++;
  done_.push_back(false);
  heap_.push_back(Entry{time, seq, std::move(fn), time, chain});
  std::push_heap(heap_.begin(), heap_.end(), later);
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
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    --cancelled_in_heap_;
  }
  return false;
}

EventQueue::Entry EventQueue::pop() {
  CCSIM_CHECK(!heap_.empty(), "pop from an empty event queue");
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Entry e = std::move(heap_.back());
  heap_.pop_back();
  done_[e.seq] = true;
  return e;
}

std::vector<EventQueue::Entry> EventQueue::pop_all_at(Time time) {
  std::vector<Entry> out;
  while (prune() && heap_.front().time == time)
    out.push_back(pop());
  return out;
}

void EventQueue::pop_window(Duration window, std::vector<Entry>& out) {
  out.clear();
  out.push_back(pop());
  Time deadline = out.back().due + window;
  while (prune() && heap_.front().time <= deadline) {
    out.push_back(pop());
    deadline = std::min(deadline, out.back().due + window);
  }
}

void EventQueue::restore(Entry entry) {
  done_[entry.seq] = false;
  heap_.push_back(std::move(entry));
  std::push_heap(heap_.begin(), heap_.end(), later);
}

}  // namespace ccsim::kernel
