// Container behaviours and injected faults, exercised through small scenarios. Each case
// names the section of docs/fabric-sources.md it reproduces; [derived] marks behaviour the
// document derives from the code rather than observed.
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

/// When `actor` first noted exactly `detail`, if it did.
std::optional<kernel::Time> note_at(const scenario::RunResult& r, const std::string& actor,
                                    const std::string& detail) {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kNote && e.actor == actor && e.detail == detail) return e.t;
  }
  return std::nullopt;
}

bool has_note(const scenario::RunResult& r, const std::string& actor, const std::string& detail) {
  return note_at(r, actor, detail).has_value();
}

/// What `actor` reported when its end of `stream` ended, or "(no stream_end)".
std::string end_detail(const scenario::RunResult& r, const std::string& actor,
                       const std::string& stream) {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kStreamEnd && e.actor == actor && e.stream == stream) {
      return e.detail;
    }
  }
  return "(no stream_end)";
}

/// When `actor`'s end of `stream` ended, if it did.
std::optional<kernel::Time> end_at(const scenario::RunResult& r, const std::string& actor,
                                   const std::string& stream) {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kStreamEnd && e.actor == actor && e.stream == stream) {
      return e.t;
    }
  }
  return std::nullopt;
}

constexpr const char* kProcessDied = "rpc error: code = Canceled desc = context canceled";
constexpr const char* kTransportClosing =
    "rpc error: code = Unavailable desc = transport is closing";

}  // namespace

// --- Container behaviours -------------------------------------------------------------------

// §4.5: Runtime.Build's error is wrapped "error building image" by ContainerRuntime and
// "error building chaincode" by the launcher. The BuildRegistry keeps the result: a later
// launch fails at once with the same error, without building again.
TEST_CASE("fabric-sources 4.5: a build failure fails the launch, and the failed build is kept") {
  const auto s = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "container": { "build": "2s", "build_failure": "go build failed" },
                      "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "3s" } ]
  })",
                                     "build.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  const std::string cause = "error building chaincode: error building image: go build failed";
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode " + ccid + ": " + cause);
  CHECK(outcome(r, "tx1").completed == at_ms(2000));
  CHECK(outcome(r, "tx2").error ==
        "failed to execute transaction tx2: could not launch chaincode " + ccid + ": " + cause);
  CHECK(outcome(r, "tx2").completed == at_ms(3000));
  CHECK(has_note(r, "runtime", "build " + ccid));
  CHECK(has_note(r, "runtime", "build " + ccid + " failed: go build failed"));
  CHECK(!has_note(r, "runtime", "start container " + ccid));
  int builds = 0;
  for (const auto* e : events_of(r, kernel::TraceKind::kNote, "runtime")) {
    if (e->detail == "build " + ccid) ++builds;
  }
  CHECK(builds == 1);
}

// §4.4/4.5: ContainerRuntime.Start wraps the router's error "error starting container" and
// the launcher wraps it again, so the text says it twice. The launch fails at once.
TEST_CASE("fabric-sources 4.5: a start failure fails the launch at once, prefixed twice") {
  const auto s = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "container": { "start_failure": "no such image" },
                      "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1s" } ]
  })",
                                     "start.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode " + ccid +
            ": error starting container: error starting container: no such image");
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(events_of(r, kernel::TraceKind::kSend).empty());
}

// §4.4 (1.4.1+, FAB-13238) and §7.7 step 7: the container exits before REGISTER; Wait
// returns its code and the launch state is notified "container exited with <code>", which
// fails the first caller and every queued caller at once, not at the startup timeout.
TEST_CASE(
    "fabric-sources 4.4/7.7: a container that exits before REGISTER fails the launch at once") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc",
                      "container": { "start": "500ms", "exit_before_register": { "after": "200ms", "code": 1 } },
                      "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "100ms" } ]
  })",
                                     "exit.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  REQUIRE(r.outcomes.size() == 2);
  for (const char* txid : {"tx1", "tx2"}) {
    CAPTURE(txid);
    CHECK(outcome(r, txid).error == "failed to execute transaction " + std::string(txid) +
                                        ": could not launch chaincode " + ccid +
                                        ": chaincode registration failed: container exited with 1");
    CHECK(outcome(r, txid).completed == at_ms(200));
  }
  CHECK(note_at(r, "runtime", "container " + ccid + " exited with 1") == at_ms(200));
  CHECK(events_of(r, kernel::TraceKind::kSend).empty());  // it never dialed
  CHECK(events_of(r, kernel::TraceKind::kTimer, "launcher").empty());
  CHECK(r.end_time == at_ms(200));  // the startup timer was stopped, not waited for
}

// §7.7: the process runs but never dials; the first caller's startup timer fires.
TEST_CASE("fabric-sources 7.7: a container that never registers fails at the startup timeout") {
  const auto s = scenario::load_text(R"({
    "config": { "startup_timeout": "5s" },
    "chaincodes": [ { "name": "cc", "container": { "never_registers": true }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ]
  })",
                                     "never.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode " + ccid +
            ": timeout expired while starting chaincode " + ccid + " for transaction");
  CHECK(outcome(r, "tx1").completed == at_ms(5000));
  CHECK(events_of(r, kernel::TraceKind::kSend).empty());
  // 2.x does not stop the container on failure (FAB-16937): the process is still there.
  CHECK(!has_note(r, "runtime", "container " + ccid + " exited with 0"));
}

// §7.6 step 5: Runtime.Start of a container that still runs (here: one that never
// registered, left running by the failed launch) stops the old process first; Wait on the old
// one returns 137 (docker's kill, [derived]), which the old, finished launch ignores.
TEST_CASE("fabric-sources 7.6: starting a running container stops its old process first") {
  const auto s = scenario::load_text(R"({
    "config": { "startup_timeout": "5s" },
    "chaincodes": [ { "name": "cc", "container": { "never_registers": true }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "6s" } ]
  })",
                                     "restart.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(note_at(r, "runtime",
                "chaincode process " + ccid + " stopped: container " + ccid +
                    " is started again") == at_ms(6000));
  CHECK(note_at(r, "runtime", "container " + ccid + " exited with 137") == at_ms(6000));
  CHECK(outcome(r, "tx1").completed == at_ms(5000));
  CHECK(outcome(r, "tx2").completed == at_ms(11000));
  CHECK(outcome(r, "tx2").error->find("timeout expired while starting chaincode") !=
        std::string::npos);
}

// §7.6: the process dies during Execute (a crash at a time after the container started). The
// peer's Recv fails, ProcessStream returns, streamDone wakes Execute (2.5) at that instant;
// Wait returns 2, as for a Go panic.
TEST_CASE("fabric-sources 7.6: a container crash at a time fails the pending Execute at once") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms", "crash": { "at": "1s" } },
                      "functions": { "f": [ { "sleep": "2s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ]
  })",
                                     "crash.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(end_detail(r, "peer", "cc") ==
        std::string("receive from chaincode support stream failed: ") + kProcessDied);
  CHECK(end_at(r, "peer", "cc") == at_ms(1000));
  CHECK(!end_at(r, "shim", "cc"));  // a dead process observes nothing
  CHECK(note_at(r, "runtime", "chaincode process " + ccid + " crashed") == at_ms(1000));
  CHECK(has_note(r, "runtime", "container " + ccid + " exited with 2"));
  // The user code's late COMPLETED is never sent.
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "COMPLETED").empty());
}

// §4.4/7.7 step 7: a crash before the process dialed is an exit before REGISTER.
TEST_CASE("fabric-sources 7.7: a crash before REGISTER fails the launch with exit code 2") {
  const auto s = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "container": { "start": "2s", "crash": { "at": "1s" } },
                      "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ]
  })",
                                     "crash_early.json");
  const auto r = scenario::run(s, {});
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode " + s.chaincodes[0].ccid() +
            ": chaincode registration failed: container exited with 2");
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(events_of(r, kernel::TraceKind::kSend).empty());
}

