// Table-driven tests of the chaincode-side ShimHandler's handleMessage, S-go as
// fabric-chaincode-go ships it for Fabric 2.x (fabric-protocol.md 3.1, 3.4, 6.4): a real
// fabric::ShimHandler at End::kB, a recording fake peer at End::kA. The shim is driven into
// each state, then every ChaincodeMessage.Type (all 23, UNDEFINED included) is injected
// once and S-go's reaction checked: what the shim sends, its state, and whether it exits.
#include <doctest/doctest.h>

#include "state_table_support.hpp"

#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/shim_handler.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim;
using fabric::ChaincodeMessage;
using fabric::MessageType;

// the full txid of "cannot handle message" are both visible.

namespace {

using ShimState = fabric::ShimHandler::State;

/// What S-go does with the injected message.
enum class Expect {
  kEchoed,         // KEEPALIVE: the same message goes back; no exit, state unchanged
  kEstablished,    // created + REGISTERED: state established, nothing sent
  kReady,          // established + READY: state ready, nothing sent
  kRunsUserCode,   // ready + INIT/TRANSACTION: the user code runs, COMPLETED comes back
  kErrorThenExit,  // ERROR{payload = text, txid, no channel_id} sent, then the loop ends
};

const char* to_string(Expect e) {
  switch (e) {
    case Expect::kEchoed:
      return "echoed";
    case Expect::kEstablished:
      return "to-established";
    case Expect::kReady:
      return "to-ready";
    case Expect::kRunsUserCode:
      return "runs-user-code";
    case Expect::kErrorThenExit:
      return "error-then-exit";
  }
  return "?";
}

struct Row {
  MessageType type;
  Expect expect;
  const char* text;     // the ERROR payload the shim sends
  const char* section;  // of fabric-protocol.md
};

std::string describe(ShimState state, const Row& row) {
  std::ostringstream out;
  out << "shim in " << fabric::to_string(state) << " receives " << fabric::to_string(row.type)
      << ": expect " << to_string(row.expect) << " \"" << row.text << "\" (fabric-protocol "
      << row.section << ")";
  return out.str();
}

fabric::ChaincodeDefinition chaincode() {
  fabric::ChaincodeDefinition def;
  def.name = "cc";
  def.version = "1.0";
  fabric::Step ret;
  ret.op = fabric::Step::Op::kReturn;
  ret.response = fabric::Response{fabric::Response::kOk, "", "ok"};
  def.functions["f"].steps.push_back(ret);
  return def;
}

/// One ShimHandler on one stream, with the exits it reports.
struct ShimHarness {
  kernel::SeededDecisionSource source{1};
  kernel::Decisions decisions{source};
  kernel::Trace trace;
  kernel::Simulation sim{decisions, trace};
  fabric::ChaincodeStream stream{
      sim, [](kernel::End, const ChaincodeMessage&) { return kernel::Duration::milliseconds(1); }};
  fabric::PeerConfig config;
  fabric::ChaincodeDefinition definition = chaincode();
  testing::RecordingEnd peer;
  std::vector<std::pair<std::string, int>> exits;
  fabric::ShimHandler shim{
      sim,
      config,
      stream,
      kernel::End::kB,
      "cc",
      definition,
      [this](const std::string& reason, int code) { exits.emplace_back(reason, code); }};

  ShimHarness() { stream.attach(kernel::End::kA, &peer); }

  void send_from_peer(ChaincodeMessage msg) {
    REQUIRE_FALSE(stream.send(kernel::End::kA, std::move(msg)).has_value());
    sim.run();
  }

  void send_from_peer(MessageType type) {
    ChaincodeMessage msg;
    msg.type = type;
    send_from_peer(std::move(msg));
  }

