// The container runtime (Runtime.Build / Start / Wait, docs/fabric-sources.md 4.5) and the
// chaincode processes it runs. Build runs once per chaincode and its result is kept (2.x's
// BuildRegistry). Start returns once the container runs; the process inside dials the peer
// after the chaincode's start delay, opening a fresh stream on which the peer side is
// accepted and the shim sends REGISTER. Starting a container that still runs stops its old
// process first (docker's Start, 7.6 step 5). When the process exits (the shim's loop ended,
// it crashed, it was stopped), Wait returns its exit code.
//
// The container's behaviour (ContainerBehaviour) can make Build or Start fail, make the
// process exit before it registers, never register, or crash; faults use crash() and the
// live streams.
//
// A chaincode run as a service (ServiceBehaviour, 2.x) has no container: its server process
// starts listening by itself, and stream() is extcc's ExternalChaincodeRuntime.Stream, where
// the peer dials it and runs HandleChaincodeStream on the client stream; each connection gets
// a fresh shim handler, which still sends REGISTER first (docs/fabric-sources.md 1.2, 3.4, 4.5).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/delay_model.hpp"
#include "ccsim/fabric/mutation.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/fabric/shim_handler.hpp"
#include "ccsim/fabric/transport.hpp"

namespace ccsim::fabric {

class Handler;

/// What the peer's Recv reports when a chaincode server (a service) dies under the peer's
/// client stream: gRPC's client transport reads EOF from the closed socket.
inline constexpr const char* kServerDiedError =
    "rpc error: code = Unavailable desc = error reading from server: EOF";

class ContainerRuntime {
 public:
  /// The peer is the gRPC server at end A, the chaincode process the client at end B.
  static constexpr kernel::End kPeerEnd = kernel::End::kA;
  static constexpr kernel::End kShimEnd = kernel::End::kB;
  /// Wait's exit code for a process stopped by docker (SIGKILL: 128 + 9). [derived]
  static constexpr int kStoppedExitCode = 137;

  /// The peer accepts a chaincode's connection: HandleChaincodeStream on `peer_end`.
  /// The peer's HandleChaincodeStream on a new stream; nullptr while the peer is down (the
  /// dial is refused).
  using AcceptFn = std::function<Handler*(ChaincodeStream& stream, kernel::End peer_end,
                                          const std::string& name)>;
  using ErrDone = std::function<void(const std::optional<std::string>& err)>;
  using ExitDone = std::function<void(int exit_code)>;
  /// Sees every message sent on any chaincode stream, as it is sent: the chaincode's name
  /// and who sent it. Must not act on the stream synchronously (schedule instead).
  using MessageObserver =
      std::function<void(const std::string& chaincode, Side from, const ChaincodeMessage& msg)>;

  /// `profile` selects the shim the chaincode processes run (S-go, S-sw, S-fsm). Their shims
  /// carry `mutation` (tests only, mutation.hpp).
  ContainerRuntime(kernel::Simulation& sim, const Profile& profile, const PeerConfig& config,
                   const DelayModel& delays, AcceptFn accept, Mutation mutation = Mutation::kNone);
  ~ContainerRuntime();
  ContainerRuntime(const ContainerRuntime&) = delete;
  ContainerRuntime& operator=(const ContainerRuntime&) = delete;

  /// Makes `definition` known under its ccid. The definition must outlive the runtime.
  void add(const ChaincodeDefinition& definition);
  const ChaincodeDefinition* definition(const std::string& ccid) const;
  /// The ccid of the chaincode named `name`, or "" if none is.
  std::string ccid_of(const std::string& name) const;

  /// Runtime.Build: "error building image: <err>" on failure.
  void build(const std::string& ccid, ErrDone done);
  /// Runtime.Start: "error starting container: <err>" on failure.
  void start(const std::string& ccid, ErrDone done);
  /// A chaincode process the user started (user_starts): it dials the peer now. Docker does
  /// not know it: Start, Stop and Wait never touch it; faults reach it when no container runs.
  void start_user_process(const std::string& ccid);
  /// Runtime.Wait: the exit code of the running process once it exits (at once if the
  /// container already stopped).
  void wait(const std::string& ccid, ExitDone done);

  // --- 1.0/1.1: the docker VM under VMCProcess (docs/fabric-sources.md 4.1, 7.8) -------------

  /// StartImageReq: requests for one container run one at a time, in arrival order (VMCProcess
  /// takes a per-container lock). Start stops and removes a running container of the same
  /// name, builds the image if it is missing (the build delay), creates the container, calls
  /// `prelaunch` (PrelaunchFunc) and only then starts it. Errors are docker's own texts.
  void docker_start(const std::string& ccid, std::function<void()> prelaunch, ErrDone done);
  /// StopImageReq under the same lock: a running process is stopped and removed (exit 137).
  void docker_stop(const std::string& ccid, ErrDone done);
  /// Runs `request` once it holds the container's VMController lock (1.2-1.4); it calls the
  /// function it is given to release it.
  void with_container_lock(const std::string& ccid,
                           std::function<void(std::function<void()> unlock)> request);

