// Every stub call of the 2.5 era through both handlers (docs/fabric-sources.md 1.3, 2.2, 2.5,
// 3.1, 3.4): what goes on the wire, what the peer answers, and what reaches the ledger.
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"
#include "ccsim/fabric/sha256.hpp"

using namespace ccsim;

namespace {
std::vector<std::string> sent_by(const scenario::RunResult& r, const std::string& actor,
                                 const std::string& txid) {
  std::vector<std::string> out;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kSend && e.actor == actor && e.txid == txid) {
      out.push_back(e.type);
    }
  }
  return out;
}

std::vector<std::string> details(const scenario::RunResult& r, kernel::TraceKind kind,
                                 const std::string& actor, const std::string& type) {
  std::vector<std::string> out;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kind && e.actor == actor && e.type == type) out.push_back(e.detail);
  }
  return out;
}

// A chaincode "cc" whose "seed" writes `keys` keys k000..kNNN; then the function under test.
std::string scenario_with(const std::string& functions, int keys, const std::string& extra = "") {
  std::string seed = "[";
  for (int i = 0; i < keys; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%03d", i);
    seed +=
        std::string(i ? "," : "") + R"({ "put_state": { "key": ")" + key + R"(", "value": "v" } })";
  }
  seed += "]";
  return R"({ "chaincodes": [ { "name": "cc", "functions": { "seed": )" + seed + ", " + functions +
         R"( } } )" + extra + R"( ],
    "proposals": [ { "txid": "s", "channel": "ch", "chaincode": "cc", "function": "seed" },
                   { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1s" } ] })";
}
}  // namespace

// §1.3 and §2.2: batches of at most 100 with has_more; QUERY_STATE_NEXT fetches the next;
// an exhausted iterator is gone, and Close is still sent by the shim (deferred Close).
TEST_CASE("fabric-sources 2.2: a range of 250 keys comes in batches of 100, 100 and 50") {
  const auto s = scenario::load_text(
      scenario_with(R"("f": [ { "get_state_by_range": { "start": "k", "end": "l" } } ])", 250),
      "r.json");
  const auto r = scenario::run(s, {});
  CHECK(sent_by(r, "shim", "t") == std::vector<std::string>{"GET_STATE_BY_RANGE",
                                                            "QUERY_STATE_NEXT", "QUERY_STATE_NEXT",
                                                            "QUERY_STATE_CLOSE", "COMPLETED"});
  const auto responses = details(r, kernel::TraceKind::kSend, "peer", "RESPONSE");
  REQUIRE(responses.size() >= 4);
  const std::size_t first = responses.size() - 4;  // t's replies are the last four
  CHECK(responses[first].find("results=100 has_more=true") == 0);
  CHECK(responses[first + 1].find("results=100 has_more=true") == 0);
  CHECK(responses[first + 2].find("results=50 has_more=false") == 0);
  CHECK(responses[first + 3].find("results=0 has_more=false") == 0);
  CHECK(r.outcomes.back().status == 200);
}

TEST_CASE("fabric-sources 2.2: exactly 100 results fit one batch with has_more=false") {
  const auto s = scenario::load_text(
      scenario_with(R"("f": [ { "get_state_by_range": { "start": "", "end": "" } } ])", 100),
      "r.json");
  const auto r = scenario::run(s, {});
  CHECK(sent_by(r, "shim", "t") ==
        std::vector<std::string>{"GET_STATE_BY_RANGE", "QUERY_STATE_CLOSE", "COMPLETED"});
}

TEST_CASE(
    "fabric-sources 2.2: a NEXT on an iterator the peer already closed gets 'query iterator not "
    "found'") {
  // limit 150 of 120: the first batch (100, has_more) then NEXT (20, has_more=false) closes
  // it on the peer; no third NEXT is sent because has_more is false.
  const auto s = scenario::load_text(
      scenario_with(
          R"("f": [ { "get_state_by_range": { "start": "k", "end": "l", "limit": 150, "close": false } } ])",
          120),
      "r.json");
  const auto r = scenario::run(s, {});
  CHECK(sent_by(r, "shim", "t") ==
        std::vector<std::string>{"GET_STATE_BY_RANGE", "QUERY_STATE_NEXT", "COMPLETED"});
}

TEST_CASE("fabric-sources 2.2: GetHistoryForKey lists committed writes, newest first") {
  const auto s = scenario::load_text(R"({ "chaincodes": [ { "name": "cc", "functions": {
      "w1": [ { "put_state": { "key": "a", "value": "1" } } ],
      "w2": [ { "put_state": { "key": "a", "value": "2" } } ],
      "d":  [ { "del_state": "a" } ],
      "f":  [ { "get_history_for_key": "a" } ] } } ],
    "proposals": [ { "txid": "x1", "chaincode": "cc", "function": "w1" },
                   { "txid": "x2", "chaincode": "cc", "function": "w2", "at": "1s" },
                   { "txid": "x3", "chaincode": "cc", "function": "d", "at": "2s" },
                   { "txid": "t", "chaincode": "cc", "function": "f", "at": "3s" } ] })",
                                     "h.json");
  const auto r = scenario::run(s, {});
  const auto responses = details(r, kernel::TraceKind::kSend, "peer", "RESPONSE");
  CHECK(std::find(responses.begin(), responses.end(),
                  "results=3 has_more=false id=\"00000000-0000-4000-8000-000000000001\"") !=
        responses.end());
  CHECK(r.ledger.empty());
}

