#include "ccsim/fabric/container_runtime.hpp"

#include <algorithm>

#include "ccsim/fabric/handler.hpp"
#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

// Stands between the stream and the shim: what the peer sends reaches the shim as before,
// and counts as a message the shim received (for the `crash.after_messages` behaviour).
class ContainerRuntime::ShimTap final : public ChaincodeStream::Receiver {
 public:
  ShimTap(ContainerRuntime& runtime, Process& process, ShimHandler& shim)
      : runtime_(&runtime), process_(&process), shim_(&shim) {}

  void on_message(MessagePtr msg) override {
    shim_->on_message(std::move(msg));
    runtime_->shim_message(*process_);
  }
  void on_closed(const kernel::StreamClosed& closed) override { shim_->on_closed(closed); }

 private:
  ContainerRuntime* runtime_;
  Process* process_;
  ShimHandler* shim_;
};

ContainerRuntime::ContainerRuntime(kernel::Simulation& sim, const Profile& profile,
                                   const PeerConfig& config, const DelayModel& delays,
                                   AcceptFn accept, Mutation mutation)
    : sim_(&sim),
      profile_(&profile),
      config_(&config),
      delays_(&delays),
      accept_(std::move(accept)),
      mutation_(mutation) {}

ContainerRuntime::~ContainerRuntime() = default;

void ContainerRuntime::add(const ChaincodeDefinition& definition) {
  const std::string ccid = definition.ccid();
  containers_[ccid].definition = &definition;
  if (definition.service) {
    sim_->after(
        definition.service->listening_at, [this, ccid] { start_server(ccid); },
        [&] { return "chaincode server " + ccid + " listens"; });
  }
}

const ChaincodeDefinition* ContainerRuntime::definition(const std::string& ccid) const {
  auto it = containers_.find(ccid);
  return it == containers_.end() ? nullptr : it->second.definition;
}

std::string ContainerRuntime::ccid_of(const std::string& name) const {
  for (const auto& [ccid, c] : containers_) {
    if (c.definition->name == name) return ccid;
  }
  return "";
}

void ContainerRuntime::note(const std::string& ccid, std::string detail) {
  const ChaincodeDefinition* def = definition(ccid);
  trace_note(*sim_, "runtime", "", def != nullptr ? def->name : ccid, "", "", std::move(detail));
}

// --- Build, Start, Wait ------------------------------------------------------------------

std::optional<std::string> ContainerRuntime::build_error(const Container& c) {
  if (!c.build_err) return std::nullopt;
  return "error building image: " + *c.build_err;
}

// ContainerRuntime.Build (2.x): the BuildRegistry lets one Build do the work; every other
// caller waits for, or reuses, its result, a failure included.
void ContainerRuntime::build(const std::string& ccid, ErrDone done) {
  // Docker runs on when the peer that asked dies; the answer goes back to the asker's domain.
  done = sim_->bind_domain(std::move(done));
  kernel::Simulation::DomainScope host(*sim_, 0);
  auto it = containers_.find(ccid);
  if (it == containers_.end()) {
    done("chaincode " + ccid + " is not installed");
    return;
  }
  Container& c = it->second;
  if (c.build_done) {
    done(build_error(c));
    return;
  }
  c.build_waiters.push_back(std::move(done));
  if (c.build_started) return;
  c.build_started = true;
  note(ccid, "build " + ccid);
  std::optional<std::string> failure = c.definition->container.package_failure;
  if (!c.definition->user_starts.empty() && profile_->separate_build_step) {
    // A chaincode the user runs by hand was never installed: in 2.x dev mode its package ID is
    // "name:version", which the package store finds neither as a package nor as a legacy
    // (1.x-installed) one (core/chaincode/persistence/chaincode_package.go,
    // core/common/ccprovider/ccprovider.go, 2.5) [derived: the os error's path].
    const std::string& name = c.definition->name;
    const std::string& version = c.definition->version;
    failure = "could not get legacy chaincode package '" + ccid +
              "': open /var/hyperledger/production/chaincodes/" + name + "." + version +
              ": no such file or directory";
  }
  if (failure) {
    // Router.Build reads the package before building (2.x; docs/fabric-sources.md 6.4 #11): it
    // fails at once, and the BuildRegistry keeps the failure like any other. The peer always
    // has an external builder (internal/peer/node/start.go sets Router.ExternalBuilder, 2.0 to
    // 3.0), whose read comes first: a package that cannot be read fails "for external build"
    // even when the chaincode would have been built by docker (core/container/container.go).
    const std::string err = "failed to get chaincode package for external build: " + *failure;
    sim_->spawn([this, ccid, err] { finish_build(ccid, err); },
                [&] { return "build " + ccid + " fails"; });
    return;
  }
  sim_->after(
      c.definition->container.build_delay,
      [this, ccid] {
        finish_build(ccid, containers_.at(ccid).definition->container.build_failure);
      },
      [&] { return "build " + ccid + " done"; });
}

