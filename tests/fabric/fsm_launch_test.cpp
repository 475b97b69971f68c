// The 1.0/1.1 launch (FsmChaincodeSupport, docs/fabric-sources.md 4.1, 4.2, 7.1', 7.7, 7.8),
// exercised through small scenarios under profiles "1.0" (1.0.0), "1.0" with
// launch_started_flag (1.0.1) and "1.1": each launch error text, and the window in which it
// happens. Expected times follow from the scenario's delays (1ms per message, the container's
// build and start) as the notes derive them. Only the peer side is asserted; the chaincode
// runs whichever shim the profile gives it.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::at_us;
using testing::outcome;

namespace {

bool has_outcome(const scenario::RunResult& r, const std::string& txid) {
  for (const auto& o : r.outcomes) {
    if (o.txid == txid) return true;
  }
  return false;
}

std::size_t count_notes(const scenario::RunResult& r, const std::string& actor,
                        const std::string& detail) {
  std::size_t n = 0;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kNote && e.actor == actor && e.detail == detail) ++n;
  }
  return n;
}

std::size_t count_messages(const scenario::RunResult& r, kernel::TraceKind kind,
                           const std::string& type) {
  std::size_t n = 0;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kind && e.type == type) ++n;
  }
  return n;
}

/// What the peer reported when a stream of `chaincode` ended (the first one), if one did.
std::optional<std::string> peer_end(const scenario::RunResult& r,
                                    const std::string& chaincode = "mycc") {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kStreamEnd && e.actor == "peer" && e.stream == chaincode) {
      return e.detail;
    }
  }
  return std::nullopt;
}

/// A run of mycc 1.0 (`container` as given) with `proposals`, under `profile` (+ overrides).
scenario::RunResult run(const std::string& profile, const std::string& container,
                        const std::string& proposals, const std::string& extra = "") {
  return scenario::run(scenario::load_text(R"({ "profile": ")" + profile + R"(", )" + extra +
                                               R"( "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "version": "1.0", "container": )" +
                                               container + R"(, "functions": { "f": [] } } ],
    "proposals": [ )" + proposals + R"( ] })",
                                           "fsm_launch.json"),
                       {});
}

std::string proposal(const std::string& txid, const std::string& at,
                     const std::string& channel = "ch1") {
  return R"({ "txid": ")" + txid + R"(", "at": ")" + at + R"(", "channel": ")" + channel +
         R"(", "chaincode": "mycc", "function": "f" })";
}

constexpr const char* k1_0_1 = R"("overrides": { "launch_started_flag": true },)";

}  // namespace

// §4.1, §7.8 step 3: the placeholder goes in just before StartContainer (t=0 here, the image
// being built already) and is replaced when the peer processes REGISTER (2.001s). A Launch
// in between is refused at once.
TEST_CASE("fabric-sources 4.1: 1.0.0 refuses a Launch while the placeholder is in the map") {
  const auto r =
      run("1.0", R"({ "start": "2s" })", proposal("tx1", "0") + "," + proposal("tx2", "1s"));
  CHECK(outcome(r, "tx2").error == "premature execution - chaincode (mycc:1.0) is being launched");
  CHECK_FALSE(outcome(r, "tx2").status.has_value());
  CHECK(outcome(r, "tx2").completed == at_us(1'000'000));
  // tx1's launch is unaffected: REGISTER 2.001s, READY and TRANSACTION, COMPLETED 2.003s.
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").completed == at_us(2'003'000));
  CHECK(count_messages(r, kernel::TraceKind::kSend, "TRANSACTION") == 1);
}

