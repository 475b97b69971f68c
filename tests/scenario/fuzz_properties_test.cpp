// The properties fuzzing checks in every run (usable in any expect), the facts they read,
// the answer bound, and the "replay" key that makes a scenario replay recorded decisions.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "ccsim/scenario/errors.hpp"
#include "test_support.hpp"

using namespace ccsim;
using testing::load_error;

namespace {

const char* kOne = R"({
  "network": { "latency": "1ms" },
  "config": { "execute_timeout": "2s" },
  "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": {
    "f": [ { "get_state": "a" } ], "crash": [ { "panic": "oops" } ] } } ],
  "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" } ] })";

std::optional<std::string> violation(const char* name, const scenario::Scenario& s,
                                     const scenario::RunResult& r) {
  return scenario::find_property(name)->violation(s, r);
}

kernel::TraceEvent event(kernel::TraceKind kind, const std::string& actor, const std::string& type,
                         const std::string& stream = "cc") {
  kernel::TraceEvent e;
  e.kind = kind;
  e.actor = actor;
  e.from = actor;
  e.type = type;
  e.stream = stream;
  return e;
}

}  // namespace

TEST_CASE("every new property holds on a clean run, with or without kept events") {
  const auto s = scenario::load_text(kOne, "s.json");
  for (bool keep : {true, false}) {
    scenario::RunOptions o;
    o.keep_trace = keep;
    const auto r = scenario::run(s, o);
    for (const char* p : {"no_handler_error", "no_context_left", "no_send_after_stream_end",
                          "answered_within_bound"}) {
      CAPTURE(p);
      CHECK(violation(p, s, r) == std::nullopt);
    }
  }
}

TEST_CASE("no_handler_error: the first stream end, or the first ERROR the peer sent") {
  auto s = scenario::load_text(kOne, "s.json");
  s.proposals[0].proposal.args = {"crash"};
  const auto r = scenario::run(s, {});
  CHECK(violation("no_handler_error", s, r) ==
        "a stream end on mycc seen by the shim at 0.502000000s: panic: oops");
  // Gathered without events too: the stream end's reason is not a skipped detail.
  scenario::RunOptions fast;
  fast.keep_trace = false;
  fast.fingerprint = true;
  CHECK(violation("no_handler_error", s, scenario::run(s, fast)) ==
        violation("no_handler_error", s, r));
}

TEST_CASE("no_context_left: contexts and iterators held at the end of a drained run") {
  const auto s = scenario::load_text(kOne, "s.json");
  scenario::RunResult r;
  r.left_behind.contexts = 1;
  r.left_behind.iterators = 2;
  r.left_behind.first = "mycc ch1/tx1";
  CHECK(violation("no_context_left", s, r) ==
        "1 context and 2 query iterators left at the end of the run (first: mycc ch1/tx1)");
  r.stop = kernel::StopReason::kHorizon;  // cut mid-flight: nothing is "left behind"
  CHECK(violation("no_context_left", s, r) == std::nullopt);
}

TEST_CASE("no_send_after_stream_end: an end that saw its stream end sends nothing more") {
  const auto s = scenario::load_text(kOne, "s.json");
  using kernel::TraceKind;
  std::vector<kernel::TraceEvent> events = {
      event(TraceKind::kSend, "peer", "READY"), event(TraceKind::kStreamEnd, "shim", ""),
      event(TraceKind::kSend, "peer", "TRANSACTION"),         // the other end: allowed
      event(TraceKind::kSend, "shim", "COMPLETED", "other"),  // another stream: allowed
  };
  CHECK_FALSE(scenario::gather_facts(s, events).first_send_after_end);
  events.push_back(event(TraceKind::kSend, "shim", "COMPLETED"));
  const auto facts = scenario::gather_facts(s, events);
  REQUIRE(facts.first_send_after_end);
  CHECK(facts.first_send_after_end->type == "COMPLETED");
  scenario::RunResult r;
  r.facts = facts;
  CHECK(violation("no_send_after_stream_end", s, r) ==
        "the shim sent COMPLETED on cc at 0.000000000s after its stream end");
  // A restarted container's new stream has the same name: its REGISTER starts afresh.
  events.insert(events.end() - 1, event(TraceKind::kSend, "shim", "REGISTER"));
  CHECK_FALSE(scenario::gather_facts(s, events).first_send_after_end);
}

kernel::TraceEvent for_tx(kernel::TraceEvent e, const std::string& txid) {
  e.txid = txid;
  return e;
}

