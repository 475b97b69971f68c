#include "ccsim/fabric/peer.hpp"

#include <algorithm>
#include <memory>

#include "ccsim/fabric/lifecycle.hpp"
#include "ccsim/kernel/check.hpp"

namespace ccsim::fabric {

Peer::Process::Process(Peer& peer, std::uint32_t d)
    : domain(d),
      registry(*peer.sim_, /*allow_unsolicited_registration=*/peer.config_.dev_mode),
      running(peer.profile_, /*user_runs_cc=*/peer.config_.dev_mode),
      launcher(*peer.sim_, peer.profile_, peer.config_, registry, peer.runtime_),
      fsm_support(*peer.sim_, peer.profile_, peer.config_, running, peer.runtime_),
      support(Handler::Deps{peer.sim_, &peer.profile_, &peer.config_, &registry, &peer.ledger_,
                            nullptr, &running, peer.mutation_, &peer.script_,
                            [p = &peer](const std::string& value) { p->panic(value); },
                            &peer.read_failures_},
              launcher) {
  if (peer.profile_.peer_fsm) support.use_fsm(fsm_support);
  for (const ChaincodeDefinition& def : *peer.chaincodes_)
    support.define(def.name, def.ccid(), def.channels);
}

Peer::Peer(kernel::Simulation& sim, Profile profile, PeerConfig config, DelayModel delays,
           const std::vector<ChaincodeDefinition>& chaincodes, std::vector<Fault> faults,
           Mutation mutation, const Ledger* initial_ledger)
    : sim_(&sim),
      profile_(std::move(profile)),
      config_(effective(config, profile_)),
      delays_(std::move(delays)),
      mutation_(mutation),
      chaincodes_(&chaincodes),
      script_(faults),
      runtime_(
          sim, profile_, config_, delays_,
          [this](ChaincodeStream& stream, kernel::End end, const std::string& name) -> Handler* {
            if (down_) return nullptr;
            kernel::Simulation::DomainScope in_peer(*sim_, process_->domain);
            return &process_->support.handle_chaincode_stream(stream, end, name);
          },
          mutation),
      faults_(
          sim, runtime_, std::move(faults), [this](const Fault& f) { restart(f); },
          &read_failures_) {
  if (initial_ledger != nullptr) ledger_ = *initial_ledger;
  for (const ChaincodeDefinition& def : chaincodes) {
    runtime_.add(def);
    by_name_[def.name] = &def;
  }
  // A peer that may die (a restart, a panic) runs its process in a domain of its own, which
  // costs a wrapper per event; one that cannot runs in domain 0, which costs nothing.
  // A query read can panic (an iterator released under it, 1.1's double cleanup).
  const bool restarts =
      config_.query_read > kernel::Duration() ||
      std::any_of(faults_.faults().begin(), faults_.faults().end(), [](const Fault& f) {
        return f.action == Fault::Action::kRestartPeer ||
               f.action == Fault::Action::kFailNextQueryRead ||
               (f.action == Fault::Action::kInject && f.message.nil_chaincode_id);
      });
  process_ = std::make_unique<Process>(*this, restarts ? sim.new_domain() : 0);
  for (const ChaincodeDefinition& def : chaincodes) {
    for (const kernel::Duration at : def.user_starts) {
      sim_->at(
          kernel::Time::zero() + at, [this, &def] { runtime_.start_user_process(def.ccid()); },
          [&def] { return "the user starts " + def.name; });
    }
    if (def.launch_at) {
      kernel::Simulation::DomainScope in_peer(*sim_, process_->domain);
      sim_->at(
          kernel::Time::zero() + *def.launch_at, [this, &def] { launch_ahead(def); },
          [&def] { return "launch " + def.name + " ahead"; });
    }
  }
}

// A peer that has served the chaincode before has it running: ChaincodeSupport.Launch as a
// proposal's would, for no proposal (1.x: under a transaction of its own, "launch-<name>",
// whose READY answers nobody).
void Peer::launch_ahead(const ChaincodeDefinition& def) {
  const std::string txid = "launch-" + def.name;
  const std::string channel = def.channels.empty() ? "" : *def.channels.begin();
  trace_note(*sim_, "endorser", "", "", txid, channel, "launch " + def.name + " ahead");
  const auto noted = [this, txid, channel, name = def.name](const std::optional<std::string>& err) {
    trace_note(*sim_, "endorser", "", "", txid, channel,
               "launch " + name + " ahead: " + (err ? *err : std::string("ready")));
  };
  if (profile_.peer_fsm) {
    TransactionParams params;
    params.txid = txid;
    params.channel_id = channel;
    params.namespace_id = def.name;
    params.simulator = std::make_shared<TxSimulator>(ledger_, channel);
    process_->fsm_support.launch(def.ccid(), params, /*deploy=*/false, noted);
    return;
  }
  process_->support.launch(
      def.ccid(), txid, channel,
      [noted](Handler*, const std::optional<std::string>& err) { noted(err); });
}

void Peer::submit(const Proposal& proposal) {
  // unaryGrpcLimiter (internal/peer/node/grpc_limiters.go, 2.1+): a TryAcquire on the
  // Endorser's semaphore before the endorser sees the proposal; it is released when the
  // ProcessProposal call returns, with the outcome.
  if (down_) {
    // Nothing listens at the peer's address.
    trace_note(*sim_, "endorser", "", "", proposal.txid, proposal.channel_id,
               "the peer is down: the client's connection is refused");
    ProposalOutcome o;
    o.ordinal = proposal.ordinal;
    o.txid = proposal.txid;
    o.channel_id = proposal.channel_id;
    o.submitted = o.completed = sim_->now();
    o.error = client_error(/*refused=*/true);
    record_outcome(std::move(o), /*held_a_slot=*/false);
    return;
  }
  if (profile_.endorser_concurrency_limit && config_.endorser_concurrency != 0 &&
      pending_.size() >= config_.endorser_concurrency) {
    const std::string limit = std::to_string(config_.endorser_concurrency);
    trace_note(
        *sim_, "endorser", "", "", proposal.txid, proposal.channel_id,
        "Too many requests for /protos.Endorser, exceeding concurrency limit (" + limit + ")");
    ProposalOutcome o;
    o.ordinal = proposal.ordinal;
    o.txid = proposal.txid;
    o.channel_id = proposal.channel_id;
    o.submitted = o.completed = sim_->now();
    o.error = "too many requests for /protos.Endorser, exceeding concurrency limit (" + limit + ")";
    record_outcome(std::move(o), /*held_a_slot=*/false);
    return;
  }
  pending_[proposal.ordinal] = Pending{proposal.txid, proposal.channel_id, sim_->now()};
  kernel::Simulation::DomainScope in_peer(*sim_, process_->domain);
  auto it = by_name_.find(proposal.chaincode);
  if (it == by_name_.end() || !process_->support.defined(proposal.chaincode, proposal.channel_id)) {
    // The endorser finds no definition (1.x LSCC, 2.x the lifecycle): the proposal fails
    // before any chaincode runs.
    trace_note(
        *sim_, "endorser", "", "", proposal.txid, proposal.channel_id,
        "proposal " + proposal.chaincode + ": no definition on channel " + proposal.channel_id);
    ProposalOutcome o;
    o.ordinal = proposal.ordinal;
    o.txid = proposal.txid;
    o.channel_id = proposal.channel_id;
    o.submitted = o.completed = sim_->now();
    o.error = endorser_chaincode_not_found(profile_, proposal.chaincode, proposal.channel_id);
    record_outcome(std::move(o));
    return;
  }
  const ChaincodeDefinition& def = *it->second;

  TransactionParams params;
  params.txid = proposal.txid;
  params.channel_id = proposal.channel_id;
  params.namespace_id = def.name;
  params.simulator = std::make_shared<TxSimulator>(ledger_, proposal.channel_id);

  trace_note(*sim_, "endorser", "", "", proposal.txid, proposal.channel_id,
             std::string("proposal ") + (proposal.is_init ? "init " : "") + def.name + " " +
                 (proposal.args.empty() ? "" : proposal.args.front()));

  const kernel::Time submitted = sim_->now();
  process_->support.execute(
      params, def.name, proposal.args.get(), proposal.is_init,
      [this, params, submitted, ordinal = proposal.ordinal](ExecutionResult r) {
        ProposalOutcome o;
        o.ordinal = ordinal;
        o.txid = params.txid;
        o.channel_id = params.channel_id;
        o.submitted = submitted;
        o.completed = sim_->now();
        if (r.event) o.event = r.event->name;
        if (r.error) {
          o.error = r.error;
        } else {
          o.status = r.response->status;
          o.payload = r.response->payload;
          if (r.response->status >= Response::kErrorThreshold) {
            o.error = r.response->message;
          } else {
            sim_->keep(params.simulator->commit_to(ledger_, params.txid));
          }
        }
        params.simulator->done();  // defer txParams.TXSimulator.Done()
        record_outcome(std::move(o));
      });
}

void Peer::record_outcome(ProposalOutcome o, bool held_a_slot) {
  // A second outcome for one proposal (a mutant's, a bug's) frees no second slot.
  if (held_a_slot) pending_.erase(o.ordinal);
  kernel::TraceEventView e{
      sim_->now(),  kernel::TraceKind::kOutcome,
      "endorser",   {},
      {},           {},
      {},           o.txid,
      o.channel_id, kernel::TraceDetail(o.event ? "event=" + *o.event : std::string()),
      o.status,     std::nullopt,
      std::nullopt};
  if (o.error) e.error = *o.error;
  if (o.payload) e.payload = *o.payload;
  sim_->trace().record(e);
  sim_->keep(sizeof(ProposalOutcome) + o.txid.size() + o.channel_id.size() +
             (o.payload ? o.payload->size() : 0) + (o.error ? o.error->size() : 0) +
             (o.event ? o.event->size() : 0));
  outcomes_.push_back(std::move(o));
}

// The client's gRPC: grpc-go 1.15 and older (1.x clients) report a connection that goes away
// as "transport is closing" and a refused one through the balancer; 1.66+ name the read error
// and the dial. The addresses are illustrative [derived].
std::string Peer::client_error(bool refused) const {
  if (refused) {
    return profile_.modern_grpc
               ? "rpc error: code = Unavailable desc = connection error: desc = \"transport: "
                 "Error while dialing: dial tcp 172.18.0.3:7051: connect: connection refused\""
               : "rpc error: code = Unavailable desc = all SubConns are in TransientFailure, "
                 "latest connection error: connection error: desc = \"transport: Error while "
                 "dialing dial tcp 172.18.0.3:7051: connect: connection refused\"";
  }
  return profile_.modern_grpc
             ? "rpc error: code = Unavailable desc = error reading from server: EOF"
             : "rpc error: code = Unavailable desc = transport is closing";
}

// restart_peer: the peer process goes away. SIGTERM under 2.2+ first stops the containers it
// started (Router.Shutdown, internal/peer/node/start.go); a crash, or any 1.x peer, leaves
// them running. Everything the process held is gone with its domain; each chaincode stream
// breaks (the shims read the closed connection), every client waiting on a proposal gets its
// connection's error, and after `down_for` a fresh process listens again: docker's
// containers, the ledger and the chaincodes' definitions are still there, nothing else is.
void Peer::restart(const Fault& fault) {
  if (!down_)
    die(fault.graceful,
        fault.graceful ? "the peer process stops (SIGTERM)" : "the peer process dies");
  if (restart_pending_) return;
  restart_pending_ = true;
  sim_->after(
      fault.down_for,
      [this] {
        restart_pending_ = false;
        down_ = false;
        trace_note(*sim_, "endorser", "", "", "", "", "the peer process starts");
      },
      [] { return std::string("the peer starts again"); });
}

void Peer::panic(const std::string& value) {
  trace_note(*sim_, "peer", "", "", "", "", value + " (the peer process dies)");
  die(false, "the peer process dies of a panic");
}

void Peer::die(bool graceful, const std::string& why) {
  if (graceful && profile_.shutdown_stops_containers) {
    runtime_.stop_all("stopped: the peer is shutting down");
  }
  trace_note(*sim_, "endorser", "", "", "", "", why);
  down_ = true;
  sim_->kill_domain(process_->domain);
  const std::string shim_error = client_error(false);
  for (ChaincodeStream* s : runtime_.live_streams()) {
    if (ContainerRuntime::kPeerEnd == kernel::End::kA) {
      s->abort(kProcessDiedError, shim_error);
    } else {
      s->abort(shim_error, kProcessDiedError);
    }
  }
  std::map<std::size_t, Pending> waiting = std::move(pending_);
  pending_.clear();
  for (auto& [ordinal, p] : waiting) {
    ProposalOutcome o;
    o.ordinal = ordinal;
    o.txid = p.txid;
    o.channel_id = p.channel_id;
    o.submitted = p.submitted;
    o.completed = sim_->now();
    o.error = shim_error;
    record_outcome(std::move(o), /*held_a_slot=*/false);
  }
  dead_.push_back(std::move(process_));
  process_ = std::make_unique<Process>(*this, sim_->new_domain());  // not listening yet
}

}  // namespace ccsim::fabric
