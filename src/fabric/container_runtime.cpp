#include "ccsim/fabric/container_runtime.hpp"

#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

namespace {
// The peer is the gRPC server at end A, the chaincode process the client at end B.
constexpr kernel::End kPeerEnd = kernel::End::kA;
constexpr kernel::End kShimEnd = kernel::End::kB;
}  // namespace

ContainerRuntime::ContainerRuntime(kernel::Simulation& sim, const PeerConfig& config,
                                   const DelayModel& delays, AcceptFn accept)
    : sim_(&sim), config_(&config), delays_(&delays), accept_(std::move(accept)) {}

void ContainerRuntime::add(const ChaincodeDefinition& definition) {
  containers_[definition.ccid()].definition = &definition;
}

const ChaincodeDefinition* ContainerRuntime::definition(const std::string& ccid) const {
  auto it = containers_.find(ccid);
  return it == containers_.end() ? nullptr : it->second.definition;
}

void ContainerRuntime::note(const std::string& ccid, std::string detail) {
  const ChaincodeDefinition* def = definition(ccid);
  trace_note(*sim_, "runtime", "", def != nullptr ? def->name : ccid, "", "", std::move(detail));
}

void ContainerRuntime::build(const std::string& ccid, ErrDone done) {
  const ChaincodeDefinition* def = definition(ccid);
  if (def == nullptr) {
    done("chaincode " + ccid + " is not installed");
    return;
  }
  note(ccid, "build " + ccid);
  sim_->after(def->container.build_delay, [done = std::move(done)] { done(std::nullopt); });
}

void ContainerRuntime::start(const std::string& ccid, ErrDone done) {
  Container& c = containers_.at(ccid);
  c.running = true;
  note(ccid, "start container " + ccid);
  sim_->after(c.definition->container.start_delay, [this, ccid] { connect(ccid); });
  done(std::nullopt);
}

void ContainerRuntime::wait(const std::string& ccid, ExitDone done) {
  containers_.at(ccid).exit_waiters.push_back(std::move(done));
}

// The chaincode process dials the peer: a new stream, the peer's handler, the shim's REGISTER.
void ContainerRuntime::connect(const std::string& ccid) {
  Container& c = containers_.at(ccid);
  if (!c.running) return;
  const std::string name = c.definition->name;
  kernel::Simulation* sim = sim_;
  const DelayModel* delays = delays_;
  auto stream = std::make_unique<ChaincodeStream>(
      *sim_,
      [sim, delays, name](kernel::End from, const ChaincodeMessage& msg) {
        return delays->latency(sim->decisions(), name, from == kPeerEnd ? Side::kPeer : Side::kShim,
                               msg);
      },
      !delays_->unsafe_reorder);
  ChaincodeStream& s = *streams_.emplace_back(std::move(stream));
  accept_(s, kPeerEnd, name);
  auto shim = std::make_unique<ShimHandler>(*sim_, *config_, s, kShimEnd, name, *c.definition,
                                            [this, ccid](const std::string&) {
                                              // main() returns after shim.Start fails: exit 0.
                                              exited(ccid, 0);
                                            });
  ShimHandler& shim_ref = *shims_.emplace_back(std::move(shim));
  shim_ref.start();
}

void ContainerRuntime::exited(const std::string& ccid, int exit_code) {
  Container& c = containers_.at(ccid);
  if (!c.running) return;
  c.running = false;
  note(ccid, "container " + ccid + " exited with " + std::to_string(exit_code));
  std::vector<ExitDone> waiters = std::move(c.exit_waiters);
  c.exit_waiters.clear();
  for (ExitDone& w : waiters)
    sim_->spawn([w = std::move(w), exit_code] { w(exit_code); });
}

}  // namespace ccsim::fabric
