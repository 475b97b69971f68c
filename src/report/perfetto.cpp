#include "ccsim/report/perfetto.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/rng.hpp"
#include "in_flight.hpp"

namespace ccsim::report {

namespace {
using Json = nlohmann::ordered_json;
using kernel::TraceEvent;
using kernel::TraceEventView;
using kernel::TraceKind;

// An event's slice: 1 us of the virtual-time axis, so that every viewer draws it. Events of one
// actor at one instant nest: the n-th after the first starts n ns later and is 2n ns shorter,
// so each is strictly inside the one before and starts where no other slice of its lane does
// (viewers bind a flow to the slice at its timestamp). A deeper burst takes another lane.
constexpr std::int64_t kSliceNs = 1000;
constexpr std::size_t kBurstDepth = 100;
constexpr std::size_t kNameText = 80;  // bytes of a run's text in a slice's name

/// Virtual nanoseconds as the format's microseconds (exact: a double holds them to 2^53 ns).
double micros(std::int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

std::string cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  return std::string(s.substr(0, end)) + "…";
}

Json optional_string(const std::optional<std::string>& s) {
  return s ? Json(*s) : Json(nullptr);
}

bool is_proposal(const TraceEvent& e) {
  return e.kind == TraceKind::kNote && e.actor == "endorser" && e.detail.rfind("proposal", 0) == 0;
}

bool starts_execution(std::string_view type) {
  return type == "TRANSACTION" || type == "INIT";
}

bool is_result(std::string_view type) {
  return type == "COMPLETED" || type == "ERROR";
}

// --- Lanes ----------------------------------------------------------------------------------

/// Spans whose end is not known when they start: each takes the lowest lane free then and
/// holds it until it ends. A lane is free once its last span ended strictly before: slices
/// that only touch are drawn apart by some viewers (speedscope adds ts and dur in floating
/// point, and an end a rounding error late is past the next start). O(log lanes).
class SpanLanes {
 public:
  std::size_t take(std::int64_t start_ns) {
    while (!released_.empty() && released_.front().first < start_ns) {
      free_.push(released_.front().second);
      released_.pop_front();
    }
    if (free_.empty()) return count_++;
    const std::size_t lane = free_.top();
    free_.pop();
    return lane;
  }
  /// Ends are released in the trace's order, so in time order.
  void release(std::size_t lane, std::int64_t end_ns) { released_.emplace_back(end_ns, lane); }
  std::size_t count() const { return count_; }

 private:
  std::deque<std::pair<std::int64_t, std::size_t>> released_;  // (end, lane), oldest first
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> free_;
  std::size_t count_ = 0;
};

struct Placed {
  std::size_t lane = 0;
  std::int64_t start_ns = 0;
  std::int64_t dur_ns = 0;
};

/// Events' slices (see kSliceNs): an event at the instant of the last burst nests in it; any
/// other takes the lowest lane whose slices all ended before it (strictly, as SpanLanes).
/// Starts never go backwards within a track. O(log lanes).
class EventLanes {
 public:
  /// An event at `t_ns` whose slice may not start before `min_ns` (a delivery not before its
  /// send's slice).
  Placed place(std::int64_t t_ns, std::int64_t min_ns) {
    const std::int64_t at = std::max({t_ns, min_ns, last_start_});
    if (burst_ && burst_t_ == t_ns && burst_depth_ + 1 < kBurstDepth &&
        burst_base_ + static_cast<std::int64_t>(burst_depth_) + 1 >= at) {
      ++burst_depth_;
      const auto depth = static_cast<std::int64_t>(burst_depth_);
      last_start_ = burst_base_ + depth;
      return Placed{burst_lane_, last_start_, kSliceNs - 2 * depth};
    }
    while (!busy_.empty() && busy_.top().first < at) {
      free_.push(busy_.top().second);
      busy_.pop();
    }
    std::size_t lane = count_;
    if (free_.empty()) {
      ++count_;
    } else {
      lane = free_.top();
      free_.pop();
    }
    busy_.emplace(at + kSliceNs, lane);
    burst_ = true;
    burst_t_ = t_ns;
    burst_base_ = at;
    burst_depth_ = 0;
    burst_lane_ = lane;
    last_start_ = at;
    return Placed{lane, at, kSliceNs};
  }
  std::size_t count() const { return count_; }

