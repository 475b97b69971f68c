// Executes a scenario's faults (fault.hpp) against one peer's container runtime: schedules
// the timed ones, counts the messages sent on each chaincode's streams for the others, and
// fires each fault once. Every firing is a trace note by actor "fault" naming the action; a
// fault whose target is gone (no live stream, no running process) is noted and does nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ccsim/fabric/container_runtime.hpp"
#include "ccsim/fabric/fault.hpp"
#include "ccsim/fabric/ledger.hpp"

namespace ccsim::fabric {

class FaultInjector {
 public:
  /// Schedules `faults` on `sim` and observes `runtime`'s streams; both must outlive it.
  /// `restart_peer` is what the peer does when a restart_peer fault fires; fail_next_query_read
  /// adds to `read_failures` (the peer's state database), which must outlive it too.
  FaultInjector(kernel::Simulation& sim, ContainerRuntime& runtime, std::vector<Fault> faults,
                std::function<void(const Fault&)> restart_peer,
                ReadFailures* read_failures = nullptr);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  const std::vector<Fault>& faults() const { return faults_; }

 private:
  struct Armed {
    bool fired = false;
    std::uint64_t seen = 0;  // matching messages so far (after-message faults)
  };

  void on_message(const std::string& chaincode, Side from, const ChaincodeMessage& msg);
  void fire(std::size_t index);
  // "fault 2 terminate_stream mycc": the label of the event that fires faults_[index].
  std::string fault_label(std::size_t index) const;
  void note(const Fault& fault, std::string detail);
  /// The fault's chaincode stream, or nullptr after noting that there is none.
  ChaincodeStream* target_stream(const Fault& fault);

  kernel::Simulation* sim_;
  ContainerRuntime* runtime_;
  std::vector<Fault> faults_;
  std::vector<Armed> armed_;
  std::function<void(const Fault&)> restart_peer_;
  ReadFailures* read_failures_;
};

}  // namespace ccsim::fabric
