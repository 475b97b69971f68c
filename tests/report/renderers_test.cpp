// The Mermaid and Perfetto renderers by meaning: what a reader of the diagram or the trace
// viewer relies on, independent of the golden bytes (tests/scenario/golden_test.cpp). The
// grammar checked here is the part of Mermaid's sequence-diagram grammar the renderer relies
// on; docs/outputs.md says which real consumers were checked by hand.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../scenario/test_support.hpp"
#include "ccsim/report/mermaid.hpp"
#include "ccsim/report/perfetto.hpp"
#include "ccsim/report/trace_spool.hpp"

using namespace ccsim;
using kernel::TraceKind;

namespace {

scenario::RunResult invoke_basic() {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  return scenario::run(s, {.seed = 1});
}

scenario::RunResult run_text(const std::string& text, std::uint64_t seed = 1) {
  return scenario::run(scenario::load_text(text, "test.json"), {.seed = seed});
}

/// n proposals on one chaincode, each reading and writing two keys (as
/// scenarios/bench/ten_proposals.json), 1ms apart under a uniform latency, while the chaincode's
/// container takes 100ms to start: the first hundred all wait for it.
std::string load_scenario(int n) {
  return R"({ "name": "load", "network": { "latency": { "min": "100us", "max": "2ms" } },
    "chaincodes": [ { "name": "mycc", "container": { "start": "100ms" },
      "functions": { "transfer": [ { "get_state": "from" }, { "get_state": "to" },
        { "put_state": { "key": "from", "value": "9" } },
        { "put_state": { "key": "to", "value": "11" } }, { "return": { "status": 200 } } ] } } ],
    "proposals": [ { "txid": "tx", "channel": "ch1", "chaincode": "mycc", "function": "transfer",
                     "repeat": { "count": )" +
         std::to_string(n) + R"(, "interval": "1ms" } } ] })";
}

/// 100 proposals on a running chaincode, `interval` apart, each taking six messages of 1ms.
std::string hundred(const std::string& interval) {
  return R"({ "name": "hundred", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "kv", "launch_at": "0",
      "functions": { "put": [ { "get_state": "k" }, { "put_state": { "key": "k", "value": "v" } } ] } } ],
    "proposals": [ { "at": "1s", "txid": "p", "chaincode": "kv", "function": "put",
                     "repeat": { "count": 100, "interval": ")" +
         interval + R"(" } } ] })";
}

std::vector<std::string> mermaid_parts(const scenario::RunResult& r,
                                       const report::MermaidLimits& limits = {}) {
  const report::KeptEvents events(r.trace);
  const report::MermaidDiagram diagram(events, r, limits);
  std::vector<std::string> parts;
  diagram.write([&](std::size_t n, const std::string& text) {
    CHECK(n == parts.size() + 1);
    parts.push_back(text);
  });
  CHECK(parts.size() == diagram.parts());
  return parts;
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

// --- Mermaid's grammar, as far as the renderer relies on it ---------------------------------

struct Arrow {
  std::string from, head, to, label;
};

const std::regex kArrowLine(R"(^    (\w+)(->>|-->>|-x|--x)(\w+): (.*)$)");
const std::regex kNoteLine(R"(^    Note over (\w+): (.*)$)");
const std::regex kParticipantLine(R"(^    participant (\w+)( as (.*))?$)");

std::vector<Arrow> arrows_of(const std::string& mermaid) {
  std::vector<Arrow> arrows;
  for (const std::string& line : lines_of(mermaid)) {
    std::smatch m;
    if (std::regex_match(line, m, kArrowLine)) arrows.push_back({m[1], m[2], m[3], m[4]});
  }
  return arrows;
}

std::vector<std::string> notes_of(const std::string& mermaid) {
  std::vector<std::string> notes;
  for (const std::string& line : lines_of(mermaid)) {
    std::smatch m;
    if (std::regex_match(line, m, kNoteLine))
      notes.push_back(std::string(m[1]) + ": " + m[2].str());
  }
  return notes;
}

std::vector<std::string> participants_of(const std::string& mermaid) {
  std::vector<std::string> ids;
  for (const std::string& line : lines_of(mermaid)) {
    std::smatch m;
    if (std::regex_match(line, m, kParticipantLine)) ids.push_back(m[1]);
  }
  return ids;
}

/// Problems with `text` as text after a statement's ':' or a participant's "as": Mermaid reads
/// '#' (a comment, or an entity code #name; or #123;), ';' (ends a statement), '<' and '>'
/// (markup; only our own line break <br/> may appear), '"', '%' ("%%{" is a directive) and,
/// in a name, ',', ':' and '@'. A text may not begin with "wrap:" (a flag).
std::string text_problem(const std::string& text, bool name) {
  if (text.rfind("wrap:", 0) == 0 || text.rfind("nowrap:", 0) == 0) return "starts with a flag";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {  // an entity code: #quot; #amp; #lt; #gt; or #123;
      const std::size_t end = text.find(';', i);
      const std::string code = end == std::string::npos ? "" : text.substr(i + 1, end - i - 1);
      const bool named = code == "quot" || code == "amp" || code == "lt" || code == "gt";
      const bool number =
          !code.empty() && code.find_first_not_of("0123456789") == std::string::npos;
      if (!named && !number) return "a raw '#' at " + std::to_string(i);
      i = end;
      continue;
    }
    if (c == '<') {
      if (name || text.compare(i, 5, "<br/>") != 0) return "a raw '<' at " + std::to_string(i);
      i += 4;
      continue;
    }
    if (c == ';' || c == '>' || c == '"' || c == '%' || c == '\n' || c == '\r')
      return std::string("a raw '") + c + "' at " + std::to_string(i);
    if (name && (c == ',' || c == ':' || c == '@'))
      return std::string("a raw '") + c + "' in a name at " + std::to_string(i);
  }
  // encodeEntities strips the ';' of a line matching /style.*:\S*#.*;/ (or classDef) before
  // parsing: the renderer never writes the words.
  if (text.find("style") != std::string::npos || text.find("classDef") != std::string::npos)
    return "the word style or classDef";
  return "";
}