 private:
  using Busy = std::pair<std::int64_t, std::size_t>;  // free from, lane
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy_;
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> free_;
  std::size_t count_ = 0;
  bool burst_ = false;
  std::int64_t burst_t_ = 0;
  std::int64_t burst_base_ = 0;
  std::size_t burst_depth_ = 0;
  std::size_t burst_lane_ = 0;
  std::int64_t last_start_ = 0;
};

// --- Tracks -----------------------------------------------------------------------------

enum class Kind : std::uint8_t {
  kTransactions,
  kActor,
  kLauncherTimers,
  kPeer,
  kPeerTimers,
  kShim,
  kShimExecutions,
};

/// A track and its lanes: one thread per lane, named after the track ("peer mycc",
/// "peer mycc 2", ...), in one process.
struct Track {
  std::string name;
  std::size_t process = 0;  // index into Layout::processes_
  std::size_t rank = 0;     // order within the process
  std::size_t lanes = 0;
  int first_tid = 0;
};

/// Which tracks a run has and their thread ids, found in a first pass over the events, so that
/// the file can name every thread before its events.
class Layout {
 public:
  Layout() {
    processes_.push_back("transactions");
    processes_.push_back("ccsim");
  }

  std::size_t track(Kind kind, std::string_view actor, std::string_view stream) {
    const std::string key_name(kind == Kind::kActor ? actor : stream);
    const auto found = index_.find({kind, key_name});
    if (found != index_.end()) return found->second;
    Track t;
    switch (kind) {
      case Kind::kTransactions:
        t = Track{"transactions", 0, 0};
        break;
      case Kind::kActor: {
        // endorser, launcher, launcher timers, runtime, ledger, then the others as they come.
        std::size_t rank = 5 + others_;
        if (actor == "endorser") rank = 0;
        if (actor == "launcher") rank = 1;
        if (actor == "runtime") rank = 3;
        if (actor == "ledger") rank = 4;
        if (rank == 5 + others_) ++others_;
        t = Track{key_name, 1, rank};
        break;
      }
      case Kind::kLauncherTimers:
        t = Track{"launcher timers", 1, 2};
        break;
      default: {
        auto [it, added] = stream_process_.emplace(key_name, processes_.size());
        if (added) processes_.push_back("chaincode " + key_name);
        const std::string suffix = key_name.empty() ? "" : " " + key_name;
        const std::size_t process = it->second;
        if (kind == Kind::kPeer) t = Track{"peer" + suffix, process, 0};
        if (kind == Kind::kPeerTimers) t = Track{"peer" + suffix + " execute timers", process, 1};
        if (kind == Kind::kShim) t = Track{"shim" + suffix, process, 2};
        if (kind == Kind::kShimExecutions) t = Track{"shim" + suffix + " executions", process, 3};
        break;
      }
    }
    tracks_.push_back(std::move(t));
    index_.emplace(std::pair{kind, key_name}, tracks_.size() - 1);
    return tracks_.size() - 1;
  }

  /// The track of an event's actor.
  std::size_t actor_track(const TraceEvent& e) {
    if (e.actor == "peer" && !e.stream.empty()) return track(Kind::kPeer, e.actor, e.stream);
    if (e.actor == "shim" && !e.stream.empty()) return track(Kind::kShim, e.actor, e.stream);
    return track(Kind::kActor, e.actor, "");
  }

  void use_lanes(std::size_t track, std::size_t lanes) {
    tracks_[track].lanes = std::max(tracks_[track].lanes, lanes);
  }

  /// Thread ids 1, 2, ... by process, then track, then lane.
  void number() {
    std::vector<std::size_t> order(tracks_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
      return std::pair(tracks_[a].process, tracks_[a].rank) <
             std::pair(tracks_[b].process, tracks_[b].rank);
    });
    int tid = 1;
    for (const std::size_t i : order) {
      tracks_[i].first_tid = tid;
      tid += static_cast<int>(tracks_[i].lanes);
    }
    order_ = std::move(order);
  }

