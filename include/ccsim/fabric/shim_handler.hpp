// The chaincode-side shim Handler with the scripted user code it runs, in the three forms a
// profile can select (docs/fabric-sources.md 3.1-3.5):
//  - S-go, fabric-chaincode-go for Fabric 2.x (3.4): stub calls are synchronous sends;
//  - S-sw, the 1.2-1.4 in-tree shim (3.3, profile switch in_tree_shim): stub calls send in
//    their own goroutine (the async sendReceive), a stray ERROR is ignored, a stray RESPONSE
//    and an unexpected message are fatal with "... with payload size (%d) ..." texts;
//  - S-fsm, the 1.0/1.1 looplab-FSM shim (3.2, shim_fsm on top of in_tree_shim): results go
//    back to the stream loop over the unbuffered nextState channel and through the FSM
//    before they are sent, and chatWithPeer's select over errc / msgAvail / nextState is a
//    decision site ("select chatWithPeer <stream>").
// In every form REGISTER is sent synchronously, the receive loop handles one message at a
// time, each INIT/TRANSACTION runs the user code in its own goroutine, stub calls wait on a
// response channel keyed by channel_id + txid (txid alone under 1.0), and a loop error makes
// the process exit.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/mutation.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/kernel/processor_sharing.hpp"
#include "ccsim/kernel/select.hpp"
#include "ccsim/kernel/stream.hpp"

namespace ccsim::fabric {

using ChaincodeStream = kernel::Stream<MessagePtr>;

/// What the peer's Recv reports when the chaincode process dies without closing its stream
/// (gRPC cancels the server stream's context).
inline constexpr const char* kProcessDiedError =
    "rpc error: code = Canceled desc = context canceled";

class ShimHandler final : public ChaincodeStream::Receiver {
 public:
  enum class State : std::uint8_t { kCreated, kEstablished, kReady };
  /// Which shim runs, from the profile's in_tree_shim and shim_fsm switches.
  enum class Kind : std::uint8_t { kGo, kInTree, kFsm };  // S-go, S-sw, S-fsm

  /// Called once when the process ends: chatWithPeer returned (main() returns after
  /// shim.Start fails: exit code 0), or the user code panicked (exit code 2, as Go does).
  using OnExit = std::function<void(const std::string& reason, int exit_code)>;

  /// `profile`, `config` and `chaincode` must outlive the handler. `mutation` is for tests
  /// only (mutation.hpp).
  ShimHandler(kernel::Simulation& sim, const Profile& profile, const PeerConfig& config,
              ChaincodeStream& stream, kernel::End end, std::string stream_name,
              const ChaincodeDefinition& chaincode, OnExit on_exit,
              Mutation mutation = Mutation::kNone);

  /// chatWithPeer: sends REGISTER{ChaincodeID{name: ccid}} and starts the receive loop.
  void start();
  /// The process dies (crash): no more sends, no more user code.
  void kill();

  State state() const { return state_; }
  Kind kind() const { return kind_; }
  bool exited() const { return exited_; }

  void on_message(MessagePtr msg) override;
  void on_closed(const kernel::StreamClosed& closed) override;

 private:
  /// A step's result as later steps read it: ${name} and ${name.<field>}.
  struct Binding {
    std::string value;
    std::map<std::string, std::string> fields;
  };
  /// What the goroutines of one INIT/TRANSACTION share: its request, its event, and the
  /// results steps name (Go closures share the variables they capture).
  struct Transaction {
    MessagePtr request;                       // the INIT or TRANSACTION
    std::optional<ChaincodeEvent> event;      // stub.SetEvent: the last one wins
    std::map<std::string, Binding> bindings;  // by the steps' "as"
  };
  /// One goroutine of user code and where it is: the function's own, a branch of `parallel`
  /// the function waits for, or a `go` goroutine nothing waits for.
  struct Invocation {
    enum class Role : std::uint8_t { kFunction, kBranch, kDetached };
    std::shared_ptr<Transaction> tx;
    const std::vector<Step>* steps = nullptr;  // null: Invoke has no case for the function
    std::size_t pc = 0;
    Role role = Role::kFunction;
    // The iterator of the range/query/history step in progress (StateQueryIterator).
    std::string iterator_id;
    std::vector<QueryResult> batch;
    std::size_t batch_pos = 0;
    bool has_more = false;
    std::size_t read = 0;
    bool closing = false;           // the pending stub call is the iterator's Close()
    std::vector<QueryResult> rows;  // what a bound range/query/history step has read
    std::string error_text;         // ${error}, while an on_error answer is made
    // A branch: the goroutine waiting in its `parallel` step, and the branch's place there.
    std::shared_ptr<Invocation> parent;
    std::size_t branch = 0;
    // Waiting in a `parallel` step: the branches still running, and each one's error.
    std::size_t running_branches = 0;
    std::vector<std::optional<std::string>> branch_errors;
  };
  struct Inbound {
    bool closed = false;
    MessagePtr msg;  // null when closed
    kernel::StreamClosed why;
    // S-fsm: the loop cleared its shared err after the Recv goroutine had set it, so the end
    // of the stream reads as a nil message (3.2; see fsm_chosen).
    bool error_overwritten = false;
  };
  /// What serialSendAsync does with a failed send: its errc ends the loop ("error sending:
  /// %s"), or errc is nil and the failure is ignored.
  enum class OnSendError : std::uint8_t { kEndLoop, kIgnore };

