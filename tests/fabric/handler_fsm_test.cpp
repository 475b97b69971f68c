// The 1.0/1.1 peer handler (P-fsm, docs/fabric-sources.md 2.1) and 1.0/1.1's Execute, exercised
// through small scenarios: txid-only correlation (1.0) versus channel + txid (1.1, FAB-5921),
// 1.0's and 1.1's spellings, the idle keepalive timer, cc2cc with its hard-coded timeout, and
// the peer's own ERROR replies passing handleMessage's fast path. Only the peer side is
// asserted, so the expectations hold with either shim the profile runs.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::at_us;
using testing::outcome;

namespace {

bool has_note(const scenario::RunResult& r, const std::string& detail) {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kNote && e.actor == "peer" && e.detail == detail) return true;
  }
  return false;
}

/// The messages of `type` that `actor` sent (or was delivered), in order.
std::vector<const kernel::TraceEvent*> messages(const scenario::RunResult& r,
                                                kernel::TraceKind kind, const std::string& actor,
                                                const std::string& type) {
  std::vector<const kernel::TraceEvent*> out;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kind && e.actor == actor && e.type == type) out.push_back(&e);
  }
  return out;
}

scenario::RunResult run_text(const std::string& text) {
  return scenario::run(scenario::load_text(text, "fsm.json"), {});
}

}  // namespace

// §2.1 ready(), §1.2: READY carries the launching txid in 1.0/1.1, and channel_id from 1.1
// (FAB-5921); INIT/TRANSACTION carry channel_id only from 1.1 (createCCMessage).
TEST_CASE("fabric-sources 2.1, 1.2: READY carries the launch's txid, channel_id only from 1.1") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    const auto r = run_text(R"({ "profile": ")" + std::string(profile) + R"(",
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" } ] })");
    const std::string channel = std::string(profile) == "1.0" ? "" : "ch1";
    const auto ready = messages(r, kernel::TraceKind::kSend, "peer", "READY");
    REQUIRE(ready.size() == 1);
    CHECK(ready[0]->txid == "tx1");
    CHECK(ready[0]->channel == channel);
    CHECK(ready[0]->t == at_us(501'000));
    const auto tx = messages(r, kernel::TraceKind::kSend, "peer", "TRANSACTION");
    REQUIRE(tx.size() == 1);
    CHECK(tx[0]->channel == channel);
    // REGISTERED, READY and TRANSACTION leave the loop in that order, at the same instant.
    const auto registered = messages(r, kernel::TraceKind::kSend, "peer", "REGISTERED");
    REQUIRE(registered.size() == 1);
    CHECK(registered[0]->t == at_us(501'000));
    CHECK(registered[0] < ready[0]);
    CHECK(ready[0] < tx[0]);
    CHECK(outcome(r, "tx1").status == 200);
    CHECK(outcome(r, "tx1").completed == at_us(503'000));
  }
}

// §4.2, §2.1 sendExecuteMessage: 1.0 keys transaction contexts by txid alone, so the same txid
// on two channels collides on one handler ("txid:%s exists", wrapped "Error sending %s: %s"
// and "Failed to execute transaction (%s)"); 1.1 keys by channel + txid and runs both.
TEST_CASE("fabric-sources 4.2: the same txid on two channels: 1.0 collides, 1.1 does not") {
  const std::string body = R"(
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "functions": { "f": [ { "sleep": "1s" } ] } } ],
      "proposals": [
        { "txid": "t", "channel": "ch1", "chaincode": "mycc", "function": "f" },
        { "txid": "t", "channel": "ch2", "chaincode": "mycc", "function": "f", "at": "100ms" } ] })";
  const auto r10 = run_text(R"({ "profile": "1.0", )" + body);
  REQUIRE(r10.outcomes.size() == 2);
  const auto& second = r10.outcomes[0].channel_id == "ch2" ? r10.outcomes[0] : r10.outcomes[1];
  CHECK(second.error == "Failed to execute transaction (Error sending TRANSACTION: txid:t exists)");
  CHECK(second.completed == at_us(100'000));
  const auto r11 = run_text(R"({ "profile": "1.1", )" + body);
  REQUIRE(r11.outcomes.size() == 2);
  CHECK(r11.outcomes[0].status == 200);
  CHECK(r11.outcomes[1].status == 200);
  // And on one channel, 1.1 names the channel: "txid: %s(%s) exists", "error sending: <err>".
  const auto dup = run_text(R"({ "profile": "1.1", "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "functions": { "f": [ { "sleep": "1s" } ] } } ],
      "proposals": [
        { "txid": "t", "channel": "ch1", "chaincode": "mycc", "function": "f" },
        { "txid": "t", "channel": "ch1", "chaincode": "mycc", "function": "f", "at": "100ms",
          "duplicate": true } ] })");
  REQUIRE(dup.outcomes.size() == 2);
  CHECK(dup.outcomes[0].error ==
        "failed to execute transaction: error sending: txid: t(ch1) exists");
}

