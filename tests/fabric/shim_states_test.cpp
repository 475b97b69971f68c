// Table-driven tests of the chaincode-side ShimHandler's handleMessage for each shim a
// profile can select (docs/fabric-sources.md 3.1-3.5, 6.4): S-go (fabric-chaincode-go, 2.x),
// S-sw (the 1.2-1.4 in-tree shim) and S-fsm (1.0/1.1's looplab FSM). A real
// fabric::ShimHandler at End::kB, a recording fake peer at End::kA. The shim is driven into
// each state, then every ChaincodeMessage.Type (all 23, UNDEFINED included) is injected once
// and the shim's reaction checked: what it sends, its state, and whether it exits. After the
// tables, the behaviours that differ between the shims: stray replies, the KEEPALIVE echo,
// 1.0's txid-only keys, S-fsm's select, and the texts of each version.
#include <doctest/doctest.h>

#include "state_table_support.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/fabric/shim_handler.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/trace.hpp"

using namespace ccsim;
using fabric::ChaincodeMessage;
using fabric::MessageType;

namespace {

using ShimState = fabric::ShimHandler::State;
using ShimKind = fabric::ShimHandler::Kind;

/// One shim as a profile selects it, with what its tables expect of it.
struct Variant {
  const char* profile;
  ShimKind kind;
  /// chatWithPeer's wrapping of a handleMessage error.
  const char* exit_prefix;
  /// S-fsm 1.1 puts the rejected message's channel_id on its ERROR; S-go, S-sw and 1.0 (no
  /// such field) do not (3.2, 3.3, 3.4, 6.4 #7).
  bool error_has_channel;
  /// The shim's messages carry channel_id (all but 1.0, FAB-5921).
  bool has_channel;
  /// The "cannot handle message" text between "[<txid>" and " (<TYPE>)".
  const char* cannot;
};

const Variant kGo{"2.5", ShimKind::kGo, "error handling message: ", false, true, ""};
const Variant kSw{"1.4",
                  ShimKind::kInTree,
                  "error handling message: ",
                  false,
                  true,
                  "] Chaincode handler cannot handle message"};
const Variant kFsm11{"1.1", ShimKind::kFsm, "error handling message: ",
                     true,  true,           "]chaincode handler FSM cannot handle message"};
const Variant kFsm10{"1.0", ShimKind::kFsm, "Error handling message: ",
                     false, false,          "]Chaincode handler FSM cannot handle message"};

/// What the shim does with the injected message.
enum class Expect {
  kEchoed,         // KEEPALIVE: the same message goes back; no exit, state unchanged
  kEstablished,    // created + REGISTERED: state established, nothing sent
  kReady,          // established + READY: state ready, nothing sent
  kRunsUserCode,   // ready + INIT/TRANSACTION: the user code runs, COMPLETED comes back
  kIgnored,        // nothing sent, state unchanged, no exit; `text` is the log note, if any
  kErrorThenExit,  // ERROR{payload = text, txid} sent, then the loop ends
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
    case Expect::kIgnored:
      return "ignored";
    case Expect::kErrorThenExit:
      return "error-then-exit";
  }
  return "?";
}

struct Row {
  MessageType type;
  Expect expect;
  std::string text;     // the ERROR payload the shim sends, or kIgnored's log note
  const char* section;  // of docs/fabric-sources.md
};

std::string describe(const Variant& v, ShimState state, const Row& row) {
  std::ostringstream out;
  out << "profile " << v.profile << ": shim in " << fabric::to_string(state) << " receives "
      << fabric::to_string(row.type) << ": expect " << to_string(row.expect) << " \"" << row.text
      << "\" (fabric-sources " << row.section << ")";
  return out.str();
}

/// Answers the decisions named in `answers` (by key, every occurrence), the fixed rule
/// otherwise, and records every key asked.
struct ScriptedSource final : kernel::DecisionSource {
  std::map<std::string, std::uint64_t, std::less<>> answers;
  std::vector<std::string> asked;
  std::uint64_t choose(kernel::DecisionKind, std::string_view key, std::uint64_t range) override {
    asked.emplace_back(key);
    auto it = answers.find(key);
    return it == answers.end() ? 0 : it->second % range;
  }
};

fabric::Step step(fabric::Step::Op op, std::string key = "") {
  fabric::Step s;
  s.op = op;
  s.key = std::move(key);
  return s;
}