// §7.6: crash after the shim sent or received N messages on its stream (REGISTER sent,
// REGISTERED, READY, TRANSACTION received, GET_STATE sent = 5). Every process of the
// container behaves the same: the next launch's process crashes at the same point.
TEST_CASE("fabric-sources 7.6: a crash after N shim messages, in every process of the container") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc",
                      "container": { "start": "500ms", "crash": { "after_messages": 5, "exit_code": 139 } },
                      "functions": { "f": [ { "get_state": "k" }, { "put_state": { "key": "k", "value": "v" } } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1s" } ]
  })",
                                     "crash_n.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(502));
  CHECK(outcome(r, "tx2").error ==
        "failed to execute transaction tx2: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx2").completed == at_ms(1502));
  // The GET_STATE was sent, then the stream broke before it arrived.
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "GET_STATE").size() == 2);
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "peer", "GET_STATE").empty());
  int exits = 0;
  for (const auto* e : events_of(r, kernel::TraceKind::kNote, "runtime")) {
    if (e->detail == "container " + ccid + " exited with 139") ++exits;
  }
  CHECK(exits == 2);
  CHECK(r.ledger.empty());
}

// §4.4 (Wait → "container exited with %d"): when the shim's loop ends (here: the peer
// half-closes right after REGISTER, so the shim gets EOF), main() returns and Wait returns
// the container's configured exit code, which reaches the launcher before READY.
TEST_CASE("fabric-sources 4.4: Wait returns the container's exit code when the shim's loop ends") {
  const auto s = scenario::load_text(R"({
    "network": { "peer_to_shim": { "latency": "0" }, "shim_to_peer": { "latency": "1ms" } },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms", "exit_code": 3 }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "after": { "type": "REGISTER", "from": "shim" }, "chaincode": "cc",
                  "action": "half_close", "side": "peer" } ]
  })",
                                     "exit_code.json");
  // The peer's half-close reaches the shim at once (no latency that way), before its REGISTER
  // reaches the peer (1ms): the shim's loop ends and the process exits with 3 at 0.5s.
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode " + ccid +
            ": chaincode registration failed: container exited with 3");
  CHECK(outcome(r, "tx1").completed == at_ms(500));
  CHECK(end_detail(r, "shim", "cc") == "received EOF, ending chaincode stream");
  // The REGISTER still arrives; the failed launch has deregistered, so 2.x refuses it.
  CHECK(has_note(r, "peer",
                 "register failed: peer will not accept external chaincode connection " + ccid +
                     " (except in dev mode)"));
}

// --- Faults -------------------------------------------------------------------------------

// §7.6 (1.4.4+/2.x): the stream terminates mid-execute; ProcessStream returns, streamDone
// wakes Execute with "chaincode stream terminated" at the instant of the fault, and the
// handler deregisters. The shim's loop fails too and the process exits.
TEST_CASE("fabric-sources 7.6: a terminated stream fails the pending Execute at once (2.5)") {
  const auto s = scenario::load_text(R"({
    "profile": "2.5",
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" },
                      "functions": { "f": [ { "sleep": "2s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "3s" } ],
    "faults": [ { "at": "1s", "chaincode": "cc", "action": "terminate_stream" } ]
  })",
                                     "terminate.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
  CHECK(note_at(r, "fault", "terminate_stream (at 1.000000000s)") == at_ms(1000));
  const auto faults = events_of(r, kernel::TraceKind::kNote, "fault");
  REQUIRE(faults.size() == 1);
  CHECK(faults[0]->stream == "cc");
  CHECK(end_detail(r, "peer", "cc") ==
        std::string("receive from chaincode support stream failed: ") + kTransportClosing);
  CHECK(end_detail(r, "shim", "cc") == std::string("receive failed: ") + kTransportClosing);
  CHECK(note_at(r, "runtime", "container " + ccid + " exited with 0") == at_ms(1000));
  // §7.6 step 5: the next invoke finds no handler and launches again.
  CHECK(outcome(r, "tx2").status == 200);
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER").size() == 2);
}

// §7.6 (1.0-1.4.3) and §6.4 #3: without FAB-16610 nothing wakes the pending Execute when the
// stream ends; it waits for the execute timeout although the handler is gone.
TEST_CASE("fabric-sources 7.6/6.4: before 1.4.4 a terminated stream leaves Execute to time out") {
  auto s = scenario::load_text(R"({
    "config": { "execute_timeout": "5s" },
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" },
                      "functions": { "f": [ { "sleep": "2s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "at": "1s", "chaincode": "cc", "action": "terminate_stream" } ]
  })",
                               "lost_wakeup.json");
  s.profile.stream_done_wakes_execute = false;
  const auto r = scenario::run(s, {});
  CHECK(end_at(r, "peer", "cc") == at_ms(1000));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: timeout expired while executing "
        "transaction");
  CHECK(outcome(r, "tx1").completed == at_ms(5501));
}

// §7.6 with a message trigger: the stream breaks right after the peer sends TRANSACTION,
// which is lost in flight.
TEST_CASE("fabric-sources 7.6: terminate_stream right after TRANSACTION loses the message") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "after": { "type": "TRANSACTION", "from": "peer" }, "chaincode": "cc",
                  "action": "terminate_stream" } ]
  })",
                                     "terminate_after.json");
  const auto r = scenario::run(s, {});
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(501));
  CHECK(note_at(r, "fault", "terminate_stream (after TRANSACTION #1 from peer)") == at_ms(501));
  CHECK(events_of(r, kernel::TraceKind::kSend, "peer", "TRANSACTION").size() == 1);
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "shim", "TRANSACTION").empty());
}

// "count" picks the Nth matching message: the second RESPONSE the peer sends.
TEST_CASE("fabric-sources 7.3/7.6: an after-message fault fires after the Nth matching message") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "functions": { "f": [
      { "get_state": "a" }, { "get_state": "b" }, { "get_state": "c" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "after": { "type": "RESPONSE", "from": "peer", "count": 2 }, "chaincode": "cc",
                  "action": "terminate_stream" } ]
  })",
                                     "count.json");
  const auto r = scenario::run(s, {});
  const auto responses = events_of(r, kernel::TraceKind::kSend, "peer", "RESPONSE");
  REQUIRE(responses.size() == 2);
  CHECK(note_at(r, "fault", "terminate_stream (after RESPONSE #2 from peer)") == responses[1]->t);
  CHECK(outcome(r, "tx1").completed == responses[1]->t);
  CHECK(events_of(r, kernel::TraceKind::kDeliver, "shim", "RESPONSE").size() == 1);
}

// §3.4/§2.7: the shim half-closes: the peer's Recv gets EOF (returned as is), Execute wakes
// through streamDone, the peer's RPC ends and the shim gets EOF too, then exits.
TEST_CASE("fabric-sources 2.7/3.4: a half-close from the shim ends both loops") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "at": "600ms", "chaincode": "cc", "action": "half_close", "side": "shim" } ]
  })",
                                     "half_shim.json");
  const auto r = scenario::run(s, {});
  CHECK(has_note(r, "fault", "half_close side=shim (at 0.600000000s)"));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  // END_STREAM crosses the network: the peer sees EOF 1ms (the latency) after the half-close.
  CHECK(end_at(r, "peer", "cc") == at_ms(601));
  CHECK(outcome(r, "tx1").completed == at_ms(601));
  CHECK(end_detail(r, "peer", "cc") == "EOF");
  CHECK(end_detail(r, "shim", "cc") == "received EOF, ending chaincode stream");
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "COMPLETED").empty());
}