TEST_CASE("fabric-sources 2.2: rich queries fail on the default LevelDB state database") {
  const auto s = scenario::load_text(
      scenario_with(R"("f": [ { "get_query_result": { "query": "{\"selector\":{}}" } } ])", 1),
      "q.json");
  const auto r = scenario::run(s, {});
  CHECK(details(r, kernel::TraceKind::kSend, "peer", "ERROR") ==
        std::vector<std::string>{"\"GET_QUERY_RESULT failed: transaction ID: t: ExecuteQuery not "
                                 "supported for leveldb\""});
  CHECK(r.outcomes.back().status == 500);
}

TEST_CASE("fabric-sources 2.2: private data in Init is refused, purge needs a collection") {
  const auto s = scenario::load_text(R"({ "chaincodes": [ { "name": "cc",
      "init": [ { "get_state": { "key": "p", "collection": "col" } } ],
      "functions": { "f": [ { "purge_private_data": { "collection": "", "key": "p" } } ] } } ],
    "proposals": [ { "txid": "i", "chaincode": "cc", "function": "init", "init": true },
                   { "txid": "t", "chaincode": "cc", "function": "f", "at": "1s" } ] })",
                                     "p.json");
  const auto r = scenario::run(s, {});
  CHECK(details(r, kernel::TraceKind::kSend, "peer", "ERROR") ==
        std::vector<std::string>{
            "\"GET_STATE failed: transaction ID: i: private data APIs are not allowed in chaincode "
            "Init()\"",
            "\"PURGE_PRIVATE_DATA failed: transaction ID: t: only applicable for private data\""});
  // Init's status 500 becomes ERROR (section 3.1).
  CHECK(r.outcomes[0].error ==
        "transaction returned with failure: GET_STATE failed: transaction ID: i: private data APIs "
        "are not allowed in chaincode Init()");
}

TEST_CASE("fabric-sources 1.3: private data hash, purge, metadata and events") {
  const auto s = scenario::load_text(R"({ "chaincodes": [ { "name": "cc", "functions": {
      "w": [ { "put_state": { "key": "p", "value": "secret", "collection": "col" } },
             { "put_state_metadata": { "key": "p", "collection": "col", "metakey": "VALIDATION_PARAMETER", "value": "ep" } } ],
      "f": [ { "get_private_data_hash": { "collection": "col", "key": "p" } },
             { "get_state_metadata": { "key": "p", "collection": "col" } },
             { "purge_private_data": { "collection": "col", "key": "p" } },
             { "set_event": { "name": "purged", "payload": "p" } } ] } } ],
    "proposals": [ { "txid": "w", "channel": "ch", "chaincode": "cc", "function": "w" },
                   { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1s" } ] })",
                                     "pd.json");
  const auto r = scenario::run(s, {});
  const auto responses = details(r, kernel::TraceKind::kSend, "peer", "RESPONSE");
  CHECK(std::find(responses.begin(), responses.end(),
                  "payload=\"" + fabric::sha256_hex("secret") + "\"") != responses.end());
  CHECK(std::find(responses.begin(), responses.end(),
                  "metadata={\"VALIDATION_PARAMETER\":\"ep\"}") != responses.end());
  CHECK(details(r, kernel::TraceKind::kSend, "shim", "COMPLETED").back() ==
        "status=200 event=\"purged\"");
  CHECK(r.outcomes.back().event == "purged");
  CHECK(r.ledger.empty());  // purged
}

