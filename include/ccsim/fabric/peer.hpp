// A peer node as far as the chaincode protocol goes: ledger, handler registry, container
// runtime, launcher, ChaincodeSupport, and the endorser that turns proposals into chaincode
// executions and outcomes. The composition root of the fabric layer for one run.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_support.hpp"
#include "ccsim/fabric/container_runtime.hpp"
#include "ccsim/fabric/delay_model.hpp"
#include "ccsim/fabric/fault_injector.hpp"
#include "ccsim/fabric/fsm_chaincode_support.hpp"
#include "ccsim/fabric/handler_registry.hpp"
#include "ccsim/fabric/handshake_script.hpp"
#include "ccsim/fabric/ledger.hpp"
#include "ccsim/fabric/mutation.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/fabric/running_chaincodes.hpp"
#include "ccsim/fabric/runtime_launcher.hpp"

namespace ccsim::fabric {

/// A proposal's arguments, immutable and shared: the proposals that one scenario entry's
/// "repeat" makes share one copy, however large.
class ProposalArgs {
 public:
  ProposalArgs() : ProposalArgs(std::vector<std::string>{}) {}
  ProposalArgs(std::vector<std::string> args)  // NOLINT(google-explicit-constructor)
      : args_(std::make_shared<const std::vector<std::string>>(std::move(args))) {}
  ProposalArgs(std::initializer_list<std::string> args)
      : ProposalArgs(std::vector<std::string>(args)) {}

  const std::vector<std::string>& get() const { return *args_; }
  bool empty() const { return args_->empty(); }
  const std::string& front() const { return args_->front(); }
  friend bool operator==(const ProposalArgs& a, const std::vector<std::string>& b) {
    return *a.args_ == b;
  }

 private:
  std::shared_ptr<const std::vector<std::string>> args_;
};

/// A signed proposal as far as the chaincode sees it.
struct Proposal {
  std::string txid;
  std::string channel_id;
  std::string chaincode;    // chaincode name
  ProposalArgs args;        // args[0] is the function
  bool is_init = false;     // 2.x: sent as INIT rather than TRANSACTION
  std::size_t ordinal = 0;  // its place among the run's proposals (ties txid duplicates)
};

/// A proposal's final result as the client would see it.
struct ProposalOutcome {
  std::size_t ordinal = 0;  // the proposal's (Proposal::ordinal)
  std::string txid;
  std::string channel_id;
  kernel::Time submitted;
  kernel::Time completed;
  std::optional<std::int64_t> status;  // the chaincode's Response.status, if it answered
  std::optional<std::string> payload;  // Response.payload
  std::optional<std::string> error;    // the peer's error, or Response.message when status >= 400
  std::optional<std::string> event;    // the name of the chaincode event, if one was set
};

class Peer {
 public:
  /// `chaincodes` must outlive the peer. `faults` are injected into this peer's run.
  /// `mutation` switches on a test-only mutant of its handlers and shims (mutation.hpp).
  /// `initial_ledger`, when given, is the committed state the peer starts with.
  Peer(kernel::Simulation& sim, Profile profile, PeerConfig config, DelayModel delays,
       const std::vector<ChaincodeDefinition>& chaincodes, std::vector<Fault> faults = {},
       Mutation mutation = Mutation::kNone, const Ledger* initial_ledger = nullptr);
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  /// The endorser receives `proposal` now. Its outcome is recorded when the chaincode call
  /// ends; a successful one (status < 400, shim.ERRORTHRESHOLD) commits its writes.
  void submit(const Proposal& proposal);

  const std::vector<ProposalOutcome>& outcomes() const { return outcomes_; }
  /// The outcomes, moved out (at the end of a run: a copy would double what they take).
  std::vector<ProposalOutcome> take_outcomes() { return std::move(outcomes_); }
  /// Room for this many outcomes at once, rather than doubling as they come (the peak of a
  /// doubling holds both buffers).
  void reserve_outcomes(std::size_t n) { outcomes_.reserve(n); }
  const Ledger& ledger() const { return ledger_; }
  /// The running peer process's ChaincodeSupport (the last one's while the peer is down).
  const ChaincodeSupport& support() const { return process_->support; }
  const Profile& profile() const { return profile_; }

 private:
  /// What one peer process holds in memory: handlers, launch states, transaction contexts.
  /// Its events run in a Simulation domain of its own, so that when the process dies every
  /// timer, loop and goroutine it left behind dies with it; a restarted peer starts afresh.
  /// The ledger, docker's containers and the endorser's clients outlive it.
  struct Process {
    Process(Peer& peer, std::uint32_t domain);
    std::uint32_t domain;
    HandlerRegistry registry;
    RunningChaincodes running;  // 1.0/1.1 (peer_fsm): the chaincodeMap
    RuntimeLauncher launcher;
    FsmChaincodeSupport fsm_support;  // 1.0/1.1 (peer_fsm): Launch and Execute
    ChaincodeSupport support;
  };
  /// A proposal the endorser has and has not answered: a client waits on it.
  struct Pending {
    std::string txid;
    std::string channel_id;
    kernel::Time submitted;
  };

  /// `held_a_slot`: the proposal counted against the endorser concurrency limit.
  void record_outcome(ProposalOutcome outcome, bool held_a_slot = true);
  void launch_ahead(const ChaincodeDefinition& def);
  /// A restart_peer fault: the process dies (crash, or SIGTERM), and a new one starts later;
  /// a peer that is down starts `down_for` later.
  void restart(const Fault& fault);
  /// The process dies now: nothing it held survives, its clients and streams see it go.
  void die(bool graceful, const std::string& why);
  /// A handler goroutine panicked: the process dies and stays down (no restart policy).
  void panic(const std::string& value);
  /// What a client sees when the peer is gone, or goes away under its call.
  std::string client_error(bool refused) const;

  kernel::Simulation* sim_;
  Profile profile_;
  PeerConfig config_;
  DelayModel delays_;
  Mutation mutation_;
  const std::vector<ChaincodeDefinition>* chaincodes_;
  std::map<std::string, const ChaincodeDefinition*> by_name_;
  Ledger ledger_;
  ReadFailures read_failures_;  // the state database's injected errors (before faults_)
  HandshakeScript script_;      // before the process: its handlers hold a pointer to it
  ContainerRuntime runtime_;
  std::unique_ptr<Process> process_;
  // Dead processes are kept: the run's events and objects may still point into them.
  std::vector<std::unique_ptr<Process>> dead_;
  bool down_ = false;
  bool restart_pending_ = false;
  FaultInjector faults_;  // last: acts on everything above
  std::vector<ProposalOutcome> outcomes_;
  std::map<std::size_t, Pending> pending_;  // by ordinal: submitted, not yet answered
};

}  // namespace ccsim::fabric
