// The container runtime (Runtime.Build / Start / Wait, fabric-protocol.md 4.5) and the
// chaincode processes it runs. Start returns once the container runs; the process inside
// dials the peer after the chaincode's start delay, opening a fresh stream on which the peer
// side is accepted and the shim sends REGISTER. When the shim's loop ends, the process
// exits and Wait returns its exit code.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/delay_model.hpp"
#include "ccsim/fabric/shim_handler.hpp"

namespace ccsim::fabric {

class ContainerRuntime {
 public:
  /// The peer accepts a chaincode's connection: HandleChaincodeStream on `peer_end`.
  using AcceptFn =
      std::function<void(ChaincodeStream& stream, kernel::End peer_end, const std::string& name)>;
  using ErrDone = std::function<void(const std::optional<std::string>& err)>;
  using ExitDone = std::function<void(int exit_code)>;

  ContainerRuntime(kernel::Simulation& sim, const PeerConfig& config, const DelayModel& delays,
                   AcceptFn accept);

  /// Makes `definition` known under its ccid. The definition must outlive the runtime.
  void add(const ChaincodeDefinition& definition);
  const ChaincodeDefinition* definition(const std::string& ccid) const;

  void build(const std::string& ccid, ErrDone done);
  void start(const std::string& ccid, ErrDone done);
  void wait(const std::string& ccid, ExitDone done);

 private:
  struct Container {
    const ChaincodeDefinition* definition = nullptr;
    bool running = false;
    std::vector<ExitDone> exit_waiters;
  };

  void connect(const std::string& ccid);
  void exited(const std::string& ccid, int exit_code);
  void note(const std::string& ccid, std::string detail);

  kernel::Simulation* sim_;
  const PeerConfig* config_;
  const DelayModel* delays_;
  AcceptFn accept_;
  std::map<std::string, Container> containers_;
  // Streams and shims live as long as the run: scheduled events may still refer to them.
  std::vector<std::unique_ptr<ChaincodeStream>> streams_;
  std::vector<std::unique_ptr<ShimHandler>> shims_;
};

}  // namespace ccsim::fabric
