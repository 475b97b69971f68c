// The peer's Invoker as the Handler sees it for INVOKE_CHAINCODE (docs/fabric-sources.md 2.5):
// ChaincodeSupport.Invoke, which launches the callee if needed and executes a TRANSACTION
// on the callee's handler with a fresh, full execute timeout.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/transaction_context.hpp"

namespace ccsim::fabric {

class ChaincodeInvoker {
 public:
  /// The callee's COMPLETED or ERROR message (null on error), or Invoke's error text.
  using Done = std::function<void(MessagePtr response, std::optional<std::string> error)>;

  virtual ~ChaincodeInvoker() = default;
  virtual void invoke(const TransactionParams& params, const std::string& chaincode_name,
                      std::vector<std::string> args, Done done) = 0;
  /// Whether chaincode `name` is defined on `channel`: the definition lookup the 1.x handlers
  /// make (LSCC) before they invoke.
  virtual bool defined(const std::string& name, const std::string& channel) const = 0;
};

}  // namespace ccsim::fabric
