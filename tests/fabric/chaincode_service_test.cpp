// Chaincode as a service (2.x): the launcher dials the chaincode's server instead of starting
// a container (docs/fabric-sources.md 4.5), the chaincode still speaks first (1.2), each
// connection gets a fresh shim handler that returns from Connect without CloseSend (3.4).
// [derived] marks what the notes derive from the code rather than observed.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "../scenario/test_support.hpp"
#include "ccsim/scenario/errors.hpp"

using namespace ccsim;
using testing::at_ms;
using testing::events_of;
using testing::load_error;
using testing::outcome;

namespace {

scenario::RunResult run_text(const std::string& text) {
  return scenario::run(scenario::load_text(text, "service.json"), {});
}

bool has_note_containing(const scenario::RunResult& r, const std::string& actor,
                         const std::string& text) {
  for (const auto* e : events_of(r, kernel::TraceKind::kNote, actor)) {
    if (e->detail.find(text) != std::string::npos) return true;
  }
  return false;
}

/// What `actor` reported at each end of its stream ends, in order.
std::vector<std::string> ends(const scenario::RunResult& r, const std::string& actor) {
  std::vector<std::string> out;
  for (const auto* e : events_of(r, kernel::TraceKind::kStreamEnd, actor))
    out.push_back(e->detail);
  return out;
}

// One service chaincode "cc" at 10.0.0.1:9999 (the `service` object's other keys, a
// `container` if any), 1ms each way, functions f (empty) and slow (sleeps 2s); `rest` holds
// proposals, faults and more.
std::string with_service(const std::string& service_keys, const std::string& rest,
                         const std::string& container = "", const std::string& profile = "2.5") {
  return R"({ "profile": ")" + profile + R"(", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", )" +
         (container.empty() ? "" : R"("container": )" + container + ", ") +
         R"("service": { "address": "10.0.0.1:9999")" +
         (service_keys.empty() ? "" : ", " + service_keys) + R"( },
      "functions": { "f": [], "slow": [ { "sleep": "2s" } ] } } ], )" +
         rest + "}";
}

std::string proposal(const std::string& txid, const std::string& at,
                     const std::string& function = "f") {
  return R"({ "txid": ")" + txid + R"(", "at": ")" + at +
         R"(", "channel": "ch", "chaincode": "cc", "function": ")" + function + R"(" })";
}

const std::string kPrefix =
    "error cannot create connection for cc:1.0: error creating grpc connection to "
    "10.0.0.1:9999: failed to create new connection: ";
const std::string kRefused =
    kPrefix +
    "connection error: desc = \"transport: error while dialing: dial tcp 10.0.0.1:9999: "
    "connect: connection refused\"";
const std::string kDeadline = kPrefix + "context deadline exceeded";

// What the proposal that started the launch gets when its dial fails with `cause`
// (runtime_launcher.go "connection to %s failed", chaincode_support.go's wrappers).
std::string dial_failed(const std::string& txid, const std::string& cause) {
  return "failed to execute transaction " + txid +
         ": could not launch chaincode cc:1.0: connection to cc:1.0 failed: " + cause;
}

}  // namespace

// §4.5, §1.2: Build, then the dial; the shim's REGISTER is the first message on the stream;
// no container is started, waited for or stopped.
TEST_CASE("fabric-sources 4.5, 1.2: the peer dials the service and the chaincode speaks first") {
  const auto r = run_text(with_service("", R"("proposals": [ )" + proposal("tx1", "1s") + "]"));
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").completed == at_ms(1003));
  const auto sends = events_of(r, kernel::TraceKind::kSend);
  REQUIRE(!sends.empty());
  CHECK(sends.front()->type == "REGISTER");
  CHECK(sends.front()->from == "shim");
  CHECK(sends.front()->t == at_ms(1000));
  CHECK(has_note_containing(r, "runtime", "build cc:1.0"));
  CHECK(has_note_containing(r, "runtime", "dial 10.0.0.1:9999"));
  CHECK(!has_note_containing(r, "runtime", "start container"));
  CHECK(!has_note_containing(r, "runtime", "exited"));
  CHECK(ends(r, "peer").empty());
  CHECK(ends(r, "shim").empty());
}

