#include "ccsim/fabric/shim_handler.hpp"

#include "ccsim/fabric/template.hpp"

#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

using kernel::TraceKind;

const char* to_string(ShimHandler::State state) {
  switch (state) {
    case ShimHandler::State::kCreated:
      return "created";
    case ShimHandler::State::kEstablished:
      return "established";
    case ShimHandler::State::kReady:
      return "ready";
  }
  return "UNKNOWN";
}

namespace {

ShimHandler::Kind kind_of(const Profile& profile) {
  if (!profile.in_tree_shim) return ShimHandler::Kind::kGo;
  return profile.shim_fsm ? ShimHandler::Kind::kFsm : ShimHandler::Kind::kInTree;
}

// chatWithPeer's select in S-fsm, its cases in the order of the Go source: the default rule
// takes the lowest ready one.
constexpr std::size_t kErrcCase = 0;       // a result send's outcome (errc, unbuffered)
constexpr std::size_t kMsgAvailCase = 1;   // the Recv goroutine's message (msgAvail, unbuffered)
constexpr std::size_t kNextStateCase = 2;  // a transaction's result (nextState, unbuffered)

// The loop of S-fsm reads in.Type of a nil `in` when a result send fails (3.2; 1.0/1.1
// chaincode.go: `in` is reset at the top of every iteration and the errc case does not set
// it), so the goroutine panics instead of returning "Error sending %s: %s". [derived]
constexpr const char* kNilDereference =
    "runtime error: invalid memory address or nil pointer dereference";

}  // namespace

ShimHandler::ShimHandler(kernel::Simulation& sim, const Profile& profile, const PeerConfig& config,
                         ChaincodeStream& stream, kernel::End end, std::string stream_name,
                         const ChaincodeDefinition& chaincode, OnExit on_exit, Mutation mutation)
    : sim_(&sim),
      profile_(&profile),
      kind_(kind_of(profile)),
      config_(&config),
      stream_(&stream),
      end_(end),
      stream_name_(std::move(stream_name)),
      chaincode_(&chaincode),
      on_exit_(std::move(on_exit)),
      mutation_(mutation),
      cpu_(sim, chaincode.container.cores, handler_label("shim", stream_name_, "cpu")) {
  stream_->attach(end_, this);
}

void ShimHandler::set_state(State next) {
  trace_state(*sim_, "shim", stream_name_, to_string(state_), to_string(next));
  state_ = next;
}