TEST_CASE("sha256 matches the FIPS 180-2 test vectors") {
  CHECK(fabric::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(fabric::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(fabric::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// §2.5 / §7.4: the callee runs under the same txid with a fresh execute timeout; its whole
// COMPLETED comes back inside the caller's RESPONSE; same-channel writes join the caller's.
TEST_CASE("fabric-sources 7.4: cc2cc on the same channel shares the caller's simulator") {
  const auto s = scenario::load_text(R"({ "network": { "latency": "1ms" }, "chaincodes": [
      { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b", "function": "g", "args": ["x"] } },
                                           { "return": { "status": 200, "payload": "a-done" } } ] } },
      { "name": "b", "functions": { "g": [ { "put_state": { "key": "kb", "value": "vb" } },
                                           { "return": { "status": 201, "payload": "b-done" } } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "a", "function": "f" } ] })",
                                     "cc2cc.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].status == 200);
  CHECK(r.outcomes[0].payload == "a-done");
  CHECK(r.ledger.at(fabric::StateKey{"ch", "b", "kb"}) == "vb");
  const auto resp = details(r, kernel::TraceKind::kDeliver, "shim", "RESPONSE");
  CHECK(std::find(resp.begin(), resp.end(), "message=COMPLETED status=201 payload=\"b-done\"") !=
        resp.end());
  CHECK(details(r, kernel::TraceKind::kDeliver, "shim", "INVOKE_CHAINCODE").empty());
  CHECK(details(r, kernel::TraceKind::kDeliver, "peer", "INVOKE_CHAINCODE") ==
        std::vector<std::string>{"chaincode=\"b\" args=[\"g\",\"x\"]"});
}

TEST_CASE("fabric-sources 2.5: cc2cc on another channel discards the callee's writes") {
  const auto s = scenario::load_text(R"({ "chaincodes": [
      { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b", "function": "g", "channel": "other" } } ] } },
      { "name": "b", "functions": { "g": [ { "put_state": { "key": "kb", "value": "vb" } } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "a", "function": "f" } ] })",
                                     "x.json");
  const auto r = scenario::run(s, {});
  CHECK(r.outcomes[0].status == 200);
  CHECK(r.ledger.empty());
  const auto tx = details(r, kernel::TraceKind::kDeliver, "shim", "TRANSACTION");
  REQUIRE(tx.size() == 2);
}

TEST_CASE(
    "fabric-sources 2.5 step 8: cc2cc re-entering the same handler and channel fails with 'txid "
    "exists'") {
  const auto s = scenario::load_text(R"({ "chaincodes": [
      { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "a", "function": "g" } } ],
                                    "g": [] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "a", "function": "f" } ] })",
                                     "re.json");
  const auto r = scenario::run(s, {});
  CHECK(details(r, kernel::TraceKind::kSend, "peer", "ERROR") ==
        std::vector<std::string>{"\"INVOKE_CHAINCODE failed: transaction ID: t: execute failed: "
                                 "error sending: txid: t(ch) exists\""});
  // The shim turns the ERROR into Response{500, payload = text}; the scripted chaincode fails.
  CHECK(r.outcomes[0].status == 500);
  CHECK(r.outcomes[0].error ==
        "INVOKE_CHAINCODE failed: transaction ID: t: execute failed: error sending: txid: t(ch) "
        "exists");
}

// §5 cc2cc: the caller's timer keeps running; the outer Execute times out first, the inner
// one carries on and the caller's later calls find no ledger context.
TEST_CASE("fabric-sources 5: the outer execute times out while the callee carries on") {
  const auto s = scenario::load_text(
      R"({ "config": { "execute_timeout": "2s" }, "network": { "latency": "1ms" }, "chaincodes": [
      { "name": "a", "functions": { "f": [ { "sleep": "1500ms" }, { "invoke_chaincode": { "chaincode": "b", "function": "g" } },
                                           { "get_state": "after" } ] } },
      { "name": "b", "functions": { "g": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "a", "function": "f" } ] })",
      "nested.json");
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction t: error sending: timeout expired while executing "
        "transaction");
  // b completed after a's timeout; a's next stub call then failed.
  CHECK(details(r, kernel::TraceKind::kDeliver, "peer", "COMPLETED").size() == 2);
  CHECK(details(r, kernel::TraceKind::kSend, "peer", "ERROR") ==
        std::vector<std::string>{"\"GET_STATE failed: transaction ID: t: no ledger context\""});
}