// §2.1 notify, §4.2: a COMPLETED for tx1 on another channel (injected by a misbehaving shim)
// finds tx1's context in 1.0, keyed by txid alone, and ends its Execute; 1.1 drops it.
TEST_CASE("fabric-sources 2.1: notify matches by txid alone in 1.0, by channel + txid in 1.1") {
  const std::string body = R"(
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "functions": { "f": [ { "sleep": "1s" } ] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" } ],
      "faults": [ { "at": "200ms", "chaincode": "mycc", "action": "inject", "side": "shim",
                    "message": { "type": "COMPLETED", "txid": "tx1", "channel": "other",
                                 "status": 201 } } ] })";
  const auto r10 = run_text(R"({ "profile": "1.0", )" + body);
  CHECK(outcome(r10, "tx1").status == 201);
  CHECK(outcome(r10, "tx1").completed == at_us(201'000));
  // The real COMPLETED comes later and finds no context.
  CHECK(has_note(r10, "notifier Txid:tx1 does not exist (dropped)"));
  const auto r11 = run_text(R"({ "profile": "1.1", )" + body);
  CHECK(has_note(r11, "notifier Txid:tx1, channelID:other does not exist (dropped)"));
  CHECK(outcome(r11, "tx1").status == 200);
  CHECK(outcome(r11, "tx1").completed == at_us(1'003'000));
}

// §7.5 (1.0/1.1): the execute timer fires ("Timeout expired while executing transaction",
// wrapped by exectransaction); the chaincode's next GET_STATE gets 1.0's ERROR "[%s]No ledger
// context for GetState. Sending ERROR" (shorttxid of "tx1" is "tx1"); its late COMPLETED is
// dropped by notify. The stream stays up.
TEST_CASE("fabric-sources 7.5: 1.0/1.1 execute timeout, no ledger context, late COMPLETED") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    const bool v1_0 = std::string(profile) == "1.0";
    const auto r = run_text(R"({ "profile": ")" + std::string(profile) + R"(",
      "config": { "execute_timeout": "2s" }, "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "slow", "functions": { "f": [ { "sleep": "3s" }, { "get_state": "k" } ] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "slow", "function": "f" } ] })");
    CHECK(outcome(r, "tx1").error ==
          (v1_0 ? "Failed to execute transaction (Timeout expired while executing transaction)"
                : "failed to execute transaction: timeout expired while executing transaction"));
    // The timer starts when the loop takes the TRANSACTION (0.001s).
    CHECK(outcome(r, "tx1").completed == at_us(2'001'000));
    const auto errors = messages(r, kernel::TraceKind::kSend, "peer", "ERROR");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]->detail == "\"[tx1]No ledger context for GetState. Sending ERROR\"");
    CHECK(errors[0]->channel == (v1_0 ? "" : "ch"));
    CHECK(has_note(r, v1_0 ? "notifier Txid:tx1 does not exist (dropped)"
                           : "notifier Txid:tx1, channelID:ch does not exist (dropped)"));
    bool stream_end = false;
    for (const auto& e : r.trace.events())
      stream_end = stream_end || e.kind == kernel::TraceKind::kStreamEnd;
    CHECK_FALSE(stream_end);
  }
}

// exectransaction.Execute: an ERROR message (Init with status 500) becomes "Transaction
// returned with failure: %s" (1.1 lower case); a COMPLETED below 500 is the response.
TEST_CASE("fabric-sources 4.1 exectransaction: 'Transaction returned with failure'") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    const auto r = run_text(R"({ "profile": ")" + std::string(profile) + R"(",
      "chaincodes": [ { "name": "mycc", "init": [ { "fail": "init refused" } ], "functions": { "f": [] } } ],
      "proposals": [ { "txid": "t1", "chaincode": "mycc", "function": "init", "init": true } ] })");
    CHECK(outcome(r, "t1").error == (std::string(profile) == "1.0"
                                         ? "Transaction returned with failure: init refused"
                                         : "transaction returned with failure: init refused"));
  }
}

// §2.6: P-fsm's keepalive is an idle timer: a fresh time.After on every pass of the loop, so
// every message or send result pushes it back. keepalive 10s; tx1 (0.001s) sleeps 25s. The
// loop's last activity before the sleep is the TRANSACTION's send result (0.001s): KEEPALIVE
// at 10.001s; its echo (10.003s) restarts the timer: KEEPALIVE at 20.003s; the echo at
// 20.005s, then COMPLETED at 25.003s; the stream ends at 30s, before the next one (35.003s).
TEST_CASE("fabric-sources 2.6: the 1.0/1.1 keepalive is an idle timer") {
  const auto r = run_text(R"({ "profile": "1.0",
    "config": { "keepalive": "10s", "execute_timeout": "60s" }, "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "functions": { "f": [ { "sleep": "25s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "mycc", "function": "f" } ],
    "faults": [ { "at": "30s", "chaincode": "mycc", "action": "half_close", "side": "shim" } ] })");
  const auto sent = messages(r, kernel::TraceKind::kSend, "peer", "KEEPALIVE");
  REQUIRE(sent.size() == 2);
  CHECK(sent[0]->t == at_us(10'001'000));
  CHECK(sent[1]->t == at_us(20'003'000));
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").completed == at_us(25'003'000));
}

