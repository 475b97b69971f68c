#include "ccsim/fabric/peer.hpp"

#include <memory>

#include "ccsim/fabric/lifecycle.hpp"
#include "ccsim/kernel/check.hpp"

namespace ccsim::fabric {

Peer::Peer(kernel::Simulation& sim, Profile profile, PeerConfig config, DelayModel delays,
           const std::vector<ChaincodeDefinition>& chaincodes, std::vector<Fault> faults,
           Mutation mutation, const Ledger* initial_ledger)
    : sim_(&sim),
      profile_(std::move(profile)),
      config_(effective(config, profile_)),
      delays_(std::move(delays)),
      script_(faults),
      registry_(sim, /*allow_unsolicited_registration=*/config_.dev_mode),
      running_(profile_, /*user_runs_cc=*/config_.dev_mode),
      runtime_(
          sim, profile_, config_, delays_,
          [this](ChaincodeStream& stream, kernel::End end, const std::string& name) -> Handler& {
            return support_.handle_chaincode_stream(stream, end, name);
          },
          mutation),
      launcher_(sim, profile_, config_, registry_, runtime_),
      fsm_support_(sim, profile_, config_, running_, runtime_),
      support_(Handler::Deps{&sim, &profile_, &config_, &registry_, &ledger_, nullptr, &running_,
                             mutation, &script_},
               launcher_),
      faults_(sim, runtime_, std::move(faults)) {
  if (initial_ledger != nullptr) ledger_ = *initial_ledger;
  if (profile_.peer_fsm) support_.use_fsm(fsm_support_);
  for (const ChaincodeDefinition& def : chaincodes) {
    runtime_.add(def);
    by_name_[def.name] = &def;
    support_.define(def.name, def.ccid(), def.channels);
    for (const kernel::Duration at : def.user_starts) {
      sim_->at(
          kernel::Time::zero() + at, [this, &def] { runtime_.start_user_process(def.ccid()); },
          [&def] { return "the user starts " + def.name; });
    }
    if (def.launch_at) {
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
    fsm_support_.launch(def.ccid(), params, /*deploy=*/false, noted);
    return;
  }
  support_.launch(def.ccid(), txid, channel,
                  [noted](Handler*, const std::optional<std::string>& err) { noted(err); });
}

void Peer::submit(const Proposal& proposal) {
  // unaryGrpcLimiter (internal/peer/node/grpc_limiters.go, 2.1+): a TryAcquire on the
  // Endorser's semaphore before the endorser sees the proposal; it is released when the
  // ProcessProposal call returns, with the outcome.
  if (profile_.endorser_concurrency_limit && config_.endorser_concurrency != 0 &&
      in_flight_ >= config_.endorser_concurrency) {
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
  ++in_flight_;
  auto it = by_name_.find(proposal.chaincode);
  if (it == by_name_.end() || !support_.defined(proposal.chaincode, proposal.channel_id)) {
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
  support_.execute(params, def.name, proposal.args.get(), proposal.is_init,
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
  if (held_a_slot && in_flight_ > 0) --in_flight_;
  kernel::TraceEvent e;
  e.t = sim_->now();
  e.kind = kernel::TraceKind::kOutcome;
  e.actor = "endorser";
  e.txid = o.txid;
  e.channel = o.channel_id;
  e.status = o.status;
  e.error = o.error;
  e.payload = o.payload;
  if (o.event) e.detail = "event=" + *o.event;
  sim_->trace().record(std::move(e));
  sim_->keep(sizeof(ProposalOutcome) + o.txid.size() + o.channel_id.size() +
             (o.payload ? o.payload->size() : 0) + (o.error ? o.error->size() : 0) +
             (o.event ? o.event->size() : 0));
  outcomes_.push_back(std::move(o));
}

}  // namespace ccsim::fabric
