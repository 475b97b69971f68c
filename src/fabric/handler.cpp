#include "ccsim/fabric/handler.hpp"

#include "ccsim/fabric/trace_events.hpp"
#include "ccsim/kernel/check.hpp"

namespace ccsim::fabric {

using kernel::TraceKind;

const char* to_string(Handler::State state) {
  switch (state) {
    case Handler::State::kCreated:
      return "created";
    case Handler::State::kEstablished:
      return "established";
    case Handler::State::kReady:
      return "ready";
  }
  return "UNKNOWN";
}

namespace {
// shorttxid: the first 8 characters, as Fabric logs and some error texts use.
std::string short_txid(const std::string& txid) {
  return txid.substr(0, 8);
}
}  // namespace

Handler::Handler(Deps deps, ChaincodeStream& stream, kernel::End end, std::string stream_name)
    : deps_(deps), stream_(&stream), end_(end), stream_name_(std::move(stream_name)) {
  stream_->attach(end_, this);
}

void Handler::note(const std::string& txid, const std::string& channel, std::string detail) {
  trace_note(*deps_.sim, "peer", to_string(state_), stream_name_, txid, channel, std::move(detail));
}

void Handler::set_state(State next) {
  trace_state(*deps_.sim, "peer", stream_name_, to_string(state_), to_string(next));
  state_ = next;
}

void Handler::process_stream() {
  processing_ = true;
  if (deps_.config->keepalive.ns() > 0) {
    keepalive_timer_ = deps_.sim->after(deps_.config->keepalive, [this] { keepalive_tick(); });
  }
  if (!inbox_.empty() && !loop_scheduled_) {
    loop_scheduled_ = true;
    deps_.sim->after(deps_.config->processing, [this] { loop_step(); });
  }
}

// --- The receive loop -------------------------------------------------------------------

void Handler::on_message(ChaincodeMessage msg) {
  enqueue(Inbound{false, std::move(msg), {}});
}

void Handler::on_closed(const kernel::StreamClosed& closed) {
  enqueue(Inbound{true, ChaincodeMessage{}, closed});
}

// Recv is one at a time: the next message is taken only after the previous one was handled,
// `processing` virtual time after it became available.
void Handler::enqueue(Inbound in) {
  if (ended_) return;  // nobody receives on a finished stream
  inbox_.push_back(std::move(in));
  if (processing_ && !loop_scheduled_ && !stuck_) {
    loop_scheduled_ = true;
    deps_.sim->after(deps_.config->processing, [this] { loop_step(); });
  }
}

void Handler::loop_step() {
  loop_scheduled_ = false;
  if (ended_ || stuck_ || inbox_.empty()) return;
  Inbound in = std::move(inbox_.front());
  inbox_.pop_front();
  if (in.closed) {
    // ProcessStream's Recv returned an error: io.EOF is returned as is.
    end_stream(in.why.eof ? "EOF"
                          : "receive from chaincode support stream failed: " + in.why.error);
    return;
  }
  trace_message(*deps_.sim, TraceKind::kDeliver, Side::kPeer, to_string(state_), stream_name_,
                Side::kShim, in.msg);
  if (auto err = handle_message(in.msg)) {
    end_stream("error handling message, ending stream: " + *err);
    return;
  }
  if (!inbox_.empty() && !ended_ && !stuck_) {
    loop_scheduled_ = true;
    deps_.sim->after(deps_.config->processing, [this] { loop_step(); });
  }
}

// handleMessage (section 2.2): KEEPALIVE in any state; REGISTER only in created; requests,
// COMPLETED and ERROR only in ready; anything else ends the stream with Fabric's text.
std::optional<std::string> Handler::handle_message(const ChaincodeMessage& msg) {
  if (msg.type == MessageType::KEEPALIVE) return std::nullopt;
  const std::string type = to_string(msg.type);
  switch (state_) {
    case State::kCreated:
      if (msg.type == MessageType::REGISTER) {
        handle_register(msg);
        return std::nullopt;
      }
      return "[" + msg.txid + "] Fabric side handler cannot handle message (" + type +
             ") while in created state";
    case State::kReady:
      switch (msg.type) {
        case MessageType::COMPLETED:
        case MessageType::ERROR:
          notify(msg);
          return std::nullopt;
        case MessageType::PUT_STATE:
        case MessageType::DEL_STATE:
        case MessageType::INVOKE_CHAINCODE:
        case MessageType::GET_STATE:
        case MessageType::GET_STATE_BY_RANGE:
        case MessageType::GET_QUERY_RESULT:
        case MessageType::GET_HISTORY_FOR_KEY:
        case MessageType::QUERY_STATE_NEXT:
        case MessageType::QUERY_STATE_CLOSE:
        case MessageType::GET_PRIVATE_DATA_HASH:
        case MessageType::GET_STATE_METADATA:
        case MessageType::PUT_STATE_METADATA:
        case MessageType::PURGE_PRIVATE_DATA:
          // go h.HandleTransaction(msg, delegate)
          deps_.sim->spawn([this, msg] { handle_transaction(msg); });
          return std::nullopt;
        default:
          return "[" + msg.txid + "] Fabric side handler cannot handle message (" + type +
                 ") while in ready state";
      }
    case State::kEstablished:
      break;
  }
  return std::string("handle message: invalid state ") + to_string(state_) + " for transaction " +
         msg.txid;
}

// HandleRegister (section 2.2, steps 1-6). Registration failures leave the handler in
// created with the stream open; nothing is sent.
void Handler::handle_register(const ChaincodeMessage& msg) {
  if (msg.chaincode_id.empty()) {
    notify_registry("error in handling register chaincode, chaincodeID name is empty");
    return;
  }
  chaincode_id_ = msg.chaincode_id;
  if (auto err = deps_.registry->register_handler(chaincode_id_, *this)) {
    note("", "", "register failed: " + *err);
    notify_registry(*err);
    return;
  }
  ChaincodeMessage registered;
  registered.type = MessageType::REGISTERED;
  if (auto err = serial_send(registered)) {
    notify_registry(*err);
    return;
  }
  set_state(State::kEstablished);
  notify_registry(std::nullopt);
}

// notifyRegistry: on success send READY (synchronously, from the loop) and tell the registry.
void Handler::notify_registry(std::optional<std::string> err) {
  if (!err) {
    ChaincodeMessage ready;
    ready.type = MessageType::READY;
    if (auto send_err = serial_send(ready)) {
      err = send_err;
    } else {
      set_state(State::kReady);
    }
  }
  if (err) {
    deps_.registry->failed(chaincode_id_, *err);
    return;
  }
  deps_.registry->ready(chaincode_id_);
}

// Notify (section 2.2): a COMPLETED/ERROR for an unknown channel+txid is dropped silently.
void Handler::notify(const ChaincodeMessage& msg) {
  TransactionContext* ctx = contexts_.get(msg.channel_id, msg.txid);
  if (ctx == nullptr) {
    note(msg.txid, msg.channel_id,
         "notifier Txid:" + msg.txid + ", channelID:" + msg.channel_id +
             " does not exist for handling message " + to_string(msg.type) + " (dropped)");
    return;
  }
  if (ctx->response) {
    // ResponseNotifier has capacity 1 and only one value is ever read: a second terminal
    // message blocks the receive loop for good (fabric-protocol.md 6.4 #8, derived).
    note(msg.txid, msg.channel_id, "ResponseNotifier full: receive loop blocked forever");
    stuck_ = true;
    return;
  }
  ctx->response = msg;
  if (ctx->on_response) ctx->on_response();
}

// --- Chaincode requests (HandleTransaction) --------------------------------------------

void Handler::handle_transaction(const ChaincodeMessage& msg) {
  const std::string key = tx_key(msg.channel_id, msg.txid);
  if (!active_transactions_.insert(key).second) {
    note(msg.txid, msg.channel_id,
         "[" + short_txid(msg.txid) + "] Another request pending for this CC: " + chaincode_id_ +
             ", Txid: " + msg.txid + ", ChannelID: " + msg.channel_id +
             ". Cannot process. (dropped, no reply)");
    return;
  }
  ChaincodeMessage resp;
  TransactionContext* ctx = contexts_.get(msg.channel_id, msg.txid);
  if (ctx == nullptr || !ctx->params.simulator) {
    const char* cause = msg.type == MessageType::INVOKE_CHAINCODE
                            ? "could not get valid transaction"
                            : "no ledger context";
    resp.type = MessageType::ERROR;
    resp.text =
        std::string(to_string(msg.type)) + " failed: transaction ID: " + msg.txid + ": " + cause;
  } else {
    resp = run_delegate(msg, *ctx);
  }
  resp.txid = msg.txid;
  resp.channel_id = msg.channel_id;
  // FAB-10284: the txid is released before the reply is sent.
  active_transactions_.erase(key);
  serial_send_async(std::move(resp));
}

ChaincodeMessage Handler::run_delegate(const ChaincodeMessage& msg, TransactionContext& ctx) {
  ChaincodeMessage resp;
  resp.type = MessageType::RESPONSE;
  TxSimulator& sim = *ctx.params.simulator;
  const std::string& ns = ctx.params.namespace_id;
  switch (msg.type) {
    case MessageType::GET_STATE:
      resp.text = sim.get_state(ns, msg.key).value_or("");
      break;
    case MessageType::PUT_STATE:
      sim.set_state(ns, msg.key, msg.value);
      break;
    case MessageType::DEL_STATE:
      sim.delete_state(ns, msg.key);
      break;
    default:
      // The scripted chaincode issues no other request yet; a request ccsim cannot answer
      // is reported as an ERROR reply so the run goes on visibly.
      resp.type = MessageType::ERROR;
      resp.text = std::string(to_string(msg.type)) + " failed: transaction ID: " + msg.txid +
                  ": not modelled by this ccsim version";
      break;
  }
  return resp;
}

// --- Execute ----------------------------------------------------------------------------

void Handler::execute(const TransactionParams& params, ChaincodeMessage msg,
                      kernel::Duration timeout, ExecuteDone done) {
  const bool is_init = msg.type == MessageType::INIT;
  if (auto err = contexts_.create(params, is_init)) {
    done(ExecuteResult{std::nullopt, *err});
    return;
  }
  if (!params.has_signed_proposal) {
    contexts_.remove(params.channel_id, params.txid);
    done(ExecuteResult{std::nullopt, "failed getting proposal context. Signed proposal is nil"});
    return;
  }
  msg.has_proposal = true;

  const std::string key = tx_key(params.channel_id, params.txid);
  PendingExecute& pending = pending_[key];
  pending.channel_id = params.channel_id;
  pending.txid = params.txid;
  pending.done = std::move(done);
  pending.select = std::make_unique<kernel::Select>(
      *deps_.sim, "execute " + params.channel_id + "/" + params.txid, 3,
      [this, key](std::size_t chosen) { finish_execute(key, chosen); });
  kernel::Select* select = pending.select.get();
  contexts_.get(params.channel_id, params.txid)->on_response = [select] {
    select->ready(kResponseCase);
  };

  serial_send_async(std::move(msg));

  pending.timer = deps_.sim->after(timeout, [this, select, params] {
    trace_event(*deps_.sim, TraceKind::kTimer, "peer", to_string(state_), stream_name_, params.txid,
                params.channel_id, "execute timeout");
    select->ready(kTimeoutCase);
  });
  if (ended_ && deps_.profile->stream_done_wakes_execute) select->ready(kStreamDoneCase);
}

void Handler::finish_execute(const std::string& key, std::size_t chosen) {
  auto node = pending_.extract(key);
  CCSIM_CHECK_AT(deps_.sim->now(), !node.empty(), "an Execute resolved twice");
  PendingExecute& pending = node.mapped();
  deps_.sim->cancel(pending.timer);

  const std::string& channel = pending.channel_id;
  const std::string& txid = pending.txid;
  ExecuteResult result;
  if (chosen == kResponseCase) result.response = contexts_.get(channel, txid)->response;
  if (chosen == kTimeoutCase) result.error = kErrorExecutionTimeout;
  if (chosen == kStreamDoneCase) result.error = kErrorStreamTerminated;
  if (result.error) note(txid, channel, "Execute: " + *result.error);
  contexts_.remove(channel, txid);  // defer TXContexts.Delete
  pending.done(std::move(result));
}

// --- Sending ----------------------------------------------------------------------------

std::optional<std::string> Handler::serial_send(const ChaincodeMessage& msg) {
  if (auto err = stream_->send(end_, msg)) {
    std::string text =
        "[" + short_txid(msg.txid) + "] error sending " + to_string(msg.type) + ": " + *err;
    note(msg.txid, msg.channel_id, "send failed: " + text);
    return text;
  }
  trace_message(*deps_.sim, TraceKind::kSend, Side::kPeer, to_string(state_), stream_name_,
                Side::kPeer, msg);
  return std::nullopt;
}

// serialSendAsync (1.3+, section 2.3): a goroutine per send. A failure wakes the txid's
// Execute with an ERROR carrying the send error, and ends the stream.
void Handler::serial_send_async(ChaincodeMessage msg) {
  deps_.sim->spawn([this, msg = std::move(msg)] {
    auto err = serial_send(msg);
    if (!err || !deps_.profile->send_failure_ends_stream) return;
    ChaincodeMessage resp;
    resp.type = MessageType::ERROR;
    resp.text = *err;
    resp.txid = msg.txid;
    resp.channel_id = msg.channel_id;
    notify(resp);
    if (!ended_) {
      end_stream("received error while sending message, ending chaincode support stream: " + *err);
    }
  });
}

void Handler::keepalive_tick() {
  if (ended_) return;
  ChaincodeMessage keepalive;
  keepalive.type = MessageType::KEEPALIVE;
  serial_send_async(keepalive);
  keepalive_timer_ = deps_.sim->after(deps_.config->keepalive, [this] { keepalive_tick(); });
}

// ProcessStream returns: the RPC finishes (the shim's Recv gets EOF), then the deferred
// ticker.Stop, close(streamDone) and deregister run, in that order (section 2.7).
void Handler::end_stream(const std::string& reason) {
  if (ended_) return;
  ended_ = true;
  inbox_.clear();
  trace_event(*deps_.sim, TraceKind::kStreamEnd, "peer", to_string(state_), stream_name_, "", "",
              reason);
  stream_->close_send(end_);
  deps_.sim->cancel(keepalive_timer_);
  if (deps_.profile->stream_done_wakes_execute) {
    for (auto& [key, pending] : pending_)
      pending.select->ready(kStreamDoneCase);
  }
  deps_.registry->deregister(chaincode_id_);  // error "could not find handler" is ignored
}

void Handler::close() {
  // Query iterators are not modelled yet; nothing else to release.
}

}  // namespace ccsim::fabric
