// Table-driven tests of the peer-side Handler's handleMessage (docs/fabric-sources.md 2.2, 2.6,
// 2.7): a real fabric::Handler at End::kA, a recording fake shim at End::kB. The handler is
// driven into each P-sw state, then every ChaincodeMessage.Type (all 23, UNDEFINED included)
// is injected once and Fabric's reaction checked: what the peer sends back, whether the
// stream ends and with which text, and the state afterwards. The second half does the same
// for 1.0's and 1.1's looplab-FSM handler (P-fsm, section 2.1).
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
#include "ccsim/fabric/running_chaincodes.hpp"
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
  const char* section;  // of docs/fabric-sources.md
};

std::string describe(PeerState state, const Row& row) {
  std::ostringstream out;
  out << "peer in " << fabric::to_string(state) << " receives " << fabric::to_string(row.type)
      << ": expect " << to_string(row.expect) << " \"" << row.text << "\" (fabric-sources "
      << row.section << ")";
  return out.str();
}

/// One peer Handler on one stream, with everything its Deps need.
struct PeerHarness {
  kernel::SeededDecisionSource seeded{1};
  kernel::Decisions decisions;
  kernel::Trace trace;
  kernel::Simulation sim{decisions, trace};
  fabric::ChaincodeStream stream{sim, [](kernel::End, const fabric::MessagePtr&) {
                                   return kernel::Duration::milliseconds(1);
                                 }};
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

  /// `source` (not owned) answers the run's decisions instead of the seeded one.
  explicit PeerHarness(kernel::DecisionSource* source = nullptr)
      : decisions(source != nullptr ? *source : seeded) {
    stream.attach(kernel::End::kB, &shim);
    handler.process_stream();
  }