  // --- Chaincode as a service ------------------------------------------------------------

  /// Whether Build returns server info for ccid: the chaincode is run as a service.
  bool is_service(const std::string& ccid) const;
  /// ExternalChaincodeRuntime.Stream (2.x extcc): dials ccid's chaincode server and runs the
  /// peer's HandleChaincodeStream on the connection. `done` gets the dial's error ("error
  /// cannot create connection for %s: ..."), or nullopt once HandleChaincodeStream returned
  /// and the connection was closed.
  void stream(const std::string& ccid, ErrDone done);
  /// The server process of ccid starts again now (a restarted service), listening at once.
  void restart_server(const std::string& ccid);

  // --- For fault injection ---------------------------------------------------------------

  void set_message_observer(MessageObserver observer) { observer_ = std::move(observer); }
  /// Docker stops every running container (2.2+ Router.Shutdown on SIGTERM).
  void stop_all(const std::string& why);
  /// Whether a process of ccid runs (it may not have dialed yet).
  bool running(const std::string& ccid) const;
  /// The stream of ccid's running process if it is still usable in some direction.
  ChaincodeStream* live_stream(const std::string& ccid);
  /// Every live stream, in ccid order.
  std::vector<ChaincodeStream*> live_streams();
  /// The running process of ccid dies now: the shim stops, its stream breaks as a process
  /// death breaks it, and Wait returns `exit_code`. False if no process runs.
  bool crash(const std::string& ccid, int exit_code, const std::string& why);

 private:
  class ShimTap;
  /// One run of the chaincode process inside the container.
  struct Process {
    std::string ccid;
    bool alive = true;
    ChaincodeStream* stream = nullptr;  // once it dialed
    ShimHandler* shim = nullptr;
    std::uint64_t shim_messages = 0;  // sent or received by the shim on its stream
    kernel::EventId dial;             // or the exit before REGISTER
    kernel::EventId crash_timer;
    std::vector<ExitDone> exit_waiters;
    bool server = false;        // a chaincode server (service): one connection per peer dial
    bool user_started = false;  // started by the user (dev mode), not by docker
    std::vector<std::pair<ChaincodeStream*, ShimHandler*>> connections;  // server's, all
  };
  /// A dial that waits for the server to listen (WhileDown::kDrop), until its deadline.
  struct PendingDial {
    ErrDone done;
    kernel::EventId deadline;
    bool open = true;
  };
  struct Container {
    const ChaincodeDefinition* definition = nullptr;
    // BuildRegistry: the first Build builds, every later one gets its result.
    bool build_started = false;
    bool build_done = false;
    std::optional<std::string> build_err;
    std::vector<ErrDone> build_waiters;
    Process* current = nullptr;            // the latest process, running or not
    std::vector<Process*> user_processes;  // started by the user, oldest first
    std::optional<int> last_exit_code;
    // 1.0/1.1's VMCProcess lock: held by one docker request, the others wait in order.
    bool vm_locked = false;
    std::deque<std::function<void()>> vm_waiters;
    std::vector<PendingDial*> pending_dials;  // service only; owned by dials_
  };

  void finish_build(const std::string& ccid, std::optional<std::string> failure);
  /// What a fault acts on: the running container's process, else the newest live process the
  /// user started.
  Process* target(const std::string& ccid);
  void connect(Process& p);
  /// container.reconnect: `p` dials again later instead of exiting; false if it does not.
  bool redial(Process& p);
  void send_before_register(const Process& p, ChaincodeStream& s);
  ChaincodeStream& open_stream(Process& p);
  ShimHandler& attach_shim(Process& p, ChaincodeStream& s, ShimHandler::OnExit on_exit);
  void start_server(const std::string& ccid);
  void connect_to_server(Process& server, ErrDone done);
  void shim_message(Process& p);
  void die(Process& p, int exit_code, const std::string& why);
  void exited(Process& p, int exit_code);
  void note(const std::string& ccid, std::string detail);
  static std::optional<std::string> build_error(const Container& c);
  void vm_lock(const std::string& ccid, std::function<void()> request);
  void vm_unlock(const std::string& ccid);

  kernel::Simulation* sim_;
  const Profile* profile_;
  const PeerConfig* config_;
  const DelayModel* delays_;
  AcceptFn accept_;
  Mutation mutation_;
  MessageObserver observer_;
  std::map<std::string, Container> containers_;
  // Processes, streams and shims live as long as the run: scheduled events may still refer
  // to them.
  std::vector<std::unique_ptr<Process>> processes_;
  std::vector<std::unique_ptr<ChaincodeStream>> streams_;
  std::vector<std::unique_ptr<ShimHandler>> shims_;
  std::vector<std::unique_ptr<ShimTap>> taps_;
  std::vector<std::unique_ptr<Transport>> transports_;  // where the network models gRPC's
  std::vector<std::unique_ptr<PendingDial>> dials_;
};

}  // namespace ccsim::fabric