void ContainerRuntime::finish_build(const std::string& ccid, std::optional<std::string> failure) {
  Container& b = containers_.at(ccid);
  b.build_done = true;
  if (failure) {
    b.build_err = failure;
    note(ccid, "build " + ccid + " failed: " + *failure);
  }
  std::vector<ErrDone> waiters = std::move(b.build_waiters);
  b.build_waiters.clear();
  for (ErrDone& w : waiters)
    w(build_error(b));
}

void ContainerRuntime::start(const std::string& ccid, ErrDone done) {
  done = sim_->bind_domain(std::move(done));
  kernel::Simulation::DomainScope host(*sim_, 0);
  Container& c = containers_.at(ccid);
  const ContainerBehaviour& behaviour = c.definition->container;
  if (c.current != nullptr && c.current->alive) {
    // Docker's Start stops and removes a container of the same name first (1.4+, 2.x).
    die(*c.current, kStoppedExitCode, "stopped: container " + ccid + " is started again");
  }
  note(ccid, "start container " + ccid);
  if (behaviour.start_failure && !behaviour.start_failure_after) {
    note(ccid, "start container " + ccid + " failed: " + *behaviour.start_failure);
    done("error starting container: " + *behaviour.start_failure);
    return;
  }
  Process& p = *processes_.emplace_back(std::make_unique<Process>());
  p.ccid = ccid;
  c.current = &p;
  Process* process = &p;
  if (behaviour.exit_before_register) {
    const int code = behaviour.exit_before_register->code;
    p.dial = sim_->after(
        behaviour.exit_before_register->after,
        [this, process, code] {
          note(process->ccid, "chaincode process " + process->ccid + " exits before registering");
          exited(*process, code);
        },
        [&] { return "container " + p.ccid + " exits"; });
  } else if (!behaviour.never_registers) {
    p.dial = sim_->after(
        behaviour.start_delay, [this, process] { connect(*process); },
        [&] { return "container " + p.ccid + " dials the peer"; });
  }
  if (behaviour.crash && behaviour.crash->at) {
    p.crash_timer = sim_->after(
        *behaviour.crash->at,
        [this, process, code = behaviour.crash->exit_code] { die(*process, code, "crashed"); },
        [&] { return "container " + p.ccid + " crashes"; });
  }
  if (behaviour.start_failure_after) {
    // The daemon started the container, but the call that asked for it returns an error: the
    // process runs on whatever the caller makes of the error.
    sim_->after(
        *behaviour.start_failure_after,
        [this, ccid, done = std::move(done), err = *behaviour.start_failure] {
          note(ccid, "start container " + ccid + " returns an error (the container runs): " + err);
          done("error starting container: " + err);
        },
        [&] { return "start container " + ccid + " returns"; });
    return;
  }
  done(std::nullopt);
}

void ContainerRuntime::start_user_process(const std::string& ccid) {
  Process& p = *processes_.emplace_back(std::make_unique<Process>());
  p.ccid = ccid;
  p.user_started = true;
  containers_.at(ccid).user_processes.push_back(&p);
  note(ccid, "the user starts chaincode process " + ccid);
  connect(p);
}

