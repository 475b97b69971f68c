// Table-driven tests of the peer-side Handler's handleMessage (fabric-protocol.md 2.2, 2.6,
// 2.7): a real fabric::Handler at End::kA, a recording fake shim at End::kB. The handler is
// driven into each P-sw state, then every ChaincodeMessage.Type (all 23, UNDEFINED included)
// is injected once and Fabric's reaction checked: what the peer sends back, whether the
// stream ends and with which text, and the state afterwards.
#include <doctest/doctest.h>

#include "state_table_support.hpp"

#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ccsim/fabric/handler.hpp"
#include "ccsim/fabric/handler_registry.hpp"
#include "ccsim/fabric/ledger.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim;
using fabric::ChaincodeMessage;
using fabric::MessageType;

namespace {

using PeerState = fabric::Handler::State;

/// What Fabric does with the injected message.
enum class Expect {
  kRegisters,      // HandleRegister: REGISTERED then READY sent, state ready
  kIgnored,        // KEEPALIVE: nothing sent, the stream stays up, the state is unchanged
  kNotifyDropped,  // Notify with no context: a note (text), nothing sent, stream up
  kErrorReply,     // HandleTransaction: ERROR{payload = text, txid, channel_id}, stream up
  kEndsStream,     // handleMessage error: ProcessStream ends with text; the shim gets EOF
};

const char* to_string(Expect e) {
  switch (e) {
    case Expect::kRegisters:
      return "registers";
    case Expect::kIgnored:
      return "ignored";
    case Expect::kNotifyDropped:
      return "notify-dropped";
    case Expect::kErrorReply:
      return "error-reply";
    case Expect::kEndsStream:
      return "ends-stream";
  }
  return "?";
}

struct Row {
  MessageType type;
  Expect expect;
  const char* text;     // the stream-end detail, the ERROR payload, or the note
  const char* section;  // of fabric-protocol.md
};

std::string describe(PeerState state, const Row& row) {
  std::ostringstream out;
  out << "peer in " << fabric::to_string(state) << " receives " << fabric::to_string(row.type)
      << ": expect " << to_string(row.expect) << " \"" << row.text << "\" (fabric-protocol "
      << row.section << ")";
  return out.str();
}

/// One peer Handler on one stream, with everything its Deps need.
struct PeerHarness {
  kernel::SeededDecisionSource source{1};
  kernel::Decisions decisions{source};
  kernel::Trace trace;
  kernel::Simulation sim{decisions, trace};
  fabric::ChaincodeStream stream{
      sim, [](kernel::End, const ChaincodeMessage&) { return kernel::Duration::milliseconds(1); }};
  fabric::Profile profile = *fabric::profile_by_name("2.5");
  fabric::PeerConfig config;
  // Unsolicited registration allowed: REGISTER succeeds without a launch.
  fabric::HandlerRegistry registry{sim, /*allow_unsolicited_registration=*/true};
  fabric::Ledger ledger;
  testing::RecordingEnd shim;
  fabric::Handler handler{
      fabric::Handler::Deps{&sim, &profile, &config, &registry, &ledger, /*invoker=*/nullptr},
      stream, kernel::End::kA, "cc"};
  std::size_t mark = 0;  // trace events before the injected message

  PeerHarness() {
    stream.attach(kernel::End::kB, &shim);
    handler.process_stream();
  }

  void send_from_shim(ChaincodeMessage msg) {
    REQUIRE_FALSE(stream.send(kernel::End::kB, std::move(msg)).has_value());
    sim.run();
  }

  static ChaincodeMessage register_msg() {
    ChaincodeMessage reg;
    reg.type = MessageType::REGISTER;
    reg.chaincode_id = "cc:1.0";
    return reg;
  }

  /// Drives the handler into `state` through the protocol itself.
  void reach(PeerState state) {
    sim.run();
    if (state == PeerState::kReady) {
      send_from_shim(register_msg());
      REQUIRE(shim.got.size() == 2);
      REQUIRE(shim.got[0].type == MessageType::REGISTERED);
      REQUIRE(shim.got[1].type == MessageType::READY);
    }
    if (state == PeerState::kEstablished) {
      // P-sw sends REGISTERED and READY back to back from the receive loop; the only way
      // to stay in established is a failed READY send (section 2.2, sendReady: the state
      // stays Established and Registry.Failed is called). The observer sees REGISTERED
      // accepted and makes the handler's next send, READY, fail.
      stream.set_observer([this](kernel::End from, const ChaincodeMessage& msg) {
        if (from == kernel::End::kA && msg.type == MessageType::REGISTERED) {
          stream.fail_next_send(kernel::End::kA, "injected: READY send fails");
        }
      });
      send_from_shim(register_msg());
      stream.set_observer({});
      REQUIRE(shim.got.size() == 1);
      REQUIRE(shim.got[0].type == MessageType::REGISTERED);
    }
    REQUIRE(handler.state() == state);
    REQUIRE_FALSE(handler.stream_ended());
    REQUIRE_FALSE(shim.closed.has_value());
    shim.got.clear();
    mark = trace.events().size();
  }