// §3.5/§2.7: the peer half-closes: the shim's loop ends on EOF and the process exits; the
// peer then sees EOF and ends in turn.
TEST_CASE("fabric-sources 3.5/2.7: a half-close from the peer makes the shim exit first") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "at": "600ms", "chaincode": "cc", "action": "half_close", "side": "peer" } ]
  })",
                                     "half_peer.json");
  const auto r = scenario::run(s, {});
  const auto ends = events_of(r, kernel::TraceKind::kStreamEnd);
  REQUIRE(ends.size() == 2);
  CHECK(ends[0]->actor == "shim");
  CHECK(ends[0]->detail == "received EOF, ending chaincode stream");
  CHECK(ends[1]->actor == "peer");
  CHECK(ends[1]->detail == "EOF");
  // Each EOF takes the latency: the shim's at 0.601s, then the peer's, after the shim's exit.
  CHECK(ends[0]->t == at_ms(601));
  CHECK(ends[1]->t == at_ms(602));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(602));
}

// §2.3 (1.3+) and §2.7: the peer's async TRANSACTION send fails. serialSendAsync notifies an
// ERROR carrying the send error (waking Execute) and ends the stream with "received error
// while sending message ...". Both select cases are ready at once; Go picks at random, and real
// 2.5 runs take the stream's end about 19 times in 20: the default answer gives "chaincode
// stream terminated", the other answer of the same decision the ERROR.
TEST_CASE("fabric-sources 2.3/2.7: a failed TRANSACTION send notifies ERROR and ends the stream") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "after": { "type": "READY", "from": "peer" }, "chaincode": "cc",
                  "action": "fail_next_send", "side": "peer" } ]
  })",
                                     "fail_peer.json");
  const auto r = scenario::run(s, {});
  const std::string send_error =
      std::string("[tx1] error sending TRANSACTION: ") + kTransportClosing;
  CHECK(has_note(r, "fault",
                 std::string("fail_next_send side=peer error=\"") + kTransportClosing +
                     "\" (after READY #1 from peer)"));
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(501));
  CHECK(end_detail(r, "peer", "cc") ==
        "received error while sending message, ending chaincode support stream: " + send_error);
  CHECK(events_of(r, kernel::TraceKind::kSend, "peer", "TRANSACTION").empty());
  // The shim sees the peer's half-close after READY and exits.
  CHECK(end_detail(r, "shim", "cc") == "received EOF, ending chaincode stream");

  std::vector<kernel::Decision> selects;
  for (const auto& d : r.decisions) {
    if (d.kind == kernel::DecisionKind::kSelect) selects.push_back(d);
  }
  REQUIRE(selects.size() == 1);
  CHECK(selects[0].key == "select execute ch/tx1");
  CHECK(selects[0].range == 2);
  kernel::Decision other = selects[0];
  other.value = 1;
  const auto replayed = scenario::run(s, {.replay = std::vector<kernel::Decision>{other}});
  CHECK(outcome(replayed, "tx1").error == "transaction returned with failure: " + send_error);
}

// §3.4: the shim's synchronous stub send fails: the stub call returns the error, and the
// chaincode answers shim.Error (status 500), as fabric-chaincode-go's handleGetState does.
TEST_CASE("fabric-sources 3.4: a failed GET_STATE send fails the stub call, not the stream") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [ { "get_state": "k" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "after": { "type": "TRANSACTION", "from": "peer" }, "chaincode": "cc",
                  "action": "fail_next_send", "side": "shim", "error": "boom" } ]
  })",
                                     "fail_shim.json");
  const auto r = scenario::run(s, {});
  CHECK(outcome(r, "tx1").status == 500);
  CHECK(outcome(r, "tx1").error == "[tx1] error sending GET_STATE: boom");
  CHECK(events_of(r, kernel::TraceKind::kSend, "shim", "GET_STATE").empty());
  CHECK(events_of(r, kernel::TraceKind::kStreamEnd).empty());
}

// §7.6: crash_container kills the process as the `crash` behaviour does, with the fault's
// exit code.
TEST_CASE("fabric-sources 7.6: crash_container breaks the stream as a process death does") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [ { "sleep": "2s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "at": "1s", "chaincode": "cc", "action": "crash_container", "exit_code": 9 } ]
  })",
                                     "crash_fault.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  CHECK(note_at(r, "fault", "crash_container (at 1.000000000s)") == at_ms(1000));
  CHECK(note_at(r, "runtime", "container " + ccid + " exited with 9") == at_ms(1000));
  CHECK(end_detail(r, "peer", "cc") ==
        std::string("receive from chaincode support stream failed: ") + kProcessDied);
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
  CHECK(outcome(r, "tx1").completed == at_ms(1000));
}

// §7.7 step 6 and §2.7's deregistration hazard [derived]. restart_container: the process
// dies and the container starts again; its new process registers, but no launch is under
// way, so 2.x refuses it and leaves it in created with the stream open. The next proposal
// launches: docker's Start stops that process (7.6 step 5), its stream ends, and the stale
// handler's Deregister (keyed by name, and its name was set by the refused REGISTER) deletes
// the new launch's state; the new process is refused too and the launch times out.
TEST_CASE(
    "fabric-sources 7.7/2.7: a restarted container is refused, and its stale handler breaks the "
    "next launch [derived]") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "config": { "startup_timeout": "10s" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "2s" } ],
    "faults": [ { "at": "1s", "chaincode": "cc", "action": "restart_container" } ]
  })",
                                     "restart_container.json");
  const auto r = scenario::run(s, {});
  const std::string ccid = s.chaincodes[0].ccid();
  const std::string refused =
      "register failed: peer will not accept external chaincode connection " + ccid +
      " (except in dev mode)";
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(note_at(r, "fault", "restart_container (at 1.000000000s)") == at_ms(1000));
  CHECK(note_at(r, "runtime", "container " + ccid + " exited with 2") == at_ms(1000));
  const auto registers = events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER");
  REQUIRE(registers.size() == 3);
  CHECK(registers[1]->t == at_ms(1500));  // the restarted process dials after the start delay
  int refusals = 0;
  for (const auto* e : events_of(r, kernel::TraceKind::kNote, "peer")) {
    if (e->detail == refused) ++refusals;
  }
  CHECK(refusals == 2);
  CHECK(note_at(r, "runtime", "container " + ccid + " exited with 137") == at_ms(2000));
  CHECK(outcome(r, "tx2").error ==
        "failed to execute transaction tx2: could not launch chaincode " + ccid +
            ": timeout expired while starting chaincode " + ccid + " for transaction");
  CHECK(outcome(r, "tx2").completed == at_ms(12000));
}

// restart_peer: the peer process dies. Its handlers, launch states and transaction contexts
// go with it (its events never run again), so nothing of it answers: each client waiting on a
// proposal gets its connection's error, and each shim reads the closed connection and exits.
// A fresh process listens at once (down_for 0); later faults find nothing live, and tx3
// launches afresh. 2.5's grpc-go 1.79 reads "error reading from server: EOF".
TEST_CASE("restart_peer: the peer process dies, its clients and shims see the connection go") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [
      { "name": "a", "container": { "start": "500ms" }, "functions": { "f": [ { "sleep": "1s" } ] } },
      { "name": "b", "container": { "start": "500ms" }, "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "a", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "b", "function": "f" },
                   { "txid": "tx3", "channel": "ch", "chaincode": "a", "function": "f", "at": "2s" } ],
    "faults": [ { "at": "700ms", "action": "restart_peer" },
                { "at": "800ms", "chaincode": "a", "action": "terminate_stream" },
                { "at": "900ms", "chaincode": "b", "action": "crash_container" } ]
  })",
                                     "restart_peer.json");
  const auto r = scenario::run(s, {});
  const std::string eof = "rpc error: code = Unavailable desc = error reading from server: EOF";
  CHECK(note_at(r, "fault", "restart_peer (at 0.700000000s)") == at_ms(700));
  CHECK(note_at(r, "endorser", "the peer process dies") == at_ms(700));
  for (const char* txid : {"tx1", "tx2"}) {
    CAPTURE(txid);
    CHECK(outcome(r, txid).error == eof);
    CHECK(outcome(r, txid).completed == at_ms(700));
  }
  for (const char* cc : {"a", "b"}) {
    CAPTURE(cc);
    CHECK(end_detail(r, "peer", cc) == "(no stream_end)");  // nothing of the dead peer runs
    CHECK(end_detail(r, "shim", cc) == "receive failed: " + eof);
  }
  CHECK(has_note(r, "fault",
                 "terminate_stream (at 0.800000000s): chaincode a has no live stream; nothing "
                 "done"));
  CHECK(has_note(r, "fault",
                 "crash_container (at 0.900000000s): chaincode b has no running process; nothing "
                 "done"));
  CHECK(outcome(r, "tx3").status == 200);
  CHECK(outcome(r, "tx3").completed == at_ms(3503));  // a new container, start 500ms
}

