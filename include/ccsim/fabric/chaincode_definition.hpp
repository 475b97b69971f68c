// A scripted chaincode: what the user code of a chaincode does, as data. Each function is a
// list of steps run in order by the shim's transaction goroutine. A stub call that fails
// ends the function as Go chaincode conventionally does: shim.Error(err.Error()), i.e.
// Response{status 500, message = the error text}.
#pragma once

#include <map>
#include <optional>
#include <set>
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
    kReturnIf,            // if left == right (or !=, by `equals`), return `response`
    kCpu,                 // user code computes for `duration` on the process's CPU (contended)
    kParallel,            // `branches` run as goroutines; the function waits for all (WaitGroup)
    kGo,                  // `branches[0]` runs as a goroutine the function does not wait for
  };

  /// What user code does when a stub call fails (an ERROR reply, a failed send, a check in
  /// the shim; for invoke_chaincode also a callee's status of 400 or more).
  enum class OnError : std::uint8_t {
    kStop,     // return shim.Error(err.Error()): status 500, the error as message (default)
    kIgnore,   // go on with the next step (the result's ${name.error} holds the error)
    kRespond,  // return `on_error_response`, whose texts may use ${error}
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
  kernel::Duration duration;      // sleep, cpu
  /// parallel: each branch's steps; go: the one goroutine's. A branch cannot return the
  /// function's response (only the function's own goroutine can); it ends by falling off its
  /// end, and a failed call with on_error "stop" ends it with that error.
  std::vector<std::vector<Step>> branches;
  Response response;  // return / fail (message) / return_if
  // set_event: `key` is the event name, `value` its payload.

  /// "as": later steps read this call's result as ${bind} and ${bind.<field>}.
  std::string bind;
  OnError on_error = OnError::kStop;
  Response on_error_response;  // kRespond
  /// return_if: the two texts compared (templates), and whether equal ones return.
  std::string left;
  std::string right;
  bool equals = true;

  /// Whether the step is a stub call (it sends a request and can fail).
  bool is_stub_call() const {
    return op != Op::kSetEvent && op != Op::kSleep && op != Op::kReturn && op != Op::kFail &&
           op != Op::kPanic && op != Op::kHang && op != Op::kReturnIf && op != Op::kCpu &&
           op != Op::kParallel && op != Op::kGo;
  }
};

/// Calls `visit(step)` for every step of `steps` and, depth first, of their branches.
template <class Visit>
void for_each_step(const std::vector<Step>& steps, Visit&& visit) {
  for (const Step& step : steps) {
    visit(step);
    for (const std::vector<Step>& branch : step.branches)
      for_each_step(branch, visit);
  }
}

const char* to_string(Step::Op op);

struct ChaincodeFunction {
  std::vector<Step> steps;  // falling off the end returns shim.Success(nil): status 200
};

/// How the chaincode's container behaves when the peer starts it (docs/fabric-sources.md 4.4,
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
  /// With `start_failure`: the container does start (its process runs as the other keys say)
  /// and Runtime.Start returns the error this long after, as when the docker client gives up
  /// on a daemon that still starts the container. Unset: Start fails at once, nothing runs.
  std::optional<kernel::Duration> start_failure_after;
  /// The code package cannot be read: the read fails with this text. 1.2-1.4 read it in the
  /// launcher ("failed to get chaincode package: <err>"), 2.x inside Runtime.Build
  /// (docs/fabric-sources.md 4.4, 6.4 #11).
  std::optional<std::string> package_failure;
  std::optional<ExitBeforeRegister> exit_before_register;
  bool never_registers = false;  // the process runs but never dials the peer
  /// A scripted chaincode: what each process sends on its new stream before its REGISTER,
  /// bypassing its shim (as a chaincode in Fabric's own handler tests does).
  std::vector<ChaincodeMessage> before_register;
  std::optional<Crash> crash;
  int exit_code = 0;  // what Wait returns when the shim's loop ends and main() returns
  /// A main() that calls shim.Start again when its stream ends (a retry loop): the process
  /// does not exit, and dials the peer again this long after (after a refused dial too).
  std::optional<kernel::Duration> reconnect;
  /// The cores the process's goroutines share for `cpu` steps (GOMAXPROCS under a CPU limit).
  std::uint32_t cores = 1;
};

