// Peer and shim handler behaviour, exercised through small scenarios. Each case names the
// section of docs/fabric-sources.md it reproduces.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "../scenario/test_support.hpp"
#include "ccsim/report/text_trace.hpp"

using namespace ccsim;
using testing::events_of;

namespace {
bool has_note(const scenario::RunResult& r, const std::string& text) {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kNote && e.detail.find(text) != std::string::npos) return true;
  }
  return false;
}
}  // namespace

// §7.5: the execute timer fires while user code sleeps; the chaincode is not told. Its next
// GET_STATE gets "no ledger context"; its late COMPLETED is dropped by Notify; the stream
// stays up and the handler stays ready.
TEST_CASE(
    "fabric-sources 7.5: execute timeout, then no ledger context and a late COMPLETED dropped") {
  const auto s = scenario::load_text(R"({
    "config": { "execute_timeout": "2s" },
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "slow", "functions": { "f": [
      { "sleep": "3s" }, { "get_state": "k" }, { "return": { "status": 200 } } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "slow", "function": "f" } ]
  })",
                                     "timeout.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction tx1: error sending: timeout expired while executing "
        "transaction");
  CHECK(!r.outcomes[0].status);

  // The GET_STATE after the timeout is answered with ERROR "... no ledger context".
  const auto errors = events_of(r, kernel::TraceKind::kSend, "", "ERROR");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->actor == "peer");
  CHECK(errors[0]->detail == "\"GET_STATE failed: transaction ID: tx1: no ledger context\"");

  // The chaincode reacts as Go chaincode does (shim.Error): COMPLETED with status 500, which
  // the peer drops because the context is gone.
  const auto completed = events_of(r, kernel::TraceKind::kDeliver, "", "COMPLETED");
  REQUIRE(completed.size() == 1);
  CHECK(completed[0]->detail.find("status=500") == 0);
  CHECK(
      has_note(r, "notifier Txid:tx1, channelID:ch does not exist for handling message COMPLETED"));
  CHECK(events_of(r, kernel::TraceKind::kStreamEnd).empty());
}

// §2.2 Notify: Fabric 1.2 spells the dropped-response debug line "handleing"; 1.3+ and 2.x
// "handling" (the notify_log_says_handleing switch).
TEST_CASE("fabric-sources 2.2: 1.2's Notify debug line says handleing, later ones handling") {
  const auto run_under = [](const std::string& profile) {
    return scenario::run(scenario::load_text(R"({ "profile": ")" + profile + R"(",
      "config": { "execute_timeout": "2s" },
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "slow", "functions": { "f": [ { "sleep": "3s" } ] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "slow", "function": "f" } ]
    })",
                                             "notify.json"),
                         {});
  };
  const auto r12 = run_under("1.2");
  CHECK(has_note(r12,
                 "notifier Txid:tx1, channelID:ch does not exist for handleing message COMPLETED"));
  CHECK_FALSE(has_note(r12, "for handling message"));
  for (const char* later : {"1.4.0", "1.4", "2.5"}) {
    CAPTURE(later);
    const auto r = run_under(later);
    CHECK(has_note(
        r, "notifier Txid:tx1, channelID:ch does not exist for handling message COMPLETED"));
    CHECK_FALSE(has_note(r, "handleing"));
  }
}

// §2.2 Execute step 2: a second Execute for the same channel+txid fails before anything is
// sent, with "txid: %s(%s) exists".
TEST_CASE("fabric-sources 2.2: a duplicate channel+txid is rejected before anything is sent") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [
      { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" },
      { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f", "at": "600ms", "duplicate": true } ]
  })",
                                     "dup.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 2);
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction t: error sending: txid: t(ch) exists");
  CHECK(r.outcomes[1].status == 200);
  CHECK(events_of(r, kernel::TraceKind::kSend, "", "TRANSACTION").size() == 1);
  // Each proposal keeps its own outcome, though they share a txid.
  CHECK(r.outcomes[0].ordinal == 1);
  CHECK(r.outcomes[1].ordinal == 0);
  std::ostringstream text;
  report::write_text(text, s, r, report::TextOptions{false});
  CHECK(text.str().find(
            "outcome t at 1.003000000s status=200\noutcome t at 0.600000000s status=- "
            "error=\"failed to execute transaction t: error sending: txid: t(ch) exists\"") !=
        std::string::npos);
}

// §3.1: Invoke returns COMPLETED whatever the status; the endorser commits only below 400.
TEST_CASE("fabric-sources 3.1: a failing Invoke is COMPLETED with status 500 and commits nothing") {
  const auto s = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "functions": { "f": [
      { "put_state": { "key": "k", "value": "v" } }, { "fail": "bad input" } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" } ]
  })",
                                     "fail.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].status == 500);
  CHECK(r.outcomes[0].error == "bad input");
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "", "COMPLETED").size() == 1);
  CHECK(r.ledger.empty());
}

// §3.1: Init with status >= 500 is answered with ERROR{payload = message}; the caller sees
// "transaction returned with failure: <message>", not wrapped in "failed to execute
// transaction" (processChaincodeExecutionResult wraps only errors from Invoke).
TEST_CASE(
    "fabric-sources 3.1/7.2: Init with status 500 gives ERROR and 'transaction returned with "
    "failure'") {
  const auto s = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "init": [ { "fail": "init refused" } ], "functions": {} } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "init", "init": true } ]
  })",
                                     "init.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].error == "transaction returned with failure: init refused");
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "", "INIT").size() == 1);
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "", "ERROR").size() == 1);
}

