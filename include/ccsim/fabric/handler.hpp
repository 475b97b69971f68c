// The peer-side chaincode Handler, P-sw as Fabric 1.2-2.5 has it (docs/fabric-sources.md 2.2):
// one per chaincode stream, a receive loop that handles one inbound message at a time,
// REGISTER -> REGISTERED -> READY from that loop, Execute with its select over response,
// execute timeout and stream end, and a goroutine per chaincode request (HandleTransaction).
// Profile switches select the behaviour of other releases; `peer_fsm` selects 1.0/1.1's
// looplab-FSM handler (P-fsm, section 2.1, in handler_fsm.cpp): a stream loop that selects over
// send results, inbound messages, the peer's own messages handed over on the unbuffered
// nextState channel, and an idle keepalive timer, and pushes each through the FSM.
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
#include "ccsim/fabric/handshake_script.hpp"
#include "ccsim/fabric/mutation.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/fabric/running_chaincodes.hpp"
#include "ccsim/fabric/transaction_context.hpp"
#include "ccsim/kernel/select.hpp"
#include "ccsim/kernel/stream.hpp"

namespace ccsim::fabric {

using ChaincodeStream = kernel::Stream<MessagePtr>;

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
    const Ledger* ledger;                  // for cross-channel cc2cc simulators
    ChaincodeInvoker* invoker;             // ChaincodeSupport, for INVOKE_CHAINCODE
    RunningChaincodes* running = nullptr;  // P-fsm: 1.0/1.1's chaincodeMap (else unused)
    Mutation mutation = Mutation::kNone;   // tests only (mutation.hpp)
    HandshakeScript* script = nullptr;     // a scripted peer's REGISTERED and READY, if any
    /// The peer process panics with this value (an unrecovered Go panic kills the process).
    std::function<void(const std::string& value)> panic;
    ReadFailures* read_failures = nullptr;  // the state database's injected read errors
  };

  /// A nil-pointer dereference while handling `msg` (a nil ChaincodeId, an iterator released
  /// under its read): true if it panicked the peer (the caller returns at once), false if
  /// HandleTransaction recovered it (2.5.16, 3.1.5).
  bool nil_dereference_panics(const ChaincodeMessage& msg);

  /// Execute's result: the COMPLETED/ERROR message, or Fabric's error text.
  struct ExecuteResult {
    MessagePtr response;  // null on error
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

  // --- P-fsm (1.0/1.1, docs/fabric-sources.md 2.1): what ChaincodeSupport calls -----------------

  /// ready(), from the launcher's sendReady: createTxContext for the launching transaction,
  /// then READY{txid, channel_id (1.1), proposal} handed to the stream loop, which moves the
  /// FSM established -> ready (notifying the READY itself to that context) and sends it
  /// synchronously. Returns createTxContext's error at once; otherwise `accepted` runs once the
  /// loop has taken READY -- never, if the loop has ended: the hand-off blocks forever (2.7).
  std::optional<std::string> ready(const TransactionParams& params, std::function<void()> accepted);
  /// sendExecuteMessage: createTxContext ("cannot create notifier for txid:%s" before
  /// registration, "txid:%s exists"; 1.1 "... txid: %s", "txid: %s(%s) exists"), then the
  /// blocking hand-off of INIT/TRANSACTION to the loop, which pushes it through the FSM (valid
  /// only in ready) and sends it asynchronously. `accepted` as for ready().
  std::optional<std::string> send_execute_message(const TransactionParams& params,
                                                  ChaincodeMessage msg,
                                                  std::function<void()> accepted);
  /// The transaction context of (channel, txid): keyed by txid alone unless
  /// channel_in_tx_context (FAB-5921, 1.1).
  TransactionContext* tx_context(const std::string& channel, const std::string& txid);
  /// deleteTxContext.
  void delete_tx_context(const std::string& channel, const std::string& txid);
  /// createTxContext's error on a handler that was never registered (the launch's placeholder
  /// included): "cannot create notifier for txid:%s" (1.1 "... txid: %s").
  static std::string no_notifier_error(const Profile& profile, const std::string& txid);

  State state() const { return state_; }
  const std::string& chaincode_id() const { return chaincode_id_; }
  const std::string& stream_name() const { return stream_name_; }
  bool stream_ended() const { return ended_; }
  const TransactionContexts& contexts() const { return contexts_; }

  void on_message(MessagePtr msg) override;
  void on_closed(const kernel::StreamClosed& closed) override;

 private:
  // Event labels (kernel::Simulation): "peer <chaincode> <what>[ <message>]".
  std::string label(std::string_view what) const;
  std::string label(std::string_view what, const ChaincodeMessage& msg) const;
  struct Inbound {
    bool closed = false;
    MessagePtr msg;  // null when closed
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
  std::optional<std::string> handle_message(const MessagePtr& msg);
  void handle_register(const ChaincodeMessage& msg);
  void finish_register();
  void end_register();
  void notify_registry(std::optional<std::string> err);
  void notify(const MessagePtr& msg);
  /// A delegate's result: the RESPONSE, or the cause of the ERROR reply.
  struct DelegateResult {
    std::shared_ptr<ChaincodeMessage> response;  // built once; finished and sent as it is
    std::string error;
  };
  using DelegateDone = std::function<void(DelegateResult&&)>;

  void handle_transaction(const MessagePtr& msg);
  void run_delegate(const ChaincodeMessage& msg, TransactionContext& ctx, DelegateDone done);
  DelegateResult state_delegate(const ChaincodeMessage& msg, TransactionContext& ctx);
  DelegateResult open_query(const ChaincodeMessage& msg, TransactionContext& ctx,
                            std::vector<QueryResult> results);
  void invoke_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx, DelegateDone done);
  void call_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx,
                      const std::string& target, const std::string& channel,
                      std::string error_prefix, DelegateDone done);
  void finish_request(const ChaincodeMessage& msg, DelegateResult&& result);
  void finish_execute(const std::string& key, std::size_t chosen);

  // --- Query reads (handler_query_read.cpp) -------------------------------------------------
  /// A batch read under way in a request goroutine (config.query_read): its Next calls.
  struct QueryRead {
    std::string context_key;  // the transaction context whose iterator it reads
    std::string txid;
    std::string channel_id;
    kernel::EventId timer;
    std::function<void(bool released)> finish;
  };
  /// Reads `msg`'s batch (already taken as `result`), then answers it through `done`: an
  /// injected read error, the read's time, and an iterator released under the read.
  void read_query(const ChaincodeMessage& msg, TransactionContext& ctx, DelegateResult result,
                  DelegateDone done);
  /// The key of the transaction context `msg` is for (1.0: the txid alone).
  std::string context_key(const std::string& channel_id, const std::string& txid) const;
  /// Releases every iterator read under way for a context (CloseQueryIterators).
  void release_query_reads(const std::string& context_key);
  void release_query_read(std::uint64_t id);

  std::optional<std::string> serial_send(const MessagePtr& msg);
  std::optional<std::string> send_on_stream(const MessagePtr& msg);  // past the script
  void serial_send_async(MessagePtr msg);
  void end_stream(const std::string& reason);
  void swallow_stream_end(const std::string& reason);
  void keepalive_tick();
  void set_state(State next);
  void note(const std::string& txid, const std::string& channel, std::string detail);

  // --- P-fsm (handler_fsm.cpp) -------------------------------------------------------------
  /// nextStateInfo, and the goroutine blocked handing it to the loop.
  struct NextStateInfo {
    MessagePtr msg;
    bool send_to_cc = true;
    bool send_sync = false;          // READY from the launcher only
    std::function<void()> accepted;  // the blocked sender resumes
  };
  /// processStream's select cases, in the order Fabric declares them.
  enum LoopCase : std::size_t {
    kErrcCase = 0,
    kMsgAvailCase = 1,
    kNextStateCase = 2,
    kKeepaliveCase = 3
  };
  using HandleDone = std::function<void(std::optional<std::string> err)>;

  void fsm_process_stream();
  void fsm_recv();
  void fsm_select();
  void fsm_loop_step(std::size_t chosen);
  void fsm_after_message(const NextStateInfo* ns, std::optional<std::string> err);
  void fsm_handle_message(const ChaincodeMessage& msg, HandleDone done);
  bool fsm_cannot(MessageType type) const;
  void fsm_before_register(const ChaincodeMessage& msg, HandleDone done);
  void fsm_finish_register(HandleDone done);
  void fsm_notify_during_startup(bool ok);
  void fsm_notify(const ChaincodeMessage& msg);
  void fsm_trigger_next_state(NextStateInfo ns);
  std::optional<std::string> fsm_send_with_proposal(const TransactionParams& params,
                                                    ChaincodeMessage msg, bool send_sync,
                                                    std::function<void()> accepted);
  std::optional<std::string> fsm_create_tx_context(const TransactionParams& params, bool is_init);
  std::string fsm_txid_key(const std::string& channel, const std::string& txid) const;
  void fsm_query_request(const ChaincodeMessage& msg);
  void fsm_busy_request(const ChaincodeMessage& msg);
  void fsm_invoke_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx,
                            DelegateDone done);
  ChaincodeMessage fsm_reply(const ChaincodeMessage& msg, DelegateResult result) const;
  void fsm_send_async(MessagePtr msg, bool report_to_loop);
  void fsm_end_stream(const std::string& reason);
  const char* fsm_text(const char* v1_0, const char* v1_1) const;

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
  bool register_pending_ = false;  // HandleRegister runs: registered, READY not yet sent
  kernel::EventId keepalive_timer_;

  TransactionContexts contexts_;
  std::set<std::string> active_transactions_;  // ActiveTransactions: channel+txid in flight
  std::map<std::string, PendingExecute> pending_;
  std::uint64_t next_iterator_ = 1;  // query ids: Fabric uses a fresh UUID; ours count
  std::map<std::uint64_t, QueryRead> query_reads_;  // by start order
  std::uint64_t next_query_read_ = 0;

  // P-fsm state.
  bool registered_ = false;                      // registerHandler succeeded (txCtxs exist)
  std::shared_ptr<ReadyNotify> ready_notify_;    // taken over from the launch's placeholder
  std::deque<NextStateInfo> next_state_;         // senders blocked on nextState, in order
  std::deque<std::optional<std::string>> errc_;  // async send results (errc, then blocked)
  std::unique_ptr<kernel::Select> loop_select_;  // the loop waiting in its select
  bool recv_running_ = false;                    // a Recv goroutine is out
  bool msg_avail_scheduled_ = false;             // ... and has a message, `processing` on
  bool msg_avail_ = false;                       // ... and holds it for the loop
  std::set<std::string> txid_map_;               // txidMap: requests in flight
};

const char* to_string(Handler::State state);

}  // namespace ccsim::fabric