TEST_CASE("panic kills the chaincode process, the peer's pending Execute sees the stream end") {
  const auto s = scenario::load_text(
      R"({ "chaincodes": [ { "name": "cc", "functions": { "f": [ { "panic": "boom" } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" } ] })",
      "panic.json");
  const auto r = scenario::run(s, {});
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction t: error sending: chaincode stream terminated");
  bool peer_saw = false;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kStreamEnd && e.actor == "peer") {
      peer_saw = e.detail == std::string("receive from chaincode support stream failed: ") +
                                 fabric::kProcessDiedError;
    }
  }
  CHECK(peer_saw);
}

TEST_CASE("hang: the user code never returns and the execute timeout decides") {
  const auto s = scenario::load_text(
      R"({ "config": { "execute_timeout": "3s" }, "chaincodes": [ { "name": "cc", "functions": { "f": [ { "hang": true } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" } ] })",
      "hang.json");
  const auto r = scenario::run(s, {});
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction t: error sending: timeout expired while executing "
        "transaction");
  CHECK(r.outcomes[0].completed == kernel::Time::zero() + kernel::Duration::seconds(3));
}

TEST_CASE("stub-side validation sends nothing: empty key, empty event name") {
  const auto s = scenario::load_text(R"({ "chaincodes": [ { "name": "cc", "functions": {
      "f": [ { "put_state": { "key": "", "value": "v" } } ], "g": [ { "set_event": { "name": "" } } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "u", "channel": "ch", "chaincode": "cc", "function": "g", "at": "1s" } ] })",
                                     "v.json");
  const auto r = scenario::run(s, {});
  CHECK(sent_by(r, "shim", "t") == std::vector<std::string>{"COMPLETED"});
  CHECK(r.outcomes[0].error == "key must not be an empty string");
  CHECK(r.outcomes[1].error == "event name can not be empty string");
}

// A cycle that changes channel passes the load-time check (the back edge ends a chain there)
// but nests deeper at run time: a.f on ch1 -> a.g on ch2 -> a.f on ch3 is 2 calls.
TEST_CASE("limits.max_call_depth is enforced at run time with a message") {
  const auto s = scenario::load_text(R"({ "limits": { "max_call_depth": 1 }, "chaincodes": [
      { "name": "a", "functions": {
          "f": [ { "invoke_chaincode": { "chaincode": "a", "function": "g", "channel": "ch2" } } ],
          "g": [ { "invoke_chaincode": { "chaincode": "a", "function": "f", "channel": "ch3" } } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch1", "chaincode": "a", "function": "f" } ] })",
                                     "depth.json");
  const auto r = scenario::run(s, {});
  CHECK(
      details(r, kernel::TraceKind::kSend, "peer", "ERROR") ==
      std::vector<std::string>{
          "\"INVOKE_CHAINCODE failed: transaction ID: t: ccsim: chaincode-to-chaincode call depth "
          "exceeds limits.max_call_depth (1)\""});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].status == 500);
}

// Fabric 2.x's endorser calls TxSimulator.Done when the proposal ends (endorser.go, defer
// txParams.TXSimulator.Done()); a same-channel callee still running after the outer timeout
// shares that simulator, and queryExecutor.checkDone fails its next call.
TEST_CASE(
    "fabric-sources 5: a callee's stub call after the outer timeout finds the simulator Done") {
  const auto s = scenario::load_text(
      R"({ "config": { "execute_timeout": "2s" }, "network": { "latency": "1ms" }, "chaincodes": [
      { "name": "a", "functions": { "f": [ { "sleep": "1500ms" },
                                           { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
      { "name": "b", "functions": { "g": [ { "sleep": "1s" }, { "get_state": "k" } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "a", "function": "f" } ] })",
      "done.json");
  // a's outer timeout ends the proposal at 2.001s; b, called at ~1.5s with its own 2s
  // timeout, asks for "k" at ~2.5s with its context alive but the simulator Done.
  const auto r = scenario::run(s, {});
  REQUIRE(r.outcomes.size() == 1);
  CHECK(r.outcomes[0].error ==
        "failed to execute transaction t: error sending: timeout expired while executing "
        "transaction");
  CHECK(details(r, kernel::TraceKind::kSend, "peer", "ERROR") ==
        std::vector<std::string>{
            "\"GET_STATE failed: transaction ID: t: this instance should not be used after calling "
            "Done()\""});
}