  int tid(std::size_t track, std::size_t lane) const {
    return tracks_[track].first_tid + static_cast<int>(lane);
  }
  int pid(std::size_t track) const { return static_cast<int>(tracks_[track].process) + 1; }

  /// The metadata events: process names and order, thread names and order.
  void metadata(const std::function<void(const Json&)>& emit) const {
    std::vector<bool> named(processes_.size(), false);
    for (const std::size_t i : order_) {
      const Track& t = tracks_[i];
      if (t.lanes == 0) continue;
      const int pid = static_cast<int>(t.process) + 1;
      if (!named[t.process]) {
        named[t.process] = true;
        emit(meta("process_name", pid, 0, Json{{"name", processes_[t.process]}}));
        emit(meta("process_sort_index", pid, 0, Json{{"sort_index", pid}}));
      }
      for (std::size_t lane = 0; lane < t.lanes; ++lane) {
        const int tid = t.first_tid + static_cast<int>(lane);
        emit(meta("thread_name", pid, tid,
                  Json{{"name", lane == 0 ? t.name : t.name + " " + std::to_string(lane + 1)}}));
        emit(meta("thread_sort_index", pid, tid, Json{{"sort_index", tid}}));
      }
    }
  }

 private:
  static Json meta(const char* name, int pid, int tid, Json args) {
    Json j;
    j["name"] = name;
    j["ph"] = "M";
    j["pid"] = pid;
    j["tid"] = tid;
    j["args"] = std::move(args);
    return j;
  }

  std::vector<std::string> processes_;
  std::map<std::string, std::size_t> stream_process_;
  std::vector<Track> tracks_;
  std::map<std::pair<Kind, std::string>, std::size_t> index_;
  std::vector<std::size_t> order_;
  std::size_t others_ = 0;
};

// --- The model --------------------------------------------------------------------------

enum class SpanKind : std::uint8_t { kTransaction, kExecution, kExecuteTimer, kStartupTimer };

using Pair = std::pair<std::string, std::string>;

/// A span open on a lane of a track, and the keys it is found by.
struct Open {
  SpanKind kind = SpanKind::kTransaction;
  std::size_t track = 0;
  std::size_t lane = 0;
  std::int64_t start_ns = 0;
  std::string name;
  Pair key;          // transaction: (txid, channel); the others: (stream, txid)
  std::string ccid;  // a startup timer's chaincode
  Json args;         // filled only when writing
};

/// Open spans by a key, oldest first (ids grow as spans open).
template <class Key>
using Index = std::map<Key, std::set<std::uint64_t>>;

template <class Key>
std::optional<std::uint64_t> oldest(const Index<Key>& index, const Key& key) {
  const auto it = index.find(key);
  if (it == index.end()) return std::nullopt;
  return *it->second.begin();
}

template <class Key>
void unindex(Index<Key>& index, const Key& key, std::uint64_t id) {
  const auto it = index.find(key);
  if (it == index.end()) return;
  it->second.erase(id);
  if (it->second.empty()) index.erase(it);
}

/// What a send's slice waits with for its delivery (or its loss): where it is and what it says.
struct SendSlice {
  std::size_t track = 0;
  Placed placed;
  std::string name;
  Json args;
};

class Model {
 public:
  /// `emit` null: a pass that only finds the tracks and their lanes.
  Model(Layout& layout, const std::function<void(const Json&)>* emit)
      : layout_(&layout), emit_(emit) {}

  void event(const TraceEvent& e) {
    end_ns_ = std::max(end_ns_, e.t.ns());
    close_spans(e);
    slice(e);
    open_spans(e);
  }

  void finish(std::int64_t end_ns) {
    end_ns_ = std::max(end_ns_, end_ns);
    for (auto& m : in_flight_.drain())
      send_slice(m, "not delivered by the end of the run");
    // Whatever is still open ends with the run, in the order it opened.
    while (!open_.empty())
      close(open_.begin()->first, end_ns_, "still open at the end of the run", true);
    for (const auto& [track, lanes] : span_lanes_)
      layout_->use_lanes(track, lanes.count());
    for (const auto& [track, lanes] : event_lanes_)
      layout_->use_lanes(track, lanes.count());
  }

