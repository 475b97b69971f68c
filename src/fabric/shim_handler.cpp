#include "ccsim/fabric/shim_handler.hpp"

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

ShimHandler::ShimHandler(kernel::Simulation& sim, const PeerConfig& config, ChaincodeStream& stream,
                         kernel::End end, std::string stream_name,
                         const ChaincodeDefinition& chaincode, OnExit on_exit)
    : sim_(&sim),
      config_(&config),
      stream_(&stream),
      end_(end),
      stream_name_(std::move(stream_name)),
      chaincode_(&chaincode),
      on_exit_(std::move(on_exit)) {
  stream_->attach(end_, this);
}

void ShimHandler::set_state(State next) {
  trace_state(*sim_, "shim", stream_name_, to_string(state_), to_string(next));
  state_ = next;
}

void ShimHandler::start() {
  started_ = true;
  ChaincodeMessage reg;
  reg.type = MessageType::REGISTER;
  reg.chaincode_id = chaincode_->ccid();
  if (auto err = serial_send(reg)) {
    exit("error sending chaincode REGISTER: " + *err);
    return;
  }
  if (!inbox_.empty() && !loop_scheduled_) {
    loop_scheduled_ = true;
    sim_->after(config_->processing, [this] { loop_step(); });
  }
}

void ShimHandler::kill() {
  if (exited_) return;
  exited_ = true;
  inbox_.clear();
  response_channels_.clear();
}

// --- The receive loop (chatWithPeer) ----------------------------------------------------

void ShimHandler::on_message(ChaincodeMessage msg) {
  enqueue(Inbound{false, std::move(msg), {}});
}

void ShimHandler::on_closed(const kernel::StreamClosed& closed) {
  enqueue(Inbound{true, ChaincodeMessage{}, closed});
}

void ShimHandler::enqueue(Inbound in) {
  if (exited_) return;
  inbox_.push_back(std::move(in));
  if (started_ && !loop_scheduled_) {
    loop_scheduled_ = true;
    sim_->after(config_->processing, [this] { loop_step(); });
  }
}

void ShimHandler::loop_step() {
  loop_scheduled_ = false;
  if (exited_ || inbox_.empty()) return;
  Inbound in = std::move(inbox_.front());
  inbox_.pop_front();
  if (in.closed) {
    exit(in.why.eof ? "received EOF, ending chaincode stream" : "receive failed: " + in.why.error);
    return;
  }
  trace_message(*sim_, TraceKind::kDeliver, Side::kShim, to_string(state_), stream_name_,
                Side::kPeer, in.msg);
  if (auto err = handle_message(in.msg)) {
    // An unexpected message: ERROR{payload, txid} without channel_id, sent synchronously and
    // its result ignored; then the loop ends.
    ChaincodeMessage error;
    error.type = MessageType::ERROR;
    error.text = *err;
    error.txid = in.msg.txid;
    serial_send(error);
    exit("error handling message: " + *err);
    return;
  }
  if (!inbox_.empty() && !exited_) {
    loop_scheduled_ = true;
    sim_->after(config_->processing, [this] { loop_step(); });
  }
}

std::optional<std::string> ShimHandler::handle_message(const ChaincodeMessage& msg) {
  if (msg.type == MessageType::KEEPALIVE) {
    serial_send_async(msg);  // the echo; a failed echo ends the loop (S-go)
    return std::nullopt;
  }
  const auto cannot = [&] {
    return "[" + msg.txid + "] Chaincode h cannot handle message (" + to_string(msg.type) +
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
          return handle_response(msg);
        case MessageType::INIT:
        case MessageType::TRANSACTION:
          start_invocation(msg);
          return std::nullopt;
        default:
          return cannot();
      }
  }
  return cannot();
}

// handleResponse: a reply nobody waits for is fatal for RESPONSE and ERROR alike (S-go).
std::optional<std::string> ShimHandler::handle_response(const ChaincodeMessage& msg) {
  auto it = response_channels_.find(tx_key(msg.channel_id, msg.txid));
  if (it == response_channels_.end()) {
    return "[" + short_txid(msg.txid) + "] responseChannel does not exist";
  }
  std::shared_ptr<Invocation> waiting = std::move(it->second);
  // deleteResponseChannel runs when the stub call returns; the goroutine resumes as a task.
  response_channels_.erase(it);
  sim_->spawn([this, waiting, reply = msg] { on_reply(waiting, reply); });
  return std::nullopt;
}

