#include "ccsim/fabric/chaincode_support.hpp"

namespace ccsim::fabric {

Handler& ChaincodeSupport::handle_chaincode_stream(ChaincodeStream& stream, kernel::End end,
                                                   const std::string& stream_name) {
  Handler& h = *handlers_.emplace_back(std::make_unique<Handler>(deps_, stream, end, stream_name));
  h.process_stream();
  return h;
}

void ChaincodeSupport::launch(const std::string& ccid, const std::string& txid, LaunchDone done) {
  Handler* h = deps_.registry->handler(ccid);
  if (h != nullptr &&
      (!deps_.profile->launch_requires_ready || h->state() == Handler::State::kReady)) {
    done(h, std::nullopt);
    return;
  }
  launcher_->launch(ccid, txid, [this, ccid, done](const std::optional<std::string>& err) {
    if (err) {
      done(nullptr, "could not launch chaincode " + ccid + ": " + *err);
      return;
    }
    Handler* launched = deps_.registry->handler(ccid);
    if (launched == nullptr) {
      done(nullptr,
           "claimed to start chaincode container for " + ccid + " but could not find handler");
      return;
    }
    done(launched, std::nullopt);
  });
}

void ChaincodeSupport::execute(const TransactionParams& params, const std::string& ccid,
                               std::vector<std::string> args, bool is_init, ExecuteDone done) {
  const std::string txid = params.txid;
  // processChaincodeExecutionResult's error wrapping, shared by both failure paths.
  auto failed = [txid](const std::string& err) {
    return ExecutionResult{std::nullopt, "failed to execute transaction " + txid + ": " + err};
  };
  launch(ccid, txid,
         [this, params, txid, args = std::move(args), is_init, done, failed](
             Handler* h, const std::optional<std::string>& err) mutable {
           if (err) {
             done(failed(*err));
             return;
           }
           ChaincodeMessage msg;
           msg.type = is_init ? MessageType::INIT : MessageType::TRANSACTION;
           msg.txid = params.txid;
           msg.channel_id = params.channel_id;
           msg.args = std::move(args);
           h->execute(
               params, std::move(msg), deps_.config->execute_timeout,
               [done, failed, txid](Handler::ExecuteResult r) {
                 if (r.error) {
                   done(failed("error sending: " + *r.error));
                 } else if (!r.response) {
                   done(ExecutionResult{std::nullopt, "nil response from transaction " + txid});
                 } else if (r.response->type == MessageType::COMPLETED) {
                   done(ExecutionResult{r.response->response, std::nullopt});
                 } else if (r.response->type == MessageType::ERROR) {
                   done(ExecutionResult{std::nullopt,
                                        "transaction returned with failure: " + r.response->text});
                 } else {
                   done(ExecutionResult{std::nullopt,
                                        "unexpected response type " +
                                            std::to_string(static_cast<int>(r.response->type)) +
                                            " for transaction " + txid});
                 }
               });
         });
}

}  // namespace ccsim::fabric