void ContainerRuntime::wait(const std::string& ccid, ExitDone done) {
  done = sim_->bind_domain(std::move(done));
  kernel::Simulation::DomainScope host(*sim_, 0);
  Container& c = containers_.at(ccid);
  if (c.current != nullptr && c.current->alive) {
    c.current->exit_waiters.push_back(std::move(done));
  } else if (c.last_exit_code) {
    sim_->spawn([done = std::move(done), code = *c.last_exit_code] { done(code); },
                [&] { return "container " + ccid + " wait returns"; });
  }
  // Never started: nothing to wait for, and Wait never returns.
}

// --- 1.0/1.1: docker operations under VMCProcess ---------------------------------------------

void ContainerRuntime::vm_lock(const std::string& ccid, std::function<void()> request) {
  Container& c = containers_.at(ccid);
  if (c.vm_locked) {
    note(ccid, "docker request for " + ccid + " waits for the container lock");
    c.vm_waiters.push_back(std::move(request));
    return;
  }
  c.vm_locked = true;
  request();
}

void ContainerRuntime::vm_unlock(const std::string& ccid) {
  Container& c = containers_.at(ccid);
  if (c.vm_waiters.empty()) {
    c.vm_locked = false;
    return;
  }
  // The lock passes to the next request, which runs as its own task.
  std::function<void()> next = std::move(c.vm_waiters.front());
  c.vm_waiters.pop_front();
  sim_->spawn(std::move(next), [&] { return "docker request for " + ccid + " takes the lock"; });
}

// DockerVM.Start (1.0): stopInternal, createContainer (building the image when it is missing),
// PrelaunchFunc, StartContainer.
void ContainerRuntime::docker_start(const std::string& ccid, std::function<void()> prelaunch,
                                    ErrDone done) {
  prelaunch = sim_->bind_domain(std::move(prelaunch));
  done = sim_->bind_domain(std::move(done));
  kernel::Simulation::DomainScope host(*sim_, 0);
  vm_lock(ccid, [this, ccid, prelaunch = std::move(prelaunch), done = std::move(done)] {
    Container& c = containers_.at(ccid);
    if (c.current != nullptr && c.current->alive) {
      die(*c.current, kStoppedExitCode, "stopped: container " + ccid + " is started again");
    }
    // A failed build leaves no image behind: the next Start builds again.
    if (c.build_done && c.build_err) {
      c.build_started = false;
      c.build_done = false;
      c.build_err.reset();
    }
    build(ccid, [this, ccid, prelaunch, done](const std::optional<std::string>& build_err) {
      const ContainerBehaviour& behaviour = containers_.at(ccid).definition->container;
      if (build_err) {
        vm_unlock(ccid);
        done(*behaviour.build_failure);
        return;
      }
      prelaunch();
      start(ccid, [this, ccid, done, &behaviour](const std::optional<std::string>& start_err) {
        vm_unlock(ccid);
        done(start_err ? behaviour.start_failure : std::nullopt);
      });
    });
  });
}

void ContainerRuntime::with_container_lock(
    const std::string& ccid, std::function<void(std::function<void()> unlock)> request) {
  request = sim_->bind_domain(std::move(request));
  kernel::Simulation::DomainScope host(*sim_, 0);
  vm_lock(ccid, [this, ccid, request = std::move(request)] {
    request([this, ccid] { vm_unlock(ccid); });
  });
}

void ContainerRuntime::docker_stop(const std::string& ccid, ErrDone done) {
  done = sim_->bind_domain(std::move(done));
  kernel::Simulation::DomainScope host(*sim_, 0);
  vm_lock(ccid, [this, ccid, done = std::move(done)] {
    Container& c = containers_.at(ccid);
    if (c.current != nullptr && c.current->alive) {
      die(*c.current, kStoppedExitCode, "stopped after a failed launch");
    }
    vm_unlock(ccid);
    done(std::nullopt);
  });
}

// --- The process ---------------------------------------------------------------------------