// --- User code ---------------------------------------------------------------------------

void ShimHandler::start_invocation(const ChaincodeMessage& msg) {
  auto inv = std::make_shared<Invocation>();
  inv->request = msg;
  if (msg.type == MessageType::INIT) {
    inv->function = &chaincode_->init;
  } else if (!msg.args.empty()) {
    auto it = chaincode_->functions.find(msg.args.front());
    if (it != chaincode_->functions.end()) inv->function = &it->second;
  }
  // go handleStubInteraction(...)
  sim_->spawn([this, inv] { run(inv); });
}

void ShimHandler::run(const std::shared_ptr<Invocation>& inv) {
  if (exited_) return;
  if (inv->function == nullptr) {
    const std::string fn = inv->request.args.empty() ? "" : inv->request.args.front();
    finish(inv, Response{Response::kError, "unknown function: " + fn, ""});
    return;
  }
  const std::vector<Step>& steps = inv->function->steps;
  while (inv->pc < steps.size()) {
    const Step& step = steps[inv->pc++];
    ChaincodeMessage request;
    request.txid = inv->request.txid;
    request.channel_id = inv->request.channel_id;
    request.key = step.key;
    request.collection = step.collection;
    switch (step.op) {
      case Step::Op::kGetState:
        request.type = MessageType::GET_STATE;
        return stub_call(inv, std::move(request));
      case Step::Op::kPutState:
        if (step.key.empty()) return fail(inv, "key must not be an empty string");
        request.type = MessageType::PUT_STATE;
        request.value = step.value;
        return stub_call(inv, std::move(request));
      case Step::Op::kDelState:
        request.type = MessageType::DEL_STATE;
        return stub_call(inv, std::move(request));
      case Step::Op::kGetPrivateDataHash:
        request.type = MessageType::GET_PRIVATE_DATA_HASH;
        return stub_call(inv, std::move(request));
      case Step::Op::kPurgePrivateData:
        request.type = MessageType::PURGE_PRIVATE_DATA;
        return stub_call(inv, std::move(request));
      case Step::Op::kGetStateMetadata:
        request.type = MessageType::GET_STATE_METADATA;
        return stub_call(inv, std::move(request));
      case Step::Op::kPutStateMetadata:
        request.type = MessageType::PUT_STATE_METADATA;
        request.metakey = step.metakey;
        request.value = step.value;
        return stub_call(inv, std::move(request));
      case Step::Op::kGetStateByRange:
        request.type = MessageType::GET_STATE_BY_RANGE;
        request.start_key = step.start_key;
        request.end_key = step.end_key;
        return stub_call(inv, std::move(request));
      case Step::Op::kGetQueryResult:
        request.type = MessageType::GET_QUERY_RESULT;
        request.query = step.query;
        return stub_call(inv, std::move(request));
      case Step::Op::kGetHistoryForKey:
        request.type = MessageType::GET_HISTORY_FOR_KEY;
        return stub_call(inv, std::move(request));
      case Step::Op::kInvokeChaincode:
        // stub.InvokeChaincode: a channel makes the name "chaincode/channel".
        request.type = MessageType::INVOKE_CHAINCODE;
        request.key.clear();
        request.target =
            step.target_chaincode + (step.target_channel.empty() ? "" : "/" + step.target_channel);
        request.args = step.args;
        return stub_call(inv, std::move(request));
      case Step::Op::kSetEvent:
        if (step.key.empty()) return fail(inv, "event name can not be empty string");
        inv->event = ChaincodeEvent{step.key, step.value};
        break;
      case Step::Op::kSleep:
        sim_->after(step.duration, [this, inv] { run(inv); });
        return;
      case Step::Op::kReturn:
        return finish(inv, step.response);
      case Step::Op::kFail:
        return fail(inv, step.response.message);
      case Step::Op::kPanic:
        return panic(step.response.message);
      case Step::Op::kHang:
        trace_note(*sim_, "shim", to_string(state_), stream_name_, inv->request.txid,
                   inv->request.channel_id, "user code hangs");
        return;
    }
  }
  finish(inv, Response{});  // shim.Success(nil)
}

