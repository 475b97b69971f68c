#include "ccsim/report/perfetto.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/rng.hpp"

namespace ccsim::report {

namespace {
using Json = nlohmann::ordered_json;
using kernel::TraceEvent;
using kernel::TraceEventView;
using kernel::TraceKind;

constexpr int kPid = 1;

/// Virtual nanoseconds as the format's microseconds.
double micros(std::int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

Json optional_string(const std::optional<std::string>& s) {
  return s ? Json(*s) : Json(nullptr);
}

/// The track an event belongs on: the actor, or for the handlers the actor and its stream.
std::string track_name(const TraceEvent& e) {
  if (e.actor == "peer" || e.actor == "shim") return e.actor + " " + e.stream;
  return e.actor;
}

bool is_proposal(const TraceEvent& e) {
  return e.kind == TraceKind::kNote && e.actor == "endorser" && e.detail.rfind("proposal", 0) == 0;
}

/// A proposal's life, from its submission note to its outcome (or the end of the run).
struct Span {
  std::string txid;
  std::string channel;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  bool answered = false;  // an outcome ended it
  std::optional<std::int64_t> status;
  std::optional<std::string> error;
  std::size_t lane = 0;
};

/// The proposals' spans, from one pass over the events.
class SpanBuilder {
 public:
  explicit SpanBuilder(std::int64_t end_ns) : end_ns_(end_ns) {}

  void add(const TraceEvent& e) {
    if (is_proposal(e)) {
      open_[{e.txid, e.channel}].push_back(spans_.size());
      Span span;
      span.txid = e.txid;
      span.channel = e.channel;
      span.start_ns = e.t.ns();
      span.end_ns = end_ns_;
      spans_.push_back(std::move(span));
    } else if (e.kind == TraceKind::kOutcome) {
      auto it = open_.find({e.txid, e.channel});
      if (it == open_.end() || it->second.empty()) return;
      Span& span = spans_[it->second.front()];
      it->second.pop_front();
      if (it->second.empty()) open_.erase(it);
      span.end_ns = e.t.ns();
      span.answered = true;
      span.status = e.status;
      span.error = e.error;
    }
  }

  // Slices on one track must nest: overlapping proposals go to further lanes. Spans are in
  // order of their start; each takes the lowest-numbered lane free by then (a lane is free
  // from its last span's end), in O(log lanes).
  std::vector<Span> take() {
    using Busy = std::pair<std::int64_t, std::size_t>;  // free from, lane
    std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> free;
    std::size_t lanes = 0;
    for (Span& span : spans_) {
      while (!busy.empty() && busy.top().first <= span.start_ns) {
        free.push(busy.top().second);
        busy.pop();
      }
      if (free.empty()) {
        span.lane = lanes++;
      } else {
        span.lane = free.top();
        free.pop();
      }
      busy.emplace(span.end_ns, span.lane);
    }
    return std::move(spans_);
  }

 private:
  std::int64_t end_ns_;
  std::vector<Span> spans_;
  // Proposals waiting for their outcome, per (txid, channel), oldest first.
  std::map<std::pair<std::string, std::string>, std::deque<std::size_t>> open_;
};

Json metadata(const char* name, int tid, const std::string& value) {
  Json j;
  j["name"] = name;
  j["ph"] = "M";
  j["pid"] = kPid;
  j["tid"] = tid;
  j["args"]["name"] = value;
  return j;
}

Json instant(const TraceEvent& e, int tid) {
  const bool message = e.kind == TraceKind::kSend || e.kind == TraceKind::kDeliver;
  Json j;
  j["name"] = message ? e.type : std::string(kernel::to_string(e.kind));
  j["cat"] = kernel::to_string(e.kind);
  j["ph"] = "i";
  j["s"] = "t";
  j["ts"] = micros(e.t.ns());
  j["pid"] = kPid;
  j["tid"] = tid;
  Json& args = j["args"];
  args["txid"] = e.txid;
  args["channel"] = e.channel;
  if (e.kind == TraceKind::kOutcome) {
    args["status"] = e.status ? Json(*e.status) : Json(nullptr);
    args["error"] = optional_string(e.error);
    args["payload"] = optional_string(e.payload);
  } else {
    args["state"] = e.state;
    args["detail"] = e.detail;
    if (message) args["from"] = e.from;
  }
  return j;
}

Json complete(const Span& span, int tid) {
  Json j;
  j["name"] = "tx " + span.txid + (span.answered ? "" : " (no outcome)");
  j["cat"] = "transaction";
  j["ph"] = "X";
  j["ts"] = micros(span.start_ns);
  j["dur"] = micros(span.end_ns - span.start_ns);
  j["pid"] = kPid;
  j["tid"] = tid;
  Json& args = j["args"];
  args["txid"] = span.txid;
  args["channel"] = span.channel;
  args["status"] = span.status ? Json(*span.status) : Json(nullptr);
  args["error"] = optional_string(span.error);
  return j;
}
}  // namespace

void write_perfetto(std::ostream& out, const scenario::RunResult& result) {
  write_perfetto(out, KeptEvents(result.trace), result);
}

void write_perfetto(std::ostream& out, const TraceSource& events,
                    const scenario::RunResult& result) {
  // Thread ids 1, 2, ... per actor in order of first appearance, then the transaction lanes.
  std::map<std::string, int> tids;
  std::vector<std::string> tracks;
  SpanBuilder builder(result.end_time.ns());
  events.for_each([&](const TraceEventView& view) {
    const kernel::TraceEvent e(view);
    std::string name = track_name(e);
    if (tids.emplace(name, static_cast<int>(tracks.size()) + 1).second) {
      tracks.push_back(std::move(name));
    }
    builder.add(e);
  });
  const std::vector<Span> spans = builder.take();
  std::size_t lanes = 0;
  for (const Span& span : spans)
    lanes = std::max(lanes, span.lane + 1);
  const auto lane_tid = [&tracks](std::size_t lane) {
    return static_cast<int>(tracks.size() + lane) + 1;
  };

  // One event per line: the file diffs well and stays one JSON document.
  bool first = true;
  const auto emit = [&out, &first](const Json& j) {
    out << (first ? "\n" : ",\n") << j.dump(-1, ' ', false, Json::error_handler_t::replace);
    first = false;
  };
  out << "{\"traceEvents\":[";
  emit(metadata("process_name", 0, "ccsim"));
  for (std::size_t i = 0; i < tracks.size(); ++i)
    emit(metadata("thread_name", static_cast<int>(i) + 1, tracks[i]));
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    emit(metadata(
        "thread_name", lane_tid(lane),
        lane == 0 ? std::string("transactions") : "transactions " + std::to_string(lane + 1)));
  }
  events.for_each([&](const TraceEventView& view) {
    const kernel::TraceEvent e(view);
    emit(instant(e, tids.at(track_name(e))));
  });
  for (const Span& span : spans)
    emit(complete(span, lane_tid(span.lane)));
  Json other;
  other["seed"] = kernel::seed_text(result.seed);
  other["digest"] = kernel::format_digest(result.digest());
  out << "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":" << other.dump() << "}\n";
}

}  // namespace ccsim::report