// While the peer is down a proposal is refused by the host, at once; a chaincode process
// dialing meanwhile cannot connect and exits. 1.4's clients (grpc-go 1.15) say it through the
// balancer; its shims' read of a closed connection is "transport is closing".
TEST_CASE("restart_peer with down_for: refused while down, per client grpc") {
  const std::string text = R"({ "profile": "PROFILE", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "a", "launch_at": "0s", "functions": { "f": [ { "sleep": "2s" } ] } },
                    { "name": "late", "container": { "start": "1500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "chaincode": "a", "function": "f", "at": "500ms" },
                   { "txid": "tx0", "chaincode": "late", "function": "f", "at": "100ms" },
                   { "txid": "tx2", "chaincode": "a", "function": "f", "at": "2s" },
                   { "txid": "tx3", "chaincode": "a", "function": "f", "at": "6s" } ],
    "faults": [ { "at": "1s", "action": "restart_peer", "down_for": "4s" } ] })";
  struct Case {
    const char* profile;
    const char* in_flight;
    const char* refused;
    const char* shim;
  };
  for (const Case& c : std::vector<Case>{
           {"2.5", "rpc error: code = Unavailable desc = error reading from server: EOF",
            "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error "
            "while dialing: dial tcp 172.18.0.3:7051: connect: connection refused\"",
            "receive failed: rpc error: code = Unavailable desc = error reading from server: EOF"},
           {"1.4", "rpc error: code = Unavailable desc = transport is closing",
            "rpc error: code = Unavailable desc = all SubConns are in TransientFailure, latest "
            "connection error: connection error: desc = \"transport: Error while dialing dial "
            "tcp 172.18.0.3:7051: connect: connection refused\"",
            "receive failed: rpc error: code = Unavailable desc = transport is closing"}}) {
    CAPTURE(c.profile);
    std::string t = text;
    t.replace(t.find("PROFILE"), 7, c.profile);
    const auto r = scenario::run(scenario::load_text(t, "s.json"), {});
    CHECK(outcome(r, "tx1").error == std::string(c.in_flight));
    CHECK(outcome(r, "tx0").error == std::string(c.in_flight));  // its launch was under way
    CHECK(outcome(r, "tx2").error == std::string(c.refused));
    CHECK(outcome(r, "tx2").completed == at_ms(2000));
    CHECK(end_detail(r, "shim", "a") == std::string(c.shim));
    // late's container, started by the dead peer at 0.1s, dials at 1.6s: nobody listens.
    CHECK(has_note(r, "runtime",
                   "chaincode process late:1.0 cannot reach the peer: connection refused"));
    CHECK(note_at(r, "endorser", "the peer process starts") == at_ms(5000));
    CHECK(outcome(r, "tx3").status == 200);
  }
}

// SIGTERM: 2.2+ stop the containers they started first (Router.Shutdown); 1.x and a crash
// leave them to notice the closed connection.
TEST_CASE("restart_peer graceful: 2.5 stops its containers first, 1.4 does not") {
  const std::string text = R"({ "profile": "PROFILE", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "a", "launch_at": "0s", "functions": { "f": [] } } ],
    "proposals": [],
    "faults": [ { "at": "1s", "action": "restart_peer", "graceful": true } ] })";
  for (const char* profile : {"2.5", "1.4"}) {
    CAPTURE(profile);
    std::string t = text;
    t.replace(t.find("PROFILE"), 7, profile);
    const auto r = scenario::run(scenario::load_text(t, "s.json"), {});
    CHECK(has_note(r, "endorser", "the peer process stops (SIGTERM)"));
    const bool stops = std::string(profile) == "2.5";
    CHECK(has_note(r, "runtime", "chaincode process a:1.0 stopped: the peer is shutting down") ==
          stops);
    CHECK(has_note(r, "runtime",
                   stops ? "container a:1.0 exited with 137" : "container a:1.0 exited with 0"));
  }
}

// A fault whose target has no live stream is a note and nothing else: the run is the same
// as without it, apart from that note.
TEST_CASE("a fault on a chaincode without a live stream is noted and does nothing") {
  const std::string base = R"({
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" } ])";
  const auto plain = scenario::run(scenario::load_text(base + "}", "plain.json"), {});
  const auto faulted = scenario::run(scenario::load_text(base + R"(, "faults": [
        { "at": "100ms", "chaincode": "cc", "action": "terminate_stream" },
        { "at": "200ms", "chaincode": "cc", "action": "half_close", "side": "shim" },
        { "at": "300ms", "chaincode": "cc", "action": "fail_next_send", "side": "peer" } ] })",
                                                         "faulted.json"),
                                     {});
  CHECK(faulted.trace.count() == plain.trace.count() + 3);
  CHECK(note_at(faulted, "fault",
                "terminate_stream (at 0.100000000s): chaincode cc has no live stream; nothing "
                "done") == at_ms(100));
  REQUIRE(faulted.outcomes.size() == 1);
  CHECK(faulted.outcomes[0].status == 200);
  CHECK(faulted.outcomes[0].completed == plain.outcomes[0].completed);
}

