#include "ccsim/fabric/fsm_chaincode_support.hpp"

#include "ccsim/fabric/trace_events.hpp"
#include "ccsim/kernel/check.hpp"

namespace ccsim::fabric {

const char* FsmChaincodeSupport::text(const char* v1_0, const char* v1_1) const {
  return profile_->lowercase_errors ? v1_1 : v1_0;
}

void FsmChaincodeSupport::note(const std::string& txid, std::string detail) {
  trace_note(*sim_, "launcher", "", "", txid, "", std::move(detail));
}

// "%s(networkid:%s,peerid:%s,tx:%s)" of the launch errors.
std::string FsmChaincodeSupport::peer_names(const Attempt& a) const {
  return a.cname + "(networkid:" + config_->network_id + ",peerid:" + config_->peer_id +
         ",tx:" + a.params.txid + ")";
}

// --- Launch ----------------------------------------------------------------------------------

void FsmChaincodeSupport::launch(const std::string& cname, const TransactionParams& params,
                                 bool deploy, LaunchDone done) {
  // Under the chaincodeMap lock.
  if (const RunningChaincodes::Entry* entry = running_->find(cname)) {
    if (!entry->registered()) {
      // The placeholder: from just before StartContainer until REGISTER is processed.
      const std::string err =
          "premature execution - chaincode (" + cname +
          (profile_->launch_started_flag ? ") launched and waiting for registration"
                                         : ") is being launched");
      note(params.txid, "launch " + cname + " refused: " + err);
      done(err);
      return;
    }
    // isRunning() is true in every FSM state: a registered handler is used as it is, even if
    // READY has not reached it yet (4.1, 6.4 #1).
    done(std::nullopt);
    return;
  }
  if (profile_->launch_started_flag && running_->launch_started(cname)) {
    // FAB-5391: the image build and container create, before the placeholder exists.
    const std::string err = "premature execution - chaincode (" + cname + ") is being launched";
    note(params.txid, "launch " + cname + " refused: " + err);
    done(err);
    return;
  }
  Attempt& a = *attempts_.emplace_back(std::make_unique<Attempt>());
  a.cname = cname;
  a.params = params;
  a.done = std::move(done);
  if (deploy) {
    launch_and_wait_for_register(a);
    return;
  }
  // GetCDSFromLSCC runs the lscc system chaincode first: other goroutines run meanwhile, so a
  // concurrent Launch may pass the checks above too (docs/fabric-sources.md 7.8).
  sim_->spawn([this, &a] { launch_and_wait_for_register(a); },
              [&] { return "launch " + a.cname + " for " + a.params.txid + " after lscc"; });
}

void FsmChaincodeSupport::launch_and_wait_for_register(Attempt& a) {
  if (running_->user_runs_cc()) {
    // Dev mode launches no container (1.0/1.1 chaincode_support.go Launch: "launch container
    // if it is a System container or not in dev mode"): straight to sendReady, which fails
    // with "handler not found for chaincode ..." while the user's process has not registered.
    note(a.params.txid, "launch " + a.cname + ": dev mode, no container");
    send_ready(a);
    return;
  }
  const bool flag = profile_->launch_started_flag;
  if (running_->find(a.cname) != nullptr) {
    const std::string err = std::string(flag ? text("Error chaincode has been launched: ",
                                                    "error chaincode has been launched: ")
                                             : "Error chaincode is being launched: ") +
                            a.cname;
    note(a.params.txid, "launch " + a.cname + " refused: " + err);
    a.done(err);
    return;
  }
  if (flag) {
    if (running_->launch_started(a.cname)) {
      const std::string err = std::string(text("Error chaincode is already launching: ",
                                               "error chaincode is already launching: ")) +
                              a.cname;
      note(a.params.txid, "launch " + a.cname + " refused: " + err);
      a.done(err);
      return;
    }
    running_->set_launch_started(a.cname);  // cleared when launchAndWaitForRegister returns
  }
  note(a.params.txid, "launch " + a.cname + ": starting");
  a.notify = std::make_shared<ReadyNotify>();
  // PrelaunchFunc: the placeholder goes in after build and create, just before StartContainer
  // ("set up the shadow handler JIT before container launch").
  auto prelaunch = [this, &a] { running_->pre_launch_setup(a.cname, a.notify); };
  if (profile_->startup_timer_covers_build) {
    // 1.1 (FAB-5591): the startup timer starts first and the launch runs in a goroutine; its
    // error ends the wait early through the unbuffered errChan. That goroutine no longer
    // deletes the map entry itself (FAB-8844): the error is handled where the wait is.
    wait_for_register(a);
    runtime_->docker_start(a.cname, prelaunch, [this, &a](const std::optional<std::string>& err) {
      if (!err) return;
      if (a.select == nullptr || a.select->resolved()) {
        note(a.params.txid,
             "launch goroutine blocked forever on errChan: error starting "
             "container: " +
                 *err);
        return;
      }
      a.start_error = "error starting container: " + *err;
      a.select->ready(kStartErrorCase);
    });
    return;
  }
  // 1.0: VMCProcess is synchronous, build included; only then does the startup timer start.
  runtime_->docker_start(a.cname, prelaunch, [this, &a](const std::optional<std::string>& err) {
    if (err) {
      running_->erase(a.cname);
      end_launch_and_wait(a, "Error starting container: " + *err);
      return;
    }
    wait_for_register(a);
  });
}

// "wait for REGISTER state": the placeholder's readyNotify, (1.1) the launch error, or the
// startup timeout.
void FsmChaincodeSupport::wait_for_register(Attempt& a) {
  a.select =
      std::make_unique<kernel::Select>(*sim_, "launch " + a.cname + " " + a.params.txid, 3,
                                       [this, &a](std::size_t chosen) { registered(a, chosen); });
  kernel::Select* select = a.select.get();
  a.notify->on_send([select] { select->ready(kNotifyCase); });
  if (a.notify->value()) select->ready(kNotifyCase);
  a.timer = sim_->after(
      config_->startup_timeout,
      [this, &a, select] {
        trace_event(*sim_, kernel::TraceKind::kTimer, "launcher", "", "", a.params.txid, "",
                    "startup timeout " + a.cname);
        select->ready(kStartupTimeoutCase);
      },
      [&] { return "launch " + a.cname + " for " + a.params.txid + " startup timeout"; });
}

void FsmChaincodeSupport::registered(Attempt& a, std::size_t chosen) {
  sim_->cancel(a.timer);
  a.notify->on_send(nullptr);
  std::optional<std::string> err;
  switch (chosen) {
    case kNotifyCase:
      if (!*a.notify->value()) err = "registration failed for " + peer_names(a);
      break;
    case kStartErrorCase:
      err = a.start_error;
      break;
    case kStartupTimeoutCase:
      err = text("Timeout", "timeout") + std::string(" expired while starting chaincode ") +
            peer_names(a);
      break;
  }
  if (!err) {
    end_launch_and_wait(a, std::nullopt);
    return;
  }
  // Stop: the container is stopped (its VM request waits for any Start under way) and the
  // map entry deleted, then the error is returned.
  stop(a.cname, [this, &a, err] { end_launch_and_wait(a, err); });
}

void FsmChaincodeSupport::end_launch_and_wait(Attempt& a, std::optional<std::string> err) {
  if (profile_->launch_started_flag) running_->clear_launch_started(a.cname);  // the defer
  if (err) {
    note(a.params.txid, "launch " + a.cname + " failed: " + *err);
    a.done(err);
    return;
  }
  send_ready(a);
}

void FsmChaincodeSupport::stop(const std::string& cname, std::function<void()> then) {
  runtime_->docker_stop(cname,
                        [this, cname, then = std::move(then)](const std::optional<std::string>&) {
                          running_->erase(cname);
                          then();
                        });
}

// sendReady: READY through the registered handler's loop, then a second wait, on the launch
// transaction's notifier, bounded by the startup timeout again.
void FsmChaincodeSupport::send_ready(Attempt& a) {
  const RunningChaincodes::Entry* entry = running_->find(a.cname);
  if (entry == nullptr) {
    init_failed(a, "handler not found for chaincode " + a.cname);
    return;
  }
  Handler* handler = entry->handler;
  std::optional<std::string> err =
      handler == nullptr
          ? Handler::no_notifier_error(*profile_, a.params.txid)  // the placeholder's txCtxs is nil
          : handler->ready(a.params, [this, &a, handler] {
              await_notifier(*handler, a.params, config_->startup_timeout, "send ready",
                             [this, &a](MessagePtr msg) {
                               std::optional<std::string> init_err;
                               if (!msg) {
                                 init_err = text(
                                     "Timeout expired while executing send init "
                                     "message",
                                     "timeout expired while executing send init "
                                     "message");
                               } else if (msg->type == MessageType::ERROR) {
                                 init_err = text("Error initializing container ",
                                                 "error initializing container ") +
                                            a.cname + ": " + msg->text;
                               } else if (msg->type == MessageType::COMPLETED &&
                                          msg->response.status != Response::kOk) {
                                 init_err = text("Error initializing container ",
                                                 "error initializing container ") +
                                            a.cname + ": " + msg->response.message;
                               }
                               if (init_err) {
                                 init_failed(a, *init_err);
                                 return;
                               }
                               a.done(std::nullopt);
                             });
            });
  if (err) init_failed(a, text("Error sending READY: ", "error sending READY: ") + *err);
}

void FsmChaincodeSupport::init_failed(Attempt& a, const std::string& err) {
  const std::string wrapped = profile_->lowercase_errors ? "failed to init chaincode: " + err
                                                         : "Failed to init chaincode(" + err + ")";
  note(a.params.txid, "launch " + a.cname + " failed: " + wrapped);
  stop(a.cname, [&a, wrapped] { a.done(wrapped); });
}

// --- Execute ---------------------------------------------------------------------------------

void FsmChaincodeSupport::await_notifier(Handler& handler, const TransactionParams& params,
                                         kernel::Duration timeout, const std::string& what,
                                         NotifierDone done) {
  NotifierWait& w = *waits_.emplace_back(std::make_unique<NotifierWait>());
  Handler* h = &handler;
  w.select = std::make_unique<kernel::Select>(
      *sim_, what + " " + params.channel_id + "/" + params.txid, 2,
      [this, &w, h, params, done = std::move(done)](std::size_t chosen) {
        sim_->cancel(w.timer);
        TransactionContext* ctx = h->tx_context(params.channel_id, params.txid);
        MessagePtr response;
        if (ctx != nullptr) {
          ctx->on_response = nullptr;
          if (chosen == 0) response = ctx->response;
        }
        h->delete_tx_context(params.channel_id, params.txid);  // deleteTxContext
        done(std::move(response));
      });
  kernel::Select* select = w.select.get();
  TransactionContext* ctx = h->tx_context(params.channel_id, params.txid);
  CCSIM_CHECK_AT(sim_->now(), ctx != nullptr, "a notifier wait without its context");
  ctx->on_response = [select] { select->ready(0); };
  if (ctx->response) select->ready(0);
  w.timer = sim_->after(
      timeout,
      [this, h, params, what, select] {
        trace_event(*sim_, kernel::TraceKind::kTimer, "peer", to_string(h->state()),
                    h->stream_name(), params.txid, params.channel_id, what + " timeout");
        select->ready(1);
      },
      [&] { return "peer " + h->stream_name() + " " + what + " timeout " + params.txid; });
}

void FsmChaincodeSupport::execute_message(const std::string& cname, const TransactionParams& params,
                                          ChaincodeMessage msg, kernel::Duration timeout,
                                          ChaincodeInvoker::Done done) {
  const RunningChaincodes::Entry* entry = running_->find(cname);
  if (entry == nullptr) {
    done(nullptr,
         text("Cannot execute transaction for ", "cannot execute transaction for ") + cname);
    return;
  }
  const std::string type = to_string(msg.type);
  Handler* handler = entry->handler;
  std::optional<std::string> err =
      handler == nullptr
          ? Handler::no_notifier_error(*profile_, params.txid)
          : handler->send_execute_message(
                params, std::move(msg), [this, handler, params, timeout, done] {
                  // The execute timer starts once the loop has taken the message (5).
                  await_notifier(
                      *handler, params, timeout, "execute", [this, done](MessagePtr response) {
                        if (!response) {
                          done(nullptr, text("Timeout expired while executing transaction",
                                             "timeout expired while executing transaction"));
                          return;
                        }
                        done(std::move(response), std::nullopt);
                      });
                });
  if (err) {
    done(nullptr, profile_->lowercase_errors ? "error sending: " + *err
                                             : "Error sending " + type + ": " + *err);
  }
}

void FsmChaincodeSupport::execute(const TransactionParams& params,
                                  const std::string& chaincode_name, std::vector<std::string> args,
                                  bool is_init, ExecuteDone done) {
  const std::string cname = runtime_->ccid_of(chaincode_name);
  launch(cname, params, is_init,
         [this, cname, params, args = std::move(args), is_init,
          done = std::move(done)](const std::optional<std::string>& launch_err) mutable {
           if (launch_err) {
             done(ExecutionResult{std::nullopt, *launch_err});  // fmt.Errorf("%s", err)
             return;
           }
           ChaincodeMessage msg;  // createCCMessage
           msg.type = is_init ? MessageType::INIT : MessageType::TRANSACTION;
           msg.txid = params.txid;
           if (profile_->channel_in_tx_context) msg.channel_id = params.channel_id;
           msg.args = std::move(args);
           const std::string txid = params.txid;
           execute_message(
               cname, params, std::move(msg), config_->execute_timeout,
               [this, txid, done](MessagePtr resp, std::optional<std::string> err) {
                 const bool lower = profile_->lowercase_errors;
                 if (err) {
                   done(ExecutionResult{std::nullopt,
                                        lower ? "failed to execute transaction: " + *err
                                              : "Failed to execute transaction (" + *err + ")"});
                 } else if (!resp) {
                   done(ExecutionResult{
                       std::nullopt, lower ? "failed to receive a response for txid (" + txid + ")"
                                           : "Failed to receive a response for (" + txid + ")"});
                 } else if (resp->type == MessageType::COMPLETED) {
                   done(ExecutionResult{resp->response, std::nullopt, resp->event});
                 } else if (resp->type == MessageType::ERROR) {
                   done(ExecutionResult{std::nullopt,
                                        std::string(text("Transaction returned with failure: ",
                                                         "transaction returned with failure: ")) +
                                            resp->text,
                                        resp->event});
                 } else {
                   const std::string type = std::to_string(static_cast<int>(resp->type));
                   done(ExecutionResult{std::nullopt,
                                        lower ? "receive a response for txid (" + txid +
                                                    ") but in invalid state (" + type + ")"
                                              : "receive a response for (" + txid +
                                                    ") but in invalid state(" + type + ")"});
                 }
               });
         });
}

void FsmChaincodeSupport::invoke(const TransactionParams& params, const std::string& chaincode_name,
                                 std::vector<std::string> args, ChaincodeInvoker::Done done) {
  const std::string cname = runtime_->ccid_of(chaincode_name);
  launch(cname, params, /*deploy=*/false,
         [this, cname, params, args = std::move(args),
          done = std::move(done)](const std::optional<std::string>& launch_err) mutable {
           if (launch_err) {
             done(nullptr, *launch_err);
             return;
           }
           ChaincodeMessage msg;
           msg.type = MessageType::TRANSACTION;
           msg.txid = params.txid;
           if (profile_->channel_in_tx_context) msg.channel_id = params.channel_id;
           msg.args = std::move(args);
           execute_message(cname, params, std::move(msg), kFsmCc2ccTimeout, std::move(done));
         });
}

}  // namespace ccsim::fabric