// The chaincode process dials the peer: a new stream, the peer's handler, the shim's REGISTER.
void ContainerRuntime::connect(Process& p) {
  if (!p.alive) return;
  ChaincodeStream& s = open_stream(p);
  if (accept_(s, kPeerEnd, containers_.at(p.ccid).definition->name) == nullptr) {
    // Nobody listens at the peer's address: the shim's dial fails, Start returns the error
    // and main() exits.
    note(p.ccid, "chaincode process " + p.ccid + " cannot reach the peer: connection refused");
    s.abort(kProcessDiedError);
    if (redial(p)) return;
    exited(p, p.user_started ? 0 : containers_.at(p.ccid).definition->container.exit_code);
    return;
  }
  Process* process = &p;
  ShimHandler& shim = attach_shim(p, s, [this, process](const std::string&, int exit_code) {
    if (exit_code == 0 && redial(*process)) return;
    // main() returns after shim.Start fails: the container's configured exit code. A panic
    // reports its own.
    const int code = exit_code != 0 || process->user_started
                         ? exit_code
                         : containers_.at(process->ccid).definition->container.exit_code;
    exited(*process, code);
  });
  if (!p.user_started) send_before_register(p, s);
  shim.start();
}

// container.reconnect: a main() that calls shim.Start again when it returns (a retry loop):
// the process lives on and dials the peer anew `after` later. A daemon: a process that
// retries for ever keeps nothing else alive.
bool ContainerRuntime::redial(Process& p) {
  const ChaincodeDefinition& def = *containers_.at(p.ccid).definition;
  if (!p.alive || p.user_started || !def.container.reconnect) return false;
  Process* process = &p;
  note(p.ccid, "chaincode process " + p.ccid + " dials the peer again in " +
                   kernel::format_duration(*def.container.reconnect));
  p.dial = sim_->daemon_at(
      sim_->now() + *def.container.reconnect, [this, process] { connect(*process); },
      [&] { return "container " + p.ccid + " redials the peer"; });
  return true;
}

// container.before_register: sent by the chaincode's end as is, ahead of the shim's REGISTER,
// and traced as the shim's sends (its state not involved, as for an injected message).
void ContainerRuntime::send_before_register(const Process& p, ChaincodeStream& s) {
  const ChaincodeDefinition& def = *containers_.at(p.ccid).definition;
  for (const ChaincodeMessage& m : def.container.before_register) {
    if (auto err = s.send(kShimEnd, share(m))) {
      note(p.ccid, "before REGISTER: send failed: " + *err);
      continue;
    }
    trace_message(*sim_, kernel::TraceKind::kSend, Side::kShim, "", def.name, Side::kShim, m);
  }
}

// A fresh stream of p's chaincode: its latency from the delay model, and every message shown
// to the crash counter and the fault observer.
ChaincodeStream& ContainerRuntime::open_stream(Process& p) {
  const std::string name = containers_.at(p.ccid).definition->name;
  kernel::Simulation* sim = sim_;
  const DelayModel* delays = delays_;
  auto stream = std::make_unique<ChaincodeStream>(
      *sim_,
      [sim, delays, name](kernel::End from, const MessagePtr& msg) {
        return delays->latency(sim->decisions(), name, from == kPeerEnd ? Side::kPeer : Side::kShim,
                               *msg);
      },
      !delays_->unsafe_reorder);
  stream->set_close_latency([sim, delays, name](kernel::End from) {
    return delays->close_latency(sim->decisions(), name,
                                 from == kPeerEnd ? Side::kPeer : Side::kShim);
  });
  ChaincodeStream& s = *streams_.emplace_back(std::move(stream));
  p.stream = &s;
  const bool peer_is_a = kPeerEnd == kernel::End::kA;
  s.set_labels(peer_is_a ? "peer->" + name : name + "->peer",
               peer_is_a ? name + "->peer" : "peer->" + name,
               [](const MessagePtr& msg) { return label_of(*msg); });
  Process* process = &p;
  Transport* transport = nullptr;
  const ServiceBehaviour* service = containers_.at(p.ccid).definition->service
                                        ? &*containers_.at(p.ccid).definition->service
                                        : nullptr;
  if (delays_->transport_modelled() || (p.server && service->keepalive_given)) {
    // A container's shim dials the peer's chaincode listener; the peer dials a chaincode
    // server. The dialer is the gRPC client of the connection.
    transport = transports_
                    .emplace_back(
                        p.server ? std::make_unique<Transport>(
                                       *sim_, *profile_, *delays_, s, name, kPeerEnd, Side::kPeer,
                                       service_keepalive(*delays_, *service), service->address)
                                 : std::make_unique<Transport>(
                                       *sim_, *profile_, *delays_, s, name, kShimEnd, Side::kShim,
                                       container_keepalive(*profile_, *delays_), "172.18.0.3:7052"))
                    .get();
    s.set_delivery_observer([transport](kernel::End to) { transport->on_deliver(to); });
    s.set_close_observer([transport](kernel::End from) { transport->on_close(from); });
    s.set_abort_observer([transport] { transport->stop(); });
  }
  s.set_observer([this, process, name, transport](kernel::End from, const MessagePtr& msg) {
    const Side side = from == kPeerEnd ? Side::kPeer : Side::kShim;
    if (transport != nullptr) transport->on_send(from);
    if (side == Side::kShim) shim_message(*process);
    if (observer_) observer_(name, side, *msg);
  });
  return s;
}