/// Every problem of one part as a diagram on its own: its header, that it declares each
/// participant it uses once and before any statement, and only those, and the texts.
std::vector<std::string> part_problems(const std::string& part) {
  std::vector<std::string> problems;
  const auto lines = lines_of(part);
  if (lines.empty() || lines[0] != "sequenceDiagram") problems.push_back("no header");
  std::set<std::string> declared;
  std::set<std::string> used;
  bool statements = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::smatch m;
    const auto text = [&](const std::string& t, bool name) {
      const std::string p = text_problem(t, name);
      if (!p.empty()) problems.push_back(p + ": " + line);
    };
    if (line.rfind("    %% ", 0) == 0 && !statements) continue;
    if (line.rfind("    title part ", 0) == 0 && !statements) {
      text(line.substr(10), false);
      continue;
    }
    if (std::regex_match(line, m, kParticipantLine)) {
      if (statements) problems.push_back("a participant declared after a statement: " + line);
      if (!declared.insert(m[1]).second) problems.push_back("declared twice: " + line);
      if (m[3].matched) text(m[3], true);
      continue;
    }
    statements = true;
    if (std::regex_match(line, m, kNoteLine)) {
      used.insert(m[1]);
      text(m[2], false);
    } else if (std::regex_match(line, m, kArrowLine)) {
      used.insert(m[1]);
      used.insert(m[3]);
      text(m[4], false);
    } else {
      problems.push_back("not a statement: " + line);
    }
  }
  if (used != declared) problems.push_back("declared participants are not the ones used");
  if (part.find("style") != std::string::npos || part.find("classDef") != std::string::npos)
    problems.push_back("the word style or classDef (see text_problem)");
  return problems;
}

/// What Mermaid shows for a text: entity codes decoded, its line breaks as spaces.
std::string shown(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 5, "<br/>") == 0) {
      out += ' ';
      i += 4;
      continue;
    }
    if (text[i] == '#') {
      const std::size_t end = text.find(';', i);
      const std::string code = text.substr(i + 1, end - i - 1);
      static const std::map<std::string, std::string> kNamed = {
          {"quot", "\""}, {"amp", "&"}, {"lt", "<"}, {"gt", ">"}};
      if (kNamed.count(code) != 0) {
        out += kNamed.at(code);
      } else {
        const long n = std::stol(code);
        if (n < 0x80) {
          out += static_cast<char>(n);
        } else if (n < 0x800) {
          out += static_cast<char>(0xC0 | (n >> 6));
          out += static_cast<char>(0x80 | (n & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (n >> 12));
          out += static_cast<char>(0x80 | ((n >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (n & 0x3F));
        }
      }
      i = end;
      continue;
    }
    out += text[i];
  }
  return out;
}

// --- Trace events by hand -------------------------------------------------------------------

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

/// A send (recorded by its sender) or a delivery (by its receiver) of a message `from` sent.
kernel::TraceEvent message(std::int64_t t_ns, TraceKind kind, std::string from, std::string stream,
                           std::string type, std::string txid, std::string detail = "") {
  const std::string actor = kind == TraceKind::kSend ? from : (from == "peer" ? "shim" : "peer");
  kernel::TraceEvent e =
      event(t_ns, kind, actor, std::move(stream), std::move(txid), std::move(detail));
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

// --- Perfetto's structure -------------------------------------------------------------------

struct Slice {
  std::int64_t start_ns = 0;
  std::int64_t dur_ns = 0;
  const nlohmann::json* event = nullptr;  // in PerfettoView::doc
};

std::int64_t ns_of(const nlohmann::json& micros) {
  return std::llround(micros.get<double>() * 1000.0);
}

struct PerfettoView {
  nlohmann::json doc;
  std::map<int, std::string> thread_names;
  std::map<int, std::vector<Slice>> slices;  // by tid, in file order
  std::vector<nlohmann::json> spans;         // transactions, executions, timeouts
  std::vector<nlohmann::json> event_slices;  // one per trace event
  std::map<std::uint64_t, nlohmann::json> flow_starts;
  std::map<std::uint64_t, nlohmann::json> flow_ends;
  // The slices by where they start: (tid, ns, cat).
  std::map<std::tuple<int, std::int64_t, std::string>, std::vector<const nlohmann::json*>> by_start;

  explicit PerfettoView(nlohmann::json j) : doc(std::move(j)) {
    bool events_seen = false;
    for (const auto& e : doc["traceEvents"]) {
      const std::string ph = e["ph"];
      if (ph == "M") {
        CHECK_FALSE(events_seen);  // every thread named before its events
        if (e["name"] == "thread_name") {
          CHECK(thread_names.emplace(e["tid"].get<int>(), e["args"]["name"].get<std::string>())
                    .second);
        }
        continue;
      }
      events_seen = true;
      REQUIRE(thread_names.count(e["tid"].get<int>()) == 1);
      if (ph == "X") {
        slices[e["tid"].get<int>()].push_back(Slice{ns_of(e["ts"]), ns_of(e["dur"]), &e});
        by_start[{e["tid"].get<int>(), ns_of(e["ts"]), e["cat"].get<std::string>()}].push_back(&e);
        const std::string cat = e["cat"];
        if (cat == "transaction" || cat == "execution" || cat == "timeout") {
          spans.push_back(e);
        } else {
          event_slices.push_back(e);
        }
      } else if (ph == "s") {
        CHECK(flow_starts.emplace(e["id"].get<std::uint64_t>(), e).second);
      } else if (ph == "f") {
        CHECK(flow_ends.emplace(e["id"].get<std::uint64_t>(), e).second);
      } else {
        FAIL("unexpected phase " << ph);
      }
    }
  }

  std::string thread(const nlohmann::json& e) const { return thread_names.at(e["tid"].get<int>()); }

  /// The slices of one name, in file order.
  std::vector<nlohmann::json> spans_named(const std::string& name) const {
    std::vector<nlohmann::json> out;
    for (const auto& s : spans) {
      if (s["name"] == name) out.push_back(s);
    }
    return out;
  }

  /// The slices on `tid` that start at `ns` with category `cat` (how DevTools binds a flow).
  std::vector<const nlohmann::json*> at(int tid, std::int64_t ns, const std::string& cat) const {
    const auto it = by_start.find({tid, ns, cat});
    return it == by_start.end() ? std::vector<const nlohmann::json*>() : it->second;
  }

  /// How many threads named `base`, "base 2", "base 3", ...
  std::size_t lanes(const std::string& base) const {
    std::size_t n = 0;
    for (const auto& [tid, name] : thread_names) {
      if (name == base ||
          (name.rfind(base + " ", 0) == 0 &&
           name.find_first_not_of("0123456789", base.size() + 1) == std::string::npos))
        ++n;
    }
    return n;
  }
};

/// Slices on one thread that overlap without one holding the other (viewers misdraw them), or
/// that only touch, one ending where the next starts (speedscope, adding ts and dur in floating
/// point, may find the first still open).
std::vector<std::string> nesting_problems(const PerfettoView& v) {
  std::vector<std::string> problems;
  for (const auto& [tid, list] : v.slices) {
    std::vector<Slice> sorted = list;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Slice& a, const Slice& b) {
      return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.dur_ns > b.dur_ns;
    });
    std::vector<std::int64_t> ends;  // the open slices' ends, outermost first
    for (const Slice& s : sorted) {
      while (!ends.empty() && ends.back() < s.start_ns)
        ends.pop_back();
      if (!ends.empty() && s.start_ns + s.dur_ns > ends.back()) {
        problems.push_back(v.thread_names.at(tid) + ": " + s.event->dump());
      }
      ends.push_back(s.start_ns + s.dur_ns);
    }
  }
  return problems;
}