 private:
  bool writing() const { return emit_ != nullptr; }
  void emit(const Json& j) const { (*emit_)(j); }

  Json base_args(const TraceEvent& e) const {
    Json args;
    args["t"] = kernel::format_time(e.t);
    if (!e.txid.empty()) args["txid"] = e.txid;
    if (!e.channel.empty()) args["channel"] = e.channel;
    if (!e.stream.empty()) args["stream"] = e.stream;
    if (!e.state.empty()) args["state"] = e.state;
    return args;
  }

  // --- Event slices ---

  Placed place(std::size_t track, std::int64_t t_ns, std::int64_t min_ns) {
    return event_lanes_[track].place(t_ns, min_ns);
  }

  Json slice_json(std::size_t track, const Placed& p, const std::string& name, const char* cat,
                  Json args) const {
    Json j;
    j["name"] = name;
    j["cat"] = cat;
    j["ph"] = "X";
    j["ts"] = micros(p.start_ns);
    j["dur"] = micros(p.dur_ns);
    j["pid"] = layout_->pid(track);
    j["tid"] = layout_->tid(track, p.lane);
    j["args"] = std::move(args);
    return j;
  }

  /// A flow event at a message's slice: the send's "s", the delivery's "f" (bound to the slice
  /// that encloses it, not to the next one). Both name the message type; cat, pid, tid and ts
  /// are its slice's, which is how Chrome's DevTools find the slice.
  Json flow(const char* ph, std::uint64_t id, const std::string& type, std::size_t track,
            const Placed& p) const {
    Json j;
    j["name"] = type;
    j["cat"] = "message";
    j["ph"] = ph;
    j["id"] = id;
    j["ts"] = micros(p.start_ns);
    j["pid"] = layout_->pid(track);
    j["tid"] = layout_->tid(track, p.lane);
    if (ph[0] == 'f') j["bp"] = "e";
    return j;
  }

  static std::string message_name(const char* what, const TraceEvent& e) {
    return std::string(what) + " " + e.type + (e.txid.empty() ? "" : " " + e.txid);
  }

  Json message_args(const TraceEvent& e) const {
    Json args = base_args(e);
    args["type"] = e.type;
    args["from"] = e.from;
    args["detail"] = e.detail;
    return args;
  }

  void slice(const TraceEvent& e) {
    const std::size_t track = layout_->actor_track(e);
    switch (e.kind) {
      case TraceKind::kSend: {
        SendSlice s;
        s.track = track;
        s.placed = place(track, e.t.ns(), e.t.ns());
        if (writing()) {
          s.name = message_name("send", e);
          s.args = message_args(e);
        }
        in_flight_.sent(e, std::move(s));
        return;
      }
      case TraceKind::kDeliver: {
        auto delivery = in_flight_.delivered(e);
        for (auto& lost : delivery.lost)
          send_slice(lost, "a later message on its stream was delivered first");
        const std::int64_t min_ns = delivery.send ? delivery.send->extra.placed.start_ns : 0;
        const Placed p = place(track, e.t.ns(), min_ns);
        if (!writing()) return;
        // The send's slice first, then the delivery's, then the flow between them: DevTools
        // draws a flow through its slices in the order it meets them.
        if (delivery.send) send_slice(*delivery.send, "");
        Json args = message_args(e);
        if (delivery.send) {
          args["message"] = delivery.send->id;
          args["sent"] = kernel::format_time(delivery.send->sent);
        } else {
          args["sent"] = nullptr;  // its send is not in the trace
        }
        emit(slice_json(track, p, message_name("deliver", e), "message", std::move(args)));
        if (delivery.send) {
          const auto& send = *delivery.send;
          emit(flow("s", send.id, send.type, send.extra.track, send.extra.placed));
          emit(flow("f", send.id, send.type, track, p));
        }
        return;
      }
      case TraceKind::kStreamEnd:
        for (auto& lost : in_flight_.ended(e.actor, e.stream))
          send_slice(lost, e.actor + "'s end of the stream ended");
        break;
      default:
        break;
    }
    const Placed p = place(track, e.t.ns(), e.t.ns());
    if (!writing()) return;
    Json args = base_args(e);
    std::string name;
    switch (e.kind) {
      case TraceKind::kTimer:
        name = "timer: " + e.detail;
        break;
      case TraceKind::kStreamEnd:
        name = "stream end: " + e.detail;
        break;
      case TraceKind::kOutcome:
        name = "outcome " + e.txid +
               " status=" + (e.status ? std::to_string(*e.status) : std::string("-"));
        args["status"] = e.status ? Json(*e.status) : Json(nullptr);
        args["error"] = optional_string(e.error);
        args["payload"] = optional_string(e.payload);
        break;
      default:  // a state change ("from -> to"), a note
        name = e.detail;
        break;
    }
    if (e.kind != TraceKind::kOutcome) args["detail"] = e.detail;
    emit(slice_json(track, p, cut(name.empty() ? kernel::to_string(e.kind) : name, kNameText),
                    kernel::to_string(e.kind), std::move(args)));
  }