// The chaincode's shim on `s` (chatWithPeer), what the peer sends counted on its way in.
ShimHandler& ContainerRuntime::attach_shim(Process& p, ChaincodeStream& s,
                                           ShimHandler::OnExit on_exit) {
  const ChaincodeDefinition& def = *containers_.at(p.ccid).definition;
  auto shim = std::make_unique<ShimHandler>(*sim_, *profile_, *config_, s, kShimEnd, def.name, def,
                                            std::move(on_exit), mutation_);
  ShimHandler& shim_ref = *shims_.emplace_back(std::move(shim));
  p.shim = &shim_ref;
  s.attach(kShimEnd, taps_.emplace_back(std::make_unique<ShimTap>(*this, p, shim_ref)).get());
  return shim_ref;
}

// The shim sent or received one more message: a `crash.after_messages` process dies right
// after the Nth, as its own task at that instant.
void ContainerRuntime::shim_message(Process& p) {
  ++p.shim_messages;
  const auto& crash = containers_.at(p.ccid).definition->container.crash;
  if (!p.alive || p.user_started || !crash || !crash->after_messages ||
      p.shim_messages != *crash->after_messages) {
    return;
  }
  Process* process = &p;
  sim_->spawn(
      [this, process, code = crash->exit_code, n = *crash->after_messages] {
        die(*process, code, "crashed after " + std::to_string(n) + " messages");
      },
      [&] { return "container " + p.ccid + " crashes"; });
}

// The process dies without its shim closing anything: the shim stops where it is, and the
// stream breaks under both ends (the peer's Recv fails).
void ContainerRuntime::die(Process& p, int exit_code, const std::string& why) {
  if (!p.alive) return;
  note(p.ccid, (p.server ? "chaincode server " : "chaincode process ") + p.ccid + " " + why);
  // The peer is the server of a container's stream and the client of a service's: a client
  // reads the dead server's closed socket [derived].
  const char* error = p.server ? kServerDiedError : kProcessDiedError;
  if (p.shim != nullptr) p.shim->kill();
  if (p.stream != nullptr) p.stream->abort(error);
  for (auto& [stream, shim] : p.connections) {
    shim->kill();
    stream->abort(error);
  }
  exited(p, exit_code);
}

void ContainerRuntime::exited(Process& p, int exit_code) {
  if (!p.alive) return;
  p.alive = false;
  sim_->cancel(p.dial);
  sim_->cancel(p.crash_timer);
  Container& c = containers_.at(p.ccid);
  if (c.current == &p) c.last_exit_code = exit_code;
  const char* what = p.server         ? "chaincode server "
                     : p.user_started ? "chaincode process "
                                      : "container ";
  note(p.ccid, what + p.ccid + " exited with " + std::to_string(exit_code));
  std::vector<ExitDone> waiters = std::move(p.exit_waiters);
  p.exit_waiters.clear();
  for (ExitDone& w : waiters)
    sim_->spawn([w = std::move(w), exit_code] { w(exit_code); },
                [&] { return "container " + p.ccid + " wait returns"; });
}