/// "f" returns 200 "ok"; the others make one stub call each, then return 200.
fabric::ChaincodeDefinition chaincode() {
  using Op = fabric::Step::Op;
  fabric::ChaincodeDefinition def;
  def.name = "cc";
  def.version = "1.0";
  fabric::Step ret = step(Op::kReturn);
  ret.response = fabric::Response{fabric::Response::kOk, "", "ok"};
  def.functions["f"].steps.push_back(ret);
  def.functions["get"].steps.push_back(step(Op::kGetState, "k"));
  fabric::Step put = step(Op::kPutState, "k");
  put.value = "v";
  def.functions["put"].steps.push_back(put);
  def.functions["del"].steps.push_back(step(Op::kDelState, "k"));
  def.functions["range"].steps.push_back(step(Op::kGetStateByRange));
  def.functions["history"].steps.push_back(step(Op::kGetHistoryForKey, "k"));
  def.functions["metadata"].steps.push_back(step(Op::kGetStateMetadata, "k"));
  fabric::Step hash = step(Op::kGetPrivateDataHash, "k");
  hash.collection = "c";
  def.functions["hash"].steps.push_back(hash);
  fabric::Step invoke = step(Op::kInvokeChaincode);
  invoke.target_chaincode = "other";
  invoke.args = {"g"};
  def.functions["invoke"].steps.push_back(invoke);
  def.functions["event"].steps.push_back(step(Op::kSetEvent, ""));
  fabric::Step refuse = step(Op::kReturn);
  refuse.response = fabric::Response{fabric::Response::kError, "init refused", ""};
  def.init.steps.push_back(refuse);
  return def;
}

/// One ShimHandler on one stream, with the exits it reports.
struct ShimHarness {
  explicit ShimHarness(const Variant& v = kGo)
      : profile(*fabric::profile_by_name(v.profile)),
        shim(sim, profile, config, stream, kernel::End::kB, "cc", definition,
             [this](const std::string& reason, int code) { exits.emplace_back(reason, code); }) {
    stream.attach(kernel::End::kA, &peer);
  }

  ScriptedSource source;
  kernel::Decisions decisions{source};
  kernel::Trace trace;
  kernel::Simulation sim{decisions, trace};
  fabric::ChaincodeStream stream{sim, [](kernel::End, const fabric::MessagePtr&) {
                                   return kernel::Duration::milliseconds(1);
                                 }};
  fabric::Profile profile;
  fabric::PeerConfig config;
  fabric::ChaincodeDefinition definition = chaincode();
  testing::RecordingEnd peer;
  std::vector<std::pair<std::string, int>> exits;
  fabric::ShimHandler shim;

  void send_from_peer(ChaincodeMessage msg) {
    REQUIRE_FALSE(stream.send(kernel::End::kA, fabric::share(std::move(msg))).has_value());
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

  /// The shim's trace notes, in order.
  std::vector<std::string> notes() const {
    std::vector<std::string> out;
    for (const kernel::TraceEvent& e : trace.events()) {
      if (e.kind == kernel::TraceKind::kNote && e.actor == "shim") out.push_back(e.detail);
    }
    return out;
  }
};

ChaincodeMessage injected(MessageType type, const std::string& txid = CCSIM_TEST_TXID,
                          const std::string& function = "f") {
  ChaincodeMessage msg;
  msg.type = type;
  msg.txid = txid;
  msg.channel_id = CCSIM_TEST_CHANNEL;
  msg.args = {function};  // INIT ignores it; TRANSACTION dispatches on args[0]
  msg.has_proposal = type == MessageType::INIT || type == MessageType::TRANSACTION;
  return msg;
}

void check_alive(const ShimHarness& h) {
  CHECK(h.exits.empty());
  CHECK_FALSE(h.shim.exited());
  CHECK_FALSE(h.peer.closed.has_value());
}

void run_row(const Variant& v, ShimState state, const Row& row) {
  const std::string what = describe(v, state, row);
  CAPTURE(what);
  ShimHarness h(v);
  h.reach(state);
  REQUIRE(h.shim.kind() == v.kind);
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
      if (row.type == MessageType::INIT) {
        // The chaincode's Init returns 500 "init refused": ERROR{payload = message} (3.1).
        CHECK(h.peer.got[0].type == MessageType::ERROR);
        CHECK(h.peer.got[0].text == "init refused");
      } else {
        CHECK(h.peer.got[0].type == MessageType::COMPLETED);
        CHECK(h.peer.got[0].response.status == fabric::Response::kOk);
      }
      CHECK(h.peer.got[0].txid == CCSIM_TEST_TXID);
      CHECK(h.peer.got[0].channel_id == (v.has_channel ? CCSIM_TEST_CHANNEL : ""));
      CHECK(h.shim.state() == ShimState::kReady);
      check_alive(h);
      break;
    case Expect::kIgnored:
      CHECK(h.peer.got.empty());
      CHECK(h.shim.state() == state);
      CHECK(h.notes() ==
            (row.text.empty() ? std::vector<std::string>{} : std::vector<std::string>{row.text}));
      check_alive(h);
      break;
    case Expect::kErrorThenExit:
      REQUIRE(h.peer.got.size() == 1);
      CHECK(h.peer.got[0].type == MessageType::ERROR);
      CHECK(h.peer.got[0].text == row.text);
      CHECK(h.peer.got[0].txid == CCSIM_TEST_TXID);  // the full txid, as the message had it
      CHECK(h.peer.got[0].channel_id == (v.error_has_channel ? CCSIM_TEST_CHANNEL : ""));
      REQUIRE(h.exits.size() == 1);
      CHECK(h.exits[0].first == v.exit_prefix + row.text);
      CHECK(h.exits[0].second == 0);  // main() returns after shim.Start fails
      CHECK(h.shim.exited());
      REQUIRE(h.peer.closed.has_value());  // the client's deferred CloseSend
      CHECK(h.peer.closed->eof);
      break;
  }
}