  /// A send's slice, once its fate is known: delivered (`lost` empty), or lost and why.
  void send_slice(const detail::InFlight<SendSlice>::Message& m, const std::string& lost) {
    if (!writing()) return;
    const SendSlice& s = m.extra;
    Json args = s.args;
    args["message"] = m.id;
    if (!lost.empty()) args["lost"] = lost;
    emit(slice_json(s.track, s.placed, s.name, "message", std::move(args)));
  }

  // --- Spans ---

  std::uint64_t open(SpanKind kind, std::size_t track, const TraceEvent& e, std::string name,
                     Pair key) {
    Open o;
    o.kind = kind;
    o.track = track;
    o.start_ns = e.t.ns();
    o.lane = span_lanes_[track].take(o.start_ns);
    o.name = std::move(name);
    o.key = std::move(key);
    if (writing()) {
      if (!e.txid.empty()) o.args["txid"] = e.txid;
      if (!e.channel.empty()) o.args["channel"] = e.channel;
      if (!e.stream.empty()) o.args["stream"] = e.stream;
      o.args["started"] = kernel::format_time(e.t);
    }
    const std::uint64_t id = next_span_++;
    switch (kind) {
      case SpanKind::kTransaction:
        transactions_[o.key].insert(id);
        break;
      case SpanKind::kExecution:
        executions_[o.key].insert(id);
        executions_on_[o.key.first].insert(id);
        ++executions_of_[o.key.second];
        break;
      case SpanKind::kExecuteTimer:
        execute_timers_[o.key].insert(id);
        break;
      case SpanKind::kStartupTimer:
        break;  // indexed by the caller, who knows its ccid
    }
    open_.emplace(id, std::move(o));
    return id;
  }

  /// Ends span `id` at `end_ns`, saying how; an `unfinished` one says so in its name too.
  void close(std::uint64_t id, std::int64_t end_ns, const std::string& ended, bool unfinished) {
    auto node = open_.extract(id);
    Open& o = node.mapped();
    span_lanes_[o.track].release(o.lane, std::max(end_ns, o.start_ns));
    switch (o.kind) {
      case SpanKind::kTransaction:
        unindex(transactions_, o.key, id);
        break;
      case SpanKind::kExecution: {
        unindex(executions_, o.key, id);
        unindex(executions_on_, o.key.first, id);
        const auto it = executions_of_.find(o.key.second);
        if (--it->second == 0) executions_of_.erase(it);
        break;
      }
      case SpanKind::kExecuteTimer:
        unindex(execute_timers_, o.key, id);
        break;
      case SpanKind::kStartupTimer:
        unindex(startup_by_ccid_, o.ccid, id);
        unindex(startup_by_proposal_, o.key, id);
        unindex(startup_by_stream_, o.key.first, id);
        break;
    }
    if (!writing()) return;
    static constexpr const char* kCat[] = {"transaction", "execution", "timeout", "timeout"};
    Json j;
    j["name"] =
        o.name +
        (unfinished ? (o.kind == SpanKind::kTransaction ? " (no outcome)" : " (unfinished)") : "");
    j["cat"] = kCat[static_cast<int>(o.kind)];
    j["ph"] = "X";
    j["ts"] = micros(o.start_ns);
    j["dur"] = micros(std::max<std::int64_t>(0, end_ns - o.start_ns));
    j["pid"] = layout_->pid(o.track);
    j["tid"] = layout_->tid(o.track, o.lane);
    o.args["ended"] = ended;
    j["args"] = std::move(o.args);
    emit(j);
  }

