#include "ccsim/fabric/chaincode_support.hpp"

#include "ccsim/fabric/fsm_chaincode_support.hpp"

namespace ccsim::fabric {

Handler& ChaincodeSupport::handle_chaincode_stream(ChaincodeStream& stream, kernel::End end,
                                                   const std::string& stream_name) {
  Handler& h = *handlers_.emplace_back(std::make_unique<Handler>(deps_, stream, end, stream_name));
  h.process_stream();
  return h;
}

void ChaincodeSupport::launch(const std::string& ccid, const std::string& txid,
                              const std::string& channel, LaunchDone done) {
  Handler* h = deps_.registry->handler(ccid);
  if (h != nullptr &&
      (!deps_.profile->launch_requires_ready || h->state() == Handler::State::kReady)) {
    done(h, std::nullopt);
    return;
  }
  // Launch's error wrapping per era (docs/fabric-sources.md 4.3-4.5).
  const Profile& profile = *deps_.profile;
  const std::string prefix = profile.launch_error_names_channel ? "[channel " + channel + "] " : "";
  launcher_->launch(ccid, txid, [this, ccid, prefix, done](const std::optional<std::string>& err) {
    if (err) {
      done(nullptr, deps_.profile->wrap_launch_errors
                        ? prefix + "could not launch chaincode " + ccid + ": " + *err
                        : *err);
      return;
    }
    Handler* launched = deps_.registry->handler(ccid);
    if (launched == nullptr) {
      done(nullptr, prefix + "claimed to start chaincode container for " + ccid +
                        " but could not find handler");
      return;
    }
    done(launched, std::nullopt);
  });
}

void ChaincodeSupport::invoke_as(MessageType type, const TransactionParams& params,
                                 const std::string& chaincode_name, std::vector<std::string> args,
                                 Done done) {
  // CheckInvocation (2.x): the lifecycle's definition on this channel.
  const std::optional<std::string> ccid = lifecycle_.ccid(chaincode_name, params.channel_id);
  if (!ccid) {
    done(nullptr, "invalid invocation: [channel " + params.channel_id +
                      "] failed to get chaincode container info for " + chaincode_name + ": " +
                      chaincode_not_found(*deps_.profile, chaincode_name, params.channel_id));
    return;
  }
  launch(*ccid, params.txid, params.channel_id,
         [this, type, params, args = std::move(args), done = std::move(done)](
             Handler* h, const std::optional<std::string>& err) mutable {
           if (err) {
             done(nullptr, *err);
             return;
           }
           ChaincodeMessage msg;
           msg.type = type;
           msg.txid = params.txid;
           msg.channel_id = params.channel_id;
           msg.args = std::move(args);
           h->execute(params, std::move(msg), deps_.config->execute_timeout,
                      [done](Handler::ExecuteResult r) {
                        if (r.error) {
                          done(nullptr, "error sending: " + *r.error);
                        } else {
                          done(std::move(r.response), std::nullopt);
                        }
                      });
         });
}

void ChaincodeSupport::invoke(const TransactionParams& params, const std::string& chaincode_name,
                              std::vector<std::string> args, Done done) {
  if (fsm_ != nullptr) {
    fsm_->invoke(params, chaincode_name, std::move(args), std::move(done));
    return;
  }
  invoke_as(MessageType::TRANSACTION, params, chaincode_name, std::move(args), std::move(done));
}

// Execute = Invoke + processChaincodeExecutionResult.
void ChaincodeSupport::execute(const TransactionParams& params, const std::string& chaincode_name,
                               std::vector<std::string> args, bool is_init, ExecuteDone done) {
  if (fsm_ != nullptr) {
    fsm_->execute(params, chaincode_name, std::move(args), is_init, std::move(done));
    return;
  }
  const std::string txid = params.txid;
  invoke_as(
      is_init ? MessageType::INIT : MessageType::TRANSACTION, params, chaincode_name,
      std::move(args),
      [done = std::move(done), txid](MessagePtr resp, std::optional<std::string> err) {
        if (err) {
          done(
              ExecutionResult{std::nullopt, "failed to execute transaction " + txid + ": " + *err});
        } else if (!resp) {
          done(ExecutionResult{std::nullopt, "nil response from transaction " + txid});
        } else if (resp->type == MessageType::COMPLETED) {
          done(ExecutionResult{resp->response, std::nullopt, resp->event});
        } else if (resp->type == MessageType::ERROR) {
          done(ExecutionResult{std::nullopt, "transaction returned with failure: " + resp->text,
                               resp->event});
        } else {
          done(ExecutionResult{std::nullopt, "unexpected response type " +
                                                 std::to_string(static_cast<int>(resp->type)) +
                                                 " for transaction " + txid});
        }
      });
}

}  // namespace ccsim::fabric
