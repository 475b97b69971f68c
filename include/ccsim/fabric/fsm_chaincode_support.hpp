// FsmChaincodeSupport: ChaincodeSupport as Fabric 1.0/1.1 has it (docs/fabric-sources.md 4.1, 4.2,
// 7.1', 7.7, 7.8), used when Profile::peer_fsm is set. Launch checks the chaincodeMap under its
// lock (a placeholder means "premature execution"; a registered handler counts as running even
// before READY), then launchAndWaitForRegister runs the docker VM's Start (the placeholder goes
// in just before StartContainer) and waits for REGISTER, and sendReady hands READY to the new
// handler's stream loop. Execute hands INIT/TRANSACTION to the loop and waits on the
// transaction's responseNotifier with the execute timeout; exectransaction.Execute wraps it
// all for the endorser. cc2cc calls come through invoke().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_support.hpp"
#include "ccsim/fabric/container_runtime.hpp"
#include "ccsim/fabric/running_chaincodes.hpp"

namespace ccsim::fabric {

/// enterBusyState's Execute of a cc2cc callee: "timeout := time.Duration(30000) *
/// time.Millisecond // TODO: Need to handle timeout correctly" (docs/fabric-sources.md 2.5, 5).
inline constexpr kernel::Duration kFsmCc2ccTimeout = kernel::Duration::seconds(30);

class FsmChaincodeSupport {
 public:
  using LaunchDone = std::function<void(const std::optional<std::string>& err)>;
  using ExecuteDone = std::function<void(ExecutionResult)>;

  FsmChaincodeSupport(kernel::Simulation& sim, const Profile& profile, const PeerConfig& config,
                      RunningChaincodes& running, ContainerRuntime& runtime)
      : sim_(&sim), profile_(&profile), config_(&config), running_(&running), runtime_(&runtime) {}

  /// exectransaction.Execute: Launch, then INIT or TRANSACTION with the execute timeout, and
  /// the endorser's texts ("Failed to execute transaction (%s)", "Transaction returned with
  /// failure: %s", ...; 1.1 lower case). A Launch error is passed on unchanged.
  void execute(const TransactionParams& params, const std::string& chaincode_name,
               std::vector<std::string> args, bool is_init, ExecuteDone done);
  /// enterBusyState's cc2cc call: Launch the callee, then Execute a TRANSACTION on it with the
  /// hard-coded 30s timeout. The error is Launch's or Execute's, unwrapped.
  void invoke(const TransactionParams& params, const std::string& chaincode_name,
              std::vector<std::string> args, ChaincodeInvoker::Done done);
  /// ChaincodeSupport.Launch of the chaincode registered as `cname` ("name:version").
  /// `deploy`: an instantiate's deployment spec, which skips the LSCC lookup.
  void launch(const std::string& cname, const TransactionParams& params, bool deploy,
              LaunchDone done);

 private:
  /// One launchAndWaitForRegister (and the sendReady after it).
  struct Attempt {
    std::string cname;
    TransactionParams params;
    std::shared_ptr<ReadyNotify> notify;
    std::optional<std::string> start_error;  // 1.1: the launch goroutine's errChan
    kernel::EventId timer;
    std::unique_ptr<kernel::Select> select;  // notify, errChan, startup timeout
    LaunchDone done;
  };
  enum RegisterCase : std::size_t { kNotifyCase = 0, kStartErrorCase = 1, kStartupTimeoutCase = 2 };
  /// Execute's and sendReady's select over the responseNotifier and a timer.
  struct NotifierWait {
    kernel::EventId timer;
    std::unique_ptr<kernel::Select> select;
  };
  using NotifierDone = std::function<void(MessagePtr response)>;  // null: no response

  void launch_and_wait_for_register(Attempt& a);
  void wait_for_register(Attempt& a);
  void registered(Attempt& a, std::size_t chosen);
  void end_launch_and_wait(Attempt& a, std::optional<std::string> err);
  void send_ready(Attempt& a);
  void init_failed(Attempt& a, const std::string& err);
  void stop(const std::string& cname, std::function<void()> then);
  /// ChaincodeSupport.Execute: "Cannot execute transaction for %s", "Error sending %s: %s",
  /// "Timeout expired while executing transaction" (1.1 lower case, "error sending: <err>").
  void execute_message(const std::string& cname, const TransactionParams& params,
                       ChaincodeMessage msg, kernel::Duration timeout, ChaincodeInvoker::Done done);
  void await_notifier(Handler& handler, const TransactionParams& params, kernel::Duration timeout,
                      const std::string& what, NotifierDone done);
  std::string peer_names(const Attempt& a) const;
  const char* text(const char* v1_0, const char* v1_1) const;
  void note(const std::string& txid, std::string detail);

  kernel::Simulation* sim_;
  const Profile* profile_;
  const PeerConfig* config_;
  RunningChaincodes* running_;
  ContainerRuntime* runtime_;
  // Alive for the run: late callbacks still find them.
  std::vector<std::unique_ptr<Attempt>> attempts_;
  std::vector<std::unique_ptr<NotifierWait>> waits_;
};

}  // namespace ccsim::fabric
