// The peer Handler as Fabric 1.0/1.1 has it (P-fsm, docs/fabric-sources.md 2.1), selected by
// Profile::peer_fsm: a looplab FSM (created -> established -> ready) driven by one stream loop.
//
// processStream's select has four cases: the result of an async send the loop started
// (errc), the message the Recv goroutine holds (msgAvail), the peer's own messages handed over
// on the unbuffered nextState channel (READY from the launcher, INIT/TRANSACTION from Execute,
// the replies to PUT_STATE/DEL_STATE/INVOKE_CHAINCODE), and a keepalive timer created afresh
// on every pass. Each message, inbound or the peer's own, goes through handleMessage: the
// COMPLETED/ERROR fast path in ready, else FSM.Cannot ends the stream, else FSM.Event. The
// select is a kernel::Select, so which ready case runs first is a decision fuzzing explores.
//
// looplab's "event X inappropriate because previous transition did not complete" cannot occur
// here: every FSM event is fired by the loop, one at a time, and no callback leaves a
// transition pending (no leave_ callback calls Async).
#include "ccsim/fabric/handler.hpp"

#include "ccsim/fabric/lifecycle.hpp"
#include "ccsim/fabric/trace_events.hpp"
#include "ccsim/kernel/check.hpp"

namespace ccsim::fabric {

using kernel::TraceKind;

namespace {
// msg.Type.String(): the enum name, or the number for a value 1.0/1.1's enum does not have.
std::string fsm_type_name(MessageType type) {
  if (static_cast<int>(type) > static_cast<int>(MessageType::GET_HISTORY_FOR_KEY)) {
    return std::to_string(static_cast<int>(type));
  }
  return to_string(type);
}

// The handleXxx functions name their request in "No ledger context for %s".
const char* request_name(MessageType type) {
  switch (type) {
    case MessageType::GET_STATE:
      return "GetState";
    case MessageType::GET_STATE_BY_RANGE:
      return "GetStateByRange";
    case MessageType::GET_QUERY_RESULT:
      return "GetQueryResult";
    case MessageType::GET_HISTORY_FOR_KEY:
      return "GetHistoryForKey";
    default:
      return to_string(type);
  }
}
}  // namespace

const char* Handler::fsm_text(const char* v1_0, const char* v1_1) const {
  return deps_.profile->lowercase_errors ? v1_1 : v1_0;
}

std::string Handler::no_notifier_error(const Profile& profile, const std::string& txid) {
  return (profile.lowercase_errors ? "cannot create notifier for txid: "
                                   : "cannot create notifier for txid:") +
         txid;
}

// --- The stream loop ---------------------------------------------------------------------

void Handler::fsm_process_stream() {
  CCSIM_CHECK_AT(deps_.sim->now(), deps_.running != nullptr, "P-fsm without RunningChaincodes");
  processing_ = true;
  fsm_select();
}

// The Recv goroutine: it takes the next inbound message `processing` after it started waiting
// for one, then holds it until the loop takes it. A new Recv starts only at the loop's next
// pass, so messages are handled strictly one at a time.
void Handler::fsm_recv() {
  if (ended_ || !recv_running_ || msg_avail_ || msg_avail_scheduled_ || inbox_.empty()) return;
  msg_avail_scheduled_ = true;
  deps_.sim->after(
      deps_.config->processing,
      [this] {
        msg_avail_scheduled_ = false;
        if (ended_) return;
        msg_avail_ = true;
        if (loop_select_) loop_select_->ready(kMsgAvailCase);
      },
      [&] {
        return inbox_.front().closed ? label("receives the stream's end")
                                     : label("receives", *inbox_.front().msg);
      });
}

void Handler::fsm_select() {
  if (ended_ || stuck_) return;
  recv_running_ = true;  // `if recv { go Recv() }`
  fsm_recv();
  loop_select_ = std::make_unique<kernel::Select>(*deps_.sim, "peer loop " + stream_name_, 4,
                                                  [this](std::size_t c) { fsm_loop_step(c); });
  if (!errc_.empty()) loop_select_->ready(kErrcCase);
  if (msg_avail_) loop_select_->ready(kMsgAvailCase);
  if (!next_state_.empty()) loop_select_->ready(kNextStateCase);
  // A fresh time.After on every pass: KEEPALIVE goes out after `keepalive` of idleness (2.6).
  if (deps_.config->keepalive.ns() > 0) {
    keepalive_timer_ = deps_.sim->daemon_at(
        deps_.sim->now() + deps_.config->keepalive,
        [this] {
          if (loop_select_) loop_select_->ready(kKeepaliveCase);
        },
        [&] { return label("keepalive tick"); });
  }
}

void Handler::fsm_loop_step(std::size_t chosen) {
  loop_select_.reset();  // the select has resolved (Select allows this from its callback)
  deps_.sim->cancel(keepalive_timer_);
  switch (chosen) {
    case kErrcCase: {
      std::optional<std::string> send_err = std::move(errc_.front());
      errc_.pop_front();
      if (send_err) {
        fsm_end_stream(*send_err);  // `return sendErr`
        return;
      }
      fsm_select();
      return;
    }
    case kKeepaliveCase: {
      ChaincodeMessage keepalive;
      keepalive.type = MessageType::KEEPALIVE;
      fsm_send_async(share(std::move(keepalive)),
                     /*report_to_loop=*/false);  // "don't care about error"
      fsm_select();
      return;
    }
    case kMsgAvailCase: {
      msg_avail_ = false;
      recv_running_ = false;
      Inbound in = std::move(inbox_.front());
      inbox_.pop_front();
      if (in.closed) {
        // 1.0 returns io.EOF as is; 1.1 wraps it. Other Recv errors end the stream as they are.
        const std::string reason =
            !in.why.eof ? in.why.error
                        : fsm_text("EOF", "received EOF, ending chaincode support stream: EOF");
        if (deps_.mutation == Mutation::kSwallowStreamEnd) {
          swallow_stream_end(reason);
          fsm_select();
          return;
        }
        fsm_end_stream(reason);
        return;
      }
      trace_message(*deps_.sim, TraceKind::kDeliver, Side::kPeer, to_string(state_), stream_name_,
                    Side::kShim, *in.msg);
      if (in.msg->type == MessageType::KEEPALIVE &&
          deps_.mutation != Mutation::kKeepaliveInWrongState) {
        fsm_select();  // "does not touch the state machine"
        return;
      }
      fsm_handle_message(*in.msg, [this](std::optional<std::string> err) {
        fsm_after_message(nullptr, std::move(err));
      });
      return;
    }
    case kNextStateCase: {
      NextStateInfo ns = std::move(next_state_.front());
      next_state_.pop_front();
      // The receive completes the hand-off: the blocked sender carries on, concurrently.
      if (ns.accepted) {
        deps_.sim->spawn(std::move(ns.accepted),
                         [&] { return label("hands over next state", *ns.msg); });
      }
      ns.accepted = nullptr;
      auto info = std::make_shared<const NextStateInfo>(std::move(ns));
      fsm_handle_message(*info->msg, [this, info](std::optional<std::string> err) {
        fsm_after_message(info.get(), std::move(err));
      });
      return;
    }
  }
}

// After handleMessage: a failure ends the stream; the peer's own messages are then sent, READY
// synchronously, the rest asynchronously with their result reported back to the loop.
void Handler::fsm_after_message(const NextStateInfo* ns, std::optional<std::string> err) {
  if (err) {
    fsm_end_stream(fsm_text("Error handling message, ending stream: ",
                            "error handling message, ending "
                            "stream: ") +
                   *err);
    return;
  }
  if (ns != nullptr && ns->send_to_cc && !ended_ && !stuck_) {
    if (ns->send_sync) {
      CCSIM_CHECK_AT(deps_.sim->now(), ns->msg->type == MessageType::READY,
                     "Sync send can only be for READY state");
      if (auto send_err = serial_send(ns->msg)) {
        // Two spaces before "message" in both; 1.1's WithMessage adds ": " after the colon.
        fsm_end_stream("[" + short_txid(ns->msg->txid) + "]" +
                       fsm_text("Error sending ready  message, ending stream: ",
                                "error sending ready  message, ending stream:: ") +
                       *send_err);
        return;
      }
    } else {
      fsm_send_async(ns->msg, /*report_to_loop=*/true);
    }
  }
  fsm_select();
}

// --- handleMessage and the FSM -------------------------------------------------------------

bool Handler::fsm_cannot(MessageType type) const {
  switch (state_) {
    case State::kCreated:
      return type != MessageType::REGISTER;
    case State::kEstablished:
      return type != MessageType::READY;
    case State::kReady:
      switch (type) {
        case MessageType::PUT_STATE:
        case MessageType::DEL_STATE:
        case MessageType::INVOKE_CHAINCODE:
        case MessageType::COMPLETED:
        case MessageType::GET_STATE:
        case MessageType::GET_STATE_BY_RANGE:
        case MessageType::GET_QUERY_RESULT:
        case MessageType::GET_HISTORY_FOR_KEY:
        case MessageType::QUERY_STATE_NEXT:
        case MessageType::QUERY_STATE_CLOSE:
        case MessageType::ERROR:
        case MessageType::RESPONSE:
        case MessageType::INIT:
        case MessageType::TRANSACTION:
          return false;
        default:
          return true;
      }
  }
  return true;
}

void Handler::fsm_handle_message(const ChaincodeMessage& msg, HandleDone done) {
  if ((msg.type == MessageType::COMPLETED || msg.type == MessageType::ERROR) &&
      state_ == State::kReady) {
    fsm_notify(msg);
    done(std::nullopt);
    return;
  }
  if (fsm_cannot(msg.type)) {
    done("[" + msg.txid + "]Chaincode handler validator FSM cannot handle message (" +
         fsm_type_name(msg.type) + ") with payload size (" +
         std::to_string(payload_size(msg, !deps_.profile->channel_in_tx_context)) +
         ") while in state: " + to_string(state_));
    return;
  }
  switch (msg.type) {
    case MessageType::REGISTER:  // created -> established
      fsm_before_register(msg, std::move(done));
      return;
    case MessageType::READY:  // established -> ready; enter_ready: notify(msg)
      set_state(State::kReady);
      fsm_notify(msg);
      break;
    case MessageType::PUT_STATE:
    case MessageType::DEL_STATE:
    case MessageType::INVOKE_CHAINCODE:
      // after_: enterBusyState, whose work runs in its own goroutine.
      deps_.sim->spawn([this, msg] { fsm_busy_request(msg); },
                       [&] { return label("handles", msg); });
      break;
    case MessageType::GET_STATE:
    case MessageType::GET_STATE_BY_RANGE:
    case MessageType::GET_QUERY_RESULT:
    case MessageType::GET_HISTORY_FOR_KEY:
    case MessageType::QUERY_STATE_NEXT:
    case MessageType::QUERY_STATE_CLOSE:
      // after_: handleXxx, "the defer followed by triggering a go routine dance".
      deps_.sim->spawn([this, msg] { fsm_query_request(msg); },
                       [&] { return label("handles", msg); });
      break;
    default:
      // ready -> ready with no callback (RESPONSE, INIT, TRANSACTION): a self-transition is
      // NoTransitionError{nil}, which filterError drops. These exist so that the peer's own
      // messages can pass through the FSM; from the chaincode they are ignored.
      break;
  }
  done(std::nullopt);
}

// beforeRegisterEvent. A refused registration cancels the event (the stream ends, and
// deregister does nothing: registered is false).
void Handler::fsm_before_register(const ChaincodeMessage& msg, HandleDone done) {
  chaincode_id_ = msg.chaincode_id;
  std::shared_ptr<ReadyNotify> took_over;
  if (auto err = deps_.running->register_handler(chaincode_id_, *this, &took_over)) {
    note("", "", "register failed: " + *err);
    fsm_notify_during_startup(false);
    done("transition canceled with error: " + *err);
    return;
  }
  registered_ = true;  // and txCtxs, txidMap made
  ready_notify_ = std::move(took_over);
  // Launch can see the registered handler from here, though REGISTERED is not sent yet: the
  // window of docs/fabric-sources.md 6.4 #1 lasts `processing` (zero leaves a same-instant tie).
  deps_.sim->after(
      deps_.config->processing, [this, done = std::move(done)] { fsm_finish_register(done); },
      [&] { return label("finishes register"); });
}

void Handler::fsm_finish_register(HandleDone done) {
  ChaincodeMessage registered;
  registered.type = MessageType::REGISTERED;
  if (auto send_err = serial_send(share(std::move(registered)))) {
    const std::string err =
        fsm_text("Error sending REGISTERED: ", "error sending REGISTERED: ") + *send_err;
    fsm_notify_during_startup(false);
    done("transition canceled with error: " + err);
    return;
  }
  set_state(State::kEstablished);
  fsm_notify_during_startup(true);  // enter_established
  done(std::nullopt);
}

// notifyDuringStartup: tell the launch through the placeholder's readyNotify; with no launch,
// dev mode sends READY by itself -- asynchronously, so not ordered against Executes (6.4 #12).
void Handler::fsm_notify_during_startup(bool ok) {
  if (ready_notify_) {
    ready_notify_->send(ok);
    return;
  }
  if (!deps_.running->user_runs_cc()) {
    note("", "", "trying to manually run chaincode when not in devmode ?");
    return;
  }
  if (!ok) {
    note("", "", "Error during startup .. not sending READY");
    return;
  }
  ChaincodeMessage ready;
  ready.type = MessageType::READY;
  deps_.sim->spawn(
      [this, ready = share(std::move(ready))] {  // go triggerNextState(READY, true)
        fsm_trigger_next_state(NextStateInfo{ready, true, false, nullptr});
      },
      [this] { return label("triggers READY"); });
}

// notify: the message goes to its transaction's responseNotifier (capacity 1), sent while
// holding the handler lock; with no context it is dropped.
void Handler::fsm_notify(const ChaincodeMessage& msg) {
  TransactionContext* ctx = tx_context(msg.channel_id, msg.txid);
  if (ctx == nullptr) {
    note(msg.txid, msg.channel_id,
         deps_.profile->channel_in_tx_context
             ? "notifier Txid:" + msg.txid + ", channelID:" + msg.channel_id +
                   " does not exist (dropped)"
             : "notifier Txid:" + msg.txid + " does not exist (dropped)");
    return;
  }
  if (ctx->response) {
    // A second value blocks the send, under the handler lock: the loop, and everything that
    // needs the lock, stop for good (docs/fabric-sources.md 6.4 #8, derived).
    note(msg.txid, msg.channel_id,
         "responseNotifier full: blocked forever holding the handler lock");
    stuck_ = true;
    return;
  }
  ctx->response = share(msg);  // (P-fsm handles a message by reference: a copy)
  ctx->query_iterators.clear();
  if (!query_reads_.empty()) release_query_reads(context_key(msg.channel_id, msg.txid));
  if (ctx->on_response) ctx->on_response();
}

// triggerNextState: a blocking send on the unbuffered nextState channel. Blocked senders are
// served in the order they arrived (a Go channel's queue of senders). After the loop has
// returned nobody receives: the sender blocks forever (docs/fabric-sources.md 2.7, derived).
void Handler::fsm_trigger_next_state(NextStateInfo ns) {
  if (ended_) {
    note(ns.msg->txid, ns.msg->channel_id,
         std::string("blocked forever handing ") + to_string(ns.msg->type) +
             " to a stream loop that has ended");
    return;
  }
  next_state_.push_back(std::move(ns));
  if (loop_select_) loop_select_->ready(kNextStateCase);
}

// --- Transaction contexts -------------------------------------------------------------------

TransactionContext* Handler::tx_context(const std::string& channel, const std::string& txid) {
  return contexts_.get(deps_.profile->channel_in_tx_context ? channel : "", txid);
}

void Handler::delete_tx_context(const std::string& channel, const std::string& txid) {
  contexts_.remove(deps_.profile->channel_in_tx_context ? channel : "", txid);
}

// The key of txidMap (a request in flight): the txid, or from 1.1 channel + txid.
std::string Handler::fsm_txid_key(const std::string& channel, const std::string& txid) const {
  return deps_.profile->channel_in_tx_context ? tx_key(channel, txid) : txid;
}

std::optional<std::string> Handler::fsm_create_tx_context(const TransactionParams& params,
                                                          bool is_init) {
  if (!registered_) return no_notifier_error(*deps_.profile, params.txid);
  const bool by_channel = deps_.profile->channel_in_tx_context;
  if (tx_context(params.channel_id, params.txid) != nullptr) {
    return by_channel ? "txid: " + params.txid + "(" + params.channel_id + ") exists"
                      : "txid:" + params.txid + " exists";
  }
  TransactionParams keyed = params;
  if (!by_channel) keyed.channel_id.clear();
  contexts_.create(keyed, is_init);
  tx_context(params.channel_id, params.txid)->params.channel_id = params.channel_id;
  return std::nullopt;
}

std::optional<std::string> Handler::ready(const TransactionParams& params,
                                          std::function<void()> accepted) {
  ChaincodeMessage ready;
  ready.type = MessageType::READY;
  ready.txid = params.txid;
  if (deps_.profile->channel_in_tx_context) ready.channel_id = params.channel_id;
  // "send the ready synchronously as the ready message is during launch and needs to happen
  // before any init/invokes can sneak in"
  return fsm_send_with_proposal(params, std::move(ready), /*send_sync=*/true, std::move(accepted));
}

std::optional<std::string> Handler::send_execute_message(const TransactionParams& params,
                                                         ChaincodeMessage msg,
                                                         std::function<void()> accepted) {
  return fsm_send_with_proposal(params, std::move(msg), /*send_sync=*/false, std::move(accepted));
}

// What sendReady and sendExecuteMessage share: createTxContext (the FSM-era shim has no
// Init-only restrictions to check: is_init stays false), setChaincodeProposal (on its error
// the context stays behind, as in Fabric), then triggerNextState.
std::optional<std::string> Handler::fsm_send_with_proposal(const TransactionParams& params,
                                                           ChaincodeMessage msg, bool send_sync,
                                                           std::function<void()> accepted) {
  if (auto err = fsm_create_tx_context(params, false)) return err;
  if (!params.has_signed_proposal) {
    return fsm_text("Failed getting proposal context. Signed proposal is nil.",
                    "failed getting proposal context. Signed proposal is nil");
  }
  msg.has_proposal = true;
  fsm_trigger_next_state(
      NextStateInfo{share(std::move(msg)), true, send_sync, std::move(accepted)});
  return std::nullopt;
}

// --- Chaincode requests ---------------------------------------------------------------------

ChaincodeMessage Handler::fsm_reply(const ChaincodeMessage& msg, DelegateResult result) const {
  ChaincodeMessage reply;
  if (result.response) {
    reply = std::move(*result.response);
    reply.type = MessageType::RESPONSE;
  } else {
    reply.type = MessageType::ERROR;
    reply.text = std::move(result.error);  // the cause, unwrapped
  }
  reply.txid = msg.txid;
  if (deps_.profile->channel_in_tx_context) reply.channel_id = msg.channel_id;
  return reply;
}

// handleGetState, handleGetStateByRange, handleGetQueryResult, handleGetHistoryForKey,
// handleQueryStateNext, handleQueryStateClose: the goroutine each after_ callback starts. The
// reply goes out directly, asynchronously, its send error ignored.
void Handler::fsm_query_request(const ChaincodeMessage& msg) {
  const std::string key = fsm_txid_key(msg.channel_id, msg.txid);
  if (!txid_map_.insert(key).second) {
    note(msg.txid, msg.channel_id,
         "Another state request pending for this Txid. Cannot process. (dropped, no reply)");
    return;
  }
  const bool iterator_op =
      msg.type == MessageType::QUERY_STATE_NEXT || msg.type == MessageType::QUERY_STATE_CLOSE;
  TransactionContext* ctx = tx_context(msg.channel_id, msg.txid);
  DelegateResult result;
  if (iterator_op && ctx == nullptr) {
    result.error = "transaction context not found (timed out ?)";
  } else if (!iterator_op && (ctx == nullptr || !ctx->params.simulator)) {
    result.error = "[" + short_txid(msg.txid) + "]No ledger context for " + request_name(msg.type) +
                   ". Sending ERROR";
  } else {
    // The reply is sent when the read is over, and the txidMap entry kept until then.
    read_query(msg, *ctx, state_delegate(msg, *ctx), [this, msg, key](DelegateResult&& r) {
      txid_map_.erase(key);
      fsm_send_async(share(fsm_reply(msg, std::move(r))), /*report_to_loop=*/false);
    });
    return;
  }
  txid_map_.erase(key);
  fsm_send_async(share(fsm_reply(msg, std::move(result))), /*report_to_loop=*/false);
}

// enterBusyState (PUT_STATE, DEL_STATE, INVOKE_CHAINCODE): the reply goes back through the
// loop (triggerNextState), so it passes handleMessage; an ERROR reply takes the fast path and
// is notified to the transaction's own context before it is sent (derived: a failed cc2cc
// call fails the caller's Execute with that ERROR, whatever the caller's chaincode does next).
void Handler::fsm_busy_request(const ChaincodeMessage& msg) {
  const std::string key = fsm_txid_key(msg.channel_id, msg.txid);
  if (!txid_map_.insert(key).second) {
    note(msg.txid, msg.channel_id,
         deps_.profile->channel_in_tx_context
             ? "Another request pending for this CC: " + chaincode_id_ + ", Txid: " + msg.txid +
                   ", ChannelID: " + msg.channel_id + ". Cannot process. (dropped, no reply)"
             : std::string("Another request pending for this Txid. Cannot process. (dropped, "
                           "no reply)"));
    return;
  }
  auto finish = [this, msg, key](DelegateResult result) {
    txid_map_.erase(key);
    fsm_trigger_next_state(
        NextStateInfo{share(fsm_reply(msg, std::move(result))), true, false, nullptr});
  };
  TransactionContext* ctx = tx_context(msg.channel_id, msg.txid);
  if (ctx == nullptr || !ctx->params.simulator) {
    const std::string type = to_string(msg.type);
    // 1.1's getTxContextForMessage passes its format arguments on as one slice: Go prints
    // the slice into the first %s and "%!s(MISSING)" for the others.
    finish(DelegateResult{nullptr, deps_.profile->lowercase_errors
                                       ? "[[" + short_txid(msg.txid) + " " + type +
                                             " ERROR]]No ledger context for %!s(MISSING). Sending "
                                             "%!s(MISSING)"
                                       : "[" + short_txid(msg.txid) + "]No ledger context for " +
                                             type + ". Sending ERROR"});
    return;
  }
  if (msg.type == MessageType::INVOKE_CHAINCODE) {
    if (msg.nil_chaincode_id) {
      if (!nil_dereference_panics(msg)) finish(DelegateResult{nullptr, "panic during execution"});
      return;
    }
    fsm_invoke_chaincode(msg, *ctx, finish);
    return;
  }
  finish(state_delegate(msg, *ctx));
}

// enterBusyState's INVOKE_CHAINCODE (docs/fabric-sources.md 2.5, P-fsm): the target
// "name[:version][/channel]" (the caller's channel by default, the deployed version), the ACL
// check, a fresh simulator for another channel, then Launch and Execute of the callee under
// the same txid with a hard-coded 30s timeout. Errors go back as they are.
void Handler::fsm_invoke_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx,
                                   DelegateDone done) {
  std::string target = msg.target;
  std::string channel;
  if (auto slash = target.find('/'); slash != std::string::npos) {
    channel = target.substr(slash + 1);
    target = target.substr(0, slash);
  }
  std::string version;
  if (auto colon = target.find(':'); colon != std::string::npos) {
    version = target.substr(colon + 1);
    target = target.substr(0, colon);
  }
  if (channel.empty()) channel = ctx.params.channel_id;
  if (!ctx.params.has_signed_proposal) {
    done(DelegateResult{nullptr, fsm_text("Signed Proposal must not be nil from caller [",
                                          "signed proposal must not be nil from caller [") +
                                     channel + "." + target + "#" + version + "]"});
    return;
  }
  if (!deps_.invoker->defined(target, channel)) {
    // GetChaincodeDataFromLSCC fails: the ERROR carries LSCC's text as it is.
    done(DelegateResult{nullptr, chaincode_not_found(*deps_.profile, target, channel)});
    return;
  }
  call_chaincode(msg, ctx, target, channel, "", std::move(done));
}

