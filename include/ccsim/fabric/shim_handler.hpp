// The chaincode-side shim Handler, S-go as fabric-chaincode-go ships it for Fabric 2.x
// (fabric-protocol.md 3.1, 3.4), with the scripted user code it runs. REGISTER is sent
// synchronously; the receive loop handles one message at a time; each INIT/TRANSACTION runs
// the user code in its own goroutine; stub calls are synchronous sends that wait on a
// response channel keyed by channel_id + txid. A loop error makes the process exit.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/kernel/stream.hpp"

namespace ccsim::fabric {

using ChaincodeStream = kernel::Stream<ChaincodeMessage>;

/// What the peer's Recv reports when the chaincode process dies without closing its stream
/// (gRPC cancels the server stream's context).
inline constexpr const char* kProcessDiedError =
    "rpc error: code = Canceled desc = context canceled";

class ShimHandler final : public ChaincodeStream::Receiver {
 public:
  enum class State : std::uint8_t { kCreated, kEstablished, kReady };

  /// Called once when the process ends: chatWithPeer returned (main() returns after
  /// shim.Start fails: exit code 0), or the user code panicked (exit code 2, as Go does).
  using OnExit = std::function<void(const std::string& reason, int exit_code)>;

  ShimHandler(kernel::Simulation& sim, const PeerConfig& config, ChaincodeStream& stream,
              kernel::End end, std::string stream_name, const ChaincodeDefinition& chaincode,
              OnExit on_exit);

  /// chatWithPeer: sends REGISTER{ChaincodeID{name: ccid}} and starts the receive loop.
  void start();
  /// The process dies (crash): no more sends, no more user code.
  void kill();

  State state() const { return state_; }
  bool exited() const { return exited_; }

  void on_message(ChaincodeMessage msg) override;
  void on_closed(const kernel::StreamClosed& closed) override;

 private:
  /// One INIT/TRANSACTION's user code: a step list and where it is.
  struct Invocation {
    ChaincodeMessage request;
    const ChaincodeFunction* function = nullptr;
    std::size_t pc = 0;
    std::optional<ChaincodeEvent> event;  // stub.SetEvent: the last one wins
    // The iterator of the range/query/history step in progress (StateQueryIterator).
    std::string iterator_id;
    std::vector<QueryResult> batch;
    std::size_t batch_pos = 0;
    bool has_more = false;
    std::size_t read = 0;
    bool closing = false;  // the pending stub call is the iterator's Close()
  };
  struct Inbound {
    bool closed = false;
    ChaincodeMessage msg;
    kernel::StreamClosed why;
  };

  void enqueue(Inbound in);
  void loop_step();
  std::optional<std::string> handle_message(const ChaincodeMessage& msg);
  std::optional<std::string> handle_response(const ChaincodeMessage& msg);
  void start_invocation(const ChaincodeMessage& msg);
  void run(const std::shared_ptr<Invocation>& inv);
  void stub_call(const std::shared_ptr<Invocation>& inv, ChaincodeMessage request);
  void on_reply(const std::shared_ptr<Invocation>& inv, const ChaincodeMessage& reply);
  void iterate(const std::shared_ptr<Invocation>& inv);
  void on_invoke_reply(const std::shared_ptr<Invocation>& inv, const ChaincodeMessage& reply);
  void panic(const std::string& message);
  /// The step being executed (pc has moved past it).
  const Step& current_step(const Invocation& inv) const { return inv.function->steps[inv.pc - 1]; }
  void finish(const std::shared_ptr<Invocation>& inv, Response response);
  void fail(const std::shared_ptr<Invocation>& inv, const std::string& error);

  std::optional<std::string> serial_send(const ChaincodeMessage& msg);
  void serial_send_async(ChaincodeMessage msg);
  void exit(const std::string& reason);
  void set_state(State next);

  kernel::Simulation* sim_;
  const PeerConfig* config_;
  ChaincodeStream* stream_;
  kernel::End end_;
  std::string stream_name_;
  const ChaincodeDefinition* chaincode_;
  OnExit on_exit_;

  State state_ = State::kCreated;
  bool started_ = false;
  bool exited_ = false;
  std::deque<Inbound> inbox_;
  bool loop_scheduled_ = false;

  /// responseChannels: the invocation whose stub call waits, per channel_id + txid.
  std::map<std::string, std::shared_ptr<Invocation>> response_channels_;
};

const char* to_string(ShimHandler::State state);

}  // namespace ccsim::fabric