/// Flow problems: each send's "s" and its delivery's "f" pair up by id, cat and name, and each
/// sits where its slice starts (same thread, ts and cat, as DevTools binds them), the "f"
/// bound to its enclosing slice, and not before the "s".
std::vector<std::string> flow_problems(const PerfettoView& v) {
  std::vector<std::string> problems;
  if (v.flow_starts.size() != v.flow_ends.size()) problems.push_back("unpaired flows");
  for (const auto& [id, s] : v.flow_starts) {
    const auto f = v.flow_ends.find(id);
    if (f == v.flow_ends.end()) {
      problems.push_back("no f for " + std::to_string(id));
      continue;
    }
    if (s["cat"] != f->second["cat"] || s["name"] != f->second["name"])
      problems.push_back("cat or name differ for " + std::to_string(id));
    if (f->second.value("bp", "") != "e") problems.push_back("f not bound to its slice");
    const auto send = v.at(s["tid"], ns_of(s["ts"]), s["cat"]);
    const auto delivery = v.at(f->second["tid"], ns_of(f->second["ts"]), f->second["cat"]);
    if (send.size() != 1 || delivery.size() != 1) {
      problems.push_back("flow " + std::to_string(id) + " does not bind to one slice each end");
      continue;
    }
    const nlohmann::json& from = *send[0];
    const nlohmann::json& to = *delivery[0];
    if (from["name"].get<std::string>().rfind("send ", 0) != 0 ||
        to["name"].get<std::string>().rfind("deliver ", 0) != 0 || from["args"]["message"] != id ||
        to["args"]["message"] != id || from["args"]["type"] != s["name"] ||
        to["args"]["type"] != s["name"])
      problems.push_back("flow " + std::to_string(id) + " joins the wrong slices");
    if (ns_of(s["ts"]) > ns_of(f->second["ts"]))
      problems.push_back("flow " + std::to_string(id) + " ends before it starts");
  }
  return problems;
}

std::size_t count_kind(const scenario::RunResult& r, TraceKind kind) {
  return static_cast<std::size_t>(std::count_if(r.trace.events().begin(), r.trace.events().end(),
                                                [&](const auto& e) { return e.kind == kind; }));
}

}  // namespace

// --- Mermaid --------------------------------------------------------------------------------