void ShimHandler::start() {
  started_ = true;
  auto reg = std::make_shared<ChaincodeMessage>();
  reg->type = MessageType::REGISTER;
  reg->chaincode_id = chaincode_->ccid();
  if (auto err = serial_send(reg)) {
    // 1.0: "Error sending chaincode REGISTER: %s"; later: "error sending chaincode REGISTER: ".
    exit(std::string(profile_->lowercase_errors ? "error" : "Error") +
         " sending chaincode REGISTER: " + *err);
    return;
  }
  if (kind_ == Kind::kFsm) {
    recv_pending_ = true;
    fsm_wait();
    return;
  }
  if (!inbox_.empty() && !loop_scheduled_) {
    loop_scheduled_ = true;
    sim_->after(
        config_->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

void ShimHandler::kill() {
  if (exited_) return;
  exited_ = true;
  inbox_.clear();
  response_channels_.clear();
  fsm_select_.reset();
  next_state_.clear();
  send_results_.clear();
  cpu_.clear();
}

std::string ShimHandler::channel_key(const std::string& channel_id, const std::string& txid) const {
  return profile_->channel_in_tx_context ? tx_key(channel_id, txid) : txid;
}

// --- The receive loop of S-go and S-sw (chatWithPeer) -----------------------------------

void ShimHandler::on_message(MessagePtr msg) {
  enqueue(Inbound{false, std::move(msg), {}, false});
}

void ShimHandler::on_closed(const kernel::StreamClosed& closed) {
  enqueue(Inbound{true, nullptr, closed, false});
}

void ShimHandler::enqueue(Inbound in) {
  if (exited_) return;
  inbox_.push_back(std::move(in));
  if (!started_) return;
  if (kind_ == Kind::kFsm) {
    // The outstanding Recv returns this item and blocks on msgAvail.
    if (fsm_select_ && recv_pending_ && inbox_.size() == 1) fsm_select_->ready(kMsgAvailCase);
    return;
  }
  if (!loop_scheduled_) {
    loop_scheduled_ = true;
    sim_->after(
        config_->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

// The loop's next inbound item: a stream end exits the shim (null); a message is traced as
// delivered in the current state and handed back.
MessagePtr ShimHandler::take_inbound() {
  if (exited_ || inbox_.empty()) return nullptr;
  Inbound in = std::move(inbox_.front());
  inbox_.pop_front();
  if (in.closed) {
    exit(stream_end_reason(in));
    return nullptr;
  }
  trace_message(*sim_, TraceKind::kDeliver, Side::kShim, to_string(state_), stream_name_,
                Side::kPeer, *in.msg);
  return std::move(in.msg);
}

void ShimHandler::loop_step() {
  loop_scheduled_ = false;
  MessagePtr msg = take_inbound();
  if (!msg) return;
  if (auto err = handle_message(msg)) {
    reject(*msg, *err);
    return;
  }
  if (!inbox_.empty() && !exited_) {
    loop_scheduled_ = true;
    sim_->after(
        config_->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

// How chatWithPeer reports the end of its stream (3.2, 3.3, 3.4).
std::string ShimHandler::stream_end_reason(const Inbound& in) const {
  const std::string& error = in.why.error;
  switch (kind_) {
    case Kind::kGo:
      return in.why.eof ? "received EOF, ending chaincode stream" : "receive failed: " + error;
    case Kind::kInTree:
      if (profile_->shim_recv_error_as_send_error) {
        return "error sending: " + (in.why.eof ? std::string("EOF") : error);
      }
      return in.why.eof ? "received EOF, ending chaincode stream: EOF" : "receive failed: " + error;
    case Kind::kFsm:
      if (in.error_overwritten) {
        return profile_->lowercase_errors ? "received nil message, ending chaincode stream"
                                          : "Received nil message, ending chaincode stream";
      }
      // 1.0 returns io.EOF itself; 1.1 wraps it. Any other Recv error is returned as it is.
      if (in.why.eof) {
        return profile_->lowercase_errors ? "received EOF, ending chaincode stream: EOF" : "EOF";
      }
      return error;
  }
  return error;
}

// --- The receive loop of S-fsm ----------------------------------------------------------
//
// chatWithPeer (1.0/1.1) loops over a select with three cases: errc, where every result send
// reports its outcome (nil included); msgAvail, where the Recv goroutine delivers what it
// read; nextState, where a transaction goroutine hands over its COMPLETED or ERROR. All three
// channels are unbuffered, so a sender waits until the loop takes its value. A new Recv
// starts only once the loop has handled the previous message.

void ShimHandler::fsm_wait() {
  if (exited_) return;
  fsm_select_.emplace(*sim_, "chatWithPeer " + stream_name_, 3,
                      [this](std::size_t chosen) { fsm_chosen(chosen); });
  if (!send_results_.empty()) fsm_select_->ready(kErrcCase);
  if (recv_pending_ && !inbox_.empty()) fsm_select_->ready(kMsgAvailCase);
  if (!next_state_.empty()) fsm_select_->ready(kNextStateCase);
}

void ShimHandler::fsm_chosen(std::size_t chosen) {
  // Safe inside its own callback: the Select touches nothing after calling it.
  fsm_select_.reset();
  if (chosen == kMsgAvailCase) {
    recv_pending_ = false;
    sim_->after(
        config_->processing, [this] { fsm_handle_inbound(); },
        [&] { return label("handles inbound"); });
    return;
  }
  // Every other iteration ends at the loop's top, which clears the err variable it shares
  // with the Recv goroutine: a Recv error already written there is lost, and msgAvail's nil
  // message then reads as "Received nil message". [derived: a data race in the Go code]
  if (recv_pending_ && !inbox_.empty() && inbox_.front().closed) {
    inbox_.front().error_overwritten = true;
  }
  if (chosen == kErrcCase) {
    std::optional<std::string> err = std::move(send_results_.front());
    send_results_.pop_front();
    if (err) return panic(kNilDereference);
    return fsm_wait();  // a nil send result: continue
  }
  MessagePtr own = std::move(next_state_.front());
  next_state_.pop_front();
  // The shim's own result passes through the FSM (COMPLETED/ERROR ready -> ready), then
  // serialSendAsync(in, errc).
  if (auto err = handle_message_fsm(own)) return reject(*own, *err);
  sim_->spawn(
      [this, own] {
        if (exited_) return;
        std::optional<std::string> err = serial_send(own);
        if (exited_) return;
        send_results_.push_back(std::move(err));
        if (fsm_select_ && send_results_.size() == 1) fsm_select_->ready(kErrcCase);
      },
      [&] { return label("sends", *own); });
  fsm_wait();
}

void ShimHandler::fsm_handle_inbound() {
  MessagePtr msg = take_inbound();
  if (!msg) return;
  if (auto err = handle_message_fsm(msg)) {
    reject(*msg, *err);
    return;
  }
  // KEEPALIVE never touches the FSM; the loop echoes it, ignoring errors.
  if (msg->type == MessageType::KEEPALIVE) {
    serial_send_async(msg, OnSendError::kIgnore);
  }
  recv_pending_ = true;
  fsm_wait();
}

// triggerNextState: the transaction goroutine blocks on the unbuffered nextState channel
// until the loop takes its result.
void ShimHandler::fsm_hand_off(MessagePtr result) {
  if (exited_) return;
  next_state_.push_back(std::move(result));
  if (fsm_select_ && next_state_.size() == 1) fsm_select_->ready(kNextStateCase);
}

// --- handleMessage ----------------------------------------------------------------------

std::optional<std::string> ShimHandler::handle_message(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  if (msg.type == MessageType::KEEPALIVE) {
    // S-go: a failed echo ends the loop; S-sw: "ignore errors, maybe next KEEPALIVE will work".
    serial_send_async(shared, kind_ == Kind::kGo ? OnSendError::kEndLoop : OnSendError::kIgnore);
    return std::nullopt;
  }
  const auto cannot = [&] {
    if (kind_ == Kind::kGo) {
      return "[" + msg.txid + "] Chaincode h cannot handle message (" + to_string(msg.type) +
             ") while in state: " + to_string(state_);
    }
    return "[" + msg.txid + "] Chaincode handler cannot handle message (" + to_string(msg.type) +
           ") with payload size (" +
           std::to_string(payload_size(msg, !profile_->channel_in_tx_context)) +
           ") while in state: " + to_string(state_);
  };
  switch (state_) {
    case State::kCreated:
      if (msg.type != MessageType::REGISTERED) return cannot();
      set_state(State::kEstablished);
      return std::nullopt;
    case State::kEstablished:
      if (msg.type != MessageType::READY) return cannot();
      set_state(State::kReady);
      return std::nullopt;
    case State::kReady:
      switch (msg.type) {
        case MessageType::RESPONSE:
        case MessageType::ERROR:
          if (kind_ == Kind::kGo) return handle_response(shared);
          if (send_channel(shared)) return std::nullopt;
          // S-sw: a stray RESPONSE is fatal, a stray ERROR only logged (3.3, 6.4 #6).
          if (msg.type == MessageType::RESPONSE) {
            return "[" + short_txid(msg.txid) + "] sendChannel does not exist";
          }
          trace_note(*sim_, "shim", to_string(state_), stream_name_, msg.txid, msg.channel_id,
                     "[" + short_txid(msg.txid) + "] error sending ERROR (state:ready): [" +
                         short_txid(msg.txid) + "] sendChannel does not exist");
          return std::nullopt;
        case MessageType::INIT:
        case MessageType::TRANSACTION:
          start_invocation(shared);
          return std::nullopt;
        default:
          return cannot();
      }
  }
  return cannot();
}

// S-fsm's handleMessage: FSM.Cannot, then FSM.Event (3.2). The looplab FSM runs every event
// on the loop goroutine, and the callbacks start goroutines instead of firing events, so
// "event X inappropriate because previous transition did not complete" cannot occur here.
std::optional<std::string> ShimHandler::handle_message_fsm(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  if (msg.type == MessageType::KEEPALIVE) return std::nullopt;
  bool can = false;
  switch (state_) {
    case State::kCreated:
      can = msg.type == MessageType::REGISTERED;
      break;
    case State::kEstablished:
      can = msg.type == MessageType::READY;
      break;
    case State::kReady:
      can = msg.type == MessageType::INIT || msg.type == MessageType::TRANSACTION ||
            msg.type == MessageType::RESPONSE || msg.type == MessageType::ERROR ||
            msg.type == MessageType::COMPLETED;
      break;
  }
  if (!can) {
    return "[" + msg.txid + "]" + (profile_->lowercase_errors ? "chaincode" : "Chaincode") +
           " handler FSM cannot handle message (" + to_string(msg.type) + ") with payload size (" +
           std::to_string(payload_size(msg, !profile_->channel_in_tx_context)) +
           ") while in state: " + to_string(state_);
  }
  switch (msg.type) {
    case MessageType::REGISTERED:
      set_state(State::kEstablished);
      break;
    case MessageType::READY:
      set_state(State::kReady);
      break;
    case MessageType::INIT:
    case MessageType::TRANSACTION:
      start_invocation(shared);  // before_INIT / before_TRANSACTION
      break;
    case MessageType::RESPONSE:
      // after_RESPONSE: a stray RESPONSE is logged and the loop carries on (6.4 #6).
      if (!send_channel(shared)) {
        const std::string id = "[" + short_txid(msg.txid) + "]";
        trace_note(
            *sim_, "shim", to_string(state_), stream_name_, msg.txid, msg.channel_id,
            id + "error sending RESPONSE (state:ready): " + id + "sendChannel does not exist");
      }
      break;
    case MessageType::ERROR:
      // after_ERROR: silently ignored without a channel. The shim's own ERROR result comes
      // through here too, and normally finds none.
      send_channel(shared);
      break;
    default:  // COMPLETED: the shim's own result; no callback
      break;
  }
  return std::nullopt;
}

// handleResponse: a reply nobody waits for is fatal for RESPONSE and ERROR alike (S-go).
std::optional<std::string> ShimHandler::handle_response(const MessagePtr& msg) {
  if (!send_channel(msg)) return "[" + short_txid(msg->txid) + "] responseChannel does not exist";
  return std::nullopt;
}

// sendChannel / handleResponse: hands the reply to the stub call waiting on its channel.
bool ShimHandler::send_channel(const MessagePtr& msg) {
  auto it = response_channels_.find(channel_key(msg->channel_id, msg->txid));
  if (it == response_channels_.end()) return false;
  std::shared_ptr<Invocation> waiting = std::move(it->second);
  // deleteResponseChannel runs when the stub call returns; the goroutine resumes as a task.
  response_channels_.erase(it);
  sim_->spawn([this, waiting, msg] { on_reply(waiting, *msg); },
              [&] { return label("gets the reply", *msg); });
  return true;
}

// An unexpected message: ERROR{payload, txid} sent synchronously with its result ignored,
// without channel_id except in S-fsm 1.1; then chatWithPeer returns.
void ShimHandler::reject(const ChaincodeMessage& msg, const std::string& err) {
  ChaincodeMessage error;
  error.type = MessageType::ERROR;
  error.text = err;
  error.txid = msg.txid;
  if (kind_ == Kind::kFsm) error.channel_id = msg.channel_id;
  serial_send(share(std::move(error)));
  const bool capitalised = kind_ == Kind::kFsm && !profile_->lowercase_errors;
  exit((capitalised ? "Error handling message: " : "error handling message: ") + err);
}

// --- User code ---------------------------------------------------------------------------

void ShimHandler::start_invocation(const MessagePtr& msg) {
  auto inv = std::make_shared<Invocation>();
  inv->tx = std::make_shared<Transaction>();
  inv->tx->request = msg;
  if (msg->type == MessageType::INIT) {
    inv->steps = &chaincode_->init.steps;
  } else {
    // Invoke dispatches on GetFunctionAndParameters' function; what it matches no case of
    // goes to the chaincode's "*" steps, if it has them.
    auto it = chaincode_->functions.find(msg->args.empty() ? "" : msg->args.front());
    if (it == chaincode_->functions.end()) it = chaincode_->functions.find(kAnyFunction);
    if (it != chaincode_->functions.end()) inv->steps = &it->second.steps;
  }
  // go handleStubInteraction(...) / handleInit / handleTransaction
  sim_->spawn([this, inv] { run(inv); }, [&] { return label("runs", *inv->tx->request); });
}

void ShimHandler::run(const std::shared_ptr<Invocation>& inv) {
  if (exited_) return;
  if (inv->steps == nullptr) {
    finish(inv, Response{Response::kError, kUnknownFunctionMessage, ""});
    return;
  }
  const std::vector<Step>& steps = *inv->steps;
  while (inv->pc < steps.size()) {
    const Step& step = steps[inv->pc++];
    // The step's texts, filled in for this transaction (most have nothing to fill in).
    std::string failure;
    const auto text = [&](const std::string& t) { return fill(*inv, t, failure); };
    ChaincodeMessage request;
    request.txid = inv->tx->request->txid;
    request.channel_id = inv->tx->request->channel_id;
    request.key = text(step.key);
    request.collection = text(step.collection);
    switch (step.op) {
      case Step::Op::kGetState:
        request.type = MessageType::GET_STATE;
        break;
      case Step::Op::kPutState:
        request.type = MessageType::PUT_STATE;
        request.value = text(step.value);
        if (failure.empty() && request.key.empty()) failure = "key must not be an empty string";
        break;
      case Step::Op::kDelState:
        request.type = MessageType::DEL_STATE;
        break;
      case Step::Op::kGetPrivateDataHash:
        request.type = MessageType::GET_PRIVATE_DATA_HASH;
        break;
      case Step::Op::kPurgePrivateData:
        request.type = MessageType::PURGE_PRIVATE_DATA;
        break;
      case Step::Op::kGetStateMetadata:
        request.type = MessageType::GET_STATE_METADATA;
        break;
      case Step::Op::kPutStateMetadata:
        request.type = MessageType::PUT_STATE_METADATA;
        request.metakey = text(step.metakey);
        request.value = text(step.value);
        break;
      case Step::Op::kGetStateByRange:
        request.type = MessageType::GET_STATE_BY_RANGE;
        request.start_key = text(step.start_key);
        request.end_key = text(step.end_key);
        break;
      case Step::Op::kGetQueryResult:
        request.type = MessageType::GET_QUERY_RESULT;
        request.query = text(step.query);
        break;
      case Step::Op::kGetHistoryForKey:
        request.type = MessageType::GET_HISTORY_FOR_KEY;
        break;
      case Step::Op::kInvokeChaincode: {
        // stub.InvokeChaincode: a channel makes the name "chaincode/channel".
        request.type = MessageType::INVOKE_CHAINCODE;
        request.key.clear();
        const std::string channel = text(step.target_channel);
        request.target = text(step.target_chaincode) + (channel.empty() ? "" : "/" + channel);
        for (const std::string& a : step.args)
          request.args.push_back(text(a));
        break;
      }
      case Step::Op::kSetEvent: {
        const std::string name = text(step.key);
        if (failure.empty() && name.empty()) {
          // stub.SetEvent's own check, spelled per shim.
          if (kind_ == Kind::kGo) {
            failure = "event name can not be empty string";
          } else {
            failure = profile_->lowercase_errors ? "event name can not be nil string"
                                                 : "Event name can not be nil string.";
          }
        }
        if (!failure.empty()) return call_failed(inv, failure);
        inv->tx->event = ChaincodeEvent{name, text(step.value)};
        bind(*inv, step, "", {});
        continue;
      }
      case Step::Op::kSleep:
        sim_->after(
            step.duration, [this, inv] { run(inv); },
            [&] { return label("wakes", *inv->tx->request); });
        return;
      case Step::Op::kCpu:
        cpu_.run(step.duration, [this, inv] { run(inv); });
        return;
      case Step::Op::kParallel:
        // var wg sync.WaitGroup; a goroutine per branch; wg.Wait().
        inv->running_branches = step.branches.size();
        inv->branch_errors.assign(step.branches.size(), std::nullopt);
        for (std::size_t b = 0; b < step.branches.size(); ++b)
          go(inv, step.branches[b], Invocation::Role::kBranch)->branch = b;
        return;
      case Step::Op::kGo:
        go(inv, step.branches.front(), Invocation::Role::kDetached);
        continue;
      case Step::Op::kReturn:
      case Step::Op::kFail:
        return finish(inv, respond(*inv, step.response, ""));
      case Step::Op::kReturnIf: {
        const bool equal = text(step.left) == text(step.right);
        if (equal == step.equals) return finish(inv, respond(*inv, step.response, ""));
        continue;
      }
      case Step::Op::kPanic:
        return panic(text(step.response.message));
      case Step::Op::kHang:
        trace_note(*sim_, "shim", to_string(state_), stream_name_, inv->tx->request->txid,
                   inv->tx->request->channel_id, "user code hangs");
        return;
    }
    // A stub call: a text that could not be filled in, or the shim's own check, fails it
    // before anything is sent.
    if (!failure.empty()) return call_failed(inv, failure);
    return stub_call(inv, std::move(request));
  }
  end_goroutine(inv, std::nullopt);  // the function's: shim.Success(nil)
}

std::shared_ptr<ShimHandler::Invocation> ShimHandler::go(const std::shared_ptr<Invocation>& inv,
                                                         const std::vector<Step>& steps,
                                                         Invocation::Role role) {
  auto g = std::make_shared<Invocation>();
  g->tx = inv->tx;
  g->steps = &steps;
  g->role = role;
  if (role == Invocation::Role::kBranch) g->parent = inv;
  sim_->spawn([this, g] { run(g); }, [&] { return label("goroutine", *inv->tx->request); });
  return g;
}

void ShimHandler::end_goroutine(const std::shared_ptr<Invocation>& inv,
                                std::optional<std::string> error) {
  switch (inv->role) {
    case Invocation::Role::kFunction:
      if (error) return fail(inv, *error);
      return finish(inv, Response{});
    case Invocation::Role::kDetached:
      if (error) {
        trace_note(*sim_, "shim", to_string(state_), stream_name_, inv->tx->request->txid,
                   inv->tx->request->channel_id, "goroutine returns: " + *error);
      }
      return;
    case Invocation::Role::kBranch:
      break;
  }
  std::shared_ptr<Invocation> parent = std::move(inv->parent);
  parent->branch_errors[inv->branch] = std::move(error);
  if (--parent->running_branches > 0) return;
  // wg.Wait() returns in the waiting goroutine; it reads the branches' errors in order
  // (for _, err := range errs) and stops at the first one as at a failed call.
  sim_->spawn(
      [this, parent] {
        if (exited_) return;
        for (std::optional<std::string>& e : parent->branch_errors) {
          if (e) return end_goroutine(parent, std::move(e));
        }
        run(parent);
      },
      [&] { return label("joins", *parent->tx->request); });
}

// callPeerWithChaincodeMsg: create the response channel, send, wait. S-go sends
// synchronously; the in-tree shims' sendReceive sends in its own goroutine
// (serialSendAsync(msg, errc)) and selects over the send's result and the response. A nil
// result only means "keep waiting", and the code's comment notes the response may even come
// first; only a failed send, after which no response can come, ends the wait early.
void ShimHandler::stub_call(const std::shared_ptr<Invocation>& inv, ChaincodeMessage&& request) {
  const std::string key = channel_key(request.channel_id, request.txid);
  if (response_channels_.count(key) != 0) {
    std::string exists;
    if (kind_ != Kind::kFsm) {
      exists = "[" + short_txid(key) + "] channel exists";
    } else {
      exists = "[" + short_txid(key) + "]" +
               (profile_->lowercase_errors ? "channel exists" : "Channel exists");
    }
    const std::string error = stub_call_error(request, exists, /*channel_error=*/true);
    if (request.type == MessageType::INVOKE_CHAINCODE) {
      // handleInvokeChaincode: createResponse(ERROR, err.Error()), a Response like the callee's.
      ChaincodeMessage refused;
      refused.type = MessageType::ERROR;
      refused.text = error;
      return on_invoke_reply(inv, refused);
    }
    return call_failed(inv, error);
  }
  MessagePtr shared = share(std::move(request));
  if (kind_ == Kind::kGo) {
    if (auto err = serial_send(shared)) {
      if (shared->type == MessageType::INVOKE_CHAINCODE) {
        // handleInvokeChaincode turns a send failure into a Response, not an error.
        return on_invoke_reply(inv, ChaincodeMessage{});
      }
      return call_failed(inv, stub_call_error(*shared, *err, /*channel_error=*/false));
    }
    response_channels_[key] = inv;
    return;
  }
  response_channels_[key] = inv;
  sim_->spawn(
      [this, inv, key, shared] {
        if (exited_) return;
        std::optional<std::string> err = serial_send(shared);
        if (!err || exited_) return;
        auto it = response_channels_.find(key);
        if (it != response_channels_.end() && it->second == inv) response_channels_.erase(it);
        call_failed(inv, stub_call_error(*shared, *err, /*channel_error=*/false));
      },
      [&] { return label("sends", *shared); });
}

// The text a stub call returns when its request cannot go out (3.1), or when createChannel
// finds its response channel busy ("channel exists"). Every shim spells it per call, and most
// calls drop the cause: the calls that go through callPeerWithChaincodeMsg wrap a busy channel
// like a failed send, while QUERY_STATE_NEXT / CLOSE, GET_HISTORY_FOR_KEY and INVOKE_CHAINCODE
// create their channel themselves and return its error as it is (1.0 routes every call that
// way). S-go: fabric-chaincode-go shim/handler.go, the same from its first commit (2019) to
// v2.3.0; the in-tree shims: 1.0-1.4 core/chaincode/shim/handler.go. InvokeChaincode answers
// with a Response whose payload the scripted chaincode fails with.
std::string ShimHandler::stub_call_error(const ChaincodeMessage& request, const std::string& cause,
                                         bool channel_error) const {
  const MessageType type = request.type;
  const std::string short_id = "[" + short_txid(request.txid) + "]";
  if (kind_ == Kind::kGo) {
    switch (type) {
      case MessageType::GET_STATE:
      case MessageType::GET_PRIVATE_DATA_HASH:
      case MessageType::GET_STATE_METADATA:
        return short_id + " error sending " + to_string(type) + ": " + cause;
      case MessageType::PUT_STATE:
      case MessageType::PUT_STATE_METADATA:  // the full txid
        return "[" + request.txid + "] error sending " + to_string(type) + ": " + cause;
      case MessageType::DEL_STATE:
      case MessageType::PURGE_PRIVATE_DATA:  // handlePurgeState names DEL_STATE too
        return short_id + " error sending DEL_STATE";
      case MessageType::GET_STATE_BY_RANGE:
      case MessageType::GET_QUERY_RESULT:
        return short_id + " error sending " + to_string(type);
      default:  // iterators, history, INVOKE_CHAINCODE: their own createResponseChannel
        if (channel_error) return cause;
        return short_id + " error sending " + to_string(type);
    }
  }
  const bool v1_0_texts = kind_ == Kind::kFsm && !profile_->lowercase_errors;
  const std::string sp = kind_ == Kind::kFsm ? "" : " ";  // S-sw put a space after "[txid]"
  const bool via_call_peer =
      !v1_0_texts &&
      (type == MessageType::GET_STATE || type == MessageType::PUT_STATE ||
       type == MessageType::DEL_STATE || type == MessageType::GET_STATE_BY_RANGE ||
       type == MessageType::GET_QUERY_RESULT || type == MessageType::GET_STATE_METADATA ||
       type == MessageType::PUT_STATE_METADATA || type == MessageType::GET_PRIVATE_DATA_HASH);
  if (channel_error && !via_call_peer) return cause;
  switch (type) {
    case MessageType::GET_STATE:
      return short_id + sp + "error sending GET_STATE" + (v1_0_texts ? " " : ": ") + cause;
    case MessageType::PUT_STATE:  // the full txid
      return "[" + request.txid + "]" + sp + "error sending PUT_STATE" + (v1_0_texts ? " " : ": ") +
             cause;
    case MessageType::DEL_STATE:
      return short_id + sp + "error sending DEL_STATE DEL_STATE";
    case MessageType::GET_STATE_METADATA:
      return short_id + "error sending GET_STATE_METADATA: " + cause;
    case MessageType::PUT_STATE_METADATA:
      return "[" + request.txid + "]error sending PUT_STATE_METADATA: " + cause;
    case MessageType::GET_PRIVATE_DATA_HASH:
      return short_id + " error sending GET_PRIVATE_DATA_HASH: " + cause;
    default:  // ranges, queries, history, iterators, INVOKE_CHAINCODE: the cause is dropped
      return short_id + sp + "error sending " + to_string(type);
  }
}

void ShimHandler::on_reply(const std::shared_ptr<Invocation>& inv, const ChaincodeMessage& reply) {
  if (exited_) return;
  const Step& step = current_step(*inv);
  if (step.op == Step::Op::kInvokeChaincode) return on_invoke_reply(inv, reply);
  const bool iterating = step.op == Step::Op::kGetStateByRange ||
                         step.op == Step::Op::kGetQueryResult ||
                         step.op == Step::Op::kGetHistoryForKey;
  if (iterating && inv->closing) {
    // The reply to Close(): a deferred Close ignores its error either way.
    inv->closing = false;
    inv->read = 0;
    return run(inv);
  }
  if (reply.type == MessageType::ERROR) return call_failed(inv, reply.text);
  if (reply.type != MessageType::RESPONSE) {
    return call_failed(inv, "[" + short_txid(reply.txid) + "] incorrect chaincode message " +
                                to_string(reply.type) + " received. Expecting RESPONSE or ERROR");
  }
  if (!iterating) {
    std::map<std::string, std::string> fields;
    if (step.op == Step::Op::kGetState || step.op == Step::Op::kGetPrivateDataHash) {
      // nil and empty look alike to chaincode (len(v) == 0); an empty value is a delete.
      fields["found"] = reply.text.empty() ? "false" : "true";
    }
    if (step.op == Step::Op::kGetStateMetadata) fields = reply.metadata;
    bind(*inv, step, reply.text, std::move(fields));
    return run(inv);
  }
  inv->batch = reply.results;
  inv->batch_pos = 0;
  inv->has_more = reply.has_more;
  inv->iterator_id = reply.iterator_id;
  iterate(inv);
}

// StateQueryIterator: consume results up to the step's limit, fetching the next batch with
// QUERY_STATE_NEXT while has_more; then Close() (QUERY_STATE_CLOSE) unless the step leaks it.
void ShimHandler::iterate(const std::shared_ptr<Invocation>& inv) {
  const Step& step = current_step(*inv);
  while (inv->batch_pos < inv->batch.size() && (step.limit == 0 || inv->read < step.limit)) {
    if (!step.bind.empty()) inv->rows.push_back(inv->batch[inv->batch_pos]);
    ++inv->batch_pos;
    ++inv->read;
  }
  const bool wants_more = step.limit == 0 || inv->read < step.limit;
  ChaincodeMessage request;
  request.txid = inv->tx->request->txid;
  request.channel_id = inv->tx->request->channel_id;
  request.iterator_id = inv->iterator_id;
  if (wants_more && inv->has_more) {
    request.type = MessageType::QUERY_STATE_NEXT;
    return stub_call(inv, std::move(request));
  }
  inv->batch.clear();
  bind_rows(*inv, step);
  if (!step.close) {
    inv->read = 0;
    return run(inv);
  }
  inv->closing = true;
  request.type = MessageType::QUERY_STATE_CLOSE;
  stub_call(inv, std::move(request));
}

// handleInvokeChaincode (section 3.1): the callee's Response on COMPLETED; status 500 with the
// payload set otherwise. The scripted chaincode, like most Go chaincode, treats a status of
// 400 or more as failure and returns shim.Error with the callee's message (or payload).
void ShimHandler::on_invoke_reply(const std::shared_ptr<Invocation>& inv,
                                  const ChaincodeMessage& reply) {
  Response r;
  if (reply.type == MessageType::RESPONSE && reply.nested &&
      reply.nested->type == MessageType::COMPLETED) {
    r = reply.nested->response;
  } else if (reply.type == MessageType::RESPONSE && reply.nested) {
    r = Response{Response::kError, "", reply.nested->text};  // the serialized ERROR message
  } else if (reply.type == MessageType::ERROR) {
    r = Response{Response::kError, "", reply.text};
  } else {
    r = Response{Response::kError, "",
                 "[" + short_txid(inv->tx->request->txid) + "] error sending INVOKE_CHAINCODE"};
  }
  const Step& step = current_step(*inv);
  bind(*inv, step, r.payload,
       {{"status", std::to_string(r.status)}, {"payload", r.payload}, {"message", r.message}});
  if (r.status >= Response::kErrorThreshold) {
    return call_failed(inv, r.message.empty() ? r.payload : r.message);
  }
  run(inv);
}

// --- What user code makes of results --------------------------------------------------------

void ShimHandler::bind(Invocation& inv, const Step& step, std::string value,
                       std::map<std::string, std::string> fields) {
  if (step.bind.empty()) return;
  fields["error"] = "";
  inv.tx->bindings[step.bind] = Binding{std::move(value), std::move(fields)};
}

// A range, query or history read: ${x} its count, ${x.keys} and ${x.values} comma-separated.
void ShimHandler::bind_rows(Invocation& inv, const Step& step) {
  if (step.bind.empty()) return;
  std::string keys;
  std::string values;
  for (std::size_t i = 0; i < inv.rows.size(); ++i) {
    keys += (i ? "," : "") + inv.rows[i].key;
    values += (i ? "," : "") + inv.rows[i].value;
  }
  bind(inv, step, std::to_string(inv.rows.size()), {{"keys", keys}, {"values", values}});
  inv.rows.clear();
}

std::string ShimHandler::fill(const Invocation& inv, const std::string& text,
                              std::string& failure) const {
  if (!may_reference(text)) return text;
  const std::vector<std::string>& args = inv.tx->request->args;
  const auto value = [&](const TemplateRef& ref) -> std::string {
    if (ref.name == "channel") return inv.tx->request->channel_id;
    if (ref.name == "txid") return inv.tx->request->txid;
    if (ref.name == "function") return args.empty() ? "" : args.front();
    if (ref.name == "args") return *ref.index < args.size() ? args[*ref.index] : "";
    if (ref.name == "error") return inv.error_text;
    auto it = inv.tx->bindings.find(ref.name);
    if (it == inv.tx->bindings.end()) return "";  // bound by a step that has not run (load-checked)
    if (ref.field.empty()) return it->second.value;
    auto f = it->second.fields.find(ref.field);
    return f == it->second.fields.end() ? "" : f->second;
  };
  std::optional<std::string> out = expand_template(text, value, kMaxExpandedText);
  if (!out) {
    if (failure.empty()) failure = kTemplateTooLong;
    return "";
  }
  return *std::move(out);
}

Response ShimHandler::respond(Invocation& inv, const Response& response, const std::string& error) {
  inv.error_text = error;
  std::string failure;
  Response r = response;
  r.payload = fill(inv, response.payload, failure);
  r.message = fill(inv, response.message, failure);
  if (!failure.empty()) return Response{Response::kError, failure, ""};
  return r;
}

// A stub call failed (`error`): the step's on_error says what the user code does with it.
void ShimHandler::call_failed(const std::shared_ptr<Invocation>& inv, const std::string& error) {
  const Step& step = current_step(*inv);
  switch (step.on_error) {
    case Step::OnError::kIgnore:
      if (!step.bind.empty()) {
        Binding& b = inv->tx->bindings[step.bind];  // the invoke's result stays, if it came
        b.fields["error"] = error;
      }
      inv->batch.clear();
      inv->rows.clear();
      inv->read = 0;
      inv->closing = false;
      return run(inv);
    case Step::OnError::kRespond:
      if (inv->role != Invocation::Role::kFunction) break;  // only the function can answer
      return finish(inv, respond(*inv, step.on_error_response, error));
    case Step::OnError::kStop:
      break;
  }
  end_goroutine(inv, error);
}

// The user code panicked (or, in S-fsm, the loop itself): Go does not recover it in the
// shim, so the chaincode process dies at once (exit code 2) and the peer's Recv fails.
void ShimHandler::panic(const std::string& message) {
  if (exited_) return;
  trace_event(*sim_, TraceKind::kStreamEnd, "shim", to_string(state_), stream_name_, "", "",
              "panic: " + message);
  exited_ = true;
  inbox_.clear();
  response_channels_.clear();
  fsm_select_.reset();
  cpu_.clear();
  stream_->abort(kProcessDiedError);
  if (on_exit_) on_exit_("panic: " + message, 2);
}

// The chaincode's conventional reaction to a stub error: return shim.Error(err.Error()).
void ShimHandler::fail(const std::shared_ptr<Invocation>& inv, const std::string& error) {
  finish(inv, Response{Response::kError, error, ""});
}

// handleInit / handleTransaction result rules (section 3.1): Init with status >= 500 gives
// ERROR{payload = message}; every other result is COMPLETED{Response}. S-go and S-sw send it
// with serialSendAsync(msg, errc) from the transaction goroutine; S-fsm hands it to the loop.
void ShimHandler::finish(const std::shared_ptr<Invocation>& inv, Response response) {
  auto result = std::make_shared<ChaincodeMessage>();  // built where it is shared from
  result->txid = inv->tx->request->txid;
  result->channel_id = inv->tx->request->channel_id;
  result->event = inv->tx->event;
  if (inv->tx->request->type == MessageType::INIT && response.status >= Response::kError) {
    result->type = MessageType::ERROR;
    result->text = response.message;
  } else {
    result->type = MessageType::COMPLETED;
    result->response = std::move(response);
  }
  MessagePtr shared = std::move(result);
  if (mutation_ == Mutation::kDoubleCompleted && shared->type == MessageType::COMPLETED) {
    // The mutant's extra send, before the regular one: the same COMPLETED, the same way.
    if (kind_ == Kind::kFsm) {
      fsm_hand_off(shared);
    } else {
      serial_send_async(shared, OnSendError::kEndLoop);
    }
  }
  if (kind_ == Kind::kFsm) return fsm_hand_off(std::move(shared));
  serial_send_async(std::move(shared), OnSendError::kEndLoop);
}

// --- Sending ----------------------------------------------------------------------------

std::optional<std::string> ShimHandler::serial_send(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  if (exited_) return std::string("process exited");
  if (!profile_->channel_in_tx_context && !msg.channel_id.empty()) {
    // 1.0's ChaincodeMessage has no channel_id field.
    ChaincodeMessage without_channel = msg;
    without_channel.channel_id.clear();
    return serial_send(share(std::move(without_channel)));
  }
  if (auto err = stream_->send(end_, shared)) return err;
  trace_message(*sim_, TraceKind::kSend, Side::kShim, to_string(state_), stream_name_, Side::kShim,
                msg);
  return std::nullopt;
}

// serialSendAsync(msg, errc): a goroutine per send; with an errc a failure reaches the loop
// and ends it with "error sending: %s", with a nil errc it is dropped.
void ShimHandler::serial_send_async(MessagePtr msg, OnSendError on_error) {
  sim_->spawn(
      [this, msg, on_error] {
        if (exited_) return;
        std::optional<std::string> err = serial_send(msg);
        if (err && on_error == OnSendError::kEndLoop) exit("error sending: " + *err);
      },
      [&] { return label("sends", *msg); });
}

std::string ShimHandler::label(std::string_view what) const {
  return handler_label("shim", stream_name_, what);
}

std::string ShimHandler::label(std::string_view what, const ChaincodeMessage& msg) const {
  return handler_label("shim", stream_name_, what, &msg);
}

// chatWithPeer returned: trace it, half-close (the client's deferred CloseSend), and let
// the process exit.
void ShimHandler::exit(const std::string& reason) {
  if (exited_) return;
  exited_ = true;
  inbox_.clear();
  fsm_select_.reset();
  cpu_.clear();
  trace_event(*sim_, TraceKind::kStreamEnd, "shim", to_string(state_), stream_name_, "", "",
              reason);
  stream_->close_send(end_);
  if (on_exit_) on_exit_(reason, 0);
}

}  // namespace ccsim::fabric