  // The receive loop of S-go and S-sw: one inbound message at a time.
  void enqueue(Inbound in);
  void loop_step();
  MessagePtr take_inbound();
  // The receive loop of S-fsm: chatWithPeer's select over errc, msgAvail and nextState.
  void fsm_wait();
  void fsm_chosen(std::size_t chosen);
  void fsm_handle_inbound();
  void fsm_hand_off(MessagePtr result);

  std::optional<std::string> handle_message(const MessagePtr& msg);
  std::optional<std::string> handle_message_fsm(const MessagePtr& msg);
  std::optional<std::string> handle_response(const MessagePtr& msg);
  bool send_channel(const MessagePtr& msg);
  /// The handler could not take `msg` (`err`): ERROR{payload = err, txid} goes back
  /// synchronously and the loop ends.
  void reject(const ChaincodeMessage& msg, const std::string& err);
  std::string stream_end_reason(const Inbound& in) const;
  void start_invocation(const MessagePtr& msg);
  void run(const std::shared_ptr<Invocation>& inv);
  void stub_call(const std::shared_ptr<Invocation>& inv, ChaincodeMessage&& request);
  void on_reply(const std::shared_ptr<Invocation>& inv, const ChaincodeMessage& reply);
  void iterate(const std::shared_ptr<Invocation>& inv);
  void on_invoke_reply(const std::shared_ptr<Invocation>& inv, const ChaincodeMessage& reply);
  // What user code makes of results: bindings for later steps, templates filled in, and
  // a failed call's on_error.
  void bind(Invocation& inv, const Step& step, std::string value,
            std::map<std::string, std::string> fields);
  void bind_rows(Invocation& inv, const Step& step);
  /// `text` with its references filled in; sets `failure` (once) when it grows too long.
  std::string fill(const Invocation& inv, const std::string& text, std::string& failure) const;
  Response respond(Invocation& inv, const Response& response, const std::string& error);
  void call_failed(const std::shared_ptr<Invocation>& inv, const std::string& error);
  void panic(const std::string& message);
  /// The step being executed (pc has moved past it).
  const Step& current_step(const Invocation& inv) const { return (*inv.steps)[inv.pc - 1]; }
  void finish(const std::shared_ptr<Invocation>& inv, Response response);
  /// A goroutine fell off its end (no error) or stopped at a failed call: the function's own
  /// returns; a branch tells the goroutine waiting for it; a `go` goroutine just ends.
  void end_goroutine(const std::shared_ptr<Invocation>& inv, std::optional<std::string> error);
  /// Starts a goroutine running `steps` of `inv`'s transaction.
  std::shared_ptr<Invocation> go(const std::shared_ptr<Invocation>& inv,
                                 const std::vector<Step>& steps, Invocation::Role role);
  void fail(const std::shared_ptr<Invocation>& inv, const std::string& error);
  /// What a stub call returns when its request cannot be sent: `cause` is the send error, or
  /// with `channel_error` the "channel exists" text of createChannel.
  std::string stub_call_error(const ChaincodeMessage& request, const std::string& cause,
                              bool channel_error) const;
  /// The response channel's key: channel_id + txid, or the txid alone (1.0).
  std::string channel_key(const std::string& channel_id, const std::string& txid) const;

  std::optional<std::string> serial_send(const MessagePtr& msg);
  void serial_send_async(MessagePtr msg, OnSendError on_error);
  // Event labels (kernel::Simulation): "shim <chaincode> <what>[ <message>]".
  std::string label(std::string_view what) const;
  std::string label(std::string_view what, const ChaincodeMessage& msg) const;
  void exit(const std::string& reason);
  void set_state(State next);

  kernel::Simulation* sim_;
  const Profile* profile_;
  Kind kind_;
  const PeerConfig* config_;
  ChaincodeStream* stream_;
  kernel::End end_;
  std::string stream_name_;
  const ChaincodeDefinition* chaincode_;
  OnExit on_exit_;
  Mutation mutation_;

  State state_ = State::kCreated;
  bool started_ = false;
  bool exited_ = false;
  std::deque<Inbound> inbox_;
  bool loop_scheduled_ = false;

  /// The process's cores, shared by its goroutines' `cpu` steps.
  kernel::ProcessorSharing cpu_;

  /// responseChannels: the invocation whose stub call waits, per channel_key.
  std::map<std::string, std::shared_ptr<Invocation>> response_channels_;

  // S-fsm's loop. Each blocked sender on an unbuffered channel waits in its queue, oldest
  // first, as Go queues the senders of a channel.
  std::optional<kernel::Select> fsm_select_;  // the loop waits in its select
  bool recv_pending_ = false;                 // a Recv goroutine is outstanding
  std::deque<MessagePtr> next_state_;         // transaction goroutines: nextState <- result
  std::deque<std::optional<std::string>> send_results_;  // result sends: errc <- err
};

const char* to_string(ShimHandler::State state);

}  // namespace ccsim::fabric