  /// Trace events of `kind` by the peer since the injected message.
  std::vector<kernel::TraceEvent> peer_events(kernel::TraceKind kind) const {
    std::vector<kernel::TraceEvent> out;
    for (std::size_t i = mark; i < trace.events().size(); ++i) {
      const auto& e = trace.events()[i];
      if (e.kind == kind && e.actor == "peer") out.push_back(e);
    }
    return out;
  }

  bool has_note(const std::string& text) const {
    for (const auto& e : peer_events(kernel::TraceKind::kNote)) {
      if (e.detail.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

ChaincodeMessage injected(MessageType type) {
  ChaincodeMessage msg;
  msg.type = type;
  msg.txid = CCSIM_TEST_TXID;
  msg.channel_id = CCSIM_TEST_CHANNEL;
  if (type == MessageType::REGISTER) msg.chaincode_id = "cc:1.0";
  msg.key = "k";
  msg.args = {"f"};
  msg.target = "other";
  return msg;
}

void check_stream_up(const PeerHarness& h) {
  CHECK(h.peer_events(kernel::TraceKind::kStreamEnd).empty());
  CHECK_FALSE(h.handler.stream_ended());
  CHECK_FALSE(h.shim.closed.has_value());
}

void run_row(PeerState state, const Row& row) {
  const std::string what = describe(state, row);
  CAPTURE(what);
  PeerHarness h;
  h.reach(state);
  h.send_from_shim(injected(row.type));

  // The loop took the message off the stream.
  const auto delivered = h.peer_events(kernel::TraceKind::kDeliver);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].type == fabric::to_string(row.type));

  switch (row.expect) {
    case Expect::kRegisters:
      REQUIRE(h.shim.got.size() == 2);
      CHECK(h.shim.got[0].type == MessageType::REGISTERED);
      CHECK(h.shim.got[1].type == MessageType::READY);
      CHECK(h.handler.state() == PeerState::kReady);
      CHECK(h.registry.handler("cc:1.0") == &h.handler);
      check_stream_up(h);
      break;
    case Expect::kIgnored:
      CHECK(h.shim.got.empty());
      CHECK(h.handler.state() == state);
      check_stream_up(h);
      break;
    case Expect::kNotifyDropped:
      CHECK(h.shim.got.empty());
      CHECK(h.has_note(row.text));
      CHECK(h.handler.state() == state);
      check_stream_up(h);
      break;
    case Expect::kErrorReply:
      REQUIRE(h.shim.got.size() == 1);
      CHECK(h.shim.got[0].type == MessageType::ERROR);
      CHECK(h.shim.got[0].text == std::string(row.text));
      CHECK(h.shim.got[0].txid == CCSIM_TEST_TXID);
      CHECK(h.shim.got[0].channel_id == CCSIM_TEST_CHANNEL);
      CHECK(h.handler.state() == state);
      check_stream_up(h);
      break;
    case Expect::kEndsStream: {
      const auto ends = h.peer_events(kernel::TraceKind::kStreamEnd);
      REQUIRE(ends.size() == 1);
      CHECK(ends[0].detail == std::string(row.text));
      CHECK(h.handler.stream_ended());
      CHECK(h.shim.got.empty());
      REQUIRE(h.shim.closed.has_value());
      CHECK(h.shim.closed->eof);
      // deregister ran: no handler is left under the chaincode's name.
      CHECK(h.registry.handler("cc:1.0") == nullptr);
      break;
    }
  }
}

void run_table(PeerState state, const std::vector<Row>& rows) {
  testing::run_state_table(
      rows, [state](const Row& row) { return describe(state, row); },
      [state](const Row& row) { run_row(state, row); });
}

}  // namespace

TEST_CASE("fabric-protocol 2.2: peer in created state, every message type") {
  const std::vector<Row> rows = {
      {MessageType::UNDEFINED, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (UNDEFINED) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::REGISTER, Expect::kRegisters, "", "2.2 HandleRegister"},
      {MessageType::REGISTERED, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (REGISTERED) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::INIT, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (INIT) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::READY, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (READY) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::TRANSACTION, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (TRANSACTION) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::COMPLETED, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (COMPLETED) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::ERROR, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (ERROR) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::GET_STATE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (GET_STATE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::PUT_STATE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (PUT_STATE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::DEL_STATE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (DEL_STATE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::INVOKE_CHAINCODE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (INVOKE_CHAINCODE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::RESPONSE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (RESPONSE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::GET_STATE_BY_RANGE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (GET_STATE_BY_RANGE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::GET_QUERY_RESULT, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (GET_QUERY_RESULT) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::QUERY_STATE_NEXT, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (QUERY_STATE_NEXT) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::QUERY_STATE_CLOSE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (QUERY_STATE_CLOSE) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::KEEPALIVE, Expect::kIgnored, "", "2.2 step 1, 2.6"},
      {MessageType::GET_HISTORY_FOR_KEY, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (GET_HISTORY_FOR_KEY) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::GET_STATE_METADATA, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (GET_STATE_METADATA) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::PUT_STATE_METADATA, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (PUT_STATE_METADATA) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::GET_PRIVATE_DATA_HASH, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (GET_PRIVATE_DATA_HASH) while in created state",
       "2.2 step 2, 2.7"},
      {MessageType::PURGE_PRIVATE_DATA, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (PURGE_PRIVATE_DATA) while in created state",
       "2.2 step 2, 2.7"},
  };
  run_table(PeerState::kCreated, rows);
}

// Established is reachable in P-sw only when the READY send fails (section 2.2, sendReady);
// the handler then stays established, and every later message but KEEPALIVE is an error.
TEST_CASE("fabric-protocol 2.2: peer in established state, every message type") {
  const std::vector<Row> rows = {
      {MessageType::UNDEFINED, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::REGISTER, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::REGISTERED, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::INIT, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::READY, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::TRANSACTION, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::COMPLETED, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::ERROR, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::GET_STATE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::PUT_STATE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::DEL_STATE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::INVOKE_CHAINCODE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::RESPONSE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::GET_STATE_BY_RANGE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::GET_QUERY_RESULT, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::QUERY_STATE_NEXT, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::QUERY_STATE_CLOSE, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::KEEPALIVE, Expect::kIgnored, "", "2.2 step 1, 2.6"},
      {MessageType::GET_HISTORY_FOR_KEY, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::GET_STATE_METADATA, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::PUT_STATE_METADATA, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::GET_PRIVATE_DATA_HASH, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
      {MessageType::PURGE_PRIVATE_DATA, Expect::kEndsStream,
       "error handling message, ending stream: handle message: invalid state established for "
       "transaction " CCSIM_TEST_TXID,
       "2.2 step 4, 2.7"},
  };
  run_table(PeerState::kEstablished, rows);
}

// No transaction context exists (no Execute is pending): requests get ERROR "... no ledger
// context" (INVOKE_CHAINCODE with a channel: "could not get valid transaction"), and a
// COMPLETED/ERROR is dropped by Notify.
TEST_CASE("fabric-protocol 2.2: peer in ready state, every message type") {
  const std::vector<Row> rows = {
      {MessageType::UNDEFINED, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (UNDEFINED) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::REGISTER, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (REGISTER) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::REGISTERED, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (REGISTERED) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::INIT, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (INIT) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::READY, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (READY) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::TRANSACTION, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (TRANSACTION) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::COMPLETED, Expect::kNotifyDropped,
       "notifier Txid:" CCSIM_TEST_TXID ", channelID:" CCSIM_TEST_CHANNEL
       " does not exist for handling message COMPLETED",
       "2.2 Notify"},
      {MessageType::ERROR, Expect::kNotifyDropped,
       "notifier Txid:" CCSIM_TEST_TXID ", channelID:" CCSIM_TEST_CHANNEL
       " does not exist for handling message ERROR",
       "2.2 Notify"},
      {MessageType::GET_STATE, Expect::kErrorReply,
       "GET_STATE failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::PUT_STATE, Expect::kErrorReply,
       "PUT_STATE failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::DEL_STATE, Expect::kErrorReply,
       "DEL_STATE failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::INVOKE_CHAINCODE, Expect::kErrorReply,
       "INVOKE_CHAINCODE failed: transaction ID: " CCSIM_TEST_TXID
       ": could not get valid transaction",
       "2.2 HandleTransaction"},
      {MessageType::RESPONSE, Expect::kEndsStream,
       "error handling message, ending stream: [" CCSIM_TEST_TXID
       "] Fabric side handler cannot handle message (RESPONSE) while in ready state",
       "2.2 step 3, 2.7"},
      {MessageType::GET_STATE_BY_RANGE, Expect::kErrorReply,
       "GET_STATE_BY_RANGE failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::GET_QUERY_RESULT, Expect::kErrorReply,
       "GET_QUERY_RESULT failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::QUERY_STATE_NEXT, Expect::kErrorReply,
       "QUERY_STATE_NEXT failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::QUERY_STATE_CLOSE, Expect::kErrorReply,
       "QUERY_STATE_CLOSE failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::KEEPALIVE, Expect::kIgnored, "", "2.2 step 1, 2.6"},
      {MessageType::GET_HISTORY_FOR_KEY, Expect::kErrorReply,
       "GET_HISTORY_FOR_KEY failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::GET_STATE_METADATA, Expect::kErrorReply,
       "GET_STATE_METADATA failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::PUT_STATE_METADATA, Expect::kErrorReply,
       "PUT_STATE_METADATA failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::GET_PRIVATE_DATA_HASH, Expect::kErrorReply,
       "GET_PRIVATE_DATA_HASH failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
      {MessageType::PURGE_PRIVATE_DATA, Expect::kErrorReply,
       "PURGE_PRIVATE_DATA failed: transaction ID: " CCSIM_TEST_TXID ": no ledger context",
       "2.2 HandleTransaction"},
  };
  run_table(PeerState::kReady, rows);
}