TEST_CASE("faults are deterministic: same scenario and seed, same trace") {
  const auto s = scenario::load_text(R"({
    "network": { "latency": { "min": "100us", "max": "5ms" } },
    "chaincodes": [ { "name": "cc", "container": { "crash": { "after_messages": 7 } },
                      "functions": { "f": [ { "get_state": "a" }, { "get_state": "b" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1ms" },
                   { "txid": "tx3", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1s" } ],
    "faults": [ { "after": { "type": "RESPONSE", "from": "peer", "count": 3 }, "chaincode": "cc",
                  "action": "restart_container" },
                { "at": "1002ms", "action": "restart_peer" } ]
  })",
                                     "det.json");
  for (std::uint64_t seed : {1, 2, 3}) {
    CAPTURE(seed);
    const auto a = scenario::run(s, {.seed = seed});
    const auto b = scenario::run(s, {.seed = seed});
    CHECK(a.digest() == b.digest());
    CHECK(testing::jsonl_of(a) == testing::jsonl_of(b));
    CHECK(a.outcomes.size() == 3);
  }
}

// --- Bundled scenarios --------------------------------------------------------------------

TEST_CASE("bundled fault scenarios hold their expectations") {
  for (const char* name : {"stream_terminated", "container_exit_before_register",
                           "container_never_registers", "send_failure", "restart_container"}) {
    CAPTURE(name);
    const auto s =
        scenario::load_file(testing::source_path(std::string("scenarios/") + name + ".json"));
    CHECK_FALSE(s.expect.outcomes.empty());
    const auto r = scenario::run(s, {.seed = s.default_seed});
    CHECK(r.failures == std::vector<std::string>{});
    CHECK_FALSE(r.limit_error);
  }
}

// --- Validation -----------------------------------------------------------------------------

namespace {
std::string with_faults(const std::string& faults) {
  return R"({"chaincodes": [ { "name": "cc", "functions": { "f": [] } } ], "proposals": [], "faults": )" +
         faults + "}";
}
std::string with_container(const std::string& container) {
  return R"({"chaincodes": [ { "name": "cc", "container": )" + container +
         R"(, "functions": { "f": [] } } ], "proposals": []})";
}
}  // namespace

TEST_CASE("faults: a valid list loads into fabric::Fault values") {
  const auto s = scenario::load_text(with_faults(R"([
    { "at": "1.5s", "chaincode": "cc", "action": "terminate_stream" },
    { "after": { "type": "GET_STATE", "from": "shim", "count": 3 }, "chaincode": "cc",
      "action": "fail_next_send", "side": "shim", "error": "boom" },
    { "at": "2s", "action": "restart_peer" },
    { "at": "3s", "chaincode": "cc", "action": "restart_container", "exit_code": 137 } ])"),
                                     "f.json");
  REQUIRE(s.faults.size() == 4);
  CHECK(s.faults[0].at == kernel::Time::zero() + kernel::Duration::milliseconds(1500));
  CHECK(s.faults[0].action == fabric::Fault::Action::kTerminateStream);
  REQUIRE(s.faults[1].after);
  CHECK(s.faults[1].after->type == fabric::MessageType::GET_STATE);
  CHECK(s.faults[1].after->from == fabric::Side::kShim);
  CHECK(s.faults[1].after->count == 3);
  CHECK(s.faults[1].side == fabric::Side::kShim);
  CHECK(s.faults[1].error == "boom");
  CHECK(s.faults[2].chaincode.empty());
  CHECK(s.faults[3].exit_code == 137);
}

TEST_CASE("faults: each bad fault names its JSON pointer and what is wrong") {
  CHECK(load_error(with_faults(R"([ { "at": "1s", "chaincode": "cc", "action": "explode" } ])")) ==
        "s.json: /faults/0/action: unknown action \"explode\"; expected one of: terminate_stream, "
        "half_close, fail_next_send, crash_container, restart_container, restart_peer, inject, "
        "withhold, delay, fail_next_query_read");
  CHECK(
      load_error(with_faults(
          R"([ { "at": "1s", "after": { "type": "READY", "from": "peer" }, "chaincode": "cc", "action": "terminate_stream" } ])")) ==
      "s.json: /faults/0: a fault has either \"at\" or \"after\", not both");
  CHECK(load_error(with_faults(R"([ { "chaincode": "cc", "action": "terminate_stream" } ])")) ==
        "s.json: /faults/0: a fault needs \"at\" (a time) or \"after\" (a message on the "
        "chaincode's stream)");
  CHECK(load_error(
            with_faults(R"([ { "at": "1s", "chaincode": "x", "action": "terminate_stream" } ])")) ==
        "s.json: /faults/0/chaincode: no chaincode is named \"x\" (did you mean \"cc\"?)");
  CHECK(load_error(with_faults(R"([ { "at": "1s", "action": "terminate_stream" } ])")) ==
        "s.json: /faults/0: missing required key \"chaincode\"");
  CHECK(load_error(with_faults(
            R"([ { "after": { "type": "READY", "from": "peer" }, "action": "restart_peer" } ])")) ==
        "s.json: /faults/0: missing required key \"chaincode\" (\"after\" counts the messages of "
        "a chaincode's stream)");
  CHECK(
      load_error(with_faults(R"([ { "at": "1s", "chaincode": "cc", "action": "half_close" } ])")) ==
      "s.json: /faults/0: missing required key \"side\"");
  CHECK(load_error(with_faults(
            R"([ { "at": "1s", "chaincode": "cc", "action": "half_close", "side": "both" } ])")) ==
        "s.json: /faults/0/side: expected \"peer\" or \"shim\", got \"both\"");
  CHECK(
      load_error(with_faults(
          R"([ { "at": "1s", "chaincode": "cc", "action": "terminate_stream", "side": "peer" } ])")) ==
      "s.json: /faults/0/side: \"side\" applies only to half_close, fail_next_send and inject");
  CHECK(
      load_error(with_faults(
          R"([ { "at": "1s", "chaincode": "cc", "action": "crash_container", "error": "x" } ])")) ==
      "s.json: /faults/0/error: \"error\" applies only to fail_next_send and "
      "fail_next_query_read");
  CHECK(
      load_error(with_faults(
          R"([ { "at": "1s", "chaincode": "cc", "action": "terminate_stream", "exit_code": 1 } ])")) ==
      "s.json: /faults/0/exit_code: \"exit_code\" applies only to crash_container and "
      "restart_container");
  CHECK(
      load_error(with_faults(
          R"([ { "after": { "type": "TRANSACTON", "from": "peer" }, "chaincode": "cc", "action": "terminate_stream" } ])")) ==
      "s.json: /faults/0/after/type: unknown message type \"TRANSACTON\" (spell it as in the "
      "protobuf enum, e.g. \"TRANSACTION\")");
  CHECK(
      load_error(with_faults(
          R"([ { "after": { "type": "READY" }, "chaincode": "cc", "action": "terminate_stream" } ])")) ==
      "s.json: /faults/0/after: missing required key \"from\"");
  CHECK(
      load_error(
          with_faults(
              R"([ { "after": { "type": "READY", "from": "peer", "count": 0 }, "chaincode": "cc", "action": "terminate_stream" } ])"))
          .rfind("s.json: /faults/0/after/count: expected an integer from 1 to ", 0) == 0);
  CHECK(
      load_error(
          with_faults(
              R"([ { "at": "1s", "chaincode": "cc", "action": "terminate_stream", "when": "1s" } ])"))
          .rfind("s.json: /faults/0/when: unknown key \"when\"", 0) == 0);
  CHECK(load_error(with_faults(R"({})")) == "s.json: /faults: expected an array, got an object");
  CHECK(load_error(
            with_faults(R"([ { "at": "soon", "chaincode": "cc", "action": "terminate_stream" } ])"))
            .rfind("s.json: /faults/0/at: bad duration \"soon\"", 0) == 0);
}

TEST_CASE("container: behaviours load, and bad ones name their JSON pointer") {
  const auto s = scenario::load_text(
      with_container(R"({ "build": "1s", "start": "2s", "build_failure": "b", "start_failure": "s",
                          "crash": { "after_messages": 4 }, "exit_code": 1 })"),
      "f.json");
  const auto& c = s.chaincodes[0].container;
  CHECK(c.build_delay == kernel::Duration::seconds(1));
  CHECK(c.start_delay == kernel::Duration::seconds(2));
  CHECK(c.build_failure == "b");
  CHECK(c.start_failure == "s");
  REQUIRE(c.crash);
  CHECK(c.crash->after_messages == 4u);
  CHECK_FALSE(c.crash->at);
  CHECK(c.crash->exit_code == 2);
  CHECK(c.exit_code == 1);
  const auto e = scenario::load_text(
      with_container(R"({ "exit_before_register": { "after": "10ms", "code": 7 } })"), "f.json");
  REQUIRE(e.chaincodes[0].container.exit_before_register);
  CHECK(e.chaincodes[0].container.exit_before_register->after ==
        kernel::Duration::milliseconds(10));
  CHECK(e.chaincodes[0].container.exit_before_register->code == 7);

  CHECK(load_error(with_container(R"({ "never_register": true })")) ==
        "s.json: /chaincodes/0/container/never_register: unknown key \"never_register\" (did you "
        "mean \"never_registers\"?)");
  CHECK(load_error(with_container(R"({ "crash": { "at": "1s", "after_messages": 3 } })")) ==
        "s.json: /chaincodes/0/container/crash: a crash has either \"at\" or \"after_messages\", "
        "not both");
  CHECK(load_error(with_container(R"({ "crash": {} })")) ==
        "s.json: /chaincodes/0/container/crash: a crash needs \"at\" (a time after the container "
        "started) or \"after_messages\" (a number of messages the shim sent or received)");
  CHECK(load_error(with_container(R"({ "crash": { "after_messages": 0 } })"))
            .rfind("s.json: /chaincodes/0/container/crash/after_messages: expected an integer "
                   "from 1 to ",
                   0) == 0);
  CHECK(load_error(with_container(R"({ "exit_code": 256 })")) ==
        "s.json: /chaincodes/0/container/exit_code: expected an integer from 0 to 255, got 256");
  CHECK(load_error(with_container(R"({ "exit_before_register": { "after": "1s" } })")) ==
        "s.json: /chaincodes/0/container/exit_before_register: missing required key \"code\"");
  CHECK(
      load_error(with_container(
          R"({ "exit_before_register": { "after": "1s", "code": 1 }, "never_registers": true })")) ==
      "s.json: /chaincodes/0/container/never_registers: \"exit_before_register\" and "
      "\"never_registers\" exclude each other");
  CHECK(
      load_error(with_container(
          R"({ "exit_before_register": { "after": "1s", "code": 1 }, "crash": { "at": "2s" } })")) ==
      "s.json: /chaincodes/0/container/crash: \"exit_before_register\" and \"crash\" exclude "
      "each other (the process exits before it could crash)");
  CHECK(load_error(with_container(R"({ "build_failure": 1 })")) ==
        "s.json: /chaincodes/0/container/build_failure: expected a string, got a number");
  CHECK(load_error(with_container(R"({ "never_registers": "yes" })")) ==
        "s.json: /chaincodes/0/container/never_registers: expected true or false, got a string");
}

// inject carries every field of its message type: a TRANSACTION's args, an INVOKE_CHAINCODE's
// target and args, a range's keys, and is traced as a send by the injecting side.
TEST_CASE("inject: messages in full, traced as the injecting side's sends") {
  const auto s = scenario::load_text(R"({ "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "functions": {
        "f": [ { "put_state": { "key": "k", "value": "${args[1]}" } } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f",
                     "args": ["a"] } ],
    "faults": [
      { "at": "1s", "chaincode": "mycc", "action": "inject", "side": "peer",
        "message": { "type": "TRANSACTION", "txid": "tx9", "channel": "ch1", "args": ["f", "x"] } },
      { "at": "2s", "chaincode": "mycc", "action": "inject", "side": "shim",
        "message": { "type": "INVOKE_CHAINCODE", "txid": "tx8", "channel": "ch1",
                     "chaincode": "other/ch2", "args": ["g", "y"] } } ] })",
                                     "inject.json");
  const auto r = scenario::run(s, {});
  const auto sent = [&](const std::string& actor, const std::string& type) {
    const auto events = testing::events_of(r, kernel::TraceKind::kSend, actor, type);
    REQUIRE(!events.empty());
    return *events.front();
  };
  // The peer's TRANSACTION reaches the shim with its args: the user code runs with them (its
  // PUT_STATE writes "x"), and the peer, which has no context for tx9, refuses the request.
  const auto tx = sent("peer", "TRANSACTION");
  CHECK(tx.txid == "tx1");  // the real one first
  const auto injected_tx = testing::events_of(r, kernel::TraceKind::kSend, "peer", "TRANSACTION");
  REQUIRE(injected_tx.size() == 2);
  CHECK(injected_tx[1]->txid == "tx9");
  CHECK(injected_tx[1]->detail == "args=[\"f\",\"x\"]");
  CHECK(injected_tx[1]->t == testing::at_ms(1000));
  const auto puts = testing::events_of(r, kernel::TraceKind::kSend, "shim", "PUT_STATE");
  REQUIRE(puts.size() == 2);
  CHECK(puts[1]->detail == "key=\"k\" value=\"x\"");
  // The shim's INVOKE_CHAINCODE names its target and args; the peer answers ERROR.
  const auto invoke = sent("shim", "INVOKE_CHAINCODE");
  CHECK(invoke.txid == "tx8");
  CHECK(invoke.detail == "chaincode=\"other/ch2\" args=[\"g\",\"y\"]");
  bool refused = false;
  for (const auto* e : testing::events_of(r, kernel::TraceKind::kSend, "peer", "ERROR")) {
    refused = refused || e->detail ==
                             "\"INVOKE_CHAINCODE failed: transaction ID: tx8: could not "
                             "get valid transaction\"";
  }
  CHECK(refused);
}