  /// start() (REGISTER goes out), then the peer's side of registration up to `state`.
  void reach(ShimState state) {
    shim.start();
    sim.run();
    REQUIRE(peer.got.size() == 1);
    REQUIRE(peer.got[0].type == MessageType::REGISTER);
    CHECK(peer.got[0].chaincode_id == "cc:1.0");
    if (state != ShimState::kCreated) send_from_peer(MessageType::REGISTERED);
    if (state == ShimState::kReady) send_from_peer(MessageType::READY);
    REQUIRE(shim.state() == state);
    REQUIRE(exits.empty());
    REQUIRE_FALSE(peer.closed.has_value());
    peer.got.clear();
  }
};

ChaincodeMessage injected(MessageType type) {
  ChaincodeMessage msg;
  msg.type = type;
  msg.txid = CCSIM_TEST_TXID;
  msg.channel_id = CCSIM_TEST_CHANNEL;
  msg.args = {"f"};  // INIT ignores it; TRANSACTION dispatches on args[0]
  msg.has_proposal = type == MessageType::INIT || type == MessageType::TRANSACTION;
  return msg;
}

void check_alive(const ShimHarness& h) {
  CHECK(h.exits.empty());
  CHECK_FALSE(h.shim.exited());
  CHECK_FALSE(h.peer.closed.has_value());
}

void run_row(ShimState state, const Row& row) {
  const std::string what = describe(state, row);
  CAPTURE(what);
  ShimHarness h;
  h.reach(state);
  h.send_from_peer(injected(row.type));

  switch (row.expect) {
    case Expect::kEchoed:
      REQUIRE(h.peer.got.size() == 1);
      CHECK(h.peer.got[0].type == MessageType::KEEPALIVE);
      CHECK(h.shim.state() == state);
      check_alive(h);
      break;
    case Expect::kEstablished:
      CHECK(h.peer.got.empty());
      CHECK(h.shim.state() == ShimState::kEstablished);
      check_alive(h);
      break;
    case Expect::kReady:
      CHECK(h.peer.got.empty());
      CHECK(h.shim.state() == ShimState::kReady);
      check_alive(h);
      break;
    case Expect::kRunsUserCode:
      REQUIRE(h.peer.got.size() == 1);
      CHECK(h.peer.got[0].type == MessageType::COMPLETED);
      CHECK(h.peer.got[0].txid == CCSIM_TEST_TXID);
      CHECK(h.peer.got[0].channel_id == CCSIM_TEST_CHANNEL);
      CHECK(h.peer.got[0].response.status == fabric::Response::kOk);
      CHECK(h.shim.state() == ShimState::kReady);
      check_alive(h);
      break;
    case Expect::kErrorThenExit:
      REQUIRE(h.peer.got.size() == 1);
      CHECK(h.peer.got[0].type == MessageType::ERROR);
      CHECK(h.peer.got[0].text == std::string(row.text));
      CHECK(h.peer.got[0].txid == CCSIM_TEST_TXID);  // the full txid, as the message had it
      CHECK(h.peer.got[0].channel_id.empty());       // even though the message had one
      REQUIRE(h.exits.size() == 1);
      CHECK(h.exits[0].first == std::string("error handling message: ") + row.text);
      CHECK(h.exits[0].second == 0);  // main() returns after shim.Start fails
      CHECK(h.shim.exited());
      REQUIRE(h.peer.closed.has_value());  // the client's deferred CloseSend
      CHECK(h.peer.closed->eof);
      break;
  }
}

void run_table(ShimState state, const std::vector<Row>& rows) {
  testing::run_state_table(
      rows, [state](const Row& row) { return describe(state, row); },
      [state](const Row& row) { run_row(state, row); });
}

}  // namespace

TEST_CASE("fabric-protocol 3.4: shim in created state, every message type") {
  const std::vector<Row> rows = {
      {MessageType::UNDEFINED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (UNDEFINED) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::REGISTER, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (REGISTER) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::REGISTERED, Expect::kEstablished, "", "3.4 created"},
      {MessageType::INIT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (INIT) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::READY, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (READY) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::TRANSACTION, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (TRANSACTION) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::COMPLETED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (COMPLETED) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::ERROR, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (ERROR) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::GET_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::PUT_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PUT_STATE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::DEL_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (DEL_STATE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::INVOKE_CHAINCODE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (INVOKE_CHAINCODE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::RESPONSE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (RESPONSE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::GET_STATE_BY_RANGE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE_BY_RANGE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::GET_QUERY_RESULT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_QUERY_RESULT) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::QUERY_STATE_NEXT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (QUERY_STATE_NEXT) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::QUERY_STATE_CLOSE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (QUERY_STATE_CLOSE) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.4 KEEPALIVE"},
      {MessageType::GET_HISTORY_FOR_KEY, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_HISTORY_FOR_KEY) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::GET_STATE_METADATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE_METADATA) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::PUT_STATE_METADATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PUT_STATE_METADATA) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::GET_PRIVATE_DATA_HASH, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_PRIVATE_DATA_HASH) while in state: created",
       "3.4 created, 6.4 #7"},
      {MessageType::PURGE_PRIVATE_DATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PURGE_PRIVATE_DATA) while in state: created",
       "3.4 created, 6.4 #7"},
  };
  run_table(ShimState::kCreated, rows);
}