void run_table(const Variant& v, ShimState state, const std::vector<Row>& rows) {
  testing::run_state_table(
      rows, [&v, state](const Row& row) { return describe(v, state, row); },
      [&v, state](const Row& row) { run_row(v, state, row); });
}

// len(msg.Payload) of the injected message, counted by hand from section 1.3's encodings:
// only args ["f"] and the default Response status are set. ChaincodeInput{args: ["f"]} is
// 0a 01 66; ChaincodeSpec adds an empty ChaincodeID, 12 00, to 1a 03 + that input;
// Response{status: 200} is 08 c8 01; PutStateMetadata always carries its StateMetadata, here
// empty: 22 00. Every other payload is empty.
int injected_payload_size(MessageType type) {
  switch (type) {
    case MessageType::INIT:
    case MessageType::TRANSACTION:
    case MessageType::COMPLETED:
      return 3;
    case MessageType::INVOKE_CHAINCODE:
      return 7;
    case MessageType::PUT_STATE_METADATA:
      return 2;
    default:
      return 0;
  }
}

/// An in-tree shim's table: every type the state's `accepted` rows do not name is rejected
/// with the variant's "cannot handle message ... with payload size (%d)" text (3.2, 3.3).
std::vector<Row> in_tree_rows(const Variant& v, ShimState state, std::vector<Row> accepted) {
  std::vector<Row> rows;
  for (MessageType type : fabric::all_message_types()) {
    bool listed = false;
    for (const Row& r : accepted)
      listed = listed || r.type == type;
    if (listed) continue;
    rows.push_back(Row{type, Expect::kErrorThenExit,
                       std::string("[" CCSIM_TEST_TXID) + v.cannot + " (" +
                           fabric::to_string(type) + ") with payload size (" +
                           std::to_string(injected_payload_size(type)) +
                           ") while in state: " + fabric::to_string(state),
                       v.kind == ShimKind::kFsm ? "3.2 FSM.Cannot, 6.4 #7" : "3.3, 6.4 #7"});
  }
  for (Row& r : accepted)
    rows.push_back(std::move(r));
  return rows;
}

}  // namespace

// --- S-go ---------------------------------------------------------------------------------

TEST_CASE("fabric-sources 3.4: shim in created state, every message type") {
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
  run_table(kGo, ShimState::kCreated, rows);
}

TEST_CASE("fabric-sources 3.4: shim in established state, every message type") {
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
  run_table(kGo, ShimState::kEstablished, rows);
}

// No stub call is waiting, so a RESPONSE or ERROR finds no response channel: fatal in S-go
// for both (FAB-14770 merged the paths; section 6.4 #6).
TEST_CASE("fabric-sources 3.4: shim in ready state, every message type") {
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
  run_table(kGo, ShimState::kReady, rows);
}

// --- S-sw (1.2-1.4) and S-fsm (1.0, 1.1): the same three tables ------------------------