// callPeerWithChaincodeMsg: create the response channel, send synchronously, wait.
void ShimHandler::stub_call(const std::shared_ptr<Invocation>& inv, ChaincodeMessage request) {
  const std::string key = tx_key(request.channel_id, request.txid);
  if (response_channels_.count(key) != 0) {
    return fail(inv, "[" + short_txid(key) + "] channel exists");
  }
  if (auto err = serial_send(request)) {
    if (request.type == MessageType::INVOKE_CHAINCODE) {
      // handleInvokeChaincode turns a send failure into a Response, not an error.
      return on_invoke_reply(inv, ChaincodeMessage{});
    }
    return fail(inv, "[" + short_txid(request.txid) + "] error sending " + to_string(request.type) +
                         ": " + *err);
  }
  response_channels_[key] = inv;
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
  if (reply.type == MessageType::ERROR) return fail(inv, reply.text);
  if (reply.type != MessageType::RESPONSE) {
    return fail(inv, "[" + short_txid(reply.txid) + "] incorrect chaincode message " +
                         to_string(reply.type) + " received. Expecting RESPONSE or ERROR");
  }
  if (!iterating) return run(inv);
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
    ++inv->batch_pos;
    ++inv->read;
  }
  const bool wants_more = step.limit == 0 || inv->read < step.limit;
  ChaincodeMessage request;
  request.txid = inv->request.txid;
  request.channel_id = inv->request.channel_id;
  request.iterator_id = inv->iterator_id;
  if (wants_more && inv->has_more) {
    request.type = MessageType::QUERY_STATE_NEXT;
    return stub_call(inv, std::move(request));
  }
  inv->batch.clear();
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
                 "[" + short_txid(inv->request.txid) + "] error sending INVOKE_CHAINCODE"};
  }
  if (r.status >= Response::kErrorThreshold) {
    return fail(inv, r.message.empty() ? r.payload : r.message);
  }
  run(inv);
}

// The user code panicked: Go does not recover it in the shim, so the chaincode process
// dies at once (exit code 2) and the peer's Recv fails.
void ShimHandler::panic(const std::string& message) {
  if (exited_) return;
  trace_event(*sim_, TraceKind::kStreamEnd, "shim", to_string(state_), stream_name_, "", "",
              "panic: " + message);
  exited_ = true;
  inbox_.clear();
  response_channels_.clear();
  stream_->abort(kProcessDiedError);
  if (on_exit_) on_exit_("panic: " + message, 2);
}

// The chaincode's conventional reaction to a stub error: return shim.Error(err.Error()).
void ShimHandler::fail(const std::shared_ptr<Invocation>& inv, const std::string& error) {
  finish(inv, Response{Response::kError, error, ""});
}

// handleInit / handleTransaction result rules (section 3.1): Init with status >= 500 gives
// ERROR{payload = message}; every other result is COMPLETED{Response}. Sent asynchronously.
void ShimHandler::finish(const std::shared_ptr<Invocation>& inv, Response response) {
  ChaincodeMessage result;
  result.txid = inv->request.txid;
  result.channel_id = inv->request.channel_id;
  result.event = inv->event;
  if (inv->request.type == MessageType::INIT && response.status >= Response::kError) {
    result.type = MessageType::ERROR;
    result.text = response.message;
  } else {
    result.type = MessageType::COMPLETED;
    result.response = std::move(response);
  }
  serial_send_async(std::move(result));
}

// --- Sending ----------------------------------------------------------------------------

std::optional<std::string> ShimHandler::serial_send(const ChaincodeMessage& msg) {
  if (exited_) return std::string("process exited");
  if (auto err = stream_->send(end_, msg)) return err;
  trace_message(*sim_, TraceKind::kSend, Side::kShim, to_string(state_), stream_name_, Side::kShim,
                msg);
  return std::nullopt;
}

// serialSendAsync(msg, errc): a goroutine per send; a failure reaches the loop through errc
// and ends it with "error sending: %s".
void ShimHandler::serial_send_async(ChaincodeMessage msg) {
  sim_->spawn([this, msg = std::move(msg)] {
    if (exited_) return;
    if (auto err = serial_send(msg)) exit("error sending: " + *err);
  });
}

// chatWithPeer returned: trace it, half-close (the client's deferred CloseSend), and let
// the process exit.
void ShimHandler::exit(const std::string& reason) {
  if (exited_) return;
  exited_ = true;
  inbox_.clear();
  trace_event(*sim_, TraceKind::kStreamEnd, "shim", to_string(state_), stream_name_, "", "",
              reason);
  stream_->close_send(end_);
  if (on_exit_) on_exit_(reason, 0);
}

}  // namespace ccsim::fabric