// --- Sending and the end of the stream ----------------------------------------------------

// serialSendAsync(msg, errc): a goroutine per send; with errc its result goes back to the
// loop, whose select returns the error (ending the stream) or carries on.
void Handler::fsm_send_async(MessagePtr msg, bool report_to_loop) {
  deps_.sim->spawn(
      [this, msg, report_to_loop] {
        std::optional<std::string> err = serial_send(msg);
        if (!report_to_loop || ended_) return;
        errc_.push_back(std::move(err));
        if (loop_select_) loop_select_->ready(kErrcCase);
      },
      [&] { return label("sends", *msg); });
}

// processStream returns: the RPC ends (the shim's Recv gets EOF) and the deferred deregister
// runs -- only for a registered handler, and keyed by name. Nothing wakes a pending Execute;
// whoever is blocked handing a message to the loop stays blocked.
void Handler::fsm_end_stream(const std::string& reason) {
  if (ended_) return;
  ended_ = true;
  inbox_.clear();
  loop_select_.reset();
  trace_event(*deps_.sim, TraceKind::kStreamEnd, "peer", to_string(state_), stream_name_, "", "",
              reason);
  stream_->close_send(end_);
  deps_.sim->cancel(keepalive_timer_);
  for (const NextStateInfo& ns : next_state_) {
    note(ns.msg->txid, ns.msg->channel_id,
         std::string("blocked forever handing ") + to_string(ns.msg->type) +
             " to a stream loop that has ended");
  }
  next_state_.clear();
  if (registered_) {
    close();  // deregisterHandler closes the contexts' query iterators
    if (auto err = deps_.running->deregister_handler(chaincode_id_)) note("", "", *err);
  }
}

}  // namespace ccsim::fabric