  void send_from_shim(ChaincodeMessage msg) {
    REQUIRE_FALSE(stream.send(kernel::End::kB, fabric::share(std::move(msg))).has_value());
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
      stream.set_observer([this](kernel::End from, const fabric::MessagePtr& msg) {
        if (from == kernel::End::kA && msg->type == MessageType::REGISTERED) {
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

TEST_CASE("fabric-sources 2.2: peer in created state, every message type") {
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
TEST_CASE("fabric-sources 2.2: peer in established state, every message type") {
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
TEST_CASE("fabric-sources 2.2: peer in ready state, every message type") {
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

// --- P-fsm (1.0/1.1): the looplab-FSM handler (docs/fabric-sources.md 2.1) ---------------------
//
// The same injection, into 1.0's and 1.1's peer handler. Registration goes through 1.0's
// chaincodeMap: a launch placeholder is in place, so REGISTER takes it over and notifies the
// launch; READY comes only from the launcher's ready(), driven here by hand. Each row gives
// 1.0's and 1.1's texts. Payload sizes are those of the injected message's protobuf payload
// (key "k", args ["f"], target "other", ChaincodeID "cc:1.0"; docs/fabric-sources.md 1.3):
// ChaincodeInput{["f"]} 3 bytes; Response{status 200} 3; ChaincodeID{name "cc:1.0"} 8;
// GET_STATE/DEL_STATE 1.0 raw key 1, 1.1 GetState/DelState{key "k"} 3; PutState{key "k"} 3;
// ChaincodeSpec{ChaincodeID{"other"}, ChaincodeInput{["f"]}} 9 + 5 = 14; GetHistoryForKey,
// GetStateMetadata, GetState (hash), DelState (purge) {key "k"} 3; PutStateMetadata{key "k",
// metadata{}} 5; the rest 0. Types 20-23 are not in 1.0/1.1's enum: Go prints their number.

namespace {

/// What P-fsm does with the injected message.
enum class FsmExpect {
  kRegisters,      // created + REGISTER: REGISTERED sent, established, the launch notified
  kIgnored,        // nothing sent, stream up, state unchanged (KEEPALIVE; ready: INIT,
                   // TRANSACTION, RESPONSE are self-transitions without a callback)
  kReady,          // established + READY from the chaincode: the FSM moves to ready, and
                   // enter_ready notifies the READY (no context: dropped, noted)
  kNotifyDropped,  // ready + COMPLETED/ERROR: the fast path's notify finds no context
  kErrorReply,     // ERROR{text, txid, channel_id in 1.1} sent straight from the goroutine
  kErrorViaLoop,   // enterBusyState: ERROR handed to the loop, which notifies it (no context:
                   // dropped, noted) before sending it (derived)
  kEndsStream,     // FSM.Cannot: ProcessStream ends with the text; the shim gets EOF
};

const char* to_string(FsmExpect e) {
  switch (e) {
    case FsmExpect::kRegisters:
      return "registers";
    case FsmExpect::kIgnored:
      return "ignored";
    case FsmExpect::kReady:
      return "ready";
    case FsmExpect::kNotifyDropped:
      return "notify-dropped";
    case FsmExpect::kErrorReply:
      return "error-reply";
    case FsmExpect::kErrorViaLoop:
      return "error-via-loop";
    case FsmExpect::kEndsStream:
      return "ends-stream";
  }
  return "?";
}

struct FsmRow {
  MessageType type;
  FsmExpect expect;
  std::string text_1_0;  // the stream-end detail, the ERROR payload, or the note
  std::string text_1_1;
  const char* section;
};

/// "[txid]Chaincode handler validator FSM cannot handle message (%s) with payload size (%d)
/// while in state: %s", ending the stream (1.0 "Error handling message, ending stream: %s",
/// 1.1 "error handling message, ending stream: <err>").
FsmRow cannot(MessageType type, const char* name, int size_1_0, int size_1_1, const char* state) {
  const std::string tail = "]Chaincode handler validator FSM cannot handle message (" +
                           std::string(name) + ") with payload size (";
  const std::string end = ") while in state: " + std::string(state);
  return FsmRow{type, FsmExpect::kEndsStream,
                "Error handling message, ending stream: [" CCSIM_TEST_TXID + tail +
                    std::to_string(size_1_0) + end,
                "error handling message, ending stream: [" CCSIM_TEST_TXID + tail +
                    std::to_string(size_1_1) + end,
                "2.1 handleMessage step 2, 2.7"};
}

FsmRow same(MessageType type, FsmExpect expect, const char* text, const char* section) {
  return FsmRow{type, expect, text, text, section};
}

/// One P-fsm Handler on one stream, with 1.0's chaincodeMap and a launch's placeholder.
struct FsmHarness {
  kernel::SeededDecisionSource source{1};
  kernel::Decisions decisions{source};
  kernel::Trace trace;
  kernel::Simulation sim{decisions, trace};
  fabric::ChaincodeStream stream{sim, [](kernel::End, const fabric::MessagePtr&) {
                                   return kernel::Duration::milliseconds(1);
                                 }};
  fabric::Profile profile;
  fabric::PeerConfig config;
  fabric::HandlerRegistry registry{sim, false};  // P-sw's, unused by P-fsm
  fabric::RunningChaincodes running;
  std::shared_ptr<fabric::ReadyNotify> notify = std::make_shared<fabric::ReadyNotify>();
  fabric::Ledger ledger;
  testing::RecordingEnd shim;
  fabric::Handler handler;
  std::size_t mark = 0;

  explicit FsmHarness(const std::string& profile_name, bool dev_mode = false)
      : profile(*fabric::profile_by_name(profile_name)),
        running(profile, /*user_runs_cc=*/dev_mode),
        handler(
            fabric::Handler::Deps{&sim, &profile, &config, &registry, &ledger, nullptr, &running},
            stream, kernel::End::kA, "cc") {
    REQUIRE(profile.peer_fsm);
    stream.attach(kernel::End::kB, &shim);
    // A launch is waiting for this chaincode (in dev mode nobody launches it).
    if (!dev_mode) running.pre_launch_setup("cc:1.0", notify);
    handler.process_stream();
  }

  void send_from_shim(ChaincodeMessage msg) {
    REQUIRE_FALSE(stream.send(kernel::End::kB, fabric::share(std::move(msg))).has_value());
    sim.run();
  }

  /// Drives the handler into `state` through the protocol: REGISTER from the shim, then the
  /// launcher's ready() for transaction "launch" (whose context sendReady then deletes).
  void reach(PeerState state) {
    sim.run();
    if (state != PeerState::kCreated) {
      ChaincodeMessage reg;
      reg.type = MessageType::REGISTER;
      reg.chaincode_id = "cc:1.0";
      send_from_shim(reg);
      REQUIRE(shim.got.size() == 1);
      REQUIRE(shim.got[0].type == MessageType::REGISTERED);
      REQUIRE(notify->value() == std::optional<bool>(true));
    }
    if (state == PeerState::kReady) {
      fabric::TransactionParams launch;
      launch.txid = "launch";
      launch.channel_id = CCSIM_TEST_CHANNEL;
      bool accepted = false;
      REQUIRE_FALSE(handler.ready(launch, [&accepted] { accepted = true; }).has_value());
      sim.run();
      REQUIRE(accepted);
      REQUIRE(shim.got.size() == 2);
      REQUIRE(shim.got[1].type == MessageType::READY);
      CHECK(shim.got[1].txid == "launch");
      // READY carries channel_id from 1.1 (FAB-5921).
      CHECK(shim.got[1].channel_id == (profile.channel_in_tx_context ? CCSIM_TEST_CHANNEL : ""));
      // enter_ready notified the READY itself to the launch's context.
      REQUIRE(handler.tx_context(CCSIM_TEST_CHANNEL, "launch") != nullptr);
      CHECK(handler.tx_context(CCSIM_TEST_CHANNEL, "launch")->response->type == MessageType::READY);
      handler.delete_tx_context(CCSIM_TEST_CHANNEL, "launch");
    }
    REQUIRE(handler.state() == state);
    REQUIRE_FALSE(handler.stream_ended());
    shim.got.clear();
    mark = trace.events().size();
  }

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

std::string describe_fsm(const std::string& profile, PeerState state, const FsmRow& row) {
  std::ostringstream out;
  out << profile << " peer (P-fsm) in " << fabric::to_string(state) << " receives "
      << fabric::to_string(row.type) << ": expect " << to_string(row.expect) << " \""
      << (profile == "1.0" ? row.text_1_0 : row.text_1_1) << "\" (fabric-sources " << row.section
      << ")";
  return out.str();
}

void run_fsm_row(const std::string& profile, PeerState state, const FsmRow& row) {
  const std::string what = describe_fsm(profile, state, row);
  CAPTURE(what);
  const std::string& text = profile == "1.0" ? row.text_1_0 : row.text_1_1;
  FsmHarness h(profile);
  h.reach(state);
  h.send_from_shim(injected(row.type));

  const auto delivered = h.peer_events(kernel::TraceKind::kDeliver);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].type == fabric::to_string(row.type));
  const auto stream_up = [&h] {
    CHECK(h.peer_events(kernel::TraceKind::kStreamEnd).empty());
    CHECK_FALSE(h.handler.stream_ended());
    CHECK_FALSE(h.shim.closed.has_value());
  };
  // 1.0's replies carry the txid alone; 1.1's also the channel (FAB-5921).
  const std::string reply_channel = profile == "1.0" ? "" : CCSIM_TEST_CHANNEL;

  switch (row.expect) {
    case FsmExpect::kRegisters: {
      REQUIRE(h.shim.got.size() == 1);
      CHECK(h.shim.got[0].type == MessageType::REGISTERED);  // and no READY
      CHECK(h.handler.state() == PeerState::kEstablished);
      CHECK(h.notify->value() == std::optional<bool>(true));
      const auto* entry = h.running.find("cc:1.0");
      REQUIRE(entry != nullptr);
      CHECK(entry->handler == &h.handler);
      stream_up();
      break;
    }
    case FsmExpect::kIgnored:
      CHECK(h.shim.got.empty());
      CHECK(h.handler.state() == state);
      CHECK(h.peer_events(kernel::TraceKind::kNote).empty());
      stream_up();
      break;
    case FsmExpect::kReady:
      CHECK(h.shim.got.empty());
      CHECK(h.handler.state() == PeerState::kReady);
      CHECK(h.has_note(text));
      stream_up();
      break;
    case FsmExpect::kNotifyDropped:
      CHECK(h.shim.got.empty());
      CHECK(h.has_note(text));
      CHECK(h.handler.state() == state);
      stream_up();
      break;
    case FsmExpect::kErrorReply:
    case FsmExpect::kErrorViaLoop:
      REQUIRE(h.shim.got.size() == 1);
      CHECK(h.shim.got[0].type == MessageType::ERROR);
      CHECK(h.shim.got[0].text == text);
      CHECK(h.shim.got[0].txid == CCSIM_TEST_TXID);
      CHECK(h.shim.got[0].channel_id == reply_channel);
      CHECK(h.handler.state() == state);
      // Through the loop, the ERROR takes handleMessage's fast path: notify finds no context.
      CHECK(h.has_note(profile == "1.0"
                           ? "notifier Txid:" CCSIM_TEST_TXID " does not exist"
                           : "notifier Txid:" CCSIM_TEST_TXID ", channelID:" CCSIM_TEST_CHANNEL
                             " does not exist") == (row.expect == FsmExpect::kErrorViaLoop));
      stream_up();
      break;
    case FsmExpect::kEndsStream: {
      const auto ends = h.peer_events(kernel::TraceKind::kStreamEnd);
      REQUIRE(ends.size() == 1);
      CHECK(ends[0].detail == text);
      CHECK(h.handler.stream_ended());
      CHECK(h.shim.got.empty());
      REQUIRE(h.shim.closed.has_value());
      CHECK(h.shim.closed->eof);
      // deregister runs only for a registered handler: in created the launch's placeholder
      // stays; later the entry is gone.
      const auto* entry = h.running.find("cc:1.0");
      if (state == PeerState::kCreated) {
        REQUIRE(entry != nullptr);
        CHECK_FALSE(entry->registered());
      } else {
        CHECK(entry == nullptr);
      }
      break;
    }
  }
}

void run_fsm_table(PeerState state, const std::vector<FsmRow>& rows) {
  for (const char* profile : {"1.0", "1.1"}) {
    testing::run_state_table(
        rows, [profile, state](const FsmRow& row) { return describe_fsm(profile, state, row); },
        [profile, state](const FsmRow& row) { run_fsm_row(profile, state, row); });
  }
}

}  // namespace

TEST_CASE("fabric-sources 2.1: 1.0/1.1 peer (P-fsm) in created state, every message type") {
  const std::vector<FsmRow> rows = {
      cannot(MessageType::UNDEFINED, "UNDEFINED", 0, 0, "created"),
      same(MessageType::REGISTER, FsmExpect::kRegisters, "", "2.1 beforeRegisterEvent, 7.1'"),
      cannot(MessageType::REGISTERED, "REGISTERED", 0, 0, "created"),
      cannot(MessageType::INIT, "INIT", 3, 3, "created"),
      cannot(MessageType::READY, "READY", 0, 0, "created"),
      cannot(MessageType::TRANSACTION, "TRANSACTION", 3, 3, "created"),
      cannot(MessageType::COMPLETED, "COMPLETED", 3, 3, "created"),
      cannot(MessageType::ERROR, "ERROR", 0, 0, "created"),
      cannot(MessageType::GET_STATE, "GET_STATE", 1, 3, "created"),
      cannot(MessageType::PUT_STATE, "PUT_STATE", 3, 3, "created"),
      cannot(MessageType::DEL_STATE, "DEL_STATE", 1, 3, "created"),
      cannot(MessageType::INVOKE_CHAINCODE, "INVOKE_CHAINCODE", 14, 14, "created"),
      cannot(MessageType::RESPONSE, "RESPONSE", 0, 0, "created"),
      cannot(MessageType::GET_STATE_BY_RANGE, "GET_STATE_BY_RANGE", 0, 0, "created"),
      cannot(MessageType::GET_QUERY_RESULT, "GET_QUERY_RESULT", 0, 0, "created"),
      cannot(MessageType::QUERY_STATE_NEXT, "QUERY_STATE_NEXT", 0, 0, "created"),
      cannot(MessageType::QUERY_STATE_CLOSE, "QUERY_STATE_CLOSE", 0, 0, "created"),
      same(MessageType::KEEPALIVE, FsmExpect::kIgnored, "", "2.1 processStream (b), 2.6"),
      cannot(MessageType::GET_HISTORY_FOR_KEY, "GET_HISTORY_FOR_KEY", 3, 3, "created"),
      cannot(MessageType::GET_STATE_METADATA, "20", 3, 3, "created"),
      cannot(MessageType::PUT_STATE_METADATA, "21", 5, 5, "created"),
      cannot(MessageType::GET_PRIVATE_DATA_HASH, "22", 3, 3, "created"),
      cannot(MessageType::PURGE_PRIVATE_DATA, "23", 3, 3, "created"),
  };
  run_fsm_table(PeerState::kCreated, rows);
}

// Registered, REGISTERED sent, the launch notified, READY not yet handed over by the launcher:
// only READY can move the FSM. COMPLETED/ERROR take no fast path outside ready.
TEST_CASE("fabric-sources 2.1: 1.0/1.1 peer (P-fsm) in established state, every message type") {
  const std::vector<FsmRow> rows = {
      cannot(MessageType::UNDEFINED, "UNDEFINED", 0, 0, "established"),
      cannot(MessageType::REGISTER, "REGISTER", 8, 8, "established"),
      cannot(MessageType::REGISTERED, "REGISTERED", 0, 0, "established"),
      cannot(MessageType::INIT, "INIT", 3, 3, "established"),
      FsmRow{MessageType::READY, FsmExpect::kReady,
             "notifier Txid:" CCSIM_TEST_TXID " does not exist",
             "notifier Txid:" CCSIM_TEST_TXID ", channelID:" CCSIM_TEST_CHANNEL " does not exist",
             "2.1 FSM table, enter_ready"},
      cannot(MessageType::TRANSACTION, "TRANSACTION", 3, 3, "established"),
      cannot(MessageType::COMPLETED, "COMPLETED", 3, 3, "established"),
      cannot(MessageType::ERROR, "ERROR", 0, 0, "established"),
      cannot(MessageType::GET_STATE, "GET_STATE", 1, 3, "established"),
      cannot(MessageType::PUT_STATE, "PUT_STATE", 3, 3, "established"),
      cannot(MessageType::DEL_STATE, "DEL_STATE", 1, 3, "established"),
      cannot(MessageType::INVOKE_CHAINCODE, "INVOKE_CHAINCODE", 14, 14, "established"),
      cannot(MessageType::RESPONSE, "RESPONSE", 0, 0, "established"),
      cannot(MessageType::GET_STATE_BY_RANGE, "GET_STATE_BY_RANGE", 0, 0, "established"),
      cannot(MessageType::GET_QUERY_RESULT, "GET_QUERY_RESULT", 0, 0, "established"),
      cannot(MessageType::QUERY_STATE_NEXT, "QUERY_STATE_NEXT", 0, 0, "established"),
      cannot(MessageType::QUERY_STATE_CLOSE, "QUERY_STATE_CLOSE", 0, 0, "established"),
      same(MessageType::KEEPALIVE, FsmExpect::kIgnored, "", "2.1 processStream (b), 2.6"),
      cannot(MessageType::GET_HISTORY_FOR_KEY, "GET_HISTORY_FOR_KEY", 3, 3, "established"),
      cannot(MessageType::GET_STATE_METADATA, "20", 3, 3, "established"),
      cannot(MessageType::PUT_STATE_METADATA, "21", 5, 5, "established"),
      cannot(MessageType::GET_PRIVATE_DATA_HASH, "22", 3, 3, "established"),
      cannot(MessageType::PURGE_PRIVATE_DATA, "23", 3, 3, "established"),
  };
  run_fsm_table(PeerState::kEstablished, rows);
}

// No transaction context exists. Requests get 1.0/1.1's "No ledger context" ERRORs; 1.1's
// enterBusyState garbles its text (getTxContextForMessage passes its arguments as one slice,
// docs/fabric-sources.md 7.5 step 4).
TEST_CASE("fabric-sources 2.1: 1.0/1.1 peer (P-fsm) in ready state, every message type") {
  const std::vector<FsmRow> rows = {
      cannot(MessageType::UNDEFINED, "UNDEFINED", 0, 0, "ready"),
      cannot(MessageType::REGISTER, "REGISTER", 8, 8, "ready"),
      cannot(MessageType::REGISTERED, "REGISTERED", 0, 0, "ready"),
      same(MessageType::INIT, FsmExpect::kIgnored, "", "2.1 FSM table (INIT ready -> ready)"),
      cannot(MessageType::READY, "READY", 0, 0, "ready"),
      same(MessageType::TRANSACTION, FsmExpect::kIgnored, "",
           "2.1 FSM table (TRANSACTION ready -> ready)"),
      FsmRow{MessageType::COMPLETED, FsmExpect::kNotifyDropped,
             "notifier Txid:" CCSIM_TEST_TXID " does not exist",
             "notifier Txid:" CCSIM_TEST_TXID ", channelID:" CCSIM_TEST_CHANNEL " does not exist",
             "2.1 handleMessage step 1, notify"},
      FsmRow{MessageType::ERROR, FsmExpect::kNotifyDropped,
             "notifier Txid:" CCSIM_TEST_TXID " does not exist",
             "notifier Txid:" CCSIM_TEST_TXID ", channelID:" CCSIM_TEST_CHANNEL " does not exist",
             "2.1 handleMessage step 1, notify"},
      same(MessageType::GET_STATE, FsmExpect::kErrorReply,
           "[" CCSIM_TEST_SHORT_TXID "]No ledger context for GetState. Sending ERROR",
           "7.5 step 4, 2.4"),
      FsmRow{MessageType::PUT_STATE, FsmExpect::kErrorViaLoop,
             "[" CCSIM_TEST_SHORT_TXID "]No ledger context for PUT_STATE. Sending ERROR",
             "[[" CCSIM_TEST_SHORT_TXID
             " PUT_STATE ERROR]]No ledger context for %!s(MISSING). Sending %!s(MISSING)",
             "7.5 step 4, 2.4"},
      FsmRow{MessageType::DEL_STATE, FsmExpect::kErrorViaLoop,
             "[" CCSIM_TEST_SHORT_TXID "]No ledger context for DEL_STATE. Sending ERROR",
             "[[" CCSIM_TEST_SHORT_TXID
             " DEL_STATE ERROR]]No ledger context for %!s(MISSING). Sending %!s(MISSING)",
             "7.5 step 4, 2.4"},
      FsmRow{MessageType::INVOKE_CHAINCODE, FsmExpect::kErrorViaLoop,
             "[" CCSIM_TEST_SHORT_TXID "]No ledger context for INVOKE_CHAINCODE. Sending ERROR",
             "[[" CCSIM_TEST_SHORT_TXID
             " INVOKE_CHAINCODE ERROR]]No ledger context for %!s(MISSING). Sending %!s(MISSING)",
             "7.5 step 4, 2.4, 2.5"},
      same(MessageType::RESPONSE, FsmExpect::kIgnored, "",
           "2.1 FSM table (RESPONSE ready -> ready)"),
      same(MessageType::GET_STATE_BY_RANGE, FsmExpect::kErrorReply,
           "[" CCSIM_TEST_SHORT_TXID "]No ledger context for GetStateByRange. Sending ERROR",
           "7.5 step 4, 2.4"),
      same(MessageType::GET_QUERY_RESULT, FsmExpect::kErrorReply,
           "[" CCSIM_TEST_SHORT_TXID "]No ledger context for GetQueryResult. Sending ERROR",
           "7.5 step 4, 2.4"),
      same(MessageType::QUERY_STATE_NEXT, FsmExpect::kErrorReply,
           "transaction context not found (timed out ?)", "7.5 step 4"),
      same(MessageType::QUERY_STATE_CLOSE, FsmExpect::kErrorReply,
           "transaction context not found (timed out ?)", "7.5 step 4"),
      same(MessageType::KEEPALIVE, FsmExpect::kIgnored, "", "2.1 processStream (b), 2.6"),
      same(MessageType::GET_HISTORY_FOR_KEY, FsmExpect::kErrorReply,
           "[" CCSIM_TEST_SHORT_TXID "]No ledger context for GetHistoryForKey. Sending ERROR",
           "7.5 step 4, 2.4"),
      cannot(MessageType::GET_STATE_METADATA, "20", 3, 3, "ready"),
      cannot(MessageType::PUT_STATE_METADATA, "21", 5, 5, "ready"),
      cannot(MessageType::GET_PRIVATE_DATA_HASH, "22", 3, 3, "ready"),
      cannot(MessageType::PURGE_PRIVATE_DATA, "23", 3, 3, "ready"),
  };
  run_fsm_table(PeerState::kReady, rows);
}

// §2.1 notifyDuringStartup, §4.6, §6.4 #12: in dev mode (chaincode.mode "dev") a chaincode may
// register without a launch; with no placeholder's readyNotify to tell, the handler sends READY
// itself, through `go triggerNextState(READY)`: asynchronously, with no txid.
TEST_CASE("fabric-sources 4.6: a P-fsm handler in dev mode sends READY by itself") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    FsmHarness h(profile, /*dev_mode=*/true);
    h.reach(PeerState::kCreated);
    h.send_from_shim(injected(MessageType::REGISTER));
    REQUIRE(h.shim.got.size() == 2);
    CHECK(h.shim.got[0].type == MessageType::REGISTERED);
    CHECK(h.shim.got[1].type == MessageType::READY);
    CHECK(h.shim.got[1].txid.empty());
    CHECK(h.handler.state() == PeerState::kReady);
    const auto* entry = h.running.find("cc:1.0");
    REQUIRE(entry != nullptr);
    CHECK(entry->handler == &h.handler);
    // enter_ready notified the READY: no context for txid "".
    CHECK(h.has_note(std::string(profile) == "1.0"
                         ? "notifier Txid: does not exist (dropped)"
                         : "notifier Txid:, channelID: does not exist (dropped)"));
  }
}

// §2.1 registerHandler: a REGISTER for a name whose handler is registered is a duplicate:
// "Duplicate chaincodeID error: %s" with the ChaincodeID's proto text (1.1 lower case). The
// event is cancelled and the stream ends; the duplicate was never registered, so its
// deregister leaves the first handler's entry alone (2.7: P-fsm avoids P-sw's hazard).
TEST_CASE("fabric-sources 2.1, 2.7: a duplicate REGISTER ends only the second stream") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    FsmHarness h(profile);
    h.reach(PeerState::kEstablished);
    fabric::ChaincodeStream second_stream{h.sim, [](kernel::End, const fabric::MessagePtr&) {
                                            return kernel::Duration::milliseconds(1);
                                          }};
    testing::RecordingEnd second_shim;
    fabric::Handler second(fabric::Handler::Deps{&h.sim, &h.profile, &h.config, &h.registry,
                                                 &h.ledger, nullptr, &h.running},
                           second_stream, kernel::End::kA, "cc");
    second_stream.attach(kernel::End::kB, &second_shim);
    second.process_stream();
    REQUIRE_FALSE(
        second_stream.send(kernel::End::kB, fabric::share(injected(MessageType::REGISTER)))
            .has_value());
    h.sim.run();
    const std::string refusal =
        std::string(std::string(profile) == "1.0" ? "Duplicate" : "duplicate") +
        " chaincodeID error: name:\"cc:1.0\" ";
    CHECK(h.has_note("register failed: " + refusal));
    const auto ends = h.peer_events(kernel::TraceKind::kStreamEnd);
    REQUIRE(ends.size() == 1);
    CHECK(ends[0].detail == std::string(std::string(profile) == "1.0"
                                            ? "Error handling message, ending stream: "
                                            : "error handling message, ending stream: ") +
                                "transition canceled with error: " + refusal);
    CHECK(second.stream_ended());
    CHECK(second_shim.got.empty());
    CHECK_FALSE(h.handler.stream_ended());
    const auto* entry = h.running.find("cc:1.0");
    REQUIRE(entry != nullptr);
    CHECK(entry->handler == &h.handler);
  }
}

// §2.1 sendExecuteMessage / createTxContext: a handler that never registered has no txCtxs:
// "cannot create notifier for txid:%s" (1.1 "cannot create notifier for txid: %s"), returned
// before anything is handed to the loop.
TEST_CASE("fabric-sources 2.1: Execute on an unregistered handler: cannot create notifier") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    FsmHarness h(profile);
    h.reach(PeerState::kCreated);
    fabric::TransactionParams params;
    params.txid = "tx1";
    params.channel_id = CCSIM_TEST_CHANNEL;
    ChaincodeMessage tx;
    tx.type = MessageType::TRANSACTION;
    tx.txid = "tx1";
    bool accepted = false;
    const auto err = h.handler.send_execute_message(params, tx, [&accepted] { accepted = true; });
    CHECK(err == std::optional<std::string>(std::string(profile) == "1.0"
                                                ? "cannot create notifier for txid:tx1"
                                                : "cannot create notifier for txid: tx1"));
    h.sim.run();
    CHECK_FALSE(accepted);
    CHECK(h.shim.got.empty());
  }
}

// core/chaincode/handler.go (1.2-2.5) Notify: `tctx.ResponseNotifier <- msg` on a channel of
// capacity 1 that Execute reads once, so a second COMPLETED for a context still open blocks
// the receive loop for good: no later message on that stream is handled. It takes the loop
// handling the second one before Execute's select wakes and deletes the context, an order a
// tie decides.
TEST_CASE("handler.go Notify: a second COMPLETED for an open context blocks the receive loop") {
  struct LoopFirst final : kernel::DecisionSource {
    std::uint64_t choose(kernel::DecisionKind, std::string_view, std::uint64_t) override {
      return 0;
    }
    std::uint64_t choose_tie(std::string_view,
                             std::span<const kernel::TieCandidate> candidates) override {
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i].label.ends_with(" loop")) return i;
      }
      return 0;
    }
    bool explores_ties() const override { return true; }
  };
  for (const bool loop_first : {false, true}) {
    CAPTURE(loop_first);
    LoopFirst source;
    PeerHarness h(loop_first ? &source : nullptr);
    h.reach(PeerState::kReady);
    fabric::TransactionParams params;
    params.txid = "tx1";
    params.channel_id = CCSIM_TEST_CHANNEL;
    params.namespace_id = "cc";
    params.simulator = std::make_shared<fabric::TxSimulator>(h.ledger, CCSIM_TEST_CHANNEL);
    ChaincodeMessage tx;
    tx.type = MessageType::TRANSACTION;
    tx.txid = "tx1";
    tx.channel_id = CCSIM_TEST_CHANNEL;
    std::optional<fabric::Handler::ExecuteResult> result;
    h.handler.execute(params, tx, kernel::Duration::seconds(30),
                      [&result](fabric::Handler::ExecuteResult r) { result = std::move(r); });
    // Well before the execute timeout: the TRANSACTION is at the shim.
    const auto until = [&h](kernel::Duration d) {
      kernel::RunLimits limits;
      limits.horizon = h.sim.now() + d;
      h.sim.run(limits);
    };
    until(kernel::Duration::milliseconds(5));
    REQUIRE(h.shim.got.size() == 1);
    ChaincodeMessage completed;
    completed.type = MessageType::COMPLETED;
    completed.txid = "tx1";
    completed.channel_id = CCSIM_TEST_CHANNEL;
    // Two COMPLETED, then a GET_STATE for another txid (answered with an ERROR when the loop
    // still runs): all three arrive at the same instant.
    ChaincodeMessage probe;
    probe.type = MessageType::GET_STATE;
    probe.txid = "tx2";
    probe.channel_id = CCSIM_TEST_CHANNEL;
    probe.key = "k";
    for (const ChaincodeMessage& m : {completed, completed, probe})
      REQUIRE_FALSE(h.stream.send(kernel::End::kB, fabric::share(ChaincodeMessage(m))).has_value());
    until(kernel::Duration::milliseconds(5));
    REQUIRE(result.has_value());  // the first COMPLETED answered Execute either way
    CHECK_FALSE(result->error.has_value());
    const auto notes = h.peer_events(kernel::TraceKind::kNote);
    bool blocked = false;
    for (const auto& e : notes)
      blocked = blocked || e.detail == "ResponseNotifier full: receive loop blocked forever";
    CHECK(blocked == loop_first);
    // Blocked: the GET_STATE is never handled. Otherwise it is answered (no context for tx2).
    const bool answered = h.shim.got.size() == 2 && h.shim.got[1].type == MessageType::ERROR;
    CHECK(answered == !loop_first);
  }
}
