// A scripted chaincode: what the user code of a chaincode does, as data. Each function is a
// list of steps run in order by the shim's transaction goroutine. A stub call that fails
// ends the function as Go chaincode conventionally does: shim.Error(err.Error()), i.e.
// Response{status 500, message = the error text}.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::fabric {

struct Step {
  enum class Op {
    kGetState,  // stub.GetState(key)
    kPutState,  // stub.PutState(key, value)
    kDelState,  // stub.DelState(key)
    kSleep,     // user code computes for `duration` of virtual time
    kReturn,    // return `response` (status, payload, message)
    kFail,      // return shim.Error(response.message): status 500
  };

  Op op = Op::kReturn;
  std::string key;
  std::string value;
  kernel::Duration duration;
  Response response;
};

const char* to_string(Step::Op op);

struct ChaincodeFunction {
  std::vector<Step> steps;  // falling off the end returns shim.Success(nil): status 200
};

/// How the chaincode's container behaves when the peer starts it.
struct ContainerBehaviour {
  kernel::Duration build_delay;  // Runtime.Build: image build, usually done at install
  kernel::Duration start_delay;  // Runtime.Start until the chaincode process sends REGISTER
};

struct ChaincodeDefinition {
  std::string name;
  std::string version;
  /// Invoke dispatches on args[0], as stub.GetFunctionAndParameters does.
  std::map<std::string, ChaincodeFunction> functions;
  /// What Init runs; empty means return shim.Success(nil).
  ChaincodeFunction init;
  ContainerBehaviour container;

  /// The chaincode ID the peer registers it under: "name:version" (legacy lifecycle form;
  /// in 2.x the new lifecycle's package ID "label:hash" plays the same role).
  std::string ccid() const { return name + ":" + version; }
};

}  // namespace ccsim::fabric