// --- Scripted ends: a peer that withholds or delays its handshake, a chaincode that sends
// before its REGISTER (the situations Fabric's own handler tests script with a fake peer or
// chaincode; core/chaincode/handler_test.go, fabric-chaincode-go shim/handler_test.go).

namespace {
constexpr const char* kOneProposal = R"(
    "profile": "2.5", "network": { "latency": "1ms" },
    "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "cc", "function": "f" } ],)";
}  // namespace

// fabric-chaincode-go shim/handler.go (v2.3.0) handleEstablished: in established state only
// READY moves on; a TRANSACTION is "[%s] Chaincode h cannot handle message (%s) while in
// state: %s", sent back as ERROR, and chatWithPeer returns.
TEST_CASE("withhold READY: the TRANSACTION reaches a shim in established state (shim v2.3.0)") {
  const auto s = scenario::load_text(std::string("{") + kOneProposal + R"(
    "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
    "faults": [ { "action": "withhold", "chaincode": "cc", "message": "READY" } ] })",
                                     "w.json");
  const auto r = scenario::run(s, {});
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "peer", "READY").empty());
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "peer", "REGISTERED").size() == 1);
  CHECK(note_at(r, "peer", "the peer withholds READY (scenario)") == at_ms(1));
  const auto errors = testing::events_of(r, kernel::TraceKind::kSend, "shim", "ERROR");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->detail ==
        "\"[tx1] Chaincode h cannot handle message (TRANSACTION) while in state: established\"");
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: error sending: chaincode stream terminated");
}

TEST_CASE("withhold REGISTERED: READY reaches a shim in created state (shim v2.3.0)") {
  const auto s = scenario::load_text(std::string("{") + kOneProposal + R"(
    "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
    "faults": [ { "action": "withhold", "chaincode": "cc", "message": "REGISTERED" } ] })",
                                     "w.json");
  const auto r = scenario::run(s, {});
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "peer", "REGISTERED").empty());
  const auto errors = testing::events_of(r, kernel::TraceKind::kSend, "shim", "ERROR");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->detail ==
        "\"[] Chaincode h cannot handle message (READY) while in state: created\"");
}

TEST_CASE("delay READY: sent by late, after what the peer sends meanwhile, once only") {
  // mycc runs from the start; READY is due at 1ms + 1s; nothing is sent meanwhile here, so
  // the shim gets it at 1.002s and tx1 at 2s completes.
  const auto s = scenario::load_text(R"({ "profile": "2.5", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "launch_at": "0", "functions": { "f": [] } } ],
    "proposals": [ { "at": "2s", "txid": "tx1", "channel": "ch1", "chaincode": "cc", "function": "f" } ],
    "faults": [ { "action": "delay", "chaincode": "cc", "message": "READY", "by": "1s" },
                { "action": "delay", "chaincode": "cc", "message": "READY", "by": "5s" } ] })",
                                     "d.json");
  const auto r = scenario::run(s, {});
  const auto ready = testing::events_of(r, kernel::TraceKind::kSend, "peer", "READY");
  REQUIRE(ready.size() == 1);  // the second rule waits for a second READY, which never comes
  CHECK(ready[0]->t == at_ms(1001));
  CHECK(note_at(r, "peer", "the peer sends READY 1s late (scenario)") == at_ms(1));
  CHECK(outcome(r, "tx1").status == 200);
}

// core/chaincode/handler.go (v2.5.0) handleMessageCreatedState: only REGISTER; anything else
// is "[%s] Fabric side handler cannot handle message (%s) while in created state" and
// ProcessStream ends the stream.
TEST_CASE("before_register: the 2.5 peer refuses a message in created state (handler.go v2.5.0)") {
  const auto s = scenario::load_text(std::string("{") + kOneProposal + R"(
    "chaincodes": [ { "name": "cc", "functions": { "f": [] }, "container": { "before_register": [
      { "type": "PUT_STATE", "txid": "tx1", "channel": "ch1", "key": "k", "value": "v" } ] } } ] })",
                                     "b.json");
  const auto r = scenario::run(s, {});
  const auto puts = testing::events_of(r, kernel::TraceKind::kSend, "shim", "PUT_STATE");
  REQUIRE(puts.size() == 1);
  CHECK(puts[0]->t == at_ms(0));
  const auto registers = testing::events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER");
  REQUIRE(registers.size() == 1);
  CHECK(end_detail(r, "peer", "cc") ==
        "error handling message, ending stream: [tx1] Fabric side handler cannot handle message "
        "(PUT_STATE) while in created state");
  CHECK(outcome(r, "tx1").error ==
        "failed to execute transaction tx1: could not launch chaincode cc:1.0: chaincode "
        "registration failed: container exited with 0");
}

