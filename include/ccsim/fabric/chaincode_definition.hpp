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
    kGetState,            // stub.GetState(key), or GetPrivateData(collection, key)
    kPutState,            // stub.PutState(key, value), or PutPrivateData
    kDelState,            // stub.DelState(key), or DelPrivateData
    kGetPrivateDataHash,  // stub.GetPrivateDataHash(collection, key)
    kPurgePrivateData,    // stub.PurgePrivateData(collection, key)
    kGetStateByRange,     // stub.GetStateByRange(start, end), iterated, then Close()
    kGetQueryResult,      // stub.GetQueryResult(query), iterated, then Close()
    kGetHistoryForKey,    // stub.GetHistoryForKey(key), iterated, then Close()
    kGetStateMetadata,    // stub.GetStateValidationParameter-style metadata read
    kPutStateMetadata,    // stub.SetStateValidationParameter-style metadata write
    kInvokeChaincode,     // stub.InvokeChaincode(chaincode, args, channel)
    kSetEvent,            // stub.SetEvent(name, payload): no message, rides on COMPLETED
    kSleep,               // user code computes for `duration` of virtual time
    kReturn,              // return `response` (status, payload, message)
    kFail,                // return shim.Error(response.message): status 500
    kPanic,               // the user code panics: the chaincode process dies
    kHang,                // the user code never returns
  };

  Op op = Op::kReturn;
  std::string key;
  std::string value;
  std::string collection;  // "" = public state
  std::string start_key;   // range
  std::string end_key;     // range, exclusive; "" = unbounded
  std::string query;       // rich query
  std::string metakey;     // metadata write
  /// Iteration of range/query/history results: read at most `limit` results (0 = all),
  /// then Close() the iterator unless `close` is false (a leaked iterator).
  std::size_t limit = 0;
  bool close = true;
  std::string target_chaincode;   // invoke_chaincode
  std::string target_channel;     // invoke_chaincode; "" = the caller's channel
  std::vector<std::string> args;  // invoke_chaincode: args[0] is the function
  kernel::Duration duration;
  Response response;  // return / fail (message)
  // set_event: `key` is the event name, `value` its payload.
};

const char* to_string(Step::Op op);

struct ChaincodeFunction {
  std::vector<Step> steps;  // falling off the end returns shim.Success(nil): status 200
};

/// How the chaincode's container behaves when the peer starts it (fabric-protocol.md 4.4,
/// 4.5, 7.6, 7.7). Every process the container starts behaves the same way.
struct ContainerBehaviour {
  /// The process exits before it dials the peer: `after` the container started, with `code`.
  struct ExitBeforeRegister {
    kernel::Duration after;
    int code = 0;
  };
  /// The process dies (a Go panic, a kill): at a time after the container started, or right
  /// after the shim has sent or received `after_messages` messages on its stream.
  struct Crash {
    std::optional<kernel::Duration> at;
    std::optional<std::uint64_t> after_messages;
    int exit_code = 2;  // what Wait returns: 2, as for an unrecovered Go panic
  };

  kernel::Duration build_delay;  // Runtime.Build: image build, usually done at install
  kernel::Duration start_delay;  // Runtime.Start until the chaincode process sends REGISTER
  std::optional<std::string> build_failure;  // Runtime.Build fails with this text
  std::optional<std::string> start_failure;  // Runtime.Start fails with this text
  /// The code package cannot be read: the read fails with this text. 1.2-1.4 read it in the
  /// launcher ("failed to get chaincode package: <err>"), 2.x inside Runtime.Build
  /// (fabric-protocol.md 4.4, 6.4 #11).
  std::optional<std::string> package_failure;
  std::optional<ExitBeforeRegister> exit_before_register;
  bool never_registers = false;  // the process runs but never dials the peer
  std::optional<Crash> crash;
  int exit_code = 0;  // what Wait returns when the shim's loop ends and main() returns
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