// §7.7: nothing registers within the startup timeout.
TEST_CASE("fabric-sources 7.7: a launch that outlives the startup timeout fails the proposal") {
  const auto s = scenario::load_text(R"({
    "config": { "startup_timeout": "5s" },
    "chaincodes": [ { "name": "cc", "container": { "start": "6s" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" } ]
  })",
                                     "launch.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction t: could not launch chaincode cc:1.0: timeout expired while "
        "starting chaincode cc:1.0 for transaction");
  CHECK(r.outcomes[0].completed == kernel::Time::zero() + kernel::Duration::seconds(5));
}

// §7.8 (1.3+ queued launches): a second proposal during the launch waits on the launch
// state and succeeds once the first launch completes.
TEST_CASE("fabric-sources 7.8: proposals during a launch queue behind it (2.5)") {
  const auto s = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "container": { "start": "1s" }, "functions": { "f": [] } } ],
    "proposals": [
      { "txid": "t1", "channel": "ch", "chaincode": "cc", "function": "f" },
      { "txid": "t2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "100ms" } ]
  })",
                                     "queue.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 2);
  CHECK(r.outcomes[0].status == 200);
  CHECK(r.outcomes[1].status == 200);
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "", "REGISTER").size() == 1);
  CHECK(has_note(r, "launch cc:1.0: waiting for the launch under way"));
}

// shim.ERRORTHRESHOLD (core/chaincode/shim/response.go, fabric-chaincode-go shim/response.go):
// a status of 400 or more is an error. At the endorser (core/endorser, 2.5: "if res.Status >=
// shim.ERRORTHRESHOLD") the proposal fails and its writes are not committed; 399 is a success.
// The scripted caller of a cc2cc call treats the callee's status the same way.
TEST_CASE("status threshold: 399 commits and succeeds, 400 fails, at the endorser and in cc2cc") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [
      { "name": "a", "functions": {
          "s399": [ { "put_state": { "key": "k399", "value": "v" } },
                    { "return": { "status": 399, "message": "almost" } } ],
          "s400": [ { "put_state": { "key": "k400", "value": "v" } },
                    { "return": { "status": 400, "message": "bad request" } } ],
          "call399": [ { "invoke_chaincode": { "chaincode": "b", "function": "r399" } },
                       { "return": { "status": 200, "payload": "went on" } } ],
          "call400": [ { "invoke_chaincode": { "chaincode": "b", "function": "r400" } },
                       { "return": { "status": 200, "payload": "went on" } } ] } },
      { "name": "b", "functions": {
          "r399": [ { "return": { "status": 399, "message": "b 399" } } ],
          "r400": [ { "return": { "status": 400, "message": "b 400" } } ] } } ],
    "proposals": [
      { "txid": "t399", "channel": "ch", "chaincode": "a", "function": "s399" },
      { "at": "1s", "txid": "t400", "channel": "ch", "chaincode": "a", "function": "s400" },
      { "at": "2s", "txid": "c399", "channel": "ch", "chaincode": "a", "function": "call399" },
      { "at": "3s", "txid": "c400", "channel": "ch", "chaincode": "a", "function": "call400" } ]
  })",
                                     "threshold.json");
  const auto r = scenario::run(s, {});
  const auto& t399 = testing::outcome(r, "t399");
  CHECK(t399.status == 399);
  CHECK_FALSE(t399.error.has_value());
  const auto& t400 = testing::outcome(r, "t400");
  CHECK(t400.status == 400);
  CHECK(t400.error == "bad request");
  CHECK(r.ledger.count(fabric::StateKey{"ch", "a", "k399", ""}) == 1);
  CHECK(r.ledger.count(fabric::StateKey{"ch", "a", "k400", ""}) == 0);
  CHECK(testing::outcome(r, "c399").payload == "went on");
  const auto& c400 = testing::outcome(r, "c400");
  CHECK(c400.status == 500);
  CHECK(c400.error == "b 400");
}

// A latency range [min, max] is inclusive at both ends: a recorded decision reaches each end
// (the offset above min, 0 to max - min), and an answer out of range is clamped to max.
TEST_CASE("latency ranges: both ends are drawn, and an answer past the range is clamped to max") {
  const auto register_delivered = [](std::uint64_t value) {
    const auto s = scenario::load_text(R"({
      "network": { "latency": { "min": "1ms", "max": "2ms" } },
      "chaincodes": [ { "name": "mycc", "functions": { "f": [] } } ],
      "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f" } ],
      "replay": { "decisions": [ { "key": "latency mycc->peer REGISTER", "value": )" +
                                           std::to_string(value) + R"( } ] } })",
                                       "range.json");
    const auto r = scenario::run(s, {});
    const auto delivered = events_of(r, kernel::TraceKind::kDeliver, "peer", "REGISTER");
    REQUIRE(delivered.size() == 1);
    return delivered[0]->t;
  };
  CHECK(register_delivered(0) == testing::at_ms(1));
  CHECK(register_delivered(1'000'000) == testing::at_ms(2));
  CHECK(register_delivered(999'999) == testing::at_us(1999) + kernel::Duration::nanoseconds(999));
  CHECK(register_delivered(5'000'000) == testing::at_ms(2));
  // And the seeded source draws both ends of a two-value range.
  std::set<std::int64_t> seen;
  const auto s = scenario::load_text(R"({
    "network": { "latency": { "min": "1ms", "max": "1000001ns" } },
    "chaincodes": [ { "name": "mycc", "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })",
                                     "two.json");
  for (std::uint64_t seed = 1; seed <= 64; ++seed) {
    const auto r = scenario::run(s, {.seed = seed});
    seen.insert(events_of(r, kernel::TraceKind::kDeliver, "peer", "REGISTER")[0]->t.ns());
  }
  CHECK(seen == std::set<std::int64_t>{1'000'000, 1'000'001});
}