TEST_CASE("mermaid, invoke_basic: one diagram, an arrow per message with its times") {
  const auto r = invoke_basic();
  const auto parts = mermaid_parts(r);
  REQUIRE(parts.size() == 1);
  const std::string& m = parts[0];
  CHECK(m == mermaid_of(r));
  CHECK(part_problems(m) == std::vector<std::string>{});
  CHECK(m.rfind("sequenceDiagram\n    participant", 0) == 0);  // one part: no title
  CHECK(participants_of(m) ==
        std::vector<std::string>{"endorser", "launcher", "runtime", "peer_mycc", "shim_mycc"});
  CHECK(m.find("    participant peer_mycc as peer (mycc)\n") != std::string::npos);

  // The times are the trace's (tests/scenario/golden/invoke_basic.txt): REGISTER sent at 0.5s
  // and delivered 1ms later, then each message takes 1ms. The peer sent REGISTERED, READY and
  // TRANSACTION at 0.501s with its state changes in between: their sends are marked, their
  // arrows dotted.
  const auto arrows = arrows_of(m);
  REQUIRE(arrows.size() == 9);
  const std::vector<std::string> labels = {
      "0.500s → 0.501s REGISTER name=#quot;mycc:1.0#quot;",
      "0.501s → 0.502s REGISTERED [m2]",
      "0.501s → 0.502s READY [m3]",
      "0.501s → 0.502s TRANSACTION tx1 [m4] args=[#quot;set_a#quot;]",
      "0.502s → 0.503s GET_STATE tx1 key=#quot;a#quot;",
      "0.503s → 0.504s RESPONSE tx1",
      "0.504s → 0.505s PUT_STATE tx1 key=#quot;a#quot; value=#quot;1#quot;",
      "0.505s → 0.506s RESPONSE tx1",
      "0.506s → 0.507s COMPLETED tx1 status=200"};
  for (std::size_t i = 0; i < arrows.size(); ++i) {
    CAPTURE(i);
    CHECK(arrows[i].label == labels[i]);
    const bool marked = i >= 1 && i <= 3;
    CHECK(arrows[i].head == (marked ? "-->>" : "->>"));
    const bool shim_sends = labels[i].find("REGISTER ") != std::string::npos ||
                            labels[i].find("_STATE") != std::string::npos ||
                            labels[i].find("COMPLETED") != std::string::npos;
    CHECK(arrows[i].from == (shim_sends ? "shim_mycc" : "peer_mycc"));
    CHECK(arrows[i].to == (shim_sends ? "peer_mycc" : "shim_mycc"));
  }
  const auto notes = notes_of(m);
  const std::vector<std::string> peer_notes_at_0501 = {
      "peer_mycc: 0.501s sends REGISTERED [m2]", "peer_mycc: 0.501s created -#gt; established",
      "peer_mycc: 0.501s sends READY [m3]", "peer_mycc: 0.501s established -#gt; ready",
      "peer_mycc: 0.501s sends TRANSACTION tx1 [m4]"};
  const auto first = std::find(notes.begin(), notes.end(), peer_notes_at_0501[0]);
  REQUIRE(first != notes.end());
  CHECK(std::vector<std::string>(first, first + 5) == peer_notes_at_0501);
  CHECK(notes.front() == "endorser: 0.000s tx1: proposal mycc set_a");
  CHECK(lines_of(m).back() == "    Note over endorser: 0.507s tx1 outcome: status=200");
}

TEST_CASE("mermaid: a send before a timeout shows at its time, its arrow after the timeout") {
  scenario::RunResult r;
  r.trace.record(message(1000, TraceKind::kSend, "peer", "cc", "TRANSACTION", "t1"));
  kernel::TraceEvent timer = event(2000, TraceKind::kTimer, "peer", "cc", "t1", "execute timeout");
  r.trace.record(timer);
  r.trace.record(message(3000, TraceKind::kDeliver, "peer", "cc", "TRANSACTION", "t1"));
  r.trace.record(message(4000, TraceKind::kSend, "shim", "cc", "COMPLETED", "t1"));
  r.trace.record(message(5000, TraceKind::kDeliver, "shim", "cc", "COMPLETED", "t1"));
  const std::string m = mermaid_of(r);
  CHECK(part_problems(m) == std::vector<std::string>{});
  const auto lines = lines_of(m);
  const std::vector<std::string> body(lines.end() - 4, lines.end());
  CHECK(body == std::vector<std::string>{
                    "    Note over peer_cc: 0.000001s sends TRANSACTION t1 [m1]",
                    "    Note over peer_cc: 0.000002s timer t1: execute timeout",
                    "    peer_cc-->>shim_cc: 0.000001s → 0.000003s TRANSACTION t1 [m1]",
                    "    shim_cc->>peer_cc: 0.000004s → 0.000005s COMPLETED t1"});
}

TEST_CASE("mermaid: a message never delivered is a crossed arrow where its loss shows") {
  scenario::RunResult r;
  r.trace.record(message(1000, TraceKind::kSend, "shim", "cc", "PUT_STATE", "t1"));
  r.trace.record(event(2000, TraceKind::kStreamEnd, "peer", "cc", "", "EOF"));
  r.trace.record(message(3000, TraceKind::kSend, "peer", "cc", "KEEPALIVE", ""));
  r.end_time = kernel::Time::from_ns(9000);
  const std::string m = mermaid_of(r);
  CHECK(part_problems(m) == std::vector<std::string>{});
  const auto arrows = arrows_of(m);
  REQUIRE(arrows.size() == 2);
  CHECK(arrows[0].from == "shim_cc");
  CHECK(arrows[0].head == "-x");
  CHECK(shown(arrows[0].label) ==
        "0.000001s → never delivered: PUT_STATE t1 (peer's end of the stream ended, 0.000002s)");
  CHECK(arrows[1].from == "peer_cc");
  CHECK(arrows[1].head == "-x");
  CHECK(shown(arrows[1].label) ==
        "0.000003s → never delivered: KEEPALIVE (not delivered by the end of the run, 0.000009s)");
  CHECK(lines_of(m).back().find("-x") != std::string::npos);
}

