// ChaincodeSupport (2.x, fabric-protocol.md 4.5 and 2.2): accepts chaincode streams, and
// runs a proposal's chaincode call as Launch -> Execute -> processChaincodeExecutionResult,
// with Fabric's error wrapping at each layer.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/handler.hpp"
#include "ccsim/fabric/runtime_launcher.hpp"

namespace ccsim::fabric {

/// What ChaincodeSupport.Execute gives the endorser: the chaincode's Response, or an error.
struct ExecutionResult {
  std::optional<Response> response;
  std::optional<std::string> error;
};

class ChaincodeSupport {
 public:
  using LaunchDone = std::function<void(Handler* handler, const std::optional<std::string>& err)>;
  using ExecuteDone = std::function<void(ExecutionResult)>;

  ChaincodeSupport(Handler::Deps deps, RuntimeLauncher& launcher)
      : deps_(deps), launcher_(&launcher) {}

  /// HandleChaincodeStream: a new peer Handler on `stream`, processing from now on.
  Handler& handle_chaincode_stream(ChaincodeStream& stream, kernel::End end,
                                   const std::string& stream_name);

  /// Launch(ccid): a registered handler is used at once (from 3.0 only once Ready);
  /// otherwise the launcher starts or joins a launch.
  void launch(const std::string& ccid, const std::string& txid, LaunchDone done);

  /// Execute: Invoke (launch, then INIT or TRANSACTION with the execute timeout), then
  /// processChaincodeExecutionResult.
  void execute(const TransactionParams& params, const std::string& ccid,
               std::vector<std::string> args, bool is_init, ExecuteDone done);

  /// Every handler ever accepted, in acceptance order.
  const std::vector<std::unique_ptr<Handler>>& handlers() const { return handlers_; }

 private:
  Handler::Deps deps_;
  RuntimeLauncher* launcher_;
  std::vector<std::unique_ptr<Handler>> handlers_;
};

}  // namespace ccsim::fabric