// §4.5: a refused dial fails at once through startFailCh: the first caller gets
// "connection to %s failed: <err>", a caller queued on the launch "chaincode registration
// failed: ..."; a later launch, once the server listens, connects.
TEST_CASE("fabric-sources 4.5: a refused dial fails the launch at once, later it connects") {
  const auto r = run_text(with_service(
      R"("listening_at": "2s")", R"("proposals": [ )" + proposal("tx1", "1s") + ", " +
                                     proposal("tx2", "1s") + ", " + proposal("tx3", "3s") + "]"));
  CHECK(outcome(r, "tx1").error == dial_failed("tx1", kRefused));
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(outcome(r, "tx2").error ==
        "failed to execute transaction tx2: could not launch chaincode cc:1.0: chaincode "
        "registration failed: connection to cc:1.0 failed: " +
            kRefused);
  CHECK(outcome(r, "tx2").completed == at_ms(1000));
  CHECK(outcome(r, "tx3").status == 200);
  CHECK(outcome(r, "tx3").completed == at_ms(3003));
}

// §4.5: with packets dropped the blocking dial waits out its timeout, connection.json's
// dial_timeout or, for zero, the external builder's 3s; a dial still waiting when the server
// starts listening connects then.
TEST_CASE("fabric-sources 4.5: a dial to a silent address times out, or connects in time") {
  for (const char* timeout : {R"("dial_timeout": "0",)", ""}) {
    CAPTURE(timeout);
    const auto r = run_text(with_service(
        std::string(timeout) + R"( "listening_at": "10s", "while_down": "drop")",
        R"("proposals": [ )" + proposal("tx1", "1s") + ", " + proposal("tx2", "8s") + "]"));
    CHECK(outcome(r, "tx1").error == dial_failed("tx1", kDeadline));
    CHECK(outcome(r, "tx1").completed == at_ms(4000));
    CHECK(outcome(r, "tx2").status == 200);
    CHECK(outcome(r, "tx2").completed == at_ms(10003));
  }
  const auto r = run_text(with_service(R"("dial_timeout": "500ms", "while_down": "drop",
                                          "listening_at": "10s")",
                                       R"("proposals": [ )" + proposal("tx1", "1s") + "]"));
  CHECK(outcome(r, "tx1").completed == at_ms(1500));
  CHECK(outcome(r, "tx1").error->find(kDeadline) != std::string::npos);
}

// A service whose dials failed both ways in one incident (a user's log: refused while the
// port was closed, then timed out once the host stopped answering): while_down's phases give
// each dial the behaviour of the time it starts at.
TEST_CASE("fabric-sources 4.5: while_down phases: a dial refused, a later one times out") {
  const auto r = run_text(with_service(
      R"("listening_at": "20s", "while_down": [ { "from": "0", "as": "refuse" },
                                                { "from": "5s", "as": "drop" } ])",
      R"("proposals": [ )" + proposal("tx1", "1s") + ", " + proposal("tx2", "6s") + ", " +
          proposal("tx3", "18s") + "]"));
  CHECK(outcome(r, "tx1").error == dial_failed("tx1", kRefused));
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(outcome(r, "tx2").error == dial_failed("tx2", kDeadline));
  CHECK(outcome(r, "tx2").completed == at_ms(9000));
  // Dropped from 5s on: tx3's dial at 18s waits, and connects when the server listens at 20s.
  CHECK(outcome(r, "tx3").status == 200);
  CHECK(outcome(r, "tx3").completed == at_ms(20003));
  // Before the first phase, the default: refuse.
  const auto late = run_text(
      with_service(R"("listening_at": "20s", "while_down": [ { "from": "5s", "as": "drop" } ])",
                   R"("proposals": [ )" + proposal("tx1", "1s") + "]"));
  CHECK(outcome(late, "tx1").completed == at_ms(1000));
  CHECK(outcome(late, "tx1").error->find(kRefused) != std::string::npos);
}