TEST_CASE("mermaid: text from the run is escaped losslessly and cannot break the syntax") {
  const std::vector<std::string> hostile = {
      R"(say "hi"; #1 & <br/> <b>x</b> -> a)",
      "%%{init: {\"theme\": \"dark\"}}%%",
      "style a:#f00;x",
      "classDef c:#0f0;",
      "wrap: not a flag",
      "tab\there",
      "\xEF\xAC\x82\xC2\xB0\xC2\xB0"
      "65\xC2\xB6\xC3\x9F",  // Mermaid's own placeholders
  };
  scenario::RunResult r;
  std::int64_t t = 0;
  for (const std::string& text : hostile)
    r.trace.record(event(t += 1000, TraceKind::kNote, "endorser", "", "", text));
  const std::string stream = "my cc;#\"x\"";
  const std::string txid = "t;x#\"<br/>1";
  r.trace.record(message(t += 1000, TraceKind::kSend, "peer", stream, "TRANSACTION", txid));
  r.trace.record(message(t, TraceKind::kDeliver, "peer", stream, "TRANSACTION", txid, "a<b"));
  r.trace.record(message(t, TraceKind::kDeliver, "shim", "my_cc___x_", "REGISTER", ""));
  r.trace.record(message(t, TraceKind::kDeliver, "shim", "style", "REGISTER", ""));
  const std::string m = mermaid_of(r);
  CHECK(part_problems(m) == std::vector<std::string>{});

  // What Mermaid shows is the text, exactly: the note's text after its time.
  const auto notes = notes_of(m);
  REQUIRE(notes.size() == hostile.size());
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    CAPTURE(notes[i]);
    const std::string text = shown(notes[i]);
    const std::string prefix = "endorser: 0.00000" + std::to_string(i + 1) + "s ";
    REQUIRE(text.rfind(prefix, 0) == 0);
    const std::string expected = hostile[i] == "tab\there" ? "tab\\there" : hostile[i];
    CHECK(text.substr(prefix.size()) == expected);
  }
  // The codes themselves, as Mermaid's documentation spells them.
  CHECK(notes[0] ==
        "endorser: 0.000001s say #quot;hi#quot;#59; #35;1 #amp; #lt;br/#gt; "
        "#lt;b#gt;x#lt;/b#gt; -#gt; a");
  // Streams whose identifiers would collide, or spell "style", stay apart and safe.
  CHECK(participants_of(m) == std::vector<std::string>{"endorser", "peer_my_cc___x_",
                                                       "shim_my_cc___x_", "peer_my_cc___x__2",
                                                       "shim_my_cc___x__2", "peer_Style",
                                                       "shim_Style"});
  CHECK(m.find("    participant peer_my_cc___x_ as peer (my cc#59;#35;#quot;x#quot;)\n") !=
        std::string::npos);
  CHECK(m.find("    participant peer_Style as peer (#115;tyle)\n") != std::string::npos);
  const auto arrows = arrows_of(m);
  REQUIRE(arrows.size() == 3);
  CHECK(shown(arrows[0].label) == "0.000008s → 0.000008s TRANSACTION t;x#\"<br/>1 a<b");
  CHECK(arrows[1].label.find("(its send is not in the trace)") != std::string::npos);
}

TEST_CASE("mermaid: long texts wrap at spaces, very long ones are cut, saying how much") {
  const std::string words =
      "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu "
      "nu xi omicron pi rho sigma tau upsilon phi chi psi omega";
  const std::string blob(2000, 'x');
  scenario::RunResult r;
  r.trace.record(event(0, TraceKind::kNote, "endorser", "", "", words));
  r.trace.record(event(1, TraceKind::kNote, "endorser", "", "", blob));
  report::MermaidLimits limits;
  const std::string m = mermaid_parts(r, limits).front();
  CHECK(part_problems(m) == std::vector<std::string>{});
  const auto notes = notes_of(m);
  REQUIRE(notes.size() == 2);
  for (const std::string& note : notes) {
    const std::string text = note.substr(note.find(": ") + 2);
    std::size_t start = 0;
    for (auto br = text.find("<br/>"); start < text.size(); br = text.find("<br/>", start)) {
      const std::size_t end = br == std::string::npos ? text.size() : br;
      CHECK(end - start <= limits.wrap);
      start = end + 5;
    }
  }
  CHECK(shown(notes[0]) == "endorser: 0.000s " + words);  // nothing lost, only wrapped
  const std::string cut = shown(notes[1]);
  CHECK(cut.find(" … (" + std::to_string(2000 - limits.max_text) + " more bytes)") !=
        std::string::npos);
  CHECK(cut.size() < 2000);
}

TEST_CASE("mermaid: part paths put the part's number before the extension") {
  CHECK(report::mermaid_part_path("run.mmd", 1) == "run.mmd");
  CHECK(report::mermaid_part_path("run.mmd", 2) == "run.2.mmd");
  CHECK(report::mermaid_part_path("out/run.v1.mmd", 12) == "out/run.v1.12.mmd");
  CHECK(report::mermaid_part_path("out.d/run", 3) == "out.d/run.3");
  CHECK(report::mermaid_part_path(".mmd", 2) == ".mmd.2");
}

TEST_CASE("mermaid: a 100- and a 1000-proposal run split into parts within Mermaid's limits") {
  for (const int n : {100, 1000}) {
    CAPTURE(n);
    const auto r = run_text(load_scenario(n));
    REQUIRE(r.outcomes.size() == static_cast<std::size_t>(n));
    const report::MermaidLimits limits;
    const auto parts = mermaid_parts(r, limits);
    // A diagram of the whole run would be far past Mermaid's maxTextSize (50000 characters).
    report::MermaidLimits unlimited;
    unlimited.max_bytes = unlimited.max_arrows = std::size_t(1) << 40;
    const auto whole = mermaid_parts(r, unlimited);
    REQUIRE(whole.size() == 1);
    CHECK(whole[0].size() > 100000);
    CHECK(parts.size() > 1);

    std::size_t arrows = 0;
    std::string last_end;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      CAPTURE(i);
      const std::string& part = parts[i];
      CHECK(part.size() <= limits.max_bytes);
      CHECK(part.size() <= 50000);
      CHECK(part_problems(part) == std::vector<std::string>{});
      const auto part_arrows = arrows_of(part);
      CHECK(part_arrows.size() <= limits.max_arrows);
      arrows += part_arrows.size();
      for (const Arrow& a : part_arrows) {
        // Times on every arrow: sent, then delivered (or lost).
        static const std::regex kTimes(R"(^\d+\.\d{3,9}s → (\d+\.\d{3,9}s|never delivered:) )");
        CHECK(std::regex_search(a.label, kTimes));
      }
      // "title part K of N: FROM to TO", the parts in time order.
      static const std::regex title(R"(    title part (\d+) of (\d+): (\d+\.\d+)s to (\d+\.\d+)s)");
      std::smatch t;
      REQUIRE(std::regex_search(part, t, title));
      CHECK(std::stoul(t[1]) == i + 1);
      CHECK(std::stoul(t[2]) == parts.size());
      if (!last_end.empty()) CHECK(std::stod(t[3]) >= std::stod(last_end));
      last_end = t[4];
    }
    // Every message is drawn once, whatever part it falls in.
    CHECK(arrows == count_kind(r, TraceKind::kDeliver));
    CHECK(arrows == count_kind(r, TraceKind::kSend));
    CHECK(arrows == arrows_of(whole[0]).size());
  }
}