/// Chaincode as a service (2.x, docs/fabric-sources.md 4.5): the chaincode runs its own gRPC
/// server (fabric-chaincode-go's ChaincodeServer) and the external builder's connection.json
/// tells the peer where it listens; Runtime.Build returns that, and the peer dials it instead
/// of starting a container. The server starts by itself: nothing the peer does starts it.
/// TLS is not modelled.
struct ServiceBehaviour {
  /// What a dial gets while no server listens at the address.
  enum class WhileDown : std::uint8_t {
    kRefuse,  // the host answers: "connect: connection refused", at once
    kDrop,    // nothing answers: the dial waits out its timeout ("context deadline exceeded")
  };
  /// externalbuilder.DialTimeout: what a zero or absent "dial_timeout" means.
  static constexpr kernel::Duration kDefaultDialTimeout = kernel::Duration::seconds(3);

  std::string address;                                  // connection.json "address", host:port
  kernel::Duration dial_timeout = kDefaultDialTimeout;  // connection.json "dial_timeout"
  kernel::Duration listening_at;  // when the server starts listening, from the run's start
  WhileDown while_down = WhileDown::kRefuse;
  /// What a dial gets while down can change over the run (a port closed, then the host gone):
  /// from each phase's time on, its behaviour; before the first, `while_down`. Sorted by
  /// time, each later than the one before.
  struct Phase {
    kernel::Duration from;
    WhileDown as;
  };
  std::vector<Phase> while_down_phases;
  /// What a dial started at `since_start` gets while nothing listens.
  WhileDown while_down_at(kernel::Duration since_start) const {
    WhileDown now = while_down;
    for (const Phase& phase : while_down_phases) {
      if (phase.from > since_start) break;
      now = phase.as;
    }
    return now;
  }
  /// ChaincodeServer.KaOpts (fabric-chaincode-go shim/internal/server.go): the server PINGs a
  /// connection it has received nothing on for `keepalive_time`, and closes it when no ACK
  /// comes within `keepalive_timeout`. Defaults: Time 1m, Timeout 20s.
  kernel::Duration keepalive_time = kernel::Duration::seconds(60);
  kernel::Duration keepalive_timeout = kernel::Duration::seconds(20);
  bool keepalive_given = false;  // the scenario set them: the transport is simulated
};

/// The name of the function a chaincode's Invoke runs for a function it has no case for
/// (the "default" of its dispatch).
inline constexpr const char* kAnyFunction = "*";
/// What Invoke returns for a function it has no case for and no "*" steps: shim.Error with
/// the text of Fabric's own example chaincode (examples/chaincode/go/marbles02, 1.x).
inline constexpr const char* kUnknownFunctionMessage = "Received unknown function invocation";

struct ChaincodeDefinition {
  std::string name;
  std::string version;
  /// The channels it is defined on (instantiated, or committed with _lifecycle); empty: every
  /// channel. Elsewhere the peer does not know it.
  std::set<std::string> channels;
  /// When set, the peer launches it then without a proposal, as a peer that has served it
  /// before has it running (its launch and handshake are in the trace).
  std::optional<kernel::Duration> launch_at;
  /// Invoke dispatches on args[0], as stub.GetFunctionAndParameters does; "*" (kAnyFunction)
  /// catches every other function, and none.
  std::map<std::string, ChaincodeFunction> functions;
  /// What Init runs; empty means return shim.Success(nil).
  ChaincodeFunction init;
  ContainerBehaviour container;
  /// Processes the user starts by hand (`CORE_CHAINCODE_ID_NAME=name:version ./chaincode`),
  /// at these times: each dials the peer and registers by itself, as in dev mode. The peer's
  /// launcher and docker know nothing of them; the container behaviours do not apply.
  std::vector<kernel::Duration> user_starts;
  /// Set for a chaincode run as a service; its container's Start/Wait are then never used.
  std::optional<ServiceBehaviour> service;

  /// 2.x: the _lifecycle package ID ("label:hash") the peer launches and registers the
  /// chaincode under, as its logs and errors show it; empty: "name:version".
  std::string package_id;

  /// The chaincode ID the peer registers it under: the package ID when set, else
  /// "name:version" (the legacy lifecycle's form, which ccsim uses for every release).
  std::string ccid() const { return package_id.empty() ? name + ":" + version : package_id; }
};

}  // namespace ccsim::fabric
