// The peer-side chaincode Handler, P-sw as Fabric 1.2-2.5 has it (fabric-protocol.md 2.2):
// one per chaincode stream, a receive loop that handles one inbound message at a time,
// REGISTER -> REGISTERED -> READY from that loop, Execute with its select over response,
// execute timeout and stream end, and a goroutine per chaincode request (HandleTransaction).
// Profile switches select the behaviour of other releases.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "ccsim/fabric/chaincode_invoker.hpp"
#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/handler_registry.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/fabric/transaction_context.hpp"
#include "ccsim/kernel/select.hpp"
#include "ccsim/kernel/stream.hpp"

namespace ccsim::fabric {

using ChaincodeStream = kernel::Stream<ChaincodeMessage>;

/// Fabric's texts for Execute's select (2.5 names them ErrorExecutionTimeout and
/// ErrorStreamTerminated).
inline constexpr const char* kErrorExecutionTimeout = "timeout expired while executing transaction";
inline constexpr const char* kErrorStreamTerminated = "chaincode stream terminated";

class Handler final : public ChaincodeStream::Receiver {
 public:
  enum class State : std::uint8_t { kCreated, kEstablished, kReady };

  /// What the handler uses of its peer.
  struct Deps {
    kernel::Simulation* sim;
    const Profile* profile;
    const PeerConfig* config;
    HandlerRegistry* registry;
    const Ledger* ledger;       // for cross-channel cc2cc simulators
    ChaincodeInvoker* invoker;  // ChaincodeSupport, for INVOKE_CHAINCODE
  };

  /// Execute's result: the COMPLETED/ERROR message, or Fabric's error text.
  struct ExecuteResult {
    std::optional<ChaincodeMessage> response;
    std::optional<std::string> error;
  };
  using ExecuteDone = std::function<void(ExecuteResult)>;

  Handler(Deps deps, ChaincodeStream& stream, kernel::End end, std::string stream_name);

  /// ProcessStream: the loop takes inbound messages from now on; starts the keepalive ticker.
  void process_stream();

  /// Execute (section 2.2): creates the transaction context (a duplicate fails before
  /// anything is sent), sends INIT/TRANSACTION asynchronously, and waits for the first of
  /// response, execute timeout and (if the profile says so) stream end.
  void execute(const TransactionParams& params, ChaincodeMessage msg, kernel::Duration timeout,
               ExecuteDone done);

  /// Handler.Close, from Registry.Deregister: closes the contexts' query iterators.
  void close();

  State state() const { return state_; }
  const std::string& chaincode_id() const { return chaincode_id_; }
  const std::string& stream_name() const { return stream_name_; }
  bool stream_ended() const { return ended_; }
  const TransactionContexts& contexts() const { return contexts_; }

  void on_message(ChaincodeMessage msg) override;
  void on_closed(const kernel::StreamClosed& closed) override;

 private:
  struct Inbound {
    bool closed = false;
    ChaincodeMessage msg;
    kernel::StreamClosed why;
  };
  struct PendingExecute {
    std::string channel_id;
    std::string txid;
    std::unique_ptr<kernel::Select> select;
    kernel::EventId timer;
    ExecuteDone done;
  };
  enum ExecuteCase : std::size_t { kResponseCase = 0, kTimeoutCase = 1, kStreamDoneCase = 2 };

  void enqueue(Inbound in);
  void loop_step();
  std::optional<std::string> handle_message(const ChaincodeMessage& msg);
  void handle_register(const ChaincodeMessage& msg);
  void finish_register();
  void notify_registry(std::optional<std::string> err);
  void notify(const ChaincodeMessage& msg);
  /// A delegate's result: the RESPONSE, or the cause of the ERROR reply.
  struct DelegateResult {
    std::optional<ChaincodeMessage> response;
    std::string error;
  };
  using DelegateDone = std::function<void(DelegateResult)>;

  void handle_transaction(const ChaincodeMessage& msg);
  void run_delegate(const ChaincodeMessage& msg, TransactionContext& ctx, DelegateDone done);
  DelegateResult state_delegate(const ChaincodeMessage& msg, TransactionContext& ctx);
  DelegateResult open_query(const ChaincodeMessage& msg, TransactionContext& ctx,
                            std::vector<QueryResult> results);
  void invoke_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx, DelegateDone done);
  void finish_request(const ChaincodeMessage& msg, DelegateResult result);
  void finish_execute(const std::string& key, std::size_t chosen);

  std::optional<std::string> serial_send(const ChaincodeMessage& msg);
  void serial_send_async(ChaincodeMessage msg);
  void end_stream(const std::string& reason);
  void keepalive_tick();
  void set_state(State next);
  void note(const std::string& txid, const std::string& channel, std::string detail);

  Deps deps_;
  ChaincodeStream* stream_;
  kernel::End end_;
  std::string stream_name_;
  State state_ = State::kCreated;
  std::string chaincode_id_;

  std::deque<Inbound> inbox_;
  bool loop_scheduled_ = false;
  bool processing_ = false;        // ProcessStream has started
  bool ended_ = false;             // ProcessStream has returned
  bool stuck_ = false;             // the loop blocked forever (a full ResponseNotifier)
  bool register_pending_ = false;  // HandleRegister registered; REGISTERED not yet sent
  kernel::EventId keepalive_timer_;

  TransactionContexts contexts_;
  std::set<std::string> active_transactions_;  // ActiveTransactions: channel+txid in flight
  std::map<std::string, PendingExecute> pending_;
  std::uint64_t next_iterator_ = 1;  // query ids: Fabric uses a fresh UUID; ours count
};

const char* to_string(Handler::State state);

}  // namespace ccsim::fabric