// §7.7 step 6 with a service: the startup timer ends the launch while the dial still waits;
// the dial then connects, and the late REGISTER is refused because no launch is under way.
TEST_CASE(
    "fabric-sources 7.7: the startup timeout wins over a longer dial, the late REGISTER "
    "is refused") {
  const auto r = run_text(with_service(R"("dial_timeout": "20s", "while_down": "drop",
                                          "listening_at": "8s")",
                                       R"("config": { "startup_timeout": "5s" },
                                          "proposals": [ )" +
                                           proposal("tx1", "0") + "]"));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode cc:1.0: timeout expired "
        "while starting chaincode cc:1.0 for transaction");
  CHECK(outcome(r, "tx1").completed == at_ms(5000));
  CHECK(has_note_containing(
      r, "peer",
      "register failed: peer will not accept external chaincode connection cc:1.0 (except in "
      "dev mode)"));
  CHECK(events_of(r, kernel::TraceKind::kSend, "peer", "REGISTERED").empty());
}

// §4.5, §7.6: after READY a stream's end fails the pending Execute through streamDone;
// "connection to %s terminated" is a no-op; the server keeps listening and the next launch
// dials a new connection with a fresh shim handler.
TEST_CASE(
    "fabric-sources 4.5, 7.6: a broken stream ends the Execute, the next launch dials "
    "again") {
  const auto r = run_text(with_service(
      "",
      R"("proposals": [ )" + proposal("tx1", "0", "slow") + ", " + proposal("tx2", "3s") +
          R"( ], "faults": [ { "at": "1s", "chaincode": "cc", "action": "terminate_stream" } ])"));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(outcome(r, "tx2").status == 200);
  CHECK(outcome(r, "tx2").completed == at_ms(3003));
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER").size() == 2);
  CHECK(ends(r, "peer") ==
        std::vector<std::string>{"receive from chaincode support stream failed: rpc error: code = "
                                 "Unavailable desc = transport is closing"});
}

// §4.5: a connection that ends before READY notifies the launch "connection to %s
// terminated": the first caller and its waiters fail with "chaincode registration failed".
TEST_CASE("fabric-sources 4.5: a connection that ends before READY fails the launch") {
  const auto r = run_text(with_service(
      "", R"("proposals": [ )" + proposal("tx1", "0") + ", " + proposal("tx2", "0") + "]",
      R"({ "crash": { "after_messages": 1 } })"));
  for (const char* txid : {"tx1", "tx2"}) {
    CAPTURE(txid);
    CHECK(outcome(r, txid).error ==
          "failed to execute transaction " + std::string(txid) +
              ": could not launch chaincode cc:1.0: chaincode registration failed: connection to "
              "cc:1.0 terminated");
    CHECK(outcome(r, txid).completed == at_ms(0));
  }
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "peer", "REGISTER").empty());
}

