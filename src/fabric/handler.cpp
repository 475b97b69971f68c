#include "ccsim/fabric/handler.hpp"

#include "ccsim/fabric/lifecycle.hpp"

#include <cstdio>

#include "ccsim/fabric/couchdb_query.hpp"
#include "ccsim/fabric/sha256.hpp"
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
  if (deps_.profile->peer_fsm) {
    fsm_process_stream();
    return;
  }
  processing_ = true;
  if (deps_.config->keepalive.ns() > 0) {
    // A daemon: a run with nothing left but the ticker has drained.
    keepalive_timer_ = deps_.sim->daemon_at(
        deps_.sim->now() + deps_.config->keepalive, [this] { keepalive_tick(); },
        [&] { return label("keepalive tick"); });
  }
  if (!inbox_.empty() && !loop_scheduled_) {
    loop_scheduled_ = true;
    deps_.sim->after(
        deps_.config->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

// --- The receive loop -------------------------------------------------------------------

void Handler::on_message(MessagePtr msg) {
  enqueue(Inbound{false, std::move(msg), {}});
}

void Handler::on_closed(const kernel::StreamClosed& closed) {
  enqueue(Inbound{true, nullptr, closed});
}

// Recv is one at a time: the next message is taken only after the previous one was handled,
// `processing` virtual time after it became available.
void Handler::enqueue(Inbound in) {
  if (ended_) return;  // nobody receives on a finished stream
  inbox_.push_back(std::move(in));
  if (deps_.profile->peer_fsm) {
    fsm_recv();
    return;
  }
  if (processing_ && !loop_scheduled_ && !stuck_ && !register_pending_) {
    loop_scheduled_ = true;
    deps_.sim->after(
        deps_.config->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

void Handler::loop_step() {
  loop_scheduled_ = false;
  if (ended_ || stuck_ || inbox_.empty()) return;
  Inbound in = std::move(inbox_.front());
  inbox_.pop_front();
  if (in.closed) {
    // ProcessStream's Recv returned an error: io.EOF is returned as is.
    const std::string reason = in.why.eof ? "EOF"
                                          : (deps_.profile->receive_error_names_stream
                                                 ? "receive from chaincode support stream failed: "
                                                 : "receive failed: ") +
                                                in.why.error;
    if (deps_.mutation == Mutation::kSwallowStreamEnd) {
      swallow_stream_end(reason);
      return;
    }
    end_stream(reason);
    return;
  }
  trace_message(*deps_.sim, TraceKind::kDeliver, Side::kPeer, to_string(state_), stream_name_,
                Side::kShim, *in.msg);
  if (auto err = handle_message(in.msg)) {
    end_stream("error handling message, ending stream: " + *err);
    return;
  }
  if (!inbox_.empty() && !ended_ && !stuck_ && !register_pending_) {
    loop_scheduled_ = true;
    deps_.sim->after(
        deps_.config->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

// handleMessage (section 2.2): KEEPALIVE in any state; REGISTER only in created; requests,
// COMPLETED and ERROR only in ready; anything else ends the stream with Fabric's text.
std::optional<std::string> Handler::handle_message(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  if (msg.type == MessageType::KEEPALIVE && deps_.mutation != Mutation::kKeepaliveInWrongState) {
    return std::nullopt;
  }
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
          notify(shared);
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
          deps_.sim->spawn([this, shared] { handle_transaction(shared); },
                           [&] { return label("handles", msg); });
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
  // From here Launch can see the handler, though REGISTERED and READY are not sent yet: the
  // same goroutine sends them next, and other goroutines may run in between (the window of
  // docs/fabric-sources.md 6.4 #1). The gap lasts `processing`; zero leaves a same-instant tie.
  register_pending_ = true;
  deps_.sim->after(
      deps_.config->processing, [this] { finish_register(); },
      [&] { return label("finishes register"); });
}

void Handler::finish_register() {
  if (ended_) {
    register_pending_ = false;
    return;
  }
  auto registered = std::make_shared<ChaincodeMessage>();
  registered->type = MessageType::REGISTERED;
  if (auto err = serial_send(registered)) {
    notify_registry(*err);
    end_register();
    return;
  }
  set_state(State::kEstablished);
  // notifyRegistry -> sendReady sends READY with a serialSend of its own: the serialLock is
  // released between the two, and a goroutine waiting for it (an Execute's serialSendAsync
  // of a TRANSACTION, for a proposal whose Launch found the registered handler) may send
  // first. The shim then gets the TRANSACTION while established (core/chaincode/handler.go
  // HandleRegister, 1.2-2.5). Same instant; the order is a tie the fuzzer explores.
  deps_.sim->spawn(
      [this] {
        if (!ended_) notify_registry(std::nullopt);
        end_register();
      },
      [&] { return label("sends READY"); });
}

// HandleRegister has returned: the loop takes its next message.
void Handler::end_register() {
  register_pending_ = false;
  if (!inbox_.empty() && !ended_ && !stuck_ && !loop_scheduled_) {
    loop_scheduled_ = true;
    deps_.sim->after(
        deps_.config->processing, [this] { loop_step(); }, [&] { return label("loop"); });
  }
}

// notifyRegistry: on success send READY (synchronously, from the loop) and tell the registry.
void Handler::notify_registry(std::optional<std::string> err) {
  if (!err) {
    auto ready = std::make_shared<ChaincodeMessage>();
    ready->type = MessageType::READY;
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
void Handler::notify(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  TransactionContext* ctx = contexts_.get(msg.channel_id, msg.txid);
  if (ctx == nullptr) {
    note(msg.txid, msg.channel_id,
         "notifier Txid:" + msg.txid + ", channelID:" + msg.channel_id + " does not exist for " +
             (deps_.profile->notify_log_says_handleing ? "handleing" : "handling") + " message " +
             to_string(msg.type) + " (dropped)");
    return;
  }
  if (ctx->response) {
    // ResponseNotifier has capacity 1 and only one value is ever read: a second terminal
    // message blocks the receive loop for good (docs/fabric-sources.md 6.4 #8, derived).
    note(msg.txid, msg.channel_id, "ResponseNotifier full: receive loop blocked forever");
    stuck_ = true;
    return;
  }
  ctx->response = shared;
  ctx->query_iterators.clear();  // CloseQueryIterators
  if (!query_reads_.empty()) release_query_reads(context_key(msg.channel_id, msg.txid));
  if (ctx->on_response) ctx->on_response();
}

// --- Chaincode requests (HandleTransaction) --------------------------------------------

void Handler::handle_transaction(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  const std::string key = tx_key(msg.channel_id, msg.txid);
  if (!active_transactions_.insert(key).second) {
    note(msg.txid, msg.channel_id,
         "[" + short_txid(msg.txid) + "] Another request pending for this CC: " + chaincode_id_ +
             ", Txid: " + msg.txid + ", ChannelID: " + msg.channel_id +
             ". Cannot process. (dropped, no reply)");
    return;
  }
  if (msg.type == MessageType::INVOKE_CHAINCODE && msg.channel_id.empty() && msg.nil_chaincode_id) {
    // getTxContextForInvoke without a channel parses the target first.
    if (!nil_dereference_panics(msg)) {
      finish_request(msg, DelegateResult{nullptr, "panic during execution"});
    }
    return;
  }
  TransactionContext* ctx = contexts_.get(msg.channel_id, msg.txid);
  if (ctx == nullptr || !ctx->params.simulator) {
    finish_request(msg, DelegateResult{nullptr, msg.type == MessageType::INVOKE_CHAINCODE
                                                    ? "could not get valid transaction"
                                                    : "no ledger context"});
    return;
  }
  run_delegate(msg, *ctx,
               [this, shared](DelegateResult&& r) { finish_request(*shared, std::move(r)); });
}

// A goroutine dereferences the nil ChaincodeId (HandleInvokeChaincode, 1.2-3.x; 1.0/1.1
// enterBusyState's getChaincodeInstance): Go does not recover it, and the peer process dies,
// until HandleTransaction's deferred recover (c748fd8b3, 2.5.16 and 3.1.5, switch
// handler_recovers_panics) logs it and answers "<TYPE> failed: transaction ID: <txid>: panic
// during execution".
bool Handler::nil_dereference_panics(const ChaincodeMessage& msg) {
  constexpr const char* kNilDereference =
      "runtime error: invalid memory address or nil pointer dereference";
  if (deps_.profile->handler_recovers_panics) {
    note(msg.txid, msg.channel_id,
         "[" + short_txid(msg.txid) + "] Recovered from panic handling " + to_string(msg.type) +
             ": " + kNilDereference);
    return false;
  }
  if (deps_.panic) deps_.panic(std::string("panic: ") + kNilDereference);
  return true;
}

// The end of HandleTransaction: wrap an error as Fabric does, release the txid before the
// reply is sent (FAB-10284), and send the reply asynchronously.
void Handler::finish_request(const ChaincodeMessage& msg, DelegateResult&& result) {
  // The delegate's RESPONSE is finished in place and sent as it is: no copy.
  const bool ok = result.response != nullptr;
  std::shared_ptr<ChaincodeMessage> resp =
      ok ? std::move(result.response) : std::make_shared<ChaincodeMessage>();
  if (ok) {
    resp->type = MessageType::RESPONSE;
  } else {
    resp->type = MessageType::ERROR;
    resp->text = std::string(to_string(msg.type)) + " failed: transaction ID: " + msg.txid + ": " +
                 result.error;
  }
  resp->txid = msg.txid;
  resp->channel_id = msg.channel_id;
  active_transactions_.erase(tx_key(msg.channel_id, msg.txid));
  serial_send_async(std::move(resp));
}

void Handler::run_delegate(const ChaincodeMessage& msg, TransactionContext& ctx,
                           DelegateDone done) {
  if (msg.type == MessageType::INVOKE_CHAINCODE) {
    // HandleInvokeChaincode: ParseName(chaincodeSpec.ChaincodeId.Name).
    if (msg.nil_chaincode_id) {
      if (!nil_dereference_panics(msg)) {
        done(DelegateResult{nullptr, "panic during execution"});
      }
      return;
    }
    invoke_chaincode(msg, ctx, std::move(done));
    return;
  }
  read_query(msg, ctx, state_delegate(msg, ctx), std::move(done));
}

namespace {
constexpr const char* kNoPrivateDataInInit =
    "private data APIs are not allowed in chaincode Init()";
// QueryResponseGenerator.MaxResultLimit: at most 100 results per QueryResponse.
constexpr std::size_t kMaxResultLimit = 100;

// BuildQueryResponse: the next batch; an exhausted iterator is cleaned up at once.
ChaincodeMessage next_batch(TransactionContext& ctx, const std::string& id) {
  QueryIterator& it = ctx.query_iterators.at(id);
  ChaincodeMessage resp;
  resp.is_query_response = true;
  resp.iterator_id = id;
  const std::size_t remaining = it.results.size() - it.next;
  const std::size_t n = std::min(remaining, kMaxResultLimit);
  resp.results.assign(it.results.begin() + static_cast<std::ptrdiff_t>(it.next),
                      it.results.begin() + static_cast<std::ptrdiff_t>(it.next + n));
  it.next += n;
  resp.has_more = remaining > kMaxResultLimit;
  if (!resp.has_more) ctx.query_iterators.erase(id);
  return resp;
}
}  // namespace

// The synchronous delegates of section 2.2, over the transaction's simulator.
Handler::DelegateResult Handler::state_delegate(const ChaincodeMessage& msg,
                                                TransactionContext& ctx) {
  TxSimulator& sim = *ctx.params.simulator;
  const std::string& ns = ctx.params.namespace_id;
  // A cc2cc callee shares its caller's simulator, which the endorser may have released
  // already (the outer execute timed out): queryExecutor.checkDone.
  const bool uses_simulator =
      msg.type != MessageType::QUERY_STATE_NEXT && msg.type != MessageType::QUERY_STATE_CLOSE;
  if (uses_simulator && sim.is_done()) return DelegateResult{nullptr, TxSimulator::kDoneError};
  const bool private_data = !msg.collection.empty();
  const auto ok = [](ChaincodeMessage&& r = {}) {
    return DelegateResult{std::make_shared<ChaincodeMessage>(std::move(r)), ""};
  };
  const auto fail = [](std::string e) { return DelegateResult{nullptr, std::move(e)}; };

  switch (msg.type) {
    case MessageType::GET_STATE: {
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      ChaincodeMessage r;
      r.text = sim.get_state(ns, msg.key, msg.collection).value_or("");
      return ok(std::move(r));
    }
    case MessageType::PUT_STATE:
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      sim.set_state(ns, msg.key, msg.value, msg.collection);
      return ok();
    case MessageType::DEL_STATE:
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      sim.delete_state(ns, msg.key, msg.collection);
      return ok();
    case MessageType::GET_PRIVATE_DATA_HASH: {
      if (ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      ChaincodeMessage r;
      if (auto v = sim.get_state(ns, msg.key, msg.collection)) r.text = sha256_hex(*v);
      return ok(std::move(r));
    }
    case MessageType::PURGE_PRIVATE_DATA:
      if (!private_data) return fail("only applicable for private data");
      if (ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      sim.purge_private_data(ns, msg.collection, msg.key);
      return ok();
    case MessageType::GET_STATE_METADATA: {
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      ChaincodeMessage r;
      r.is_metadata_response = true;
      r.metadata = sim.get_metadata(ns, msg.key, msg.collection);
      return ok(std::move(r));
    }
    case MessageType::PUT_STATE_METADATA:
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      sim.set_metadata(ns, msg.key, msg.metakey, msg.value, msg.collection);
      return ok();
    case MessageType::GET_STATE_BY_RANGE:
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      return open_query(msg, ctx, sim.range(ns, msg.collection, msg.start_key, msg.end_key));
    case MessageType::GET_QUERY_RESULT: {
      if (private_data && ctx.is_init_transaction) return fail(kNoPrivateDataInInit);
      if (deps_.config->state_database == StateDatabase::kGoLevelDB) {
        return fail("ExecuteQuery not supported for leveldb");  // stateleveldb.go
      }
      auto found = execute_couchdb_query(msg.query, sim.range(ns, msg.collection, "", ""));
      if (auto* err = std::get_if<std::string>(&found)) return fail(*err);
      return open_query(msg, ctx, std::get<std::vector<QueryResult>>(std::move(found)));
    }
    case MessageType::GET_HISTORY_FOR_KEY:
      return open_query(msg, ctx, sim.history(ns, msg.key));
    case MessageType::QUERY_STATE_NEXT:
      if (ctx.query_iterators.count(msg.iterator_id) == 0) return fail("query iterator not found");
      return ok(next_batch(ctx, msg.iterator_id));
    case MessageType::QUERY_STATE_CLOSE: {
      ctx.query_iterators.erase(msg.iterator_id);
      ChaincodeMessage r;
      r.is_query_response = true;
      r.iterator_id = msg.iterator_id;
      return ok(std::move(r));
    }
    default:
      CCSIM_CHECK_AT(deps_.sim->now(), false, "a request type with no delegate was dispatched");
  }
  return fail("unreachable");
}

Handler::DelegateResult Handler::open_query(const ChaincodeMessage& /*msg*/,
                                            TransactionContext& ctx,
                                            std::vector<QueryResult> results) {
  // Fabric names iterators with a fresh UUID; a per-handler counter keeps runs reproducible.
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(next_iterator_++));
  ctx.query_iterators[id] = QueryIterator{std::move(results), 0};
  return DelegateResult{std::make_shared<ChaincodeMessage>(next_batch(ctx, id)), ""};
}

// HandleInvokeChaincode (section 2.5, P-sw): the callee runs on the target channel (the
// caller's by default) under the same txid; same channel shares the caller's simulator, another
// channel gets a fresh one whose writes are discarded (sim.Done()).
void Handler::invoke_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx,
                               DelegateDone done) {
  std::string target = msg.target;
  std::string channel = ctx.params.channel_id;
  if (auto slash = target.find('/'); slash != std::string::npos) {
    if (slash + 1 < target.size()) channel = target.substr(slash + 1);
    target = target.substr(0, slash);
  }
  if (!deps_.profile->definition_from_lifecycle && !deps_.invoker->defined(target, channel)) {
    // 1.2-1.4: the handler asks LSCC for the callee's definition before it calls.
    done(DelegateResult{nullptr, chaincode_not_found(*deps_.profile, target, channel)});
    return;
  }
  call_chaincode(msg, ctx, target, channel, "execute failed: ", std::move(done));
}

// The callee's Launch and Execute under the caller's txid, shared by both handlers'
// INVOKE_CHAINCODE: the depth limit, then same channel shares the caller's simulator and
// another channel gets a fresh one whose writes are discarded (defer sim.Done()). A failure
// reaches the chaincode as `error_prefix` + the error.
void Handler::call_chaincode(const ChaincodeMessage& msg, TransactionContext& ctx,
                             const std::string& target, const std::string& channel,
                             std::string error_prefix, DelegateDone done) {
  if (ctx.params.call_depth + 1 > deps_.config->max_call_depth) {
    done(DelegateResult{nullptr,
                        "ccsim: chaincode-to-chaincode call depth exceeds limits.max_call_depth (" +
                            std::to_string(deps_.config->max_call_depth) + ")"});
    return;
  }
  TransactionParams params;
  params.call_depth = ctx.params.call_depth + 1;
  params.txid = msg.txid;
  params.channel_id = channel;
  params.namespace_id = target;
  params.has_signed_proposal = ctx.params.has_signed_proposal;
  const bool cross_channel = channel != ctx.params.channel_id;
  params.simulator =
      cross_channel ? std::make_shared<TxSimulator>(*deps_.ledger, channel) : ctx.params.simulator;
  deps_.invoker->invoke(params, target, msg.args,
                        [done = std::move(done), cross_channel, simulator = params.simulator,
                         error_prefix = std::move(error_prefix)](MessagePtr response,
                                                                 std::optional<std::string> error) {
                          if (cross_channel) simulator->done();
                          if (error) {
                            done(DelegateResult{nullptr, error_prefix + *error});
                            return;
                          }
                          auto r = std::make_shared<ChaincodeMessage>();
                          r->nested = std::move(response);
                          done(DelegateResult{std::move(r), ""});
                        });
}

// --- Execute ----------------------------------------------------------------------------

void Handler::execute(const TransactionParams& params, ChaincodeMessage msg,
                      kernel::Duration timeout, ExecuteDone done) {
  const bool is_init = msg.type == MessageType::INIT;
  if (auto err = contexts_.create(params, is_init)) {
    done(ExecuteResult{nullptr, *err});
    return;
  }
  if (!params.has_signed_proposal) {
    if (deps_.mutation != Mutation::kContextNeverDeleted) {
      contexts_.remove(params.channel_id, params.txid);  // defer TXContexts.Delete
    }
    done(ExecuteResult{nullptr, "failed getting proposal context. Signed proposal is nil"});
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
  TransactionContext* ctx = contexts_.get(params.channel_id, params.txid);
  ctx->on_response = [select, ctx] {
    // A notified ERROR and the stream's end ready together (a failed send notifies ERROR and
    // ends the stream; a shim sends ERROR and exits): real 2.5 runs take the stream's end
    // about 19 times in 20, so that is the default. Go's select picks at random; the fuzzer
    // explores both.
    if (ctx->response && ctx->response->type == MessageType::ERROR) {
      select->prefer({kStreamDoneCase, kResponseCase, kTimeoutCase});
    }
    select->ready(kResponseCase);
  };

  serial_send_async(share(std::move(msg)));

  pending.timer = deps_.sim->after(
      timeout,
      [this, select, params] {
        trace_event(*deps_.sim, TraceKind::kTimer, "peer", to_string(state_), stream_name_,
                    params.txid, params.channel_id, "execute timeout");
        select->ready(kTimeoutCase);
      },
      [&] { return label("execute timeout " + params.txid); });
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
  if (deps_.mutation != Mutation::kContextNeverDeleted) {
    contexts_.remove(channel, txid);  // defer TXContexts.Delete
  } else {
    // The context stays; nobody waits on its notifier any more (a late COMPLETED fills it).
    contexts_.get(channel, txid)->on_response = nullptr;
  }
  pending.done(std::move(result));
}

// --- Sending ----------------------------------------------------------------------------

// serialSend, both eras: P-sw says "[%s] error sending %s: <err>", P-fsm (1.0 fmt.Errorf,
// 1.1 errors.WithMessage, the same text) "[%s]Error sending %s: %s".
std::optional<std::string> Handler::serial_send(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  if (deps_.script != nullptr &&
      (msg.type == MessageType::REGISTERED || msg.type == MessageType::READY)) {
    if (const HandshakeScript::Rule* rule = deps_.script->take(stream_name_, msg.type)) {
      // A scripted peer: it does not send this one now, and says so; nothing fails.
      if (!rule->delay) {
        note(msg.txid, msg.channel_id,
             std::string("the peer withholds ") + to_string(msg.type) + " (scenario)");
        return std::nullopt;
      }
      note(msg.txid, msg.channel_id,
           std::string("the peer sends ") + to_string(msg.type) + " " +
               kernel::format_duration(*rule->delay) + " late (scenario)");
      // Sent as it would have been, only later; not scripted again (a second rule for the
      // same message applies to the next one).
      deps_.sim->after(
          *rule->delay,
          [this, shared] {
            if (ended_) {
              note(shared->txid, shared->channel_id,
                   std::string("the late ") + to_string(shared->type) +
                       " is not sent: the stream has ended");
              return;
            }
            send_on_stream(shared);
          },
          [&] { return label("sends late", msg); });
      return std::nullopt;
    }
  }
  return send_on_stream(shared);
}

std::optional<std::string> Handler::send_on_stream(const MessagePtr& shared) {
  const ChaincodeMessage& msg = *shared;
  if (auto err = stream_->send(end_, shared)) {
    const char* error_sending = deps_.profile->peer_fsm ? "]Error sending " : "] error sending ";
    std::string text =
        "[" + short_txid(msg.txid) + error_sending + to_string(msg.type) + ": " + *err;
    note(msg.txid, msg.channel_id, "send failed: " + text);
    return text;
  }
  trace_message(*deps_.sim, TraceKind::kSend, Side::kPeer, to_string(state_), stream_name_,
                Side::kPeer, msg);
  return std::nullopt;
}

// serialSendAsync (1.3+, section 2.3): a goroutine per send. A failure wakes the txid's
// Execute with an ERROR carrying the send error, and ends the stream.
void Handler::serial_send_async(MessagePtr msg) {
  deps_.sim->spawn(
      [this, msg] {
        auto err = serial_send(msg);
        if (!err || !deps_.profile->send_failure_ends_stream) return;
        ChaincodeMessage resp;
        resp.type = MessageType::ERROR;
        resp.text = *err;
        resp.txid = msg->txid;
        resp.channel_id = msg->channel_id;
        notify(share(std::move(resp)));
        if (!ended_) {
          end_stream("received error while sending message, ending chaincode support stream: " +
                     *err);
        }
      },
      [&] { return label("sends", *msg); });
}

void Handler::keepalive_tick() {
  if (ended_) return;
  auto keepalive = std::make_shared<ChaincodeMessage>();
  keepalive->type = MessageType::KEEPALIVE;
  serial_send_async(std::move(keepalive));
  keepalive_timer_ = deps_.sim->daemon_at(
      deps_.sim->now() + deps_.config->keepalive, [this] { keepalive_tick(); },
      [&] { return label("keepalive tick"); });
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

// Mutation::kSwallowStreamEnd: the loop took the stream's end off the stream (traced as the
// real handler traces it) and then ignores it: none of end_stream's work is done.
void Handler::swallow_stream_end(const std::string& reason) {
  trace_event(*deps_.sim, TraceKind::kStreamEnd, "peer", to_string(state_), stream_name_, "", "",
              reason);
  note("", "", "mutant swallow_stream_end: the stream end is ignored, ProcessStream carries on");
}

void Handler::close() {
  for (const auto& [key, ctx] : contexts_.all()) {
    ctx->query_iterators.clear();
    if (!query_reads_.empty()) release_query_reads(key);
  }
}

std::string Handler::label(std::string_view what) const {
  return handler_label("peer", stream_name_, what);
}

std::string Handler::label(std::string_view what, const ChaincodeMessage& msg) const {
  return handler_label("peer", stream_name_, what, &msg);
}

}  // namespace ccsim::fabric