// §4.1 "Change in 1.0.1" and §7.8 "1.0.1 - 1.1.x": FAB-5391 splits the texts. During the image
// build (0-1s) launchStarted is set and there is no map entry yet; from the placeholder (1s,
// just before StartContainer) until REGISTER is processed (2.001s) the placeholder answers.
TEST_CASE(
    "fabric-sources 4.1: with FAB-5391 the build phase says 'is being launched' and the "
    "placeholder 'launched and waiting for registration'") {
  for (const auto& [name, extra] : {std::pair{"1.0", k1_0_1}, std::pair{"1.1", ""}}) {
    const char* profile = name;  // CAPTURE's lambda cannot capture a binding (clang 14)
    CAPTURE(profile);
    const auto r =
        run(profile, R"({ "build": "1s", "start": "1s" })",
            proposal("tx1", "0") + "," + proposal("tx2", "500ms") + "," + proposal("tx3", "1500ms"),
            extra);
    CHECK(outcome(r, "tx2").error ==
          "premature execution - chaincode (mycc:1.0) is being launched");
    CHECK(outcome(r, "tx2").completed == at_us(500'000));
    CHECK(outcome(r, "tx3").error ==
          "premature execution - chaincode (mycc:1.0) launched and waiting for registration");
    CHECK(outcome(r, "tx3").completed == at_us(1'500'000));
    CHECK(outcome(r, "tx1").status == 200);
    CHECK(outcome(r, "tx1").completed == at_us(2'003'000));
    // One container start: the guarded launch never starts a second one.
    CHECK(count_notes(r, "runtime", "start container mycc:1.0") == 1);
  }
}

// §7.8 "1.0.1 - 1.1.x": a Launch that passed the checks before the first one set
// launchStarted (here: two proposals at the same instant, each running its LSCC lookup before
// launchAndWaitForRegister) is refused there.
TEST_CASE(
    "fabric-sources 7.8: a Launch that slips past the check: 'chaincode is already "
    "launching'") {
  const std::string both = proposal("tx1", "0") + "," + proposal("tx2", "0");
  const auto r101 = run("1.0", R"({ "build": "1s", "start": "1s" })", both, k1_0_1);
  CHECK(outcome(r101, "tx2").error == "Error chaincode is already launching: mycc:1.0");
  CHECK(outcome(r101, "tx2").completed == at_us(0));
  CHECK(outcome(r101, "tx1").status == 200);
  const auto r11 = run("1.1", R"({ "build": "1s", "start": "1s" })", both);
  CHECK(outcome(r11, "tx2").error == "error chaincode is already launching: mycc:1.0");
  CHECK(outcome(r11, "tx1").status == 200);
  CHECK(outcome(r11, "tx1").completed == at_us(2'003'000));
}

// §4.1 launchAndWaitForRegister: "Error chaincode is being launched: %s" (1.0.0), "Error
// chaincode has been launched: %s" (1.0.1), "error chaincode has been launched: %s" (1.1).
// The map entry appears between a Launch's check and its launchAndWaitForRegister: with the
// image built by an earlier launch (tx0; that process crashes at 1s and deregisters), tx1's
// Start inserts the placeholder at once, and tx2, proposed at the same instant, finds it.
TEST_CASE("fabric-sources 4.1: launchAndWaitForRegister finds the entry another launch made") {
  const std::string container = R"({ "start": "100ms", "crash": { "at": "1s" } })";
  const std::string props =
      proposal("tx0", "0") + "," + proposal("tx1", "2s") + "," + proposal("tx2", "2s");
  struct Case {
    const char* profile;
    const char* extra;
    const char* text;
  };
  for (const Case& c : {Case{"1.0", "", "Error chaincode is being launched: mycc:1.0"},
                        Case{"1.0", k1_0_1, "Error chaincode has been launched: mycc:1.0"},
                        Case{"1.1", "", "error chaincode has been launched: mycc:1.0"}}) {
    CAPTURE(c.text);
    const auto r = run(c.profile, container, props, c.extra);
    CHECK(outcome(r, "tx0").status == 200);
    CHECK(outcome(r, "tx2").error == c.text);
    CHECK(outcome(r, "tx2").completed == at_us(2'000'000));
    CHECK(outcome(r, "tx1").status == 200);
    CHECK(outcome(r, "tx1").completed == at_us(2'103'000));
  }
}

// §7.8 "1.0.0" step 2 [derived]: without launchStarted nothing guards the build. tx2's Launch
// (0.5s) finds no entry and starts its own Start, which waits for the container lock. When
// tx1's Start ends (1s: build done, placeholder P1, container up), tx2's Start stops and
// removes that container, overwrites the placeholder with P2 and starts a new one. Its process
// registers (REGISTER 1.501s) on P2, so tx2's launch succeeds (1.503s); P1's readyNotify never
// fires, so tx1 times out 5s after its VMCProcess returned (6s, 1.0's timer) and its Stop kills
// the container that serves tx2 and deletes the map entry: the stream breaks and deregister
// finds nothing.
TEST_CASE("fabric-sources 7.8: 1.0.0's unguarded build phase starts the container twice") {
  const auto r = run("1.0", R"({ "build": "1s", "start": "500ms" })",
                     proposal("tx1", "0") + "," + proposal("tx2", "500ms"),
                     R"("config": { "startup_timeout": "5s" },)");
  CHECK(outcome(r, "tx2").status == 200);
  CHECK(outcome(r, "tx2").completed == at_us(1'503'000));
  CHECK(outcome(r, "tx1").error ==
        "Timeout expired while starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(outcome(r, "tx1").completed == at_us(6'000'000));
  CHECK(count_notes(r, "runtime", "start container mycc:1.0") == 2);
  CHECK(count_notes(r, "runtime", "docker request for mycc:1.0 waits for the container lock") == 1);
  CHECK(count_notes(r, "runtime",
                    "chaincode process mycc:1.0 stopped: container mycc:1.0 is started again") ==
        1);
  CHECK(count_notes(r, "runtime", "chaincode process mycc:1.0 stopped after a failed launch") == 1);
  CHECK(count_messages(r, kernel::TraceKind::kDeliver, "REGISTER") == 1);
  CHECK(peer_end(r) == std::optional<std::string>(fabric::kProcessDiedError));
  CHECK(count_notes(r, "peer",
                    "Error deregistering handler, could not find handler with key: mycc:1.0") == 1);
}

// §4.1: a VMCProcess error (the image build fails) deletes the entry and returns "Error
// starting container: %s" with docker's text, after the build time. 1.1: the launch
// goroutine's error reaches the wait through errChan (4.2): "error starting container: <err>".
TEST_CASE("fabric-sources 4.1, 4.2: a failed image build: 'Error starting container'") {
  const std::string container = R"({ "build": "2s", "build_failure": "go build failed" })";
  const auto r10 = run("1.0", container, proposal("tx1", "0"));
  CHECK(outcome(r10, "tx1").error == "Error starting container: go build failed");
  CHECK(outcome(r10, "tx1").completed == at_us(2'000'000));
  const auto r11 = run("1.1", container, proposal("tx1", "0"));
  CHECK(outcome(r11, "tx1").error == "error starting container: go build failed");
  CHECK(outcome(r11, "tx1").completed == at_us(2'000'000));
  // Docker keeps no failed image: a later launch builds again (and fails again, 2s later).
  const auto again = run("1.0", container, proposal("tx1", "0") + "," + proposal("tx2", "3s"));
  CHECK(outcome(again, "tx2").error == "Error starting container: go build failed");
  CHECK(outcome(again, "tx2").completed == at_us(5'000'000));
}

// StartContainer fails after the placeholder went in: until the error, the placeholder
// refuses other Launches; afterwards the entry is gone and the next proposal launches again.
TEST_CASE("fabric-sources 4.1: StartContainer fails after the placeholder went in") {
  const auto r = run("1.0", R"({ "build": "1s", "start_failure": "port in use" })",
                     proposal("tx1", "0") + "," + proposal("tx2", "2s"));
  CHECK(outcome(r, "tx1").error == "Error starting container: port in use");
  CHECK(outcome(r, "tx1").completed == at_us(1'000'000));
  CHECK(outcome(r, "tx2").error == "Error starting container: port in use");
  CHECK(count_notes(r, "runtime", "start container mycc:1.0") == 2);
}

// §4.2, §5 "Startup timer", FAB-5591: 1.0 starts the startup timer once VMCProcess returned
// (after the 2s build), 1.1 before the launch goroutine, so the build counts against it.
// Then Stop and the timeout text with network and peer IDs.
TEST_CASE("fabric-sources 4.2: the startup timer covers the image build from 1.1 (FAB-5591)") {
  const std::string container = R"({ "build": "2s", "never_registers": true })";
  const std::string config = R"("config": { "startup_timeout": "5s" },)";
  const auto r10 = run("1.0", container, proposal("tx1", "0"), config);
  CHECK(outcome(r10, "tx1").error ==
        "Timeout expired while starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(outcome(r10, "tx1").completed == at_us(7'000'000));
  const auto r11 = run("1.1", container, proposal("tx1", "0"), config);
  CHECK(outcome(r11, "tx1").error ==
        "timeout expired while starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(outcome(r11, "tx1").completed == at_us(5'000'000));
  for (const auto* r : {&r10, &r11}) {
    CHECK(count_notes(*r, "runtime", "chaincode process mycc:1.0 stopped after a failed launch") ==
          1);
  }
}

// 1.1 [derived]: the timer fires during the build (5s of 10s); Stop's VM request waits for the
// container lock, which the Start holds until the container is up (10s). Only then is the
// container stopped, the placeholder deleted and the error returned.
TEST_CASE("fabric-sources 4.2: a 1.1 startup timeout during the build returns after the Start") {
  const auto r = run("1.1", R"({ "build": "10s", "start": "1s" })", proposal("tx1", "0"),
                     R"("config": { "startup_timeout": "5s" },)");
  CHECK(outcome(r, "tx1").error ==
        "timeout expired while starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(outcome(r, "tx1").completed == at_us(10'000'000));
  CHECK(count_notes(r, "runtime", "chaincode process mycc:1.0 stopped after a failed launch") == 1);
  CHECK(count_messages(r, kernel::TraceKind::kSend, "REGISTER") == 0);
}

// §2.1 beforeRegisterEvent: the REGISTERED send fails after the handler took over the
// placeholder: the event is cancelled, readyNotify gets false ("registration failed for ..."),
// the stream ends, and the registered handler deregisters; the launch's Stop finds no entry.
TEST_CASE("fabric-sources 2.1, 4.1: REGISTERED cannot be sent: 'registration failed for'") {
  const std::string fault =
      R"("faults": [ { "after": { "type": "REGISTER", "from": "shim" }, "chaincode": "mycc",
                      "action": "fail_next_send", "side": "peer", "error": "broken pipe" } ],)";
  const auto r10 = run("1.0", R"({ "start": "500ms" })", proposal("tx1", "0"), fault);
  CHECK(outcome(r10, "tx1").error ==
        "registration failed for mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(outcome(r10, "tx1").completed == at_us(501'000));
  CHECK(peer_end(r10) == std::optional<std::string>(
                             "Error handling message, ending stream: transition canceled with "
                             "error: Error sending REGISTERED: []Error sending REGISTERED: "
                             "broken pipe"));
  const auto r11 = run("1.1", R"({ "start": "500ms" })", proposal("tx1", "0"), fault);
  CHECK(outcome(r11, "tx1").error ==
        "registration failed for mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(peer_end(r11) == std::optional<std::string>(
                             "error handling message, ending stream: transition canceled with "
                             "error: error sending REGISTERED: []Error sending REGISTERED: "
                             "broken pipe"));
}

// §2.1 processStream: the chaincode's own READY (injected right after its REGISTER, so it is
// waiting when the loop comes back to its select) and the launcher's READY on nextState are
// ready together; the select is a decision. The default (Fabric's case order) takes the
// chaincode's READY: the FSM moves to ready with nothing to notify, and the launcher's READY
// then cannot be handled in ready, ending the stream. The launch's second wait times out:
// "Failed to init chaincode(Timeout expired while executing send init message)" (4.1
// sendReady). Replaying the other choice, the launcher's READY goes first and the launch
// succeeds, but the chaincode's READY still ends the stream before Execute runs.
TEST_CASE("fabric-sources 2.1: the stream loop's select decides between two READYs") {
  const auto s = scenario::load_text(R"({ "profile": "1.0",
    "config": { "startup_timeout": "5s" }, "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" } ],
    "faults": [ { "after": { "type": "REGISTER", "from": "shim" }, "chaincode": "mycc",
                  "action": "inject", "side": "shim", "message": { "type": "READY", "txid": "x" } } ] })",
                                     "two_readies.json");
  const auto r = scenario::run(s, {});
  CHECK(outcome(r, "tx1").error ==
        "Failed to init chaincode(Timeout expired while executing send init message)");
  CHECK(outcome(r, "tx1").completed == at_us(5'501'000));
  CHECK(peer_end(r) == std::optional<std::string>(
                           "Error handling message, ending stream: [tx1]Chaincode handler "
                           "validator FSM cannot handle message (READY) with payload size (0) "
                           "while in state: ready"));
  CHECK(count_notes(r, "peer", "notifier Txid:x does not exist (dropped)") == 1);

  std::vector<kernel::Decision> selects;
  for (const auto& d : r.decisions) {
    if (d.kind == kernel::DecisionKind::kSelect) selects.push_back(d);
  }
  REQUIRE(selects.size() == 1);
  CHECK(selects[0].key == "select peer loop mycc");
  CHECK(selects[0].range == 2);
  CHECK(selects[0].value == 0);
  kernel::Decision other = selects[0];
  other.value = 1;
  const auto replayed = scenario::run(s, {.replay = std::vector<kernel::Decision>{other}});
  // The launcher's READY first: it is sent, and notified to the launch, which succeeds. But the
  // chaincode's READY, waiting since REGISTER, is the loop's next message: FSM ready cannot take
  // it, the stream ends and deregister deletes the map entry, all before Execute looks the
  // handler up (7.6, P-fsm): "Cannot execute transaction for %s" [derived].
  CHECK(outcome(replayed, "tx1").error ==
        "Failed to execute transaction (Cannot execute transaction for mycc:1.0)");
  CHECK(outcome(replayed, "tx1").completed == at_us(501'000));
  // The launcher's READY, and the chaincode's injected one (traced as the shim's send).
  CHECK(count_messages(replayed, kernel::TraceKind::kSend, "READY") == 2);
  CHECK(peer_end(replayed) ==
        std::optional<std::string>("Error handling message, ending stream: [x]Chaincode handler "
                                   "validator FSM cannot handle message (READY) with payload size "
                                   "(0) while in state: ready"));
}

// §4.1 Launch step 1, §2.1 isRunning, §6.4 #1 (1.0/1.1 variant) [derived]: tx2 is proposed
// while the peer handles REGISTER (config.processing opens the window: registered at 0.502s,
// REGISTERED at 0.503s). Launch sees a registered handler and returns at once; tx2's
// TRANSACTION is handed to the loop before the launcher's READY, FSM established cannot take it,
// and the stream ends. The launcher stays blocked handing READY to a loop that has returned: tx1
// never gets an outcome. tx2 waits for its execute timeout.
TEST_CASE("fabric-sources 6.4 #1: P-fsm: a TRANSACTION before READY ends the stream") {
  const std::string props = proposal("tx1", "0") + "," + proposal("tx2", "502500us");
  const std::string config = R"("config": { "processing": "1ms" },)";
  const auto r10 = run("1.0", R"({ "start": "500ms" })", props, config);
  CHECK(peer_end(r10) ==
        std::optional<std::string>(
            "Error handling message, ending stream: [tx2]Chaincode handler validator FSM cannot "
            "handle message (TRANSACTION) with payload size (3) while in state: established"));
  CHECK(outcome(r10, "tx2").error ==
        "Failed to execute transaction (Timeout expired while executing transaction)");
  CHECK(outcome(r10, "tx2").completed == at_us(30'503'000));
  CHECK_FALSE(has_outcome(r10, "tx1"));
  CHECK(count_notes(r10, "peer", "blocked forever handing READY to a stream loop that has ended") ==
        1);
  CHECK(count_messages(r10, kernel::TraceKind::kSend, "READY") == 0);
  CHECK(count_messages(r10, kernel::TraceKind::kSend, "TRANSACTION") == 0);

  const auto r11 = run("1.1", R"({ "start": "500ms" })", props, config);
  CHECK(peer_end(r11) ==
        std::optional<std::string>(
            "error handling message, ending stream: [tx2]Chaincode handler validator FSM cannot "
            "handle message (TRANSACTION) with payload size (3) while in state: established"));
  CHECK(outcome(r11, "tx2").error ==
        "failed to execute transaction: timeout expired while executing transaction");
  CHECK_FALSE(has_outcome(r11, "tx1"));
}

// §4.1 sendReady: the launch transaction's context can receive something else than READY. A
// misbehaving shim sends READY (txid x) and then ERROR{tx1, "boom"} right after REGISTER; the
// loop takes both before the launcher's READY (Fabric's case order, the default). The FSM goes
// ready on the chaincode's READY; the ERROR takes the fast path into tx1's launch context
// (1.0: keyed by txid); when the launcher's READY is taken, FSM ready cannot handle it and the
// stream ends, while the launcher finds the ERROR: "Error initializing container %s: %s",
// wrapped "Failed to init chaincode(%s)", then Stop.
TEST_CASE("fabric-sources 4.1: sendReady finds an ERROR: 'Error initializing container'") {
  const auto r = scenario::run(scenario::load_text(R"({ "profile": "1.0",
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" } ],
    "faults": [
      { "after": { "type": "REGISTER", "from": "shim" }, "chaincode": "mycc", "action": "inject",
        "side": "shim", "message": { "type": "READY", "txid": "x" } },
      { "after": { "type": "REGISTER", "from": "shim" }, "chaincode": "mycc", "action": "inject",
        "side": "shim", "message": { "type": "ERROR", "txid": "tx1", "payload": "boom" } } ] })",
                                                   "init_error.json"),
                               {});
  CHECK(outcome(r, "tx1").error ==
        "Failed to init chaincode(Error initializing container mycc:1.0: boom)");
  CHECK(outcome(r, "tx1").completed == at_us(501'000));
  CHECK(peer_end(r) == std::optional<std::string>(
                           "Error handling message, ending stream: [tx1]Chaincode handler "
                           "validator FSM cannot handle message (READY) with payload size (0) "
                           "while in state: ready"));
  CHECK(count_notes(r, "runtime", "chaincode process mycc:1.0 stopped after a failed launch") == 1);
}

// FAB-8844 (1.1): the launch goroutine's error goes to the wait through the unbuffered errChan
// only while the wait is still there. Here the startup timer fires during the build (5s of
// 10s), the wait is over, and Stop waits for the container lock; the build then fails: nobody
// receives the error (the goroutine blocks forever), the map entry is left to Stop, and the
// launch fails with the timeout when Stop returns (10s).
TEST_CASE("fabric-sources 4.2: FAB-8844: a launch error after the wait ended is not received") {
  const auto r = run("1.1", R"({ "build": "10s", "build_failure": "go build failed" })",
                     proposal("tx1", "0"), R"("config": { "startup_timeout": "5s" },)");
  CHECK(outcome(r, "tx1").error ==
        "timeout expired while starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)");
  CHECK(outcome(r, "tx1").completed == at_us(10'000'000));
  CHECK(count_notes(r, "launcher",
                    "launch goroutine blocked forever on errChan: error starting container: go "
                    "build failed") == 1);
}