  void close_at(std::optional<std::uint64_t> id, const TraceEvent& e, const std::string& ended) {
    if (id) close(*id, e.t.ns(), ended, false);
  }

  /// What this event ends: a transaction, an execution, a timer.
  void close_spans(const TraceEvent& e) {
    const Pair on{e.stream, e.txid};
    if (e.kind == TraceKind::kOutcome) {
      const auto id = oldest(transactions_, Pair{e.txid, e.channel});
      if (id && writing()) {
        Json& args = open_.at(*id).args;
        args["status"] = e.status ? Json(*e.status) : Json(nullptr);
        args["error"] = optional_string(e.error);
        args["payload"] = optional_string(e.payload);
      }
      close_at(id, e, "outcome");
    }
    if (e.actor == "shim" && e.kind == TraceKind::kSend && is_result(e.type))
      close_at(oldest(executions_, on), e,
               e.type + " sent" + (e.detail.empty() ? "" : ": " + e.detail));
    if (e.actor == "shim" && e.kind == TraceKind::kStreamEnd) {
      while (const auto id = oldest(executions_on_, e.stream))
        close(*id, e.t.ns(), "stream end: " + e.detail, false);
    }
    if (e.actor == "peer") {
      if (e.kind == TraceKind::kTimer && e.detail == "execute timeout") {
        close_at(oldest(execute_timers_, on), e, "fired");
      } else if (e.kind == TraceKind::kDeliver && is_result(e.type)) {
        close_at(oldest(execute_timers_, on), e, "stopped: " + e.type + " delivered");
      } else if (e.kind == TraceKind::kNote && e.detail.rfind("Execute: ", 0) == 0) {
        close_at(oldest(execute_timers_, on), e, "stopped: " + e.detail);
      } else if (e.kind == TraceKind::kSend && starts_execution(e.type)) {
        close_at(oldest(startup_by_proposal_, on), e, "stopped: launched, " + e.type + " sent");
      } else if (e.kind == TraceKind::kState && e.detail.size() >= 8 &&
                 e.detail.compare(e.detail.size() - 8, 8, "-> ready") == 0) {
        // The handler is ready: the registry tells the launches of its chaincode at once.
        while (const auto id = oldest(startup_by_stream_, e.stream))
          close(*id, e.t.ns(), "stopped: the chaincode's handler is ready", false);
      }
    }
    if (e.actor == "endorser" && e.kind == TraceKind::kNote &&
        e.detail.rfind("the peer process dies", 0) == 0) {
      // The peer's timers die with it (O(open spans), once per death).
      std::vector<std::uint64_t> timers;
      for (const auto& [id, o] : open_) {
        if (o.kind == SpanKind::kExecuteTimer || o.kind == SpanKind::kStartupTimer)
          timers.push_back(id);
      }
      for (const std::uint64_t id : timers)
        close(id, e.t.ns(), "stopped: " + e.detail, false);
    }
    if (e.actor == "launcher") {
      if (e.kind == TraceKind::kTimer && e.detail.rfind("startup timeout ", 0) == 0) {
        close_at(oldest(startup_by_ccid_, e.detail.substr(16)), e, "fired");
      } else if (e.kind == TraceKind::kNote && e.detail.rfind("launch ", 0) == 0) {
        for (const char* how : {" failed: ", " refused: "}) {
          const std::size_t at = e.detail.find(how, 7);
          if (at == std::string::npos) continue;
          close_at(oldest(startup_by_ccid_, e.detail.substr(7, at - 7)), e, "stopped: " + e.detail);
          break;
        }
      }
    }
  }