TEST_CASE("fabric-protocol 3.4: shim in established state, every message type") {
  const std::vector<Row> rows = {
      {MessageType::UNDEFINED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (UNDEFINED) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::REGISTER, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (REGISTER) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::REGISTERED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (REGISTERED) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::INIT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (INIT) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::READY, Expect::kReady, "", "3.4 established"},
      {MessageType::TRANSACTION, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (TRANSACTION) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::COMPLETED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (COMPLETED) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::ERROR, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (ERROR) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::GET_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::PUT_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PUT_STATE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::DEL_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (DEL_STATE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::INVOKE_CHAINCODE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (INVOKE_CHAINCODE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::RESPONSE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (RESPONSE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::GET_STATE_BY_RANGE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE_BY_RANGE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::GET_QUERY_RESULT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_QUERY_RESULT) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::QUERY_STATE_NEXT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (QUERY_STATE_NEXT) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::QUERY_STATE_CLOSE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (QUERY_STATE_CLOSE) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.4 KEEPALIVE"},
      {MessageType::GET_HISTORY_FOR_KEY, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_HISTORY_FOR_KEY) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::GET_STATE_METADATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE_METADATA) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::PUT_STATE_METADATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PUT_STATE_METADATA) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::GET_PRIVATE_DATA_HASH, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_PRIVATE_DATA_HASH) while in state: established",
       "3.4 established, 6.4 #7"},
      {MessageType::PURGE_PRIVATE_DATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PURGE_PRIVATE_DATA) while in state: established",
       "3.4 established, 6.4 #7"},
  };
  run_table(ShimState::kEstablished, rows);
}

// No stub call is waiting, so a RESPONSE or ERROR finds no response channel: fatal in S-go
// for both (FAB-14770 merged the paths; section 6.4 #6).
TEST_CASE("fabric-protocol 3.4: shim in ready state, every message type") {
  const std::vector<Row> rows = {
      {MessageType::UNDEFINED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (UNDEFINED) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::REGISTER, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (REGISTER) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::REGISTERED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (REGISTERED) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::INIT, Expect::kRunsUserCode, "", "3.4 ready, 3.1"},
      {MessageType::READY, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (READY) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::TRANSACTION, Expect::kRunsUserCode, "", "3.4 ready, 3.1"},
      {MessageType::COMPLETED, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (COMPLETED) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::ERROR, Expect::kErrorThenExit,
       "[" CCSIM_TEST_SHORT_TXID "] responseChannel does not exist", "3.4 ready, 6.4 #6"},
      {MessageType::GET_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (GET_STATE) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::PUT_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (PUT_STATE) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::DEL_STATE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID "] Chaincode h cannot handle message (DEL_STATE) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::INVOKE_CHAINCODE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (INVOKE_CHAINCODE) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::RESPONSE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_SHORT_TXID "] responseChannel does not exist", "3.4 ready, 6.4 #6"},
      {MessageType::GET_STATE_BY_RANGE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE_BY_RANGE) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::GET_QUERY_RESULT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_QUERY_RESULT) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::QUERY_STATE_NEXT, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (QUERY_STATE_NEXT) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::QUERY_STATE_CLOSE, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (QUERY_STATE_CLOSE) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.4 KEEPALIVE"},
      {MessageType::GET_HISTORY_FOR_KEY, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_HISTORY_FOR_KEY) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::GET_STATE_METADATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_STATE_METADATA) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::PUT_STATE_METADATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PUT_STATE_METADATA) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::GET_PRIVATE_DATA_HASH, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (GET_PRIVATE_DATA_HASH) while in state: ready",
       "3.4 ready, 6.4 #7"},
      {MessageType::PURGE_PRIVATE_DATA, Expect::kErrorThenExit,
       "[" CCSIM_TEST_TXID
       "] Chaincode h cannot handle message (PURGE_PRIVATE_DATA) while in state: ready",
       "3.4 ready, 6.4 #7"},
  };
  run_table(ShimState::kReady, rows);
}
