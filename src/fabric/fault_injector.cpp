#include "ccsim/fabric/fault_injector.hpp"

#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

FaultInjector::FaultInjector(kernel::Simulation& sim, ContainerRuntime& runtime,
                             std::vector<Fault> faults,
                             std::function<void(const Fault&)> restart_peer,
                             ReadFailures* read_failures)
    : sim_(&sim),
      runtime_(&runtime),
      faults_(std::move(faults)),
      armed_(faults_.size()),
      restart_peer_(std::move(restart_peer)),
      read_failures_(read_failures) {
  bool any_after = false;
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    if (faults_[i].at) {
      sim_->at(
          *faults_[i].at, [this, i] { fire(i); }, [&] { return fault_label(i); });
    } else if (faults_[i].after) {
      any_after = true;
    }
  }
  if (any_after) {
    runtime_->set_message_observer(
        [this](const std::string& chaincode, Side from, const ChaincodeMessage& msg) {
          on_message(chaincode, from, msg);
        });
  }
}

void FaultInjector::note(const Fault& fault, std::string detail) {
  trace_note(*sim_, "fault", "", fault.chaincode, "", "", std::move(detail));
}

// Called from inside Stream::send: the fault fires as its own task at this instant, after
// the send (and its trace event) completed.
void FaultInjector::on_message(const std::string& chaincode, Side from,
                               const ChaincodeMessage& msg) {
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const Fault& f = faults_[i];
    if (!f.after || armed_[i].fired || f.chaincode != chaincode) continue;
    if (f.after->type != msg.type || f.after->from != from) continue;
    if (++armed_[i].seen != f.after->count) continue;
    kernel::Simulation::DomainScope host(*sim_, 0);  // faults are the host's, whoever sent
    sim_->spawn([this, i] { fire(i); }, [&] { return fault_label(i); });
  }
}

ChaincodeStream* FaultInjector::target_stream(const Fault& fault) {
  ChaincodeStream* s = runtime_->live_stream(runtime_->ccid_of(fault.chaincode));
  if (s == nullptr) {
    note(fault,
         describe(fault) + ": chaincode " + fault.chaincode + " has no live stream; nothing done");
  }
  return s;
}

void FaultInjector::fire(std::size_t index) {
  if (armed_[index].fired) return;
  armed_[index].fired = true;
  const Fault& f = faults_[index];
  const kernel::End end =
      f.side == Side::kPeer ? ContainerRuntime::kPeerEnd : ContainerRuntime::kShimEnd;
  switch (f.action) {
    case Fault::Action::kTerminateStream:
      if (ChaincodeStream* s = target_stream(f)) {
        note(f, describe(f));
        s->abort(kTransportClosingError);
      }
      return;
    case Fault::Action::kHalfClose:
      if (ChaincodeStream* s = target_stream(f)) {
        note(f, describe(f));
        s->close_send(end);
      }
      return;
    case Fault::Action::kFailNextSend:
      if (ChaincodeStream* s = target_stream(f)) {
        note(f, describe(f));
        s->fail_next_send(end, f.error);
      }
      return;
    case Fault::Action::kCrashContainer:
    case Fault::Action::kRestartContainer: {
      const std::string ccid = runtime_->ccid_of(f.chaincode);
      // A service that is down can be restarted: its server starts by itself.
      const bool restart_service =
          f.action == Fault::Action::kRestartContainer && runtime_->is_service(ccid);
      if (!runtime_->running(ccid) && !restart_service) {
        note(f,
             describe(f) + ": chaincode " + f.chaincode + " has no running process; nothing done");
        return;
      }
      note(f, describe(f));
      if (runtime_->running(ccid)) {
        runtime_->crash(ccid, f.exit_code,
                        "crashed (fault " + std::string(to_string(f.action)) + ")");
      }
      if (restart_service) {
        runtime_->restart_server(ccid);  // listens again at once; the peer dials it
      } else if (f.action == Fault::Action::kRestartContainer) {
        // The container comes back; its new process dials the peer after the start delay.
        runtime_->start(ccid, [this, f](const std::optional<std::string>& err) {
          if (err) note(f, "restart_container: " + *err);
        });
      }
      return;
    }
    case Fault::Action::kInject:
      if (ChaincodeStream* s = target_stream(f)) {
        note(f, describe(f));
        if (auto err = s->send(end, share(f.message))) {
          note(f, "inject: send failed: " + *err);
        } else {
          // Sent by that end, as its handler's sends are traced (bypassing its state).
          trace_message(*sim_, kernel::TraceKind::kSend, f.side, "", f.chaincode, f.side,
                        f.message);
        }
      }
      return;
    case Fault::Action::kWithhold:
    case Fault::Action::kDelay:
      return;  // not fired: the peer's HandshakeScript applies them as it sends
    case Fault::Action::kRestartPeer: {
      note(f, describe(f));
      if (restart_peer_) restart_peer_(f);
      return;
    }
    case Fault::Action::kFailNextQueryRead:
      note(f, describe(f));
      if (read_failures_ != nullptr) read_failures_->add(f.chaincode, f.error);
      return;
  }
}

std::string FaultInjector::fault_label(std::size_t index) const {
  const Fault& f = faults_[index];
  std::string label = "fault " + std::to_string(index) + ' ' + to_string(f.action);
  if (!f.chaincode.empty()) label += ' ' + f.chaincode;
  return label;
}

}  // namespace ccsim::fabric