TEST_CASE("scripted ends: bad withhold, delay and before_register name their JSON pointer") {
  CHECK(load_error(with_faults(
            R"([ { "action": "withhold", "chaincode": "cc", "message": "TRANSACTION" } ])")) ==
        "s.json: /faults/0/message: expected \"REGISTERED\" or \"READY\" (the peer's half of the "
        "handshake), got \"TRANSACTION\"");
  CHECK(load_error(with_faults(R"([ { "action": "withhold", "chaincode": "cc" } ])")) ==
        "s.json: /faults/0: missing required key \"message\"");
  CHECK(load_error(with_faults(R"([ { "action": "withhold", "message": "READY" } ])")) ==
        "s.json: /faults/0: missing required key \"chaincode\"");
  CHECK(load_error(
            with_faults(R"([ { "action": "withhold", "chaincode": "x", "message": "READY" } ])")) ==
        "s.json: /faults/0/chaincode: no chaincode is named \"x\" (did you mean \"cc\"?)");
  CHECK(
      load_error(with_faults(
          R"([ { "at": "1s", "action": "withhold", "chaincode": "cc", "message": "READY" } ])")) ==
      "s.json: /faults/0/at: \"at\" does not apply to withhold: it applies to the peer's first "
      "such message to the chaincode");
  CHECK(load_error(
            with_faults(R"([ { "action": "delay", "chaincode": "cc", "message": "READY" } ])")) ==
        "s.json: /faults/0: missing required key \"by\"");
  CHECK(
      load_error(
          with_faults(
              R"([ { "action": "delay", "chaincode": "cc", "message": "READY", "by": "soon" } ])"))
          .rfind("s.json: /faults/0/by: ", 0) == 0);
  CHECK(
      load_error(with_faults(
          R"([ { "action": "withhold", "chaincode": "cc", "message": "READY", "by": "1s" } ])")) ==
      "s.json: /faults/0/by: \"by\" applies only to delay");
  CHECK(
      load_error(with_faults(
          R"([ { "at": "1s", "action": "terminate_stream", "chaincode": "cc", "by": "1s" } ])")) ==
      "s.json: /faults/0/by: \"by\" applies only to delay");
  CHECK(
      load_error(with_faults(
          R"([ { "action": "withhold", "chaincode": "cc", "message": "READY", "side": "shim" } ])")) ==
      "s.json: /faults/0/side: withhold scripts the peer's handshake: \"side\" can only be "
      "\"peer\"");
  CHECK(load_error(with_container(
            R"({ "never_registers": true, "before_register": [ { "type": "GET_STATE" } ] })")) ==
        "s.json: /chaincodes/0/container/before_register: \"before_register\" and "
        "\"never_registers\" exclude each other (the process never dials the peer)");
  CHECK(load_error(with_container(R"({ "before_register": [ { "type": "NOPE" } ] })")) ==
        "s.json: /chaincodes/0/container/before_register/0/type: unknown message type \"NOPE\" "
        "(spell it as in the protobuf enum)");
  CHECK(load_error(with_container(R"({ "before_register": { "type": "GET_STATE" } })")) ==
        "s.json: /chaincodes/0/container/before_register: expected an array, got an object");
}

// Issue 13 item 6: a chaincode that dies after REGISTER and before READY, per release. Right
// after sending REGISTER (1 message) the REGISTER is lost with the stream: the launch waits
// for one that never comes, until the startup timeout before 1.4.1 (no container exit
// detection, FAB-13238) and not at all from 1.4.1 ("container exited with 2"). Right after
// receiving REGISTERED (2 messages) the peer has registered the handler and sent READY, so
// the launch succeeds and the TRANSACTION goes to a dead stream: the execute timeout before
// 1.4.4, "chaincode stream terminated" from 1.4.4 (streamDone, FAB-16610). Texts as in
// docs/bugs.md sections 2 and 3.
TEST_CASE("a chaincode that dies after REGISTER and before READY, per release") {
  struct Case {
    const char* profile;
    int after_messages;
    std::int64_t answered_ms;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"1.0", 1, 301'000,
       "Timeout expired while starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)"},
      {"1.2", 1, 301'000,
       "failed to execute transaction tx1: timeout expired while starting chaincode mycc:1.0 for "
       "transaction tx1"},
      {"1.4", 1, 1'000,
       "failed to execute transaction tx1: [channel mychannel] could not launch chaincode "
       "mycc:1.0: chaincode registration failed: container exited with 2"},
      {"2.5", 1, 1'000,
       "failed to execute transaction tx1: could not launch chaincode mycc:1.0: chaincode "
       "registration failed: container exited with 2"},
      {"1.0", 2, 31'001,
       "Failed to execute transaction (Timeout expired while executing transaction)"},
      {"1.2", 2, 31'001,
       "failed to execute transaction tx1: error sending: timeout expired while executing "
       "transaction"},
      {"1.4", 2, 1'002,
       "failed to execute transaction tx1: error sending: chaincode stream terminated"},
      {"2.5", 2, 1'002,
       "failed to execute transaction tx1: error sending: chaincode stream terminated"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.profile);
    CAPTURE(c.after_messages);
    const std::string text = std::string(R"({ "profile": ")") + c.profile +
                             R"(", "network": { "latency": "1ms" },
        "chaincodes": [ { "name": "mycc", "functions": { "f": [] },
                          "container": { "crash": { "after_messages": )" +
                             std::to_string(c.after_messages) + R"( } } } ],
        "proposals": [ { "at": "1s", "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })";
    const auto r = scenario::run(scenario::load_text(text, "s.json"), {});
    REQUIRE(r.outcomes.size() == 1);
    CHECK(r.outcomes[0].error == std::string(c.error));
    CHECK(r.outcomes[0].completed == at_ms(c.answered_ms));
  }
}

TEST_CASE("restart_peer and reconnect: what cannot load") {
  CHECK(load_error(R"({ "chaincodes": [ { "name": "a" } ], "proposals": [],
      "faults": [ { "at": "1s", "chaincode": "a", "action": "terminate_stream", "down_for": "1s" } ] })") ==
        "s.json: /faults/0/down_for: \"down_for\" applies only to restart_peer");
  CHECK(load_error(R"({ "chaincodes": [ { "name": "a" } ], "proposals": [],
      "faults": [ { "at": "1s", "chaincode": "a", "action": "crash_container", "graceful": true } ] })") ==
        "s.json: /faults/0/graceful: \"graceful\" applies only to restart_peer");
  CHECK(load_error(
            R"({ "chaincodes": [ { "name": "a", "container": { "reconnect": { "after": "0" } } } ],
      "proposals": [] })") ==
        "s.json: /chaincodes/0/container/reconnect/after: a redial delay must be positive");
}

// Without reconnect the same crash leaves nothing behind: the shim exits with its stream, and
// tx1's launch after the restart succeeds. (With it: scenarios/language/peer_restart_reconnect.)
TEST_CASE("restart_peer: a shim that exits with its stream leaves the next launch alone") {
  const auto r = scenario::run(scenario::load_text(R"({ "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "launch_at": "0s", "container": { "start": "500ms" },
                      "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f", "at": "6s" } ],
    "faults": [ { "at": "1s", "action": "restart_peer", "down_for": "2500ms" } ] })",
                                                   "s.json"),
                               {});
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").completed == at_ms(6503));
}