// --- Chaincode as a service (docs/fabric-sources.md 4.5, 3.4) ----------------------------------

bool ContainerRuntime::is_service(const std::string& ccid) const {
  const ChaincodeDefinition* def = definition(ccid);
  return def != nullptr && def->service.has_value();
}

// ChaincodeServer.Start: the server process listens from now on. Dials that wait for it
// (their packets were dropped) connect now.
void ContainerRuntime::start_server(const std::string& ccid) {
  Container& c = containers_.at(ccid);
  const ChaincodeDefinition& def = *c.definition;
  Process& p = *processes_.emplace_back(std::make_unique<Process>());
  p.ccid = ccid;
  p.server = true;
  c.current = &p;
  note(ccid, "chaincode server " + ccid + " listening on " + def.service->address);
  Process* process = &p;
  if (def.container.crash && def.container.crash->at) {
    p.crash_timer = sim_->after(
        *def.container.crash->at,
        [this, process, code = def.container.crash->exit_code] { die(*process, code, "crashed"); },
        [&] { return "chaincode server " + ccid + " crashes"; });
  }
  std::vector<PendingDial*> waiting = std::move(c.pending_dials);
  c.pending_dials.clear();
  for (PendingDial* dial : waiting) {
    if (!dial->open) continue;
    dial->open = false;
    sim_->cancel(dial->deadline);
    connect_to_server(p, std::move(dial->done));
  }
}

void ContainerRuntime::restart_server(const std::string& ccid) {
  if (running(ccid)) return;
  start_server(ccid);
}

// ExternalChaincodeRuntime.Stream: createConnection (ClientConfig.Dial: a blocking dial with
// FailOnNonTempDialError and the dial timeout), client.Connect, HandleChaincodeStream.
void ContainerRuntime::stream(const std::string& ccid, ErrDone done) {
  Container& c = containers_.at(ccid);
  const ServiceBehaviour& service = *c.definition->service;
  note(ccid, "dial " + service.address);
  if (c.current != nullptr && c.current->alive) {
    connect_to_server(*c.current, std::move(done));
    return;
  }
  // createConnection's and Dial's wrapping around gRPC's error.
  const std::string failed = "error cannot create connection for " + ccid +
                             ": error creating grpc connection to " + service.address +
                             ": failed to create new connection: ";
  // A dial takes the behaviour of the phase it starts in (gRPC's blocking dial retries a
  // dropped connection until its context ends; a phase change during it is not modelled).
  const kernel::Duration since_start = sim_->now() - kernel::Time::zero();
  if (service.while_down_at(since_start) == ServiceBehaviour::WhileDown::kRefuse) {
    // A refused connection is not a temporary error: the blocking dial fails at once.
    const std::string err = failed +
                            "connection error: desc = \"transport: error while dialing: dial tcp " +
                            service.address + ": connect: connection refused\"";
    sim_->spawn(
        [this, ccid, err, done = std::move(done)] {
          note(ccid, "dial failed: " + err);
          done(err);
        },
        [&] { return "dial " + ccid + " refused"; });
    return;
  }
  // Nothing answers: the dial blocks until the server listens or its context expires.
  const kernel::Duration timeout =
      service.dial_timeout.ns() > 0 ? service.dial_timeout : ServiceBehaviour::kDefaultDialTimeout;
  PendingDial& dial = *dials_.emplace_back(std::make_unique<PendingDial>());
  c.pending_dials.push_back(&dial);
  dial.done = std::move(done);
  PendingDial* pending = &dial;
  dial.deadline = sim_->after(
      timeout,
      [this, ccid, pending, err = failed + "context deadline exceeded"] {
        if (!pending->open) return;
        pending->open = false;
        note(ccid, "dial failed: " + err);
        ErrDone finished = std::move(pending->done);
        finished(err);
      },
      [&] { return "dial " + ccid + " times out"; });
}