TEST_CASE("mermaid: the same run gives the same bytes, from memory or from a spool") {
  const std::string text = load_scenario(100);
  const auto s = scenario::load_text(text, "load.json");
  const auto kept = scenario::run(s, {.seed = 7});
  report::TraceSpool spool(std::filesystem::temp_directory_path().string());
  scenario::RunOptions options;
  options.seed = 7;
  options.keep_trace = false;
  options.observer = &spool;
  const auto spooled = scenario::run(s, options);
  std::ostringstream from_spool;
  report::write_mermaid(from_spool, spool, spooled);
  CHECK(from_spool.str() == mermaid_of(kept));
  CHECK(mermaid_of(kept) == mermaid_of(scenario::run(s, {.seed = 7})));
  std::ostringstream perfetto_spool;
  report::write_perfetto(perfetto_spool, spool, spooled);
  CHECK(perfetto_spool.str() == perfetto_text_of(kept));
}

// --- Perfetto -------------------------------------------------------------------------------

TEST_CASE("perfetto, invoke_basic: spans for the transaction, the execution and the timers") {
  const auto r = invoke_basic();
  auto j = perfetto_of(r);
  REQUIRE(j.is_object());
  CHECK_FALSE(j.contains("displayTimeUnit"));  // older Perfetto read "ns" as the unit of ts
  CHECK(j["otherData"]["seed"] == "1");
  const PerfettoView v(std::move(j));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  CHECK(flow_problems(v) == std::vector<std::string>{});

  // Every trace event is a slice on its actor's track, with a duration the viewers draw.
  REQUIRE(v.event_slices.size() == r.trace.events().size());
  for (const auto& e : v.event_slices) {
    CHECK(e["dur"].get<double>() > 0);
    CHECK(e["dur"].get<double>() <= 1.0);
  }
  std::set<std::string> tracks;
  for (const auto& e : v.event_slices)
    tracks.insert(v.thread(e));
  CHECK(tracks ==
        std::set<std::string>{"endorser", "launcher", "runtime", "peer mycc", "shim mycc"});

  // From the trace (tests/scenario/golden/invoke_basic.txt), in microseconds.
  const auto tx = v.spans_named("tx tx1");
  REQUIRE(tx.size() == 1);
  CHECK(v.thread(tx[0]) == "transactions");
  CHECK(tx[0]["ts"] == 0.0);
  CHECK(tx[0]["dur"] == 507000.0);
  CHECK(tx[0]["args"]["status"] == 200);
  CHECK(tx[0]["args"]["ended"] == "outcome");

  const auto execution = v.spans_named("TRANSACTION tx1");
  REQUIRE(execution.size() == 1);
  CHECK(v.thread(execution[0]) == "shim mycc executions");
  CHECK(execution[0]["ts"] == 502000.0);  // the shim receives TRANSACTION
  CHECK(execution[0]["dur"] == 4000.0);   // and sends COMPLETED at 0.506s
  CHECK(execution[0]["args"]["ended"] == "COMPLETED sent: status=200");

  const auto execute = v.spans_named("execute timeout tx1");
  REQUIRE(execute.size() == 1);
  CHECK(v.thread(execute[0]) == "peer mycc execute timers");
  CHECK(execute[0]["ts"] == 501000.0);  // the peer sends TRANSACTION
  CHECK(execute[0]["dur"] == 6000.0);   // the COMPLETED arrives at 0.507s
  CHECK(execute[0]["args"]["ended"] == "stopped: COMPLETED delivered");

  const auto startup = v.spans_named("startup timeout mycc:1.0");
  REQUIRE(startup.size() == 1);
  CHECK(v.thread(startup[0]) == "launcher timers");
  CHECK(startup[0]["ts"] == 0.0);
  CHECK(startup[0]["dur"] == 501000.0);  // the peer's handler is ready at 0.501s
  CHECK(startup[0]["args"]["ended"] == "stopped: the chaincode's handler is ready");
  CHECK(v.spans.size() == 4);

  // A flow per message, from its send to its delivery.
  CHECK(v.flow_starts.size() == count_kind(r, TraceKind::kSend));
  CHECK(v.flow_starts.size() == 9);
}

