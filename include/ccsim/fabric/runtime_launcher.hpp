// RuntimeLauncher.Launch, 2.x form (docs/fabric-sources.md 4.4, 4.5, 7.7): the first caller for
// a chaincode creates the launch state, starts the startup timer and the build/start/wait
// goroutine; later callers queue on the launch state with no timer of their own. The first
// caller deregisters on failure; 2.x does not stop the container. Before 2.0 the launcher
// reads the code package itself: 1.2 before Launching, 1.3/1.4 after it, where a failure
// strands the launch state (4.4, 6.4 #11).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/container_runtime.hpp"
#include "ccsim/fabric/handler_registry.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/kernel/select.hpp"

namespace ccsim::fabric {

class RuntimeLauncher {
 public:
  using Done = std::function<void(const std::optional<std::string>& err)>;

  RuntimeLauncher(kernel::Simulation& sim, const Profile& profile, const PeerConfig& config,
                  HandlerRegistry& registry, ContainerRuntime& runtime)
      : sim_(&sim),
        profile_(&profile),
        config_(&config),
        registry_(&registry),
        runtime_(&runtime) {}

  /// Launches ccid (or joins the launch under way) on behalf of transaction txid.
  void launch(const std::string& ccid, const std::string& txid, Done done);

 private:
  /// One caller's wait: select over launch done, start failure and startup timeout.
  struct Wait {
    std::string ccid;
    std::string txid;
    bool already_started = false;
    std::shared_ptr<LaunchState> state;
    std::optional<std::string> start_failure;  // startFailCh (buffer 1)
    kernel::EventId timer;
    std::unique_ptr<kernel::Select> select;
    Done done;
  };
  enum WaitCase : std::size_t { kDoneCase = 0, kStartFailCase = 1, kTimeoutCase = 2 };

  /// getCodePackage failed (before 2.0): the caller gets the error; `aside` ends the note.
  void fail_reading_package(const std::string& ccid, const std::string& txid,
                            const std::string& failure, const std::string& aside, const Done& done);
  void start_container(Wait& wait, std::function<void()> unlock);
  void connect_to_service(Wait& wait);
  void finish(Wait& wait, std::size_t chosen);

  kernel::Simulation* sim_;
  const Profile* profile_;
  const PeerConfig* config_;
  HandlerRegistry* registry_;
  ContainerRuntime* runtime_;
  std::vector<std::unique_ptr<Wait>> waits_;  // alive for the run: late callbacks find them
};

}  // namespace ccsim::fabric