// A connection to `server`: the peer's handler on the client end (HandleChaincodeStream), the
// server's Connect handler with a fresh shim on the other (chatWithPeer sends REGISTER first).
void ContainerRuntime::connect_to_server(Process& server, ErrDone done) {
  ChaincodeStream& s = open_stream(server);
  Handler& peer = *accept_(s, kPeerEnd, containers_.at(server.ccid).definition->name);
  ChaincodeStream* stream = &s;
  Process* process = &server;
  Handler* handler = &peer;
  // HandleChaincodeStream returns once ProcessStream has (its handler half-closes as it
  // ends; a half_close fault is not that). Then Stream's deferred conn.Close cancels the
  // server's side of the RPC [derived], and Stream returns nil.
  auto returned = std::make_shared<bool>(false);
  s.set_close_observer([this, stream, handler, returned, done](kernel::End from) {
    if (from != kPeerEnd || !handler->stream_ended() || *returned) return;
    *returned = true;
    sim_->spawn(
        [stream, done] {
          stream->abort(kProcessDiedError);
          done(std::nullopt);
        },
        [handler] { return "peer " + handler->stream_name() + " HandleChaincodeStream returns"; });
  });
  ShimHandler& shim =
      attach_shim(server, s, [this, process, stream](const std::string& reason, int exit_code) {
        if (exit_code != 0) {
          // A panic kills the server process, every connection with it.
          die(*process, exit_code, "died: " + reason);
          return;
        }
        // Server mode: Connect returns chatWithPeer's error and gRPC ends the RPC with it; the
        // server keeps listening (3.4).
        stream->set_close_error(kShimEnd, "rpc error: code = Unknown desc = " + reason);
      });
  server.connections.emplace_back(stream, &shim);
  send_before_register(server, s);
  shim.start();
}

// --- For fault injection -------------------------------------------------------------------

ContainerRuntime::Process* ContainerRuntime::target(const std::string& ccid) {
  auto it = containers_.find(ccid);
  if (it == containers_.end()) return nullptr;
  Container& c = it->second;
  if (c.current != nullptr && c.current->alive) return c.current;
  for (auto p = c.user_processes.rbegin(); p != c.user_processes.rend(); ++p) {
    if ((*p)->alive) return *p;
  }
  return c.current;
}

void ContainerRuntime::stop_all(const std::string& why) {
  kernel::Simulation::DomainScope host(*sim_, 0);
  for (auto& [ccid, c] : containers_) {
    if (c.current != nullptr && c.current->alive && !c.current->server) {
      die(*c.current, kStoppedExitCode, why);
    }
  }
}

bool ContainerRuntime::running(const std::string& ccid) const {
  auto it = containers_.find(ccid);
  if (it == containers_.end()) return false;
  const Container& c = it->second;
  if (c.current != nullptr && c.current->alive) return true;
  return std::any_of(c.user_processes.begin(), c.user_processes.end(),
                     [](const Process* p) { return p->alive; });
}

ChaincodeStream* ContainerRuntime::live_stream(const std::string& ccid) {
  Process* p = target(ccid);
  if (p == nullptr) return nullptr;
  ChaincodeStream* s = p->stream;
  if (s == nullptr || s->aborted()) return nullptr;
  if (!s->can_send(kPeerEnd) && !s->can_send(kShimEnd)) return nullptr;
  return s;
}

std::vector<ChaincodeStream*> ContainerRuntime::live_streams() {
  std::vector<ChaincodeStream*> out;
  for (const auto& [ccid, c] : containers_) {
    if (ChaincodeStream* s = live_stream(ccid)) out.push_back(s);
  }
  return out;
}

bool ContainerRuntime::crash(const std::string& ccid, int exit_code, const std::string& why) {
  Process* p = target(ccid);
  if (p == nullptr || !p->alive) return false;
  die(*p, exit_code, why);
  return true;
}

}  // namespace ccsim::fabric