TEST_CASE("perfetto: events at one instant nest, each strictly inside the one before") {
  scenario::RunResult r;
  for (int i = 0; i < 5; ++i)
    r.trace.record(event(1000, TraceKind::kNote, "runtime", "", "", "n" + std::to_string(i)));
  r.trace.record(event(1500, TraceKind::kNote, "runtime", "", "", "later"));  // overlaps n0
  r.trace.record(event(3000, TraceKind::kNote, "runtime", "", "", "free again"));
  const PerfettoView v(perfetto_of(r));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  REQUIRE(v.event_slices.size() == 7);
  for (int i = 0; i < 5; ++i) {
    const auto& e = v.event_slices[static_cast<std::size_t>(i)];
    CHECK(v.thread(e) == "runtime");
    CHECK(ns_of(e["ts"]) == 1000 + i);
    CHECK(ns_of(e["dur"]) == 1000 - 2 * i);
  }
  CHECK(v.thread(v.event_slices[5]) == "runtime 2");
  CHECK(ns_of(v.event_slices[5]["ts"]) == 1500);
  CHECK(v.thread(v.event_slices[6]) == "runtime");
  CHECK(ns_of(v.event_slices[6]["ts"]) == 3000);
}

TEST_CASE("perfetto: a timer that fires spans the timeout, a late result ends its execution") {
  const auto s = scenario::load_file(
      testing::source_path("scenarios/handlers/execute_timeout_late_completed.json"));
  const auto r = scenario::run(s, {.seed = 1});
  const PerfettoView v(perfetto_of(r));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  CHECK(flow_problems(v) == std::vector<std::string>{});
  // The scenario's execute timeout is 2s; the peer sends TRANSACTION tx1 at 0.501s, the timer
  // fires at 2.501s, the chaincode answers at 3.504s.
  const auto timer = v.spans_named("execute timeout tx1");
  REQUIRE(timer.size() == 1);
  CHECK(timer[0]["ts"] == 501000.0);
  CHECK(timer[0]["dur"] == 2000000.0);
  CHECK(timer[0]["args"]["ended"] == "fired");
  const auto execution = v.spans_named("TRANSACTION tx1");
  REQUIRE(execution.size() == 1);
  CHECK(execution[0]["ts"] == 502000.0);
  CHECK(execution[0]["ts"].get<double>() + execution[0]["dur"].get<double>() == 3504000.0);
  const auto tx = v.spans_named("tx tx1");
  REQUIRE(tx.size() == 1);
  CHECK(tx[0]["dur"] == 2501000.0);
  CHECK(tx[0]["args"]["error"].get<std::string>().find("timeout expired") != std::string::npos);
}

TEST_CASE("perfetto: a cc2cc callee's execution is its own span, inside its caller's") {
  const auto s =
      scenario::load_file(testing::source_path("scenarios/handlers/cc2cc_same_channel.json"));
  const auto r = scenario::run(s, {.seed = 1});
  const PerfettoView v(perfetto_of(r));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  CHECK(flow_problems(v) == std::vector<std::string>{});
  const auto caller = v.spans_named("TRANSACTION tx1");
  const auto callee = v.spans_named("TRANSACTION tx1 (cc2cc)");
  REQUIRE(caller.size() == 1);
  REQUIRE(callee.size() == 1);
  CHECK(v.thread(caller[0]) == "shim a executions");
  CHECK(v.thread(callee[0]) == "shim b executions");
  CHECK(callee[0]["args"]["cc2cc_depth"] == 1);
  // a's shim receives tx1 at 0.502s and answers at 1.011s; b's from 1.007s to 1.009s.
  CHECK(caller[0]["ts"] == 502000.0);
  CHECK(caller[0]["dur"] == 509000.0);
  CHECK(callee[0]["ts"] == 1007000.0);
  CHECK(callee[0]["dur"] == 2000.0);
}

TEST_CASE("perfetto: every send has a flow to its delivery, a lost one says so instead") {
  scenario::RunResult r;
  r.trace.record(message(1000, TraceKind::kSend, "peer", "cc", "TRANSACTION", "t1"));
  r.trace.record(message(1000, TraceKind::kSend, "peer", "cc", "KEEPALIVE", ""));
  r.trace.record(
      message(1000, TraceKind::kDeliver, "peer", "cc", "TRANSACTION", "t1"));  // 0 latency
  r.trace.record(message(2000, TraceKind::kSend, "shim", "cc", "COMPLETED", "t1"));
  r.trace.record(event(2500, TraceKind::kStreamEnd, "shim", "cc", "", "EOF"));
  r.trace.record(message(3000, TraceKind::kDeliver, "shim", "cc", "COMPLETED", "t1"));
  r.end_time = kernel::Time::from_ns(5000);
  const PerfettoView v(perfetto_of(r));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  CHECK(flow_problems(v) == std::vector<std::string>{});
  CHECK(v.flow_starts.size() == 2);  // TRANSACTION and COMPLETED
  std::map<std::string, std::string> lost;
  for (const auto& e : v.event_slices) {
    if (e["args"].contains("lost")) lost[e["name"]] = e["args"]["lost"];
  }
  CHECK(lost ==
        std::map<std::string, std::string>{{"send KEEPALIVE", "shim's end of the stream ended"}});
}

TEST_CASE("perfetto: 100 proposals at once take 100 lanes, 100 one after another take one") {
  for (const bool together : {true, false}) {
    CAPTURE(together);
    scenario::RunResult r;
    for (int i = 0; i < 100; ++i) {
      const std::string txid = "p" + std::to_string(i);
      if (together) {
        r.trace.record(proposal(0, txid));
      } else {
        r.trace.record(proposal(10000 * i, txid));
        r.trace.record(outcome(10000 * i + 5000, txid, 200));
      }
    }
    if (together) {
      for (int i = 0; i < 100; ++i)
        r.trace.record(outcome(1000000 + i, "p" + std::to_string(i), 200));
    }
    const PerfettoView v(perfetto_of(r));
    CHECK(nesting_problems(v) == std::vector<std::string>{});
    CHECK(v.lanes("transactions") == (together ? 100U : 1U));
    CHECK(v.spans.size() == 100);
  }
  // The same from real runs: 100 proposals on a running chaincode 10ms apart finish (six
  // messages of 1ms) before the next starts; submitted all at once, all are open together.
  const PerfettoView apart(perfetto_of(run_text(hundred("10ms"))));
  CHECK(apart.lanes("transactions") == 1);
  CHECK(apart.lanes("shim kv executions") == 1);
  CHECK(apart.lanes("peer kv execute timers") == 1);
  const PerfettoView together(perfetto_of(run_text(hundred("0"))));
  CHECK(together.lanes("transactions") == 100);
  CHECK(nesting_problems(together) == std::vector<std::string>{});
  CHECK(flow_problems(together) == std::vector<std::string>{});
}