TEST_CASE(
    "one_result_per_transaction (3.1): per stream and txid, a shim's COMPLETED/ERROR results "
    "never outnumber the INIT/TRANSACTION messages it received") {
  const auto s = scenario::load_text(kOne, "s.json");
  using kernel::TraceKind;
  const auto deliver = [](const std::string& type, const std::string& txid,
                          const std::string& stream = "cc") {
    return for_tx(event(TraceKind::kDeliver, "shim", type, stream), txid);
  };
  const auto send = [](const std::string& type, const std::string& txid,
                       const std::string& stream = "cc") {
    return for_tx(event(TraceKind::kSend, "shim", type, stream), txid);
  };
  const auto extra = [&](const std::vector<kernel::TraceEvent>& events) {
    return scenario::gather_facts(s, events).first_extra_result;
  };

  // One result each: tx1 COMPLETED, tx2 (an Init that failed) ERROR, tx1 again on another
  // stream; the peer's own sends do not count.
  std::vector<kernel::TraceEvent> events = {deliver("TRANSACTION", "tx1"),
                                            deliver("INIT", "tx2"),
                                            event(TraceKind::kSend, "peer", "ERROR"),
                                            send("COMPLETED", "tx1"),
                                            send("ERROR", "tx2"),
                                            deliver("TRANSACTION", "tx1", "other"),
                                            send("COMPLETED", "tx1", "other")};
  CHECK_FALSE(extra(events));

  // A second COMPLETED for tx1 on cc.
  auto twice = events;
  twice.push_back(send("COMPLETED", "tx1"));
  REQUIRE(extra(twice));
  CHECK(extra(twice)->type == "COMPLETED");
  CHECK(extra(twice)->stream == "cc");
  scenario::RunResult r;
  r.facts = scenario::gather_facts(s, twice);
  CHECK(violation("one_result_per_transaction", s, r) ==
        "the shim sent COMPLETED for tx1 on cc at 0.000000000s, more results than "
        "INIT/TRANSACTION messages it received");

  // An ERROR followed at once by the shim's stream end rejects an unexpected message (here a
  // stray RESPONSE for tx1, 3.4): not a result. Without the stream end right after, it is one.
  auto rejected = events;
  rejected.push_back(deliver("RESPONSE", "tx1"));
  rejected.push_back(send("ERROR", "tx1"));
  rejected.push_back(event(TraceKind::kStreamEnd, "shim", ""));
  CHECK_FALSE(extra(rejected));
  auto answered = events;
  answered.push_back(send("ERROR", "tx1"));
  REQUIRE(extra(answered));  // the last event of the trace: settled as a result
  CHECK(extra(answered)->type == "ERROR");
  answered.push_back(event(TraceKind::kSend, "peer", "KEEPALIVE"));
  REQUIRE(extra(answered));

  // A restarted chaincode's new stream, under the same name, starts afresh at its REGISTER.
  std::vector<kernel::TraceEvent> restarted = {deliver("TRANSACTION", "tx1"), send("REGISTER", ""),
                                               send("COMPLETED", "tx1")};
  REQUIRE(extra(restarted));
  restarted.erase(restarted.begin() + 1);
  CHECK_FALSE(extra(restarted));
}

TEST_CASE("one_result_per_transaction holds in every bundled scenario, under its profile") {
  const std::vector<std::string> files = testing::bundled_scenarios();
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    CAPTURE(file);
    const auto s = scenario::load_file(file);
    for (bool keep : {true, false}) {  // with events, and as a fuzzing run gathers them
      scenario::RunOptions o;
      o.seed = s.default_seed;
      o.keep_trace = keep;
      o.fingerprint = !keep;
      CHECK(violation("one_result_per_transaction", s, scenario::run(s, o)) == std::nullopt);
    }
  }
}

TEST_CASE("answer bound: startup timeout + execute timeout, doubled launch and build in 1.0") {
  auto s = scenario::load_text(kOne, "s.json");
  const auto& p = s.proposals[0].proposal;
  // 2.5: 300s + 2s (the execute timeout is already at least 1s).
  CHECK(scenario::answer_bound(s, p) == kernel::Duration::seconds(302));
  s.config.execute_timeout = kernel::Duration::milliseconds(500);  // under 1s: the peer uses 30s
  CHECK(scenario::answer_bound(s, p) == kernel::Duration::seconds(330));
  // 1.0: Launch waits for REGISTER and then for READY's answer, each up to the startup
  // timeout, and the timer starts after the image build (docs/fabric-sources.md 4.1, 4.2).
  s.profile = *fabric::profile_by_name("1.0");
  s.chaincodes[0].container.build_delay = kernel::Duration::seconds(7);
  CHECK(scenario::answer_bound(s, p) == kernel::Duration::seconds(300 + 300 + 7 + 30));
}