// Issue 13 item 6: a handler panic where a release panics. No release dereferences a missing
// transaction context (each checks it first); an INVOKE_CHAINCODE whose ChaincodeSpec has no
// ChaincodeId is dereferenced in every release (ParseName(chaincodeSpec.ChaincodeId.Name) in
// HandleInvokeChaincode, 1.2-3.x; getChaincodeInstance in 1.0/1.1's enterBusyState), in a
// goroutine without recover: the peer process dies, until 2.5.16/3.1.5's HandleTransaction
// recover (c748fd8b3, fabric#5048), which answers ERROR instead.
TEST_CASE("a nil ChaincodeId panics the peer, or is recovered from 2.5.16 on") {
  const std::string text = R"({ "profile": "PROFILE", OVERRIDES "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "launch_at": "0s", "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f", "at": "1s" },
                   { "txid": "tx2", "chaincode": "mycc", "function": "f", "at": "3s" } ],
    "faults": [ { "at": "1500ms", "chaincode": "mycc", "action": "inject", "side": "shim",
                  "message": { "type": "INVOKE_CHAINCODE", "txid": "tx1", "channel": "mychannel",
                               "chaincode": null } } ] })";
  const auto run_as = [&](const std::string& profile, const std::string& overrides) {
    std::string t = text;
    t.replace(t.find("PROFILE"), 7, profile);
    t.replace(t.find("OVERRIDES"), 9, overrides);
    return scenario::run(scenario::load_text(t, "s.json"), {});
  };
  struct Case {
    const char* profile;
    const char* client;
  };
  for (const Case& c : std::vector<Case>{
           {"1.1", "rpc error: code = Unavailable desc = transport is closing"},
           {"1.4", "rpc error: code = Unavailable desc = transport is closing"},
           {"2.5", "rpc error: code = Unavailable desc = error reading from server: EOF"},
           {"3.0", "rpc error: code = Unavailable desc = error reading from server: EOF"}}) {
    CAPTURE(c.profile);
    const auto r = run_as(c.profile, "");
    CHECK(note_at(r, "peer",
                  "panic: runtime error: invalid memory address or nil pointer dereference (the "
                  "peer process dies)") == at_ms(1501));
    CHECK(outcome(r, "tx1").error == std::string(c.client));
    CHECK(outcome(r, "tx1").completed == at_ms(1501));
    // Nothing restarts it: tx2's client cannot connect.
    CHECK(outcome(r, "tx2").error.value_or("").find("connect: connection refused") !=
          std::string::npos);
  }
  const auto recovered = run_as("2.5", R"("overrides": { "handler_recovers_panics": true },)");
  CHECK(has_note(recovered, "peer",
                 "[tx1] Recovered from panic handling INVOKE_CHAINCODE: runtime error: invalid "
                 "memory address or nil pointer dereference"));
  const auto errors = events_of(recovered, kernel::TraceKind::kSend, "peer", "ERROR");
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0]->detail ==
        "\"INVOKE_CHAINCODE failed: transaction ID: tx1: panic during execution\"");
  CHECK(outcome(recovered, "tx2").status == 200);  // the peer lives on
}

// Issue 13 item 6: Runtime.Start returns an error although the daemon started the container
// (the docker client gave up on a slow daemon). From 1.2 the launch selects on the launch
// state and startFailCh, whose buffer of one takes the late error when registration came
// first: nobody reads it, and the process serves on (core/chaincode/runtime_launcher.go, 1.4
// and 2.5). 1.1 sends on an unbuffered errChan that nobody reads any more (the goroutine
// blocks). 1.0 calls VMCProcess synchronously: its error fails the launch whatever
// registered meanwhile, and deletes the running-chaincode entry (chaincode_support.go, 1.0).
TEST_CASE("a start error returned after the process registered, per release") {
  struct Case {
    const char* profile;
    std::optional<std::int64_t> tx1_status;
    std::int64_t tx1_ms;
    std::optional<std::string> tx1_error;
    const char* note_actor;
    const char* note;
  };
  const std::vector<Case> cases = {
      {"1.0", std::nullopt, 2'000, "Error starting container: docker: request timed out", "", ""},
      {"1.1", 200, 503, std::nullopt, "launcher",
       "launch goroutine blocked forever on errChan: error starting container: docker: request "
       "timed out"},
      {"1.4", 200, 503, std::nullopt, "launcher",
       "launch mycc:1.0: the start error after the launch ended goes unread"},
      {"2.5", 200, 503, std::nullopt, "launcher",
       "launch mycc:1.0: the start error after the launch ended goes unread"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.profile);
    const std::string text = std::string(R"({ "profile": ")") + c.profile +
                             R"(", "network": { "latency": "1ms" },
        "chaincodes": [ { "name": "mycc", "functions": { "f": [] },
                          "container": { "start": "500ms",
                            "start_failure": { "error": "docker: request timed out", "after": "2s" } } } ],
        "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })";
    const auto r = scenario::run(scenario::load_text(text, "s.json"), {});
    CHECK(outcome(r, "tx1").status == c.tx1_status);
    CHECK(outcome(r, "tx1").error == c.tx1_error);
    CHECK(outcome(r, "tx1").completed == at_ms(c.tx1_ms));
    CHECK(has_note(r, "runtime",
                   "start container mycc:1.0 returns an error (the container runs): docker: "
                   "request timed out"));
    if (*c.note_actor != '\0') CHECK(note_at(r, c.note_actor, c.note) == at_ms(2'000));
  }
}

// The same late error before the process registered fails the launch at once. 1.2-1.4 stop
// the container (exit code 137), so nothing ever dials; 2.x does not stop it (Launch has no
// Runtime.Stop, 2.0-3.x), and the process that dials later finds its launch state deregistered:
// `peer will not accept external chaincode connection` (core/chaincode/handler_registry.go).
// HandleRegister answers a refused Register with nothing (notifyRegistry only logs it, 2.5
// core/chaincode/handler.go): the shim waits in "created" on an open stream.
TEST_CASE("a start error returned before the process registered: 1.4 stops it, 2.5 refuses it") {
  const std::string text = R"({ "profile": "PROFILE", "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "functions": { "f": [] },
                        "container": { "start": "1s",
                          "start_failure": { "error": "docker: request timed out", "after": "200ms" } } } ],
      "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })";
  const std::string cause =
      "could not launch chaincode mycc:1.0: error starting container: error starting container: "
      "docker: request timed out";
  for (const char* profile : {"1.4", "2.5"}) {
    CAPTURE(profile);
    std::string t = text;
    t.replace(t.find("PROFILE"), 7, profile);
    const auto r = scenario::run(scenario::load_text(t, "s.json"), {});
    const bool is_14 = std::string(profile) == "1.4";
    CHECK(outcome(r, "tx1").error == "failed to execute transaction tx1: " +
                                         std::string(is_14 ? "[channel mychannel] " : "") + cause);
    CHECK(outcome(r, "tx1").completed == at_ms(200));
    CHECK(has_note(r, "runtime", "chaincode process mycc:1.0 stopped after a failed launch") ==
          is_14);
    const auto sends = events_of(r, kernel::TraceKind::kSend);
    if (is_14) {
      CHECK(sends.empty());
    } else {
      REQUIRE(sends.size() == 1);
      CHECK(sends[0]->type == "REGISTER");
      CHECK(sends[0]->t == at_ms(1'000));
      CHECK(note_at(r, "peer",
                    "register failed: peer will not accept external chaincode connection "
                    "mycc:1.0 (except in dev mode)") == at_ms(1'001));
      CHECK(end_at(r, "shim", "mycc") == std::nullopt);
    }
  }
}

TEST_CASE("start_failure with a time: what cannot load") {
  CHECK(load_error(with_container(R"({ "start_failure": { "error": "x" } })")) ==
        "s.json: /chaincodes/0/container/start_failure: missing required key \"after\"");
  CHECK(load_error(with_container(R"({ "start_failure": 3 })")) ==
        "s.json: /chaincodes/0/container/start_failure: expected an error text, or an object "
        "{\"error\", \"after\"}, got a number");
  CHECK(load_error(with_container(R"({ "start_failure": { "error": "x", "after": "-1s" } })"))
            .find("s.json: /chaincodes/0/container/start_failure/after: ") == 0);
}