// §2.5 P-fsm step 6, §5 "cc2cc": the callee's Execute has a hard-coded 30s timeout, whatever
// chaincode.executetimeout says. a calls b and b sleeps 31s: 30s after b's TRANSACTION was
// handed to b's loop the callee's Execute gives up, and enterBusyState's ERROR reply passes the
// loop's handleMessage, whose fast path notifies it to a's own context [derived]: a's Execute fails
// at that instant with the callee's timeout, whatever a's chaincode does with the ERROR.
TEST_CASE("fabric-sources 2.5: P-fsm cc2cc: 30s callee timeout, and the ERROR fails the caller") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    const bool v1_0 = std::string(profile) == "1.0";
    const auto r = run_text(R"({ "profile": ")" + std::string(profile) + R"(",
      "config": { "execute_timeout": "100s" }, "network": { "latency": "1ms" },
      "chaincodes": [
        { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
        { "name": "b", "functions": { "g": [ { "sleep": "31s" } ] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "a", "function": "f" } ] })");
    const std::string timeout = v1_0 ? "Timeout expired while executing transaction"
                                     : "timeout expired while executing transaction";
    const auto errors = messages(r, kernel::TraceKind::kSend, "peer", "ERROR");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]->stream == "a");
    CHECK(errors[0]->detail == "\"" + timeout + "\"");
    // a's TRANSACTION leaves at 0.001s, its INVOKE_CHAINCODE reaches the peer at 0.003s; b's
    // process starts at once and its REGISTER arrives at 0.004s, when READY and b's
    // TRANSACTION are handed to b's loop: b's Execute timer starts then.
    CHECK(errors[0]->t == at_us(30'004'000));
    CHECK(outcome(r, "tx1").error == std::string(v1_0 ? "Transaction returned with failure: "
                                                      : "transaction returned with failure: ") +
                                         timeout);
    CHECK(outcome(r, "tx1").completed == at_us(30'004'000));
  }
}

// §2.5 P-fsm step 6, §7.4: cc2cc into the same chaincode on another channel. 1.0's contexts
// are keyed by txid, so the callee's createTxContext finds the caller's: "Error sending
// TRANSACTION: txid:tx1 exists", back as ERROR, which (fast path) also fails tx1 [derived].
// 1.1 keys by channel + txid and the call works.
TEST_CASE("fabric-sources 2.5: 1.0 cannot cc2cc into the same chaincode on another channel") {
  const std::string body = R"(
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "a", "functions": {
        "f": [ { "invoke_chaincode": { "chaincode": "a", "function": "g", "channel": "ch2" } } ],
        "g": [ { "return": { "status": 200, "payload": "inner" } } ] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "a", "function": "f" } ] })";
  const auto r10 = run_text(R"({ "profile": "1.0", )" + body);
  CHECK(outcome(r10, "tx1").error ==
        "Transaction returned with failure: Error sending TRANSACTION: txid:tx1 exists");
  const auto r11 = run_text(R"({ "profile": "1.1", )" + body);
  CHECK(outcome(r11, "tx1").status == 200);
  CHECK_FALSE(outcome(r11, "tx1").error.has_value());
}

// §2.1 registerHandler: a chaincode whose stream ended has no map entry; a new process of it
// (restarted) registers unasked and is refused, and the stream ends with the cancel text.
TEST_CASE("fabric-sources 2.1: an unsolicited REGISTER: 'peer will not accepting ...'") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    const bool v1_0 = std::string(profile) == "1.0";
    const auto r = run_text(R"({ "profile": ")" + std::string(profile) + R"(",
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
      "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" } ],
      "faults": [ { "at": "1s", "chaincode": "mycc", "action": "restart_container" } ] })");
    const std::string refusal =
        std::string(v1_0 ? "peer will not accepting" : "peer will not accept") +
        " external chaincode connection name:\"mycc:1.0\"  (except in dev mode)";
    std::vector<std::string> ends;
    for (const auto& e : r.trace.events()) {
      if (e.kind == kernel::TraceKind::kStreamEnd && e.actor == "peer") ends.push_back(e.detail);
    }
    REQUIRE(ends.size() == 2);
    CHECK(ends[0] == fabric::kProcessDiedError);
    CHECK(ends[1] == std::string(v1_0 ? "Error handling message, ending stream: "
                                      : "error handling message, ending stream: ") +
                         "transition canceled with error: " + refusal);
    CHECK(has_note(r, "register failed: " + refusal));
    CHECK(has_note(r, "trying to manually run chaincode when not in devmode ?"));
  }
}
