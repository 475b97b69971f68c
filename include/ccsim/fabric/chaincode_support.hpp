// ChaincodeSupport (2.x, docs/fabric-sources.md 4.5 and 2.2): accepts chaincode streams, and
// runs a proposal's chaincode call as Launch -> Execute -> processChaincodeExecutionResult,
// with Fabric's error wrapping at each layer.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ccsim/fabric/handler.hpp"
#include "ccsim/fabric/lifecycle.hpp"
#include "ccsim/fabric/runtime_launcher.hpp"

namespace ccsim::fabric {

class FsmChaincodeSupport;

/// What ChaincodeSupport.Execute gives the endorser: the chaincode's Response, or an error.
struct ExecutionResult {
  std::optional<Response> response;
  std::optional<std::string> error;
  std::optional<ChaincodeEvent> event;  // the chaincode's event, with the response
};

class ChaincodeSupport final : public ChaincodeInvoker {
 public:
  using LaunchDone = std::function<void(Handler* handler, const std::optional<std::string>& err)>;
  using ExecuteDone = std::function<void(ExecutionResult)>;

  /// `deps.invoker` is set to this ChaincodeSupport: the handlers it creates invoke through it.
  ChaincodeSupport(Handler::Deps deps, RuntimeLauncher& launcher)
      : deps_(deps), launcher_(&launcher) {
    deps_.invoker = this;
  }

  /// 1.0/1.1 (Profile::peer_fsm): Execute and Invoke go to `fsm` instead.
  void use_fsm(FsmChaincodeSupport& fsm) { fsm_ = &fsm; }

  /// A chaincode definition: invocations by `name` on `channels` (empty: every channel) run
  /// the chaincode registered as `ccid`.
  void define(const std::string& name, const std::string& ccid, std::set<std::string> channels) {
    lifecycle_.define(name, ccid, std::move(channels));
  }
  bool defined(const std::string& name, const std::string& channel) const override {
    return lifecycle_.ccid(name, channel).has_value();
  }

  /// HandleChaincodeStream: a new peer Handler on `stream`, processing from now on.
  Handler& handle_chaincode_stream(ChaincodeStream& stream, kernel::End end,
                                   const std::string& stream_name);

  /// Launch(ccid): a registered handler is used at once (from 3.0 only once Ready);
  /// otherwise the launcher starts or joins a launch.
  void launch(const std::string& ccid, const std::string& txid, const std::string& channel,
              LaunchDone done);

  /// Execute: Invoke (launch, then INIT or TRANSACTION with the execute timeout), then
  /// processChaincodeExecutionResult.
  void execute(const TransactionParams& params, const std::string& chaincode_name,
               std::vector<std::string> args, bool is_init, ExecuteDone done);

  /// Invoke (for cc2cc): Launch, then TRANSACTION with the full execute timeout; errors
  /// wrapped as ChaincodeSupport.Invoke wraps them.
  void invoke(const TransactionParams& params, const std::string& chaincode_name,
              std::vector<std::string> args, Done done) override;

  /// Every handler ever accepted, in acceptance order.
  const std::vector<std::unique_ptr<Handler>>& handlers() const { return handlers_; }

 private:
  /// Invoke's body: CheckInvocation (the definition lookup), Launch, execute.
  void invoke_as(MessageType type, const TransactionParams& params,
                 const std::string& chaincode_name, std::vector<std::string> args, Done done);

  Handler::Deps deps_;
  RuntimeLauncher* launcher_;
  FsmChaincodeSupport* fsm_ = nullptr;
  Lifecycle lifecycle_;
  std::vector<std::unique_ptr<Handler>> handlers_;
};

}  // namespace ccsim::fabric
