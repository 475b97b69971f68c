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

namespace {
std::string short_txid(const std::string& txid) {
  return txid.substr(0, 8);
}
}  // namespace

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
    switch (step.op) {
      case Step::Op::kGetState:
        request.type = MessageType::GET_STATE;
        request.key = step.key;
        stub_call(inv, std::move(request));
        return;
      case Step::Op::kPutState:
        if (step.key.empty()) return fail(inv, "key must not be an empty string");
        request.type = MessageType::PUT_STATE;
        request.key = step.key;
        request.value = step.value;
        stub_call(inv, std::move(request));
        return;
      case Step::Op::kDelState:
        request.type = MessageType::DEL_STATE;
        request.key = step.key;
        stub_call(inv, std::move(request));
        return;
      case Step::Op::kSleep:
        sim_->after(step.duration, [this, inv] { run(inv); });
        return;
      case Step::Op::kReturn:
        return finish(inv, step.response);
      case Step::Op::kFail:
        return fail(inv, step.response.message);
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
    return fail(inv, "[" + short_txid(request.txid) + "] error sending " + to_string(request.type) +
                         ": " + *err);
  }
  response_channels_[key] = inv;
}

void ShimHandler::on_reply(const std::shared_ptr<Invocation>& inv, const ChaincodeMessage& reply) {
  if (exited_) return;
  if (reply.type == MessageType::ERROR) return fail(inv, reply.text);
  if (reply.type != MessageType::RESPONSE) {
    return fail(inv, "[" + short_txid(reply.txid) + "] incorrect chaincode message " +
                         to_string(reply.type) + " received. Expecting RESPONSE or ERROR");
  }
  run(inv);
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
  if (on_exit_) on_exit_(reason);
}

}  // namespace ccsim::fabric
