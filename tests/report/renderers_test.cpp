// The Mermaid and Perfetto renderers by meaning: what a reader of the diagram or the trace
// viewer relies on, independent of the golden bytes (tests/scenario/golden_test.cpp).
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../scenario/test_support.hpp"
#include "ccsim/report/mermaid.hpp"
#include "ccsim/report/perfetto.hpp"

using namespace ccsim;
using kernel::TraceKind;

namespace {

scenario::RunResult invoke_basic() {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  return scenario::run(s, {.seed = 1});
}

std::string mermaid_of(const scenario::RunResult& r) {
  std::ostringstream out;
  report::write_mermaid(out, r);
  return out.str();
}

std::string perfetto_text_of(const scenario::RunResult& r) {
  std::ostringstream out;
  report::write_perfetto(out, r);
  return out.str();
}

nlohmann::json perfetto_of(const scenario::RunResult& r) {
  return nlohmann::json::parse(perfetto_text_of(r));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

struct Arrow {
  std::string from, to, label;
};

std::vector<Arrow> arrows_of(const std::string& mermaid) {
  static const std::regex kArrow(R"(^    (\w+)->>(\w+): (.*)$)");
  std::vector<Arrow> arrows;
  for (const std::string& line : lines_of(mermaid)) {
    std::smatch m;
    if (std::regex_match(line, m, kArrow)) arrows.push_back({m[1], m[2], m[3]});
  }
  return arrows;
}

std::vector<std::string> participants_of(const std::string& mermaid) {
  static const std::regex kParticipant(R"(^    participant (\w+)( as .*)?$)");
  std::vector<std::string> ids;
  for (const std::string& line : lines_of(mermaid)) {
    std::smatch m;
    if (std::regex_match(line, m, kParticipant)) ids.push_back(m[1]);
  }
  return ids;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

kernel::TraceEvent event(std::int64_t t_ns, TraceKind kind, std::string actor,
                         std::string stream = "", std::string txid = "", std::string detail = "") {
  kernel::TraceEvent e;
  e.t = kernel::Time::from_ns(t_ns);
  e.kind = kind;
  e.actor = std::move(actor);
  e.stream = std::move(stream);
  e.txid = std::move(txid);
  e.channel = e.txid.empty() ? "" : "ch";
  e.detail = std::move(detail);
  return e;
}

kernel::TraceEvent message(std::int64_t t_ns, TraceKind kind, std::string receiver_or_sender,
                           std::string from, std::string stream, std::string type,
                           std::string txid) {
  kernel::TraceEvent e =
      event(t_ns, kind, std::move(receiver_or_sender), std::move(stream), std::move(txid));
  e.from = std::move(from);
  e.type = std::move(type);
  return e;
}

kernel::TraceEvent proposal(std::int64_t t_ns, const std::string& txid) {
  return event(t_ns, TraceKind::kNote, "endorser", "", txid, "proposal cc f");
}

kernel::TraceEvent outcome(std::int64_t t_ns, const std::string& txid, std::int64_t status) {
  kernel::TraceEvent e = event(t_ns, TraceKind::kOutcome, "endorser", "", txid);
  e.status = status;
  if (status >= 400) e.error = "failed";
  return e;
}

}  // namespace

TEST_CASE("mermaid, invoke_basic: a sequence diagram with one arrow per delivered message") {
  const auto r = invoke_basic();
  const std::string m = mermaid_of(r);
  CHECK(m.rfind("sequenceDiagram\n", 0) == 0);
  CHECK(participants_of(m) ==
        std::vector<std::string>{"endorser", "launcher", "runtime", "peer_mycc", "shim_mycc"});
  CHECK(m.find("    participant peer_mycc as peer (mycc)\n") != std::string::npos);
  CHECK(m.find("    participant shim_mycc as shim (mycc)\n") != std::string::npos);
  CHECK(m.find("ledger") == std::string::npos);  // no ledger events, no ledger participant

  CHECK(count_of(m, "->>") == 9);
  const auto arrows = arrows_of(m);
  std::vector<std::string> labels;
  for (const Arrow& a : arrows)
    labels.push_back(a.label);
  CHECK(labels == std::vector<std::string>{"REGISTER", "REGISTERED", "READY", "TRANSACTION tx1",
                                           "GET_STATE tx1", "RESPONSE tx1", "PUT_STATE tx1",
                                           "RESPONSE tx1", "COMPLETED tx1"});
  // Directions: the shim registers and asks; the peer answers and sends the transaction.
  REQUIRE(arrows.size() == 9);
  for (const Arrow& a : arrows) {
    const bool from_shim = a.label.rfind("REGISTER", 0) == 0 && a.label != "REGISTERED";
    const bool shim_sends = from_shim || a.label.rfind("GET_STATE", 0) == 0 ||
                            a.label.rfind("PUT_STATE", 0) == 0 ||
                            a.label.rfind("COMPLETED", 0) == 0;
    CHECK(a.from == (shim_sends ? "shim_mycc" : "peer_mycc"));
    CHECK(a.to == (shim_sends ? "peer_mycc" : "shim_mycc"));
  }
  CHECK(m.find("    Note over peer_mycc: created -> established\n") != std::string::npos);
  CHECK(m.find("    Note over shim_mycc: established -> ready\n") != std::string::npos);
  CHECK(m.find("    Note over endorser: proposal mycc set_a\n") != std::string::npos);
  CHECK(m.find("    Note over runtime: start container mycc:1.0\n") != std::string::npos);
  // The outcome is the last statement.
  CHECK(lines_of(m).back() == "    Note over endorser: tx1 status=200");
}

TEST_CASE("mermaid: labels cannot break the diagram's syntax") {
  scenario::RunResult r;
  const std::string stream = "my cc;#\"x\"";
  r.trace.record(event(0, TraceKind::kNote, "endorser", "", "t;x#\"1", "proposal a\nb;c#d\"e\""));
  r.trace.record(message(1, TraceKind::kDeliver, "peer", "shim", stream, "REGISTER", ""));
  r.trace.record(message(2, TraceKind::kDeliver, "shim", "peer", stream, "TRANSACTION", "t;x#\"1"));
  // Another stream whose identifier would collide with the first one's.
  r.trace.record(message(3, TraceKind::kDeliver, "peer", "shim", "my_cc___x_", "REGISTER", ""));
  r.trace.record(event(4, TraceKind::kStreamEnd, "shim", stream, "", "EOF;\r\nagain"));
  kernel::TraceEvent o = outcome(5, "t;x#\"1", 500);
  o.error = "bad; #1 \"quoted\"\nline";
  r.trace.record(o);
  const std::string m = mermaid_of(r);

  const auto lines = lines_of(m);
  CHECK(lines.size() == 1 + 5 + 6);  // header, endorser and two pairs, one line per event
  for (std::size_t i = 1; i < lines.size(); ++i) {
    CAPTURE(lines[i]);
    CHECK(lines[i].find_first_of(";#\"\r") == std::string::npos);
  }
  CHECK(participants_of(m) == std::vector<std::string>{"endorser", "peer_my_cc___x_",
                                                       "shim_my_cc___x_", "peer_my_cc___x__2",
                                                       "shim_my_cc___x__2"});
  CHECK(m.find("    participant peer_my_cc___x_ as peer (my cc,no.'x')\n") != std::string::npos);
  CHECK(m.find("    peer_my_cc___x_->>shim_my_cc___x_: TRANSACTION t,xno.'1\n") !=
        std::string::npos);
  CHECK(m.find("    shim_my_cc___x__2->>peer_my_cc___x__2: REGISTER\n") != std::string::npos);
  CHECK(m.find("    Note over shim_my_cc___x_: stream end: EOF,  again\n") != std::string::npos);
  CHECK(m.find("    Note over endorser: t,xno.'1 status=500 error=bad, no.1 'quoted' line\n") !=
        std::string::npos);
}

TEST_CASE("mermaid: sends are not drawn, timers show their time, ledger comes last") {
  scenario::RunResult r;
  r.trace.record(event(0, TraceKind::kNote, "ledger", "", "", "commit"));
  r.trace.record(message(1, TraceKind::kSend, "peer", "peer", "cc", "TRANSACTION", "tx1"));
  kernel::TraceEvent timer = event(2000000000, TraceKind::kTimer, "peer", "cc", "tx1");
  timer.detail = "execute timeout";
  r.trace.record(timer);
  r.trace.record(event(3, TraceKind::kTimer, "launcher", "", "", "startup timeout cc:1.0"));
  const std::string m = mermaid_of(r);
  CHECK(count_of(m, "->>") == 0);
  CHECK(participants_of(m) == std::vector<std::string>{"launcher", "peer_cc", "shim_cc", "ledger"});
  CHECK(m.find("    Note over ledger: commit\n") != std::string::npos);
  CHECK(m.find("    Note over peer_cc: 2.000000000s execute timeout tx1\n") != std::string::npos);
  CHECK(m.find("    Note over launcher: 0.000000003s startup timeout cc:1.0\n") !=
        std::string::npos);
}

TEST_CASE("perfetto, invoke_basic: a well-formed Chrome trace with one span per transaction") {
  const auto r = invoke_basic();
  const auto j = perfetto_of(r);
  REQUIRE(j.is_object());
  CHECK(j["displayTimeUnit"] == "ns");
  CHECK(j["otherData"]["seed"] == "1");
  const auto& events = j["traceEvents"];
  REQUIRE(events.is_array());

  std::set<int> tids_used;
  std::map<int, std::string> thread_names;
  int process_names = 0;
  std::vector<nlohmann::json> spans;
  std::vector<nlohmann::json> instants;
  for (const auto& e : events) {
    CAPTURE(e.dump());
    REQUIRE(e.contains("ph"));
    CHECK(e.contains("pid"));
    CHECK(e.contains("tid"));
    CHECK(e["pid"] == 1);
    const std::string ph = e["ph"];
    if (ph == "M") {
      if (e["name"] == "process_name") {
        ++process_names;
        CHECK(e["args"]["name"] == "ccsim");
      } else {
        CHECK(e["name"] == "thread_name");
        CHECK(
            thread_names.emplace(e["tid"].get<int>(), e["args"]["name"].get<std::string>()).second);
      }
      continue;
    }
    CHECK(e.contains("ts"));
    CHECK(e["ts"].is_number());
    tids_used.insert(e["tid"].get<int>());
    if (ph == "X") spans.push_back(e);
    if (ph == "i") {
      CHECK(e["s"] == "t");
      instants.push_back(e);
    }
  }
  CHECK(process_names == 1);
  for (const int tid : tids_used) {
    CAPTURE(tid);
    CHECK(thread_names.count(tid) == 1);
  }
  // Every trace event is an instant on its actor's track, at its time in microseconds.
  REQUIRE(instants.size() == r.trace.events().size());
  for (std::size_t i = 0; i < instants.size(); ++i) {
    const auto& te = r.trace.events()[i];
    CHECK(instants[i]["ts"].get<double>() == static_cast<double>(te.t.ns()) / 1000.0);
    const std::string track = thread_names[instants[i]["tid"].get<int>()];
    CHECK(track ==
          (te.actor == "peer" || te.actor == "shim" ? te.actor + " " + te.stream : te.actor));
  }
  CHECK(thread_names.size() == 6);  // endorser, launcher, runtime, shim/peer mycc, transactions

  REQUIRE(spans.size() == 1);
  const auto& tx = spans.front();
  CHECK(tx["name"] == "tx tx1");
  CHECK(thread_names[tx["tid"].get<int>()] == "transactions");
  CHECK(tx["ts"].get<double>() == 0.0);
  CHECK(tx["ts"].get<double>() + tx["dur"].get<double>() == 507000.0);
  CHECK(tx["args"]["status"] == 200);
  CHECK(tx["args"]["error"].is_null());
}

TEST_CASE(
    "perfetto: overlapping transactions take separate lanes, unfinished ones end with the run") {
  scenario::RunResult r;
  r.trace.record(proposal(0, "a"));
  r.trace.record(proposal(1000, "b"));  // overlaps a
  r.trace.record(proposal(1000, "a"));  // the same txid again: outcomes match in order
  r.trace.record(outcome(2000, "b", 500));
  r.trace.record(outcome(3000, "a", 200));
  r.trace.record(proposal(3000, "c"));  // starts as the first a ends: its lane is free
  r.trace.record(outcome(3000, "c", 200));
  r.trace.record(outcome(4500, "a", 200));
  r.trace.record(proposal(5000, "d"));  // never answered
  r.end_time = kernel::Time::from_ns(9000);
  const auto j = perfetto_of(r);
  std::map<int, std::string> thread_names;
  std::vector<nlohmann::json> spans;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name")
      thread_names[e["tid"].get<int>()] = e["args"]["name"].get<std::string>();
    if (e["ph"] == "X") spans.push_back(e);
  }
  REQUIRE(spans.size() == 5);
  const auto lane = [&](std::size_t i) { return thread_names[spans[i]["tid"].get<int>()]; };
  CHECK(spans[0]["name"] == "tx a");
  CHECK(spans[0]["ts"] == 0.0);
  CHECK(spans[0]["dur"] == 3.0);
  CHECK(lane(0) == "transactions");
  CHECK(spans[1]["name"] == "tx b");
  CHECK(spans[1]["dur"] == 1.0);
  CHECK(spans[1]["args"]["status"] == 500);
  CHECK(spans[1]["args"]["error"] == "failed");
  CHECK(lane(1) == "transactions 2");
  CHECK(spans[2]["name"] == "tx a");
  CHECK(spans[2]["ts"] == 1.0);
  CHECK(spans[2]["dur"] == 3.5);
  CHECK(lane(2) == "transactions 3");
  CHECK(spans[3]["name"] == "tx c");
  CHECK(spans[3]["ts"] == 3.0);
  CHECK(spans[3]["dur"] == 0.0);
  CHECK(lane(3) == "transactions");
  CHECK(spans[4]["name"] == "tx d (no outcome)");
  CHECK(spans[4]["ts"] == 5.0);
  CHECK(spans[4]["dur"] == 4.0);
  CHECK(spans[4]["args"]["status"].is_null());
  CHECK(lane(4) == "transactions");
}

TEST_CASE("run --mermaid and --perfetto write the renderers' output, a bad path is exit 2") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ccsim-renderers-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto mmd = dir / "t.mmd";
  const auto pf = dir / "t.perfetto.json";
  const std::string scenario_file = testing::source_path("scenarios/invoke_basic.json");
  const auto ok = testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " + scenario_file +
                                       " --mermaid " + mmd.string() + " --perfetto " + pf.string());
  CHECK(ok.exit_code == 0);
  const auto r = invoke_basic();
  CHECK(testing::read_file(mmd.string()) == mermaid_of(r));
  CHECK(testing::read_file(pf.string()) == perfetto_text_of(r));

  const auto missing = dir / "no-such-dir" / "t.mmd";
  const auto bad = testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " +
                                        scenario_file + " --mermaid " + missing.string());
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find(missing.string()) != std::string::npos);
  CHECK(!std::filesystem::exists(missing));
  std::filesystem::remove_all(dir);
}