TEST_CASE("fabric-sources 3.3, 3.2: in-tree shims in created state, every message type") {
  for (const Variant* v : {&kSw, &kFsm11, &kFsm10}) {
    run_table(*v, ShimState::kCreated,
              in_tree_rows(*v, ShimState::kCreated,
                           {{MessageType::REGISTERED, Expect::kEstablished, "", "3.2, 3.3 created"},
                            {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.2, 3.3 KEEPALIVE"}}));
  }
}

TEST_CASE("fabric-sources 3.3, 3.2: in-tree shims in established state, every message type") {
  for (const Variant* v : {&kSw, &kFsm11, &kFsm10}) {
    run_table(*v, ShimState::kEstablished,
              in_tree_rows(*v, ShimState::kEstablished,
                           {{MessageType::READY, Expect::kReady, "", "3.2, 3.3 established"},
                            {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.2, 3.3 KEEPALIVE"}}));
  }
}

// No stub call is waiting, so a RESPONSE or ERROR finds no response channel (6.4 #6): S-sw
// fails on the RESPONSE and only logs the ERROR; S-fsm logs the RESPONSE, ignores the ERROR
// silently, and its FSM also takes a COMPLETED in ready (the event for its own results).
TEST_CASE("fabric-sources 3.3: S-sw in ready state, every message type") {
  run_table(
      kSw, ShimState::kReady,
      in_tree_rows(
          kSw, ShimState::kReady,
          {{MessageType::INIT, Expect::kRunsUserCode, "", "3.3 ready, 3.1"},
           {MessageType::TRANSACTION, Expect::kRunsUserCode, "", "3.3 ready, 3.1"},
           {MessageType::RESPONSE, Expect::kErrorThenExit,
            "[" CCSIM_TEST_SHORT_TXID "] sendChannel does not exist", "3.3 ready, 6.4 #6"},
           {MessageType::ERROR, Expect::kIgnored,
            "[" CCSIM_TEST_SHORT_TXID "] error sending ERROR (state:ready): [" CCSIM_TEST_SHORT_TXID
            "] sendChannel does not exist",
            "3.3 ready, 6.4 #6"},
           {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.3 KEEPALIVE"}}));
}

TEST_CASE("fabric-sources 3.2: S-fsm in ready state, every message type") {
  for (const Variant* v : {&kFsm11, &kFsm10}) {
    run_table(*v, ShimState::kReady,
              in_tree_rows(
                  *v, ShimState::kReady,
                  {{MessageType::INIT, Expect::kRunsUserCode, "", "3.2 before_INIT, 3.1"},
                   {MessageType::TRANSACTION, Expect::kRunsUserCode, "", "3.2 before_TRANSACTION"},
                   {MessageType::RESPONSE, Expect::kIgnored,
                    "[" CCSIM_TEST_SHORT_TXID
                    "]error sending RESPONSE (state:ready): [" CCSIM_TEST_SHORT_TXID
                    "]sendChannel does not exist",
                    "3.2 after_RESPONSE, 6.4 #6"},
                   {MessageType::ERROR, Expect::kIgnored, "", "3.2 after_ERROR, 6.4 #6"},
                   {MessageType::COMPLETED, Expect::kIgnored, "", "3.2 COMPLETED ready->ready"},
                   {MessageType::KEEPALIVE, Expect::kEchoed, "", "3.2 KEEPALIVE"}}));
  }
}

TEST_CASE("profiles select the shim: S-fsm in 1.0/1.1, S-sw in 1.2-1.4, S-go in 2.5/3.0") {
  const std::map<std::string, ShimKind> expected = {
      {"1.0", ShimKind::kFsm},      {"1.1", ShimKind::kFsm},    {"1.2", ShimKind::kInTree},
      {"1.4.0", ShimKind::kInTree}, {"1.4", ShimKind::kInTree}, {"2.5", ShimKind::kGo},
      {"3.0", ShimKind::kGo}};
  for (const std::string& name : fabric::profile_names()) {
    CAPTURE(name);
    const Variant v{name.c_str(), ShimKind::kGo, "", false, true, ""};
    ShimHarness h(v);
    CHECK(h.shim.kind() == expected.at(name));
  }
}

// --- Stray replies while a stub call waits (6.4 #6) -------------------------------------

namespace {
/// The shim runs "get" for txid A and waits for GET_STATE's reply; then the peer sends
/// `stray` for txid B, which has no response channel.
struct WaitingForGetState {
  explicit WaitingForGetState(const Variant& v) : h(v) {
    h.reach(ShimState::kReady);
    h.send_from_peer(injected(MessageType::TRANSACTION, "txA", "get"));
    REQUIRE(h.peer.got.size() == 1);
    REQUIRE(h.peer.got[0].type == MessageType::GET_STATE);
    h.peer.got.clear();
  }
  void answer() {
    ChaincodeMessage reply = injected(MessageType::RESPONSE, "txA");
    reply.text = "value";
    h.send_from_peer(reply);
  }
  ShimHarness h;
};
}  // namespace

TEST_CASE("fabric-sources 6.4 #6: a stray RESPONSE is fatal in S-go and S-sw, logged in S-fsm") {
  for (const Variant* v : {&kGo, &kSw, &kFsm11}) {
    CAPTURE(v->profile);
    WaitingForGetState w(*v);
    w.h.send_from_peer(injected(MessageType::RESPONSE, "txB-0123456789"));
    if (v->kind == ShimKind::kFsm) {
      CHECK(w.h.peer.got.empty());
      check_alive(w.h);
      w.answer();  // the waiting stub call still gets its own reply
      REQUIRE(w.h.peer.got.size() == 1);
      CHECK(w.h.peer.got[0].type == MessageType::COMPLETED);
      CHECK(w.h.peer.got[0].txid == "txA");
      continue;
    }
    REQUIRE(w.h.peer.got.size() == 1);
    CHECK(w.h.peer.got[0].type == MessageType::ERROR);
    CHECK(w.h.peer.got[0].text == (v->kind == ShimKind::kGo
                                       ? "[txB-0123] responseChannel does not exist"
                                       : "[txB-0123] sendChannel does not exist"));
    REQUIRE(w.h.exits.size() == 1);
    CHECK(w.h.shim.exited());
  }
}

TEST_CASE("fabric-sources 6.4 #6: a stray ERROR is fatal in S-go only") {
  for (const Variant* v : {&kGo, &kSw, &kFsm11, &kFsm10}) {
    CAPTURE(v->profile);
    WaitingForGetState w(*v);
    w.h.send_from_peer(injected(MessageType::ERROR, "txB-0123456789"));
    if (v->kind == ShimKind::kGo) {
      REQUIRE(w.h.exits.size() == 1);
      CHECK(w.h.exits[0].first ==
            "error handling message: [txB-0123] responseChannel does not exist");
      continue;
    }
    CHECK(w.h.peer.got.empty());
    check_alive(w.h);
    w.answer();
    REQUIRE(w.h.peer.got.size() == 1);
    CHECK(w.h.peer.got[0].type == MessageType::COMPLETED);
    CHECK(w.h.peer.got[0].response.status == fabric::Response::kOk);
  }
}

// --- KEEPALIVE (2.6, 3.2-3.4) -----------------------------------------------------------

TEST_CASE(
    "fabric-sources 3.3, 3.4: a failed KEEPALIVE echo ends S-go's loop, in-tree shims ignore it") {
  for (const Variant* v : {&kGo, &kSw, &kFsm11, &kFsm10}) {
    CAPTURE(v->profile);
    ShimHarness h(*v);
    h.reach(ShimState::kReady);
    h.stream.fail_next_send(kernel::End::kB, "boom");
    h.send_from_peer(MessageType::KEEPALIVE);
    CHECK(h.peer.got.empty());  // the echo failed
    if (v->kind == ShimKind::kGo) {
      REQUIRE(h.exits.size() == 1);
      CHECK(h.exits[0].first == "error sending: boom");
      continue;
    }
    check_alive(h);
    h.send_from_peer(MessageType::KEEPALIVE);  // "maybe next KEEPALIVE will work"
    REQUIRE(h.peer.got.size() == 1);
    CHECK(h.peer.got[0].type == MessageType::KEEPALIVE);
  }
}

// --- 1.0: response channels keyed by txid alone, no channel_id anywhere (1.2, 3.1) -------

TEST_CASE("fabric-sources 1.2, 3.1: the 1.0 shim keys its response channels by txid alone") {
  // A reply on another channel reaches the waiting stub call under 1.0 and is stray in 1.1.
  for (const Variant* v : {&kFsm10, &kFsm11}) {
    CAPTURE(v->profile);
    WaitingForGetState w(*v);
    ChaincodeMessage other_channel = injected(MessageType::RESPONSE, "txA");
    other_channel.channel_id = "other";
    w.h.send_from_peer(other_channel);
    if (!v->has_channel) {
      REQUIRE(w.h.peer.got.size() == 1);
      CHECK(w.h.peer.got[0].type == MessageType::COMPLETED);
      CHECK(w.h.peer.got[0].channel_id.empty());  // 1.0's ChaincodeMessage has no such field
      continue;
    }
    CHECK(w.h.peer.got.empty());
    CHECK(w.h.notes() ==
          std::vector<std::string>{
              "[txA]error sending RESPONSE (state:ready): [txA]sendChannel does not exist"});
  }
}

TEST_CASE("fabric-sources 3.1: the same txid on two channels collides in 1.0 only") {
  // Two transactions with one txid on two channels, each calling GetState: under 1.0 the
  // second finds the first's response channel ("[%s]Channel exists", createChannel's error
  // as it is); from 1.1 the keys differ and both wait for their replies.
  for (const Variant* v : {&kFsm10, &kFsm11, &kSw}) {
    CAPTURE(v->profile);
    ShimHarness h(*v);
    h.reach(ShimState::kReady);
    ChaincodeMessage on_ch1 = injected(MessageType::TRANSACTION, CCSIM_TEST_TXID, "get");
    on_ch1.channel_id = "ch1";
    ChaincodeMessage on_ch2 = on_ch1;
    on_ch2.channel_id = "ch2";
    REQUIRE_FALSE(h.stream.send(kernel::End::kA, fabric::share(on_ch1)).has_value());
    h.send_from_peer(on_ch2);
    std::multiset<MessageType> sent;
    for (const ChaincodeMessage& m : h.peer.got)
      sent.insert(m.type);
    if (v->has_channel) {
      CHECK(sent == std::multiset<MessageType>{MessageType::GET_STATE, MessageType::GET_STATE});
      continue;
    }
    REQUIRE(h.peer.got.size() == 2);
    CHECK(h.peer.got[0].type == MessageType::GET_STATE);
    CHECK(h.peer.got[0].channel_id.empty());
    CHECK(h.peer.got[1].type == MessageType::COMPLETED);
    CHECK(h.peer.got[1].response.status == fabric::Response::kError);
    CHECK(h.peer.got[1].response.message == "[" CCSIM_TEST_SHORT_TXID "]Channel exists");
  }
}

// --- Texts of each version --------------------------------------------------------------

TEST_CASE("fabric-sources 3.1: a stub call whose request cannot be sent, per shim and call") {
  // The shim's next send (the request) fails with "boom"; the chaincode returns shim.Error
  // with the stub's error, so COMPLETED carries it (v1.0.0-v1.4.12 and fabric-chaincode-go
  // shim/handler.go: the texts below are their format strings filled in).
  struct Case {
    const Variant* v;
    const char* function;
    const char* message;
  };
  const std::vector<Case> cases = {
      {&kGo, "get", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE: boom"},
      // S-go, read in fabric-chaincode-go shim/handler.go (first commit to v2.3.0): only the
      // point reads and writes keep the cause; DEL_STATE, ranges and the rest drop it.
      {&kGo, "get", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE: boom"},
      {&kGo, "put", "[" CCSIM_TEST_TXID "] error sending PUT_STATE: boom"},
      {&kGo, "del", "[" CCSIM_TEST_SHORT_TXID "] error sending DEL_STATE"},
      {&kGo, "range", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE_BY_RANGE"},
      {&kGo, "history", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_HISTORY_FOR_KEY"},
      {&kGo, "metadata", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE_METADATA: boom"},
      {&kGo, "hash", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_PRIVATE_DATA_HASH: boom"},
      {&kGo, "invoke", "[" CCSIM_TEST_SHORT_TXID "] error sending INVOKE_CHAINCODE"},
      {&kSw, "get", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE: boom"},
      {&kSw, "put", "[" CCSIM_TEST_TXID "] error sending PUT_STATE: boom"},
      {&kSw, "del", "[" CCSIM_TEST_SHORT_TXID "] error sending DEL_STATE DEL_STATE"},
      {&kSw, "range", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE_BY_RANGE"},
      {&kSw, "history", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_HISTORY_FOR_KEY"},
      {&kSw, "metadata", "[" CCSIM_TEST_SHORT_TXID "]error sending GET_STATE_METADATA: boom"},
      {&kSw, "hash", "[" CCSIM_TEST_SHORT_TXID "] error sending GET_PRIVATE_DATA_HASH: boom"},
      {&kSw, "invoke", "[" CCSIM_TEST_SHORT_TXID "] error sending INVOKE_CHAINCODE"},
      {&kFsm11, "get", "[" CCSIM_TEST_SHORT_TXID "]error sending GET_STATE: boom"},
      {&kFsm11, "put", "[" CCSIM_TEST_TXID "]error sending PUT_STATE: boom"},
      {&kFsm11, "del", "[" CCSIM_TEST_SHORT_TXID "]error sending DEL_STATE DEL_STATE"},
      {&kFsm11, "range", "[" CCSIM_TEST_SHORT_TXID "]error sending GET_STATE_BY_RANGE"},
      {&kFsm11, "invoke", "[" CCSIM_TEST_SHORT_TXID "]error sending INVOKE_CHAINCODE"},
      {&kFsm10, "get", "[" CCSIM_TEST_SHORT_TXID "]error sending GET_STATE boom"},
      {&kFsm10, "put", "[" CCSIM_TEST_TXID "]error sending PUT_STATE boom"},
      {&kFsm10, "history", "[" CCSIM_TEST_SHORT_TXID "]error sending GET_HISTORY_FOR_KEY"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.v->profile);
    CAPTURE(c.function);
    ShimHarness h(*c.v);
    h.reach(ShimState::kReady);
    h.stream.fail_next_send(kernel::End::kB, "boom");
    h.send_from_peer(injected(MessageType::TRANSACTION, CCSIM_TEST_TXID, c.function));
    REQUIRE(h.peer.got.size() == 1);
    CHECK(h.peer.got[0].type == MessageType::COMPLETED);
    CHECK(h.peer.got[0].response.status == fabric::Response::kError);
    CHECK(h.peer.got[0].response.message == c.message);
    check_alive(h);
  }
}

TEST_CASE("fabric-sources 3.1: a busy response channel, per shim and call") {
  // Two transactions with the same channel and txid: the second's stub call finds the
  // first's channel. The key is "ch" + txid, so its first 8 characters are "ch012345". From
  // 1.1, GET_STATE wraps createChannel's error (callPeerWithChaincodeMsg); GetHistoryForKey
  // creates its channel itself and returns the error as it is.
  struct Case {
    const Variant* v;
    const char* function;
    const char* message;
  };
  const std::vector<Case> cases = {
      // The notes give createResponseChannel's text only; fabric-chaincode-go's handleGetState
      // wraps it as a failed send, as the in-tree shims do (the source wins).
      {&kGo, "get",
       "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE: [ch012345] channel exists"},
      {&kGo, "history", "[ch012345] channel exists"},
      {&kGo, "invoke", "[ch012345] channel exists"},
      {&kSw, "get",
       "[" CCSIM_TEST_SHORT_TXID "] error sending GET_STATE: [ch012345] channel exists"},
      {&kSw, "history", "[ch012345] channel exists"},
      {&kFsm11, "get",
       "[" CCSIM_TEST_SHORT_TXID "]error sending GET_STATE: [ch012345]channel exists"},
      {&kFsm11, "history", "[ch012345]channel exists"},
      {&kFsm10, "get", "[" CCSIM_TEST_SHORT_TXID "]Channel exists"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.v->profile);
    CAPTURE(c.function);
    ShimHarness h(*c.v);
    h.reach(ShimState::kReady);
    const ChaincodeMessage tx = injected(MessageType::TRANSACTION, CCSIM_TEST_TXID, c.function);
    REQUIRE_FALSE(h.stream.send(kernel::End::kA, fabric::share(tx)).has_value());
    h.send_from_peer(tx);
    REQUIRE(h.peer.got.size() == 2);
    CHECK(h.peer.got[0].type != MessageType::COMPLETED);  // the first's request
    CHECK(h.peer.got[1].type == MessageType::COMPLETED);
    CHECK(h.peer.got[1].response.message == c.message);
  }
}

TEST_CASE("fabric-sources 3.2-3.4: how each shim's loop reports the end of its stream") {
  struct Case {
    const char* profile;
    bool eof;  // else the stream breaks with "rpc error: x"
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"2.5", true, "received EOF, ending chaincode stream"},
      {"2.5", false, "receive failed: rpc error: x"},
      {"1.4", true, "received EOF, ending chaincode stream: EOF"},
      {"1.4", false, "receive failed: rpc error: x"},
      // 1.2's Recv goroutine pushes its error on errc before msgAvail (v1.2.0 chaincode.go).
      {"1.2", true, "error sending: EOF"},
      {"1.2", false, "error sending: rpc error: x"},
      {"1.1", true, "received EOF, ending chaincode stream: EOF"},
      {"1.1", false, "rpc error: x"},
      {"1.0", true, "EOF"},
      {"1.0", false, "rpc error: x"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.profile);
    CAPTURE(c.eof);
    const Variant v{c.profile, ShimKind::kGo, "", false, true, ""};
    ShimHarness h(v);
    h.reach(ShimState::kReady);
    if (c.eof) {
      h.stream.close_send(kernel::End::kA);
    } else {
      h.stream.abort("rpc error: x");
    }
    h.sim.run();
    REQUIRE(h.exits.size() == 1);
    CHECK(h.exits[0].first == c.reason);
    CHECK(h.exits[0].second == 0);
  }
}

TEST_CASE("fabric-sources 3.1: REGISTER that cannot be sent, and SetEvent's own check") {
  for (const auto& [name, text] : std::vector<std::pair<const char*, const char*>>{
           {"2.5", "error sending chaincode REGISTER: boom"},
           {"1.4", "error sending chaincode REGISTER: boom"},
           {"1.1", "error sending chaincode REGISTER: boom"},
           {"1.0", "Error sending chaincode REGISTER: boom"}}) {
    const char* profile = name;  // CAPTURE's lambda cannot capture a binding (clang 14)
    CAPTURE(profile);
    ShimHarness h(Variant{profile, ShimKind::kGo, "", false, true, ""});
    h.stream.fail_next_send(kernel::End::kB, "boom");
    h.shim.start();
    h.sim.run();
    REQUIRE(h.exits.size() == 1);
    CHECK(h.exits[0].first == text);
  }
  for (const auto& [name, text] : std::vector<std::pair<const char*, const char*>>{
           {"2.5", "event name can not be empty string"},
           {"1.4", "event name can not be nil string"},
           {"1.1", "event name can not be nil string"},
           {"1.0", "Event name can not be nil string."}}) {
    const char* profile = name;
    CAPTURE(profile);
    ShimHarness h(Variant{profile, ShimKind::kGo, "", false, true, ""});
    h.reach(ShimState::kReady);
    h.send_from_peer(injected(MessageType::TRANSACTION, CCSIM_TEST_TXID, "event"));
    REQUIRE(h.peer.got.size() == 1);
    CHECK(h.peer.got[0].response.message == text);
  }
}

// --- Sending results: S-go and S-sw from the goroutine, S-fsm through the loop -----------

TEST_CASE("fabric-sources 3.2, 3.3: a result that cannot be sent") {
  // S-go and S-sw: errc ends the loop, "error sending: boom". S-fsm: the loop's errc case
  // formats in.Type of a nil `in` and the chaincode panics (exit code 2). [derived]
  for (const Variant* v : {&kGo, &kSw, &kFsm11, &kFsm10}) {
    CAPTURE(v->profile);
    ShimHarness h(*v);
    h.reach(ShimState::kReady);
    h.stream.fail_next_send(kernel::End::kB, "boom");
    h.send_from_peer(injected(MessageType::TRANSACTION));
    CHECK(h.peer.got.empty());
    REQUIRE(h.exits.size() == 1);
    if (v->kind == ShimKind::kFsm) {
      CHECK(h.exits[0].first ==
            "panic: runtime error: invalid memory address or nil pointer dereference");
      CHECK(h.exits[0].second == 2);
      REQUIRE(h.peer.closed.has_value());
      CHECK_FALSE(h.peer.closed->eof);  // the process died under the stream
    } else {
      CHECK(h.exits[0].first == "error sending: boom");
      CHECK(h.exits[0].second == 0);
    }
  }
}

TEST_CASE("fabric-sources 3.2: S-fsm's select between an inbound message and a result") {
  // TRANSACTION and KEEPALIVE arrive together. The user code's COMPLETED reaches nextState
  // while KEEPALIVE waits in msgAvail: both cases are ready, a decision. The fixed rule takes
  // msgAvail (declared first) and echoes KEEPALIVE first; the other answer sends COMPLETED
  // first.
  for (const std::uint64_t answer : {0, 1}) {
    CAPTURE(answer);
    ShimHarness h(kFsm11);
    h.source.answers["select chatWithPeer cc"] = answer;
    h.reach(ShimState::kReady);
    REQUIRE_FALSE(h.stream.send(kernel::End::kA, fabric::share(injected(MessageType::TRANSACTION)))
                      .has_value());
    h.send_from_peer(MessageType::KEEPALIVE);
    REQUIRE(h.peer.got.size() == 2);
    const std::vector<MessageType> order = {h.peer.got[0].type, h.peer.got[1].type};
    CHECK(order ==
          (answer == 0 ? std::vector<MessageType>{MessageType::KEEPALIVE, MessageType::COMPLETED}
                       : std::vector<MessageType>{MessageType::COMPLETED, MessageType::KEEPALIVE}));
    CHECK(std::count(h.source.asked.begin(), h.source.asked.end(), "select chatWithPeer cc") >= 1);
    check_alive(h);
  }
}

TEST_CASE("fabric-sources 3.2: S-fsm's EOF read after another case reads as a nil message") {
  // TRANSACTION, then EOF at the same instant. With msgAvail chosen first the loop returns
  // the EOF and the result never leaves (the goroutine stays blocked on nextState). With
  // nextState chosen first, the loop's top clears the err it shares with the Recv goroutine,
  // and the EOF then reads as a nil message. [derived: a data race in 1.0/1.1 chaincode.go]
  struct Case {
    const Variant* v;
    std::uint64_t answer;
    const char* reason;
    bool completed_sent;
  };
  for (const Case& c :
       std::vector<Case>{{&kFsm11, 0, "received EOF, ending chaincode stream: EOF", false},
                         {&kFsm11, 1, "received nil message, ending chaincode stream", true},
                         {&kFsm10, 0, "EOF", false},
                         {&kFsm10, 1, "Received nil message, ending chaincode stream", true}}) {
    CAPTURE(c.v->profile);
    CAPTURE(c.answer);
    ShimHarness h(*c.v);
    h.source.answers["select chatWithPeer cc"] = c.answer;
    h.reach(ShimState::kReady);
    REQUIRE_FALSE(h.stream.send(kernel::End::kA, fabric::share(injected(MessageType::TRANSACTION)))
                      .has_value());
    h.stream.close_send(kernel::End::kA);
    h.sim.run();
    REQUIRE(h.exits.size() == 1);
    CHECK(h.exits[0].first == c.reason);
    CHECK((h.peer.got.size() == 1 && h.peer.got[0].type == MessageType::COMPLETED) ==
          c.completed_sent);
  }
}