  /// What this event starts.
  void open_spans(const TraceEvent& e) {
    const Pair on{e.stream, e.txid};
    if (is_proposal(e)) {
      open(SpanKind::kTransaction, layout_->track(Kind::kTransactions, "", ""), e, "tx " + e.txid,
           Pair{e.txid, e.channel});
    }
    if (e.actor == "shim" && e.kind == TraceKind::kDeliver && starts_execution(e.type)) {
      // Another execution of the txid open: this one is a chaincode-to-chaincode callee.
      const auto others = executions_of_.find(e.txid);
      const std::int64_t depth = others == executions_of_.end() ? 0 : others->second;
      const std::uint64_t id =
          open(SpanKind::kExecution, layout_->track(Kind::kShimExecutions, "", e.stream), e,
               e.type + " " + e.txid + (depth > 0 ? " (cc2cc)" : ""), on);
      if (writing() && depth > 0) open_.at(id).args["cc2cc_depth"] = depth;
    }
    if (e.actor == "peer" && e.kind == TraceKind::kSend && starts_execution(e.type)) {
      open(SpanKind::kExecuteTimer, layout_->track(Kind::kPeerTimers, "", e.stream), e,
           "execute timeout " + e.txid, on);
    }
    if (e.actor == "launcher" && e.kind == TraceKind::kNote && e.detail.rfind("launch ", 0) == 0 &&
        e.detail.size() > 17 && e.detail.compare(e.detail.size() - 10, 10, ": starting") == 0) {
      const std::string ccid = e.detail.substr(7, e.detail.size() - 17);
      // The chaincode's stream is named after it: the ccid without its version.
      const Pair proposal{ccid.substr(0, ccid.rfind(':')), e.txid};
      const std::uint64_t id =
          open(SpanKind::kStartupTimer, layout_->track(Kind::kLauncherTimers, "", ""), e,
               "startup timeout " + ccid, proposal);
      Open& o = open_.at(id);
      o.ccid = ccid;
      if (writing()) o.args["ccid"] = ccid;
      startup_by_ccid_[ccid].insert(id);
      startup_by_proposal_[proposal].insert(id);
      startup_by_stream_[proposal.first].insert(id);
    }
  }

  Layout* layout_;
  const std::function<void(const Json&)>* emit_;
  std::int64_t end_ns_ = 0;
  std::map<std::size_t, EventLanes> event_lanes_;
  std::map<std::size_t, SpanLanes> span_lanes_;
  detail::InFlight<SendSlice> in_flight_;
  std::map<std::uint64_t, Open> open_;  // by id: the order they opened
  std::uint64_t next_span_ = 1;
  Index<Pair> transactions_;                           // (txid, channel)
  Index<Pair> executions_;                             // (stream, txid)
  Index<std::string> executions_on_;                   // stream
  std::map<std::string, std::int64_t> executions_of_;  // open executions per txid
  Index<Pair> execute_timers_;                         // (stream, txid)
  Index<std::string> startup_by_ccid_;
  Index<Pair> startup_by_proposal_;       // (stream, txid)
  Index<std::string> startup_by_stream_;  // the chaincode's stream
};

}  // namespace

void write_perfetto(std::ostream& out, const scenario::RunResult& result) {
  write_perfetto(out, KeptEvents(result.trace), result);
}

void write_perfetto(std::ostream& out, const TraceSource& events,
                    const scenario::RunResult& result) {
  Layout layout;
  {
    Model tracks(layout, nullptr);
    events.for_each([&](const TraceEventView& view) { tracks.event(TraceEvent(view)); });
    tracks.finish(result.end_time.ns());
  }
  layout.number();

  // One event per line: the file diffs well and stays one JSON document.
  bool first = true;
  const std::function<void(const Json&)> emit = [&out, &first](const Json& j) {
    out << (first ? "\n" : ",\n") << j.dump(-1, ' ', false, Json::error_handler_t::replace);
    first = false;
  };
  out << "{\"traceEvents\":[";
  layout.metadata(emit);
  Model model(layout, &emit);
  events.for_each([&](const TraceEventView& view) { model.event(TraceEvent(view)); });
  model.finish(result.end_time.ns());
  Json other;
  other["seed"] = kernel::seed_text(result.seed);
  other["digest"] = kernel::format_digest(result.digest());
  out << "\n],\n\"otherData\":" << other.dump() << "}\n";
}

}  // namespace ccsim::report