// A crashed service stops listening: the next launch's dial is refused at once. Restarted,
// it listens again and is dialed. The peer, a client, reads EOF from the dead server
// [derived].
TEST_CASE("a crashed service refuses the next dial, restarted, it is dialed again") {
  const auto r =
      run_text(with_service("", R"("proposals": [ )" + proposal("tx1", "0") + ", " +
                                    proposal("tx2", "2s") + ", " + proposal("tx3", "4s") + R"( ],
          "faults": [ { "at": "1s", "chaincode": "cc", "action": "crash_container" },
                      { "at": "3s", "chaincode": "cc", "action": "restart_container" } ])"));
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx2").error == dial_failed("tx2", kRefused));
  CHECK(outcome(r, "tx2").completed == at_ms(2000));
  CHECK(outcome(r, "tx3").status == 200);
  CHECK(outcome(r, "tx3").completed == at_ms(4003));
  CHECK(ends(r, "peer") ==
        std::vector<std::string>{"receive from chaincode support stream failed: rpc error: code = "
                                 "Unavailable desc = error reading from server: EOF"});
  CHECK(has_note_containing(r, "runtime", "chaincode server cc:1.0 crashed"));
  CHECK(!has_note_containing(r, "runtime", "start container"));
}

// A restart of a service that is down starts it; a restart of a running one replaces it.
TEST_CASE("restart_container starts a service that is down") {
  const auto r = run_text(
      with_service(R"("listening_at": "1h")", R"("proposals": [ )" + proposal("tx1", "2s") + R"( ],
          "faults": [ { "at": "1s", "chaincode": "cc", "action": "restart_container" } ])"));
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(has_note_containing(r, "runtime", "chaincode server cc:1.0 listening on 10.0.0.1:9999"));
}

// restart_peer breaks every connection; the service keeps listening and the next launch
// reconnects.
TEST_CASE("restart_peer breaks the service's connection, the next launch reconnects") {
  const auto r = run_text(with_service(
      "", R"("proposals": [ )" + proposal("tx1", "0") + ", " + proposal("tx2", "2s") + R"( ],
          "faults": [ { "at": "1s", "action": "restart_peer" } ])"));
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx2").status == 200);
  CHECK(outcome(r, "tx2").completed == at_ms(2003));
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER").size() == 2);
}

// §3.4 server mode: chatWithPeer's error is Connect's return, which gRPC sends as the RPC's
// status, after the ERROR the shim sent [derived]; the server keeps listening.
TEST_CASE("fabric-sources 3.4: the shim's error ends only its connection, as an RPC status") {
  const auto r = run_text(with_service(
      "", R"("proposals": [ )" + proposal("tx1", "0") + ", " + proposal("tx2", "2s") + R"( ],
          "faults": [ { "at": "1s", "chaincode": "cc", "action": "inject", "side": "peer",
                        "message": { "type": "GET_STATE", "txid": "tx-x" } } ])"));
  const std::string shim_error =
      "error handling message: [tx-x] Chaincode h cannot handle message (GET_STATE) while in "
      "state: ready";
  CHECK(ends(r, "shim") == std::vector<std::string>{shim_error});
  CHECK(ends(r, "peer") ==
        std::vector<std::string>{
            "receive from chaincode support stream failed: rpc error: code = Unknown desc = " +
            shim_error});
  const auto errors = events_of(r, kernel::TraceKind::kDeliver, "peer", "ERROR");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->t == at_ms(1002));
  CHECK(events_of(r, kernel::TraceKind::kStreamEnd, "peer")[0]->t == at_ms(1002));
  CHECK(outcome(r, "tx2").status == 200);
  CHECK(!has_note_containing(r, "runtime", "exited"));
}

// When the peer's handler ends the stream, extcc's Stream closes the connection: the shim's
// Recv sees the server stream's context canceled [derived]. A half_close fault from the
// peer is not the handler's end: the shim gets EOF, and only its Connect's error status ends
// the peer's handler.
TEST_CASE("the peer's end closes the connection, a peer half_close is only a half-close") {
  const auto closed = run_text(with_service("", R"("proposals": [ )" + proposal("tx1", "0") + R"( ],
          "faults": [ { "at": "1s", "chaincode": "cc", "action": "inject", "side": "shim",
                        "message": { "type": "TRANSACTION", "txid": "tx-y" } } ])"));
  CHECK(ends(closed, "peer") ==
        std::vector<std::string>{"error handling message, ending stream: [tx-y] Fabric side "
                                 "handler cannot handle message (TRANSACTION) while in ready "
                                 "state"});
  CHECK(ends(closed, "shim") == std::vector<std::string>{"receive failed: rpc error: code = "
                                                         "Canceled desc = context canceled"});

  const auto half = run_text(with_service(
      "", R"("proposals": [ )" + proposal("tx1", "0") + ", " + proposal("tx2", "2s") + R"( ],
          "faults": [ { "at": "1s", "chaincode": "cc", "action": "half_close", "side": "peer" } ])"));
  CHECK(ends(half, "shim") == std::vector<std::string>{"received EOF, ending chaincode stream"});
  CHECK(ends(half, "peer") ==
        std::vector<std::string>{"receive from chaincode support stream failed: rpc error: code "
                                 "= Unknown desc = received EOF, ending chaincode stream"});
  CHECK(outcome(half, "tx2").status == 200);
}

// §6.4 #11, 4.5: a service's package is read for its external builder.
TEST_CASE("a service's package failure names the external build") {
  const auto r = run_text(with_service("", R"("proposals": [ )" + proposal("tx1", "0") + "]",
                                       R"({ "package_failure": "gone" })"));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode cc:1.0: error building "
        "chaincode: error building image: failed to get chaincode package for external build: "
        "gone");
  CHECK(!has_note_containing(r, "runtime", "dial"));
}

TEST_CASE("a service is refused before 2.0, and so are container keys it cannot use") {
  for (const char* profile : {"1.0", "1.2", "1.4.0", "1.4"}) {
    CAPTURE(profile);
    CHECK(load_error(with_service("", R"("proposals": [])", "", profile)) ==
          "s.json: /chaincodes/0/service: profile \"" + std::string(profile) +
              "\" has no chaincode as a service (it came with Fabric 2.0: switch "
              "chaincode_as_a_service)");
  }
  CHECK(load_error(with_service("", R"("proposals": [])", "", "3.0")) == "(no error)");
  for (const char* key :
       {"start", "start_failure", "exit_before_register", "never_registers", "exit_code"}) {
    CAPTURE(key);
    const std::string value = std::string(key) == "exit_before_register"
                                  ? R"({ "after": "1s", "code": 1 })"
                              : std::string(key) == "never_registers" ? "true"
                              : std::string(key) == "exit_code"       ? "1"
                                                                      : R"("1s")";
    CHECK(load_error(with_service("", R"("proposals": [])",
                                  "{ \"" + std::string(key) + "\": " + value + " }")) ==
          "s.json: /chaincodes/0/container/" + std::string(key) + ": \"" + key +
              "\" does not apply to a chaincode run as a service (the peer starts no container; "
              "it dials the service)");
  }
  CHECK(load_error(with_service("", R"("proposals": [])",
                                R"({ "crash": { "at": "1s", "exit_code": 3 } })")) ==
        "s.json: /chaincodes/0/container/crash/exit_code: \"exit_code\" does not apply to a "
        "chaincode run as a service (nobody waits for its process)");
  CHECK(load_error(
            with_service("", R"("proposals": [])",
                         R"({ "build": "1s", "build_failure": "x", "crash": { "at": "1s" } })")) ==
        "(no error)");
  CHECK(load_error(R"({ "chaincodes": [ { "name": "a", "service": { "address": "a" } } ],
                        "proposals": [] })") ==
        "s.json: /chaincodes/0/service/address: expected host:port, got \"a\"");
  CHECK(load_error(R"({ "chaincodes": [ { "name": "a", "service": { "address": "a:1",
                        "while_down": "hang" } } ], "proposals": [] })") ==
        "s.json: /chaincodes/0/service/while_down: expected \"refuse\" or \"drop\", got \"hang\"");
  const auto phases = [](const std::string& list) {
    return load_error(R"({ "chaincodes": [ { "name": "a", "service": { "address": "a:1",
                        "while_down": )" +
                      list + " } } ], \"proposals\": [] }");
  };
  CHECK(phases("[]") ==
        "s.json: /chaincodes/0/service/while_down: expected at least one phase {\"from\", "
        "\"as\"}");
  CHECK(phases(R"([ { "from": "2s", "as": "drop" }, { "from": "2s", "as": "refuse" } ])") ==
        "s.json: /chaincodes/0/service/while_down/1/from: phases must start in order, each "
        "later than the one before");
  CHECK(phases(R"([ { "from": "2s", "as": "hang" } ])") ==
        "s.json: /chaincodes/0/service/while_down/0/as: expected \"refuse\" or \"drop\", got "
        "\"hang\"");
  CHECK(phases(R"([ { "as": "drop" } ])") ==
        "s.json: /chaincodes/0/service/while_down/0: missing required key \"from\"");
  std::string many = "[";
  for (int i = 0; i <= 1000; ++i)
    many +=
        std::string(i ? ", " : "") + R"({ "from": ")" + std::to_string(i) + R"(s", "as": "drop" })";
  CHECK(phases(many + "]") == "s.json: /chaincodes/0/service/while_down: more than 1000 phases");
  CHECK(load_error(R"({ "chaincodes": [ { "name": "a", "service": {} } ], "proposals": [] })") ==
        "s.json: /chaincodes/0/service: missing required key \"address\"");
  // The switch opens it on a 1.x profile.
  CHECK(load_error(with_service("", R"("overrides": { "chaincode_as_a_service": true },
                                       "proposals": [])",
                                "", "1.4")) == "(no error)");
}