TEST_CASE("answered_within_bound: late or never answered") {
  const auto s = scenario::load_text(kOne, "s.json");
  scenario::RunResult r;
  fabric::ProposalOutcome o;
  o.txid = "tx1";
  o.channel_id = "ch1";
  o.completed = kernel::Time::zero() + kernel::Duration::seconds(303);
  r.outcomes = {o};
  CHECK(violation("answered_within_bound", s, r) ==
        "tx1 on ch1 answered after 303s at 303.000000000s, more than its bound 302s");
  r.outcomes.clear();
  r.end_time = kernel::Time::zero() + kernel::Duration::seconds(1);
  CHECK(violation("answered_within_bound", s, r) ==
        "tx1 on ch1 submitted at 0.000000000s was never answered (bound 302s)");
  // A run cut by a limit before the bound ran out says nothing.
  r.stop = kernel::StopReason::kHorizon;
  CHECK(violation("answered_within_bound", s, r) == std::nullopt);
}

TEST_CASE("replay: recorded decisions answer the run, whatever the seed") {
  const std::string base = R"({
    "network": { "latency": { "min": "1ms", "max": "9ms" } },
    "chaincodes": [ { "name": "mycc", "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f" } ])";
  // REGISTER takes the minimum plus 4ms; every other message the minimum (not listed).
  const auto s = scenario::load_text(
      base +
          R"(, "replay": { "decisions": [ { "key": "latency mycc->peer REGISTER", "value": 4000000 } ] } })",
      "s.json");
  REQUIRE(s.replay);
  CHECK(s.replay->decisions.size() == 1);
  CHECK(s.replay->decisions[0].kind == kernel::DecisionKind::kLatency);
  for (std::uint64_t seed : {1ULL, 2ULL, 99ULL}) {
    const auto r = scenario::run(s, {.seed = seed});
    REQUIRE(r.outcomes.size() == 1);
    // REGISTER arrives at 5ms; REGISTERED, READY and TRANSACTION leave then and arrive at 6ms
    // (1ms, the minimum); COMPLETED arrives at 7ms.
    CHECK(r.outcomes[0].completed == kernel::Time::zero() + kernel::Duration::milliseconds(7));
  }
}

TEST_CASE("replay: bad decisions are refused with the file and pointer") {
  const std::string base = R"({ "chaincodes": [ { "name": "a", "functions": { "f": [] } } ],
    "proposals": [ { "chaincode": "a", "function": "f" } ], "replay": )";
  CHECK(load_error(base + R"({ "decisions": [ { "key": "jitter x", "value": 1 } ] } })") ==
        "s.json: /replay/decisions/0/key: a decision key starts with \"latency \", \"select \" or "
        "\"tie \", got \"jitter x\"");
  CHECK(load_error(base + R"({ "decisions": [ { "key": "tie", "value": 1 } ] } })") ==
        "s.json: /replay/decisions/0/key: a decision key starts with \"latency \", \"select \" or "
        "\"tie \", got \"tie\"");
  CHECK(load_error(base + R"({ "decisions": [ { "key": "tie at 1s", "value": -1 } ] } })") ==
        "s.json: /replay/decisions/0/value: expected an integer from 0 to 9223372036854775807, "
        "got -1");
  CHECK(load_error(base + R"({ "decisions": [ { "key": "tie at 1s", "value": 1 },
                                              { "key": "tie at 1s", "value": 0 } ] } })") ==
        "s.json: /replay/decisions/1: decision \"tie at 1s\" occurrence 0 is listed twice");
  CHECK(load_error(base + R"({ "decisions": [] , "tie_window": "soon" } })")
            .rfind("s.json: /replay/tie_window: bad duration \"soon\"", 0) == 0);
  CHECK(load_error(base + R"({ "tie_window": "1ms" } })") ==
        "s.json: /replay: missing required key \"decisions\"");
  CHECK(load_error(base + R"({ "decisions": [ { "value": 1 } ] } })") ==
        "s.json: /replay/decisions/0: missing required key \"key\"");
}