TEST_CASE("perfetto: a transaction takes the lowest lane free before it, unfinished ones end") {
  scenario::RunResult r;
  r.trace.record(proposal(0, "a"));
  r.trace.record(proposal(1000, "b"));  // overlaps a
  r.trace.record(proposal(1000, "a"));  // the same txid again: outcomes match in order
  r.trace.record(outcome(2000, "b", 500));
  r.trace.record(outcome(3000, "a", 200));
  r.trace.record(proposal(3000, "c"));  // as the first a ends: its lane is not free yet, b's is
  r.trace.record(outcome(3000, "c", 200));
  r.trace.record(outcome(4500, "a", 200));
  r.trace.record(proposal(5000, "d"));  // never answered
  r.end_time = kernel::Time::from_ns(9000);
  const PerfettoView v(perfetto_of(r));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  // Spans are written when they end: b, the first a, c, the second a, then d with the run.
  REQUIRE(v.spans.size() == 5);
  const auto lane = [&](std::size_t i) { return v.thread(v.spans[i]); };
  CHECK(v.spans[0]["name"] == "tx b");
  CHECK(v.spans[0]["ts"] == 1.0);
  CHECK(v.spans[0]["dur"] == 1.0);
  CHECK(v.spans[0]["args"]["error"] == "failed");
  CHECK(lane(0) == "transactions 2");
  CHECK(v.spans[1]["name"] == "tx a");
  CHECK(v.spans[1]["ts"] == 0.0);
  CHECK(v.spans[1]["dur"] == 3.0);
  CHECK(lane(1) == "transactions");
  CHECK(v.spans[2]["name"] == "tx c");
  CHECK(v.spans[2]["ts"] == 3.0);
  CHECK(v.spans[2]["dur"] == 0.0);
  CHECK(lane(2) == "transactions 2");
  CHECK(v.spans[3]["name"] == "tx a");
  CHECK(v.spans[3]["ts"] == 1.0);
  CHECK(v.spans[3]["dur"] == 3.5);
  CHECK(lane(3) == "transactions 3");
  CHECK(v.spans[4]["name"] == "tx d (no outcome)");
  CHECK(v.spans[4]["ts"] == 5.0);
  CHECK(v.spans[4]["dur"] == 4.0);
  CHECK_FALSE(v.spans[4]["args"].contains("status"));
  CHECK(v.spans[4]["args"]["ended"] == "still open at the end of the run");
  CHECK(lane(4) == "transactions");
}

TEST_CASE("perfetto: a 1000-proposal run nests on every lane and flows every message") {
  const auto r = run_text(load_scenario(1000));
  const PerfettoView v(perfetto_of(r));
  CHECK(nesting_problems(v) == std::vector<std::string>{});
  CHECK(flow_problems(v) == std::vector<std::string>{});
  CHECK(v.flow_starts.size() == count_kind(r, TraceKind::kDeliver));
  CHECK(v.spans_named("tx tx-1000").size() == 1);
  for (const auto& e : v.event_slices)
    CHECK(e["dur"].get<double>() > 0);
}

// --- ccsim run ------------------------------------------------------------------------------

TEST_CASE("run --mermaid writes each part to its own file, checked before anything is written") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ccsim-renderers-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto scenario_file = dir / "load.json";
  {
    std::ofstream out(scenario_file);
    out << load_scenario(100);
  }
  const std::string run = std::string(CCSIM_BINARY) + " run --quiet " + scenario_file.string();
  const auto r = run_text(load_scenario(100));
  const auto parts = mermaid_parts(r);
  REQUIRE(parts.size() > 2);

  const auto ok = testing::run_command(run + " --mermaid " + (dir / "t.mmd").string() +
                                       " --perfetto " + (dir / "t.json").string());
  CHECK(ok.exit_code == 0);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    CAPTURE(i);
    const std::string path = report::mermaid_part_path((dir / "t.mmd").string(), i + 1);
    CHECK(testing::read_file(path) == parts[i]);
  }
  CHECK_FALSE(std::filesystem::exists(
      report::mermaid_part_path((dir / "t.mmd").string(), parts.size() + 1)));
  CHECK(testing::read_file((dir / "t.json").string()) == perfetto_text_of(r));

  // A part's file named by another output: refused before any output is written.
  const auto clash = dir / "c.2.mmd";
  const auto bad = testing::run_command(run + " --mermaid " + (dir / "c.mmd").string() +
                                        " --jsonl " + clash.string());
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("named by both --jsonl and --mermaid (part 2)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "c.mmd"));
  CHECK_FALSE(std::filesystem::exists(clash));

  // A FIFO has no sibling files: it gets the parts one after the other.
  const auto fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto piped =
      testing::run_command("cat " + fifo.string() + " > " + (dir / "read").string() + " & " + run +
                           " --mermaid " + fifo.string() + "; s=$?; wait; exit $s");
  CHECK(piped.exit_code == 0);
  std::string all;
  for (const std::string& p : parts)
    all += p;
  CHECK(testing::read_file((dir / "read").string()) == all);

  const auto missing = dir / "no-such-dir" / "t.mmd";
  const auto refused = testing::run_command(run + " --mermaid " + missing.string());
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find(missing.string()) != std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  std::filesystem::remove_all(dir);
}
