// Messages between their send and their delivery, for the renderers that draw a message once
// from end to end (Mermaid's arrows, Perfetto's flows). A stream is FIFO per direction
// (docs/architecture.md, "Kernel"), so a delivery is the oldest message in flight on its
// (stream, sending end) with its type and txid; older ones still in flight before it were lost.
// Memory is what is in flight, and each event's work is O(1) amortised: a delivery pops from
// the front of one queue.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccsim/kernel/time.hpp"
#include "ccsim/kernel/trace.hpp"

namespace ccsim::report::detail {

/// "0.501s": seconds with the decimals down to the last non-zero group of three (at least
/// milliseconds), so "0.500s", "0.120416652s", "2.000001s". Exact, like format_time, shorter.
inline std::string short_time(kernel::Time t) {
  std::string s = kernel::format_time(t);  // "S.NNNNNNNNNs"
  s.pop_back();
  const std::size_t dot = s.find('.');
  std::size_t end = s.size();
  while (end - dot - 1 > 3 && s.compare(end - 3, 3, "000") == 0)
    end -= 3;
  s.resize(end);
  return s + "s";
}

/// The other end of a stream: the receiver of what `from` sent.
inline std::string_view other_end(std::string_view end) {
  return end == "peer" ? std::string_view("shim") : std::string_view("peer");
}

template <class Extra>
class InFlight {
 public:
  struct Message {
    std::uint64_t id = 0;  // 1, 2, ...: the n-th send of the run
    kernel::Time sent;
    std::string stream;
    std::string from;  // the sending end ("peer" or "shim")
    std::string type;
    std::string txid;
    std::string channel;
    std::string detail;
    Extra extra{};
  };

  /// A send event: the message is in flight from now on. Returns its id.
  std::uint64_t sent(const kernel::TraceEvent& e, Extra extra) {
    Message m;
    m.id = next_id_++;
    m.sent = e.t;
    m.stream = e.stream;
    m.from = e.from.empty() ? e.actor : e.from;
    m.type = e.type;
    m.txid = e.txid;
    m.channel = e.channel;
    m.detail = e.detail;
    m.extra = std::move(extra);
    queues_[{m.stream, m.from}].push_back(std::move(m));
    ++count_;
    return next_id_ - 1;
  }

  struct Delivery {
    std::optional<Message> send;  // none: the trace has no send for it
    std::vector<Message> lost;    // in flight before it on its direction, never delivered
  };

  /// A deliver event: its send, and the older messages of its direction that were lost.
  Delivery delivered(const kernel::TraceEvent& e) {
    Delivery d;
    auto it = queues_.find({e.stream, e.from});
    if (it == queues_.end()) return d;
    std::deque<Message>& q = it->second;
    const auto match = std::find_if(
        q.begin(), q.end(), [&](const Message& m) { return m.type == e.type && m.txid == e.txid; });
    if (match == q.end()) return d;
    while (q.begin() != match) {
      d.lost.push_back(std::move(q.front()));
      q.pop_front();
    }
    d.send = std::move(q.front());
    q.pop_front();
    count_ -= d.lost.size() + 1;
    if (q.empty()) queues_.erase(it);
    return d;
  }

  /// `actor`'s end of `stream` saw the stream end: what was in flight towards it is lost.
  std::vector<Message> ended(std::string_view actor, std::string_view stream) {
    std::vector<Message> lost;
    if (actor != "peer" && actor != "shim") return lost;
    auto it = queues_.find({std::string(stream), std::string(other_end(actor))});
    if (it == queues_.end()) return lost;
    lost.assign(std::make_move_iterator(it->second.begin()),
                std::make_move_iterator(it->second.end()));
    count_ -= lost.size();
    queues_.erase(it);
    return lost;
  }

  /// Everything still in flight (at the end of the run), in the order it was sent.
  std::vector<Message> drain() {
    std::vector<Message> all;
    all.reserve(count_);
    for (auto& [key, q] : queues_) {
      for (Message& m : q)
        all.push_back(std::move(m));
    }
    queues_.clear();
    count_ = 0;
    std::sort(all.begin(), all.end(),
              [](const Message& a, const Message& b) { return a.id < b.id; });
    return all;
  }

  std::size_t size() const { return count_; }

 private:
  std::map<std::pair<std::string, std::string>, std::deque<Message>> queues_;
  std::uint64_t next_id_ = 1;
  std::size_t count_ = 0;
};

}  // namespace ccsim::report::detail
