#include "ccsim/fabric/runtime_launcher.hpp"

#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

void RuntimeLauncher::launch(const std::string& ccid, const std::string& txid, Done done) {
  const ChaincodeDefinition* def = runtime_->definition(ccid);
  const std::optional<std::string> package_failure =
      def != nullptr ? def->container.package_failure : std::nullopt;
  // 1.2 (docs/fabric-sources.md 4.3): the package is read before Launching, so a failure fails
  // this caller alone and leaves nothing behind. (2.x reads it in Runtime.Build.)
  if (package_failure && !profile_->package_failure_strands_launch &&
      !profile_->separate_build_step) {
    fail_reading_package(ccid, txid, *package_failure, "", done);
    return;
  }
  // 1.2 (docs/fabric-sources.md 4.3): Launching refuses a second launch instead of queueing it.
  if (!profile_->queue_concurrent_launches && registry_->has_launched(ccid)) {
    trace_note(*sim_, "launcher", "", "", txid, "", "launch " + ccid + ": already launching");
    done("failed to register " + ccid + " as launching: chaincode " + ccid +
         " has already been launched");
    return;
  }
  auto [state, already_started] = registry_->launching(ccid);
  if (!already_started && package_failure && profile_->package_failure_strands_launch) {
    // 1.3/1.4 (4.4, 6.4 #11): the timer is made, then getCodePackage fails and Launch
    // returns at once: no goroutine, no select, no Notify, no Deregister. The launch state
    // stays in the launching map, never notified, and nothing waits on the timer.
    fail_reading_package(ccid, txid, *package_failure,
                         " (the launch state stays in the launching map, never notified)", done);
    return;
  }
  Wait& w = *waits_.emplace_back(std::make_unique<Wait>());
  w.ccid = ccid;
  w.txid = txid;
  w.done = std::move(done);
  w.state = state;
  w.already_started = already_started;
  w.select =
      std::make_unique<kernel::Select>(*sim_, "launch " + ccid + " " + txid, 3,
                                       [this, &w](std::size_t chosen) { finish(w, chosen); });
  trace_note(*sim_, "launcher", "", "", txid, "",
             already_started ? "launch " + ccid + ": waiting for the launch under way"
                             : "launch " + ccid + ": starting");
  if (!already_started) {
    w.timer = sim_->after(
        config_->startup_timeout,
        [this, &w] {
          trace_event(*sim_, kernel::TraceKind::kTimer, "launcher", "", "", "", "",
                      "startup timeout " + w.ccid);
          w.select->ready(kTimeoutCase);
        },
        [&] { return "launch " + ccid + " for " + txid + " startup timeout"; });
    sim_->spawn(
        [this, &w] {
          if (!profile_->serialize_container_requests) {
            start_container(w, [] {});
            return;
          }
          runtime_->with_container_lock(
              w.ccid, [this, &w](std::function<void()> unlock) { start_container(w, unlock); });
        },
        [&] { return "launch " + ccid + " for " + txid + " starts the container"; });
  }
  w.state->on_done([&w](const std::optional<std::string>&) { w.select->ready(kDoneCase); },
                   "launch " + ccid + " for " + txid);
}

// The launch goroutine: Build, Start, then Wait for the container to exit. Before 2.0 the
// image is built inside Start, and before 1.4.1 nobody waits for the container. A chaincode
// run as a service is dialed instead (2.x).
// `unlock` releases the container's lock once Start has returned (1.2-1.4).
void RuntimeLauncher::start_container(Wait& w, std::function<void()> unlock) {
  runtime_->build(w.ccid, [this, &w, unlock](const std::optional<std::string>& build_err) {
    if (build_err) {
      unlock();
      w.start_failure = (profile_->separate_build_step ? "error building chaincode: "
                                                       : "error starting container: ") +
                        *build_err;
      w.select->ready(kStartFailCase);
      return;
    }
    if (runtime_->is_service(w.ccid)) {
      connect_to_service(w);
      return;
    }
    runtime_->start(w.ccid, [this, &w, unlock](const std::optional<std::string>& start_err) {
      unlock();
      if (start_err) {
        if (w.select->resolved()) {
          // startFailCh has a buffer of one: the goroutine's send succeeds, nobody ever reads
          // it, and the goroutine returns without waiting for the container.
          trace_note(*sim_, "launcher", "", "", w.txid, "",
                     "launch " + w.ccid + ": the start error after the launch ended goes unread");
          return;
        }
        w.start_failure = "error starting container: " + *start_err;
        w.select->ready(kStartFailCase);
        return;
      }
      if (!profile_->container_exit_ends_launch) return;
      runtime_->wait(w.ccid, [&w](int exit_code) {
        w.state->notify("container exited with " + std::to_string(exit_code));
      });
    });
  });
}

// Build returned the chaincode server's connection info (4.5): ConnectionHandler.Stream
// dials it and runs HandleChaincodeStream until the stream ends. A dial failure goes to
// startFailCh; the stream's end notifies the launch state, a no-op once READY notified it.
// No container is started or waited for.
void RuntimeLauncher::connect_to_service(Wait& w) {
  runtime_->stream(w.ccid, [&w](const std::optional<std::string>& err) {
    if (err) {
      w.start_failure = "connection to " + w.ccid + " failed: " + *err;
      w.select->ready(kStartFailCase);
      return;
    }
    w.state->notify("connection to " + w.ccid + " terminated");
  });
}

// getCodePackage failed: "failed to get chaincode package: <err>" goes back to the caller
// as is (ChaincodeSupport.Launch wraps it).
void RuntimeLauncher::fail_reading_package(const std::string& ccid, const std::string& txid,
                                           const std::string& failure, const std::string& aside,
                                           const Done& done) {
  const std::string err = "failed to get chaincode package: " + failure;
  trace_note(*sim_, "launcher", "", "", txid, "", "launch " + ccid + " failed: " + err + aside);
  done(err);
}

void RuntimeLauncher::finish(Wait& w, std::size_t chosen) {
  sim_->cancel(w.timer);
  std::optional<std::string> err;
  switch (chosen) {
    case kDoneCase:
      if (w.state->err()) err = "chaincode registration failed: " + *w.state->err();
      break;
    case kStartFailCase:
      err = w.start_failure;
      w.state->notify(err);
      break;
    case kTimeoutCase:
      err = "timeout expired while starting chaincode " + w.ccid + " for transaction" +
            (profile_->startup_timeout_names_txid ? " " + w.txid : std::string());
      w.state->notify(err);
      break;
  }
  if (err) {
    trace_note(*sim_, "launcher", "", "", "", "", "launch " + w.ccid + " failed: " + *err);
  }
  Done done = std::move(w.done);
  if (err && !w.already_started) {
    // 1.x stops the container (its process dies; docker's kill is exit code 137).
    if (profile_->stop_container_on_launch_failure && !runtime_->is_service(w.ccid)) {
      if (profile_->serialize_container_requests) {
        // Runtime.Stop is a VMController request too: it waits for a Start (a build) still
        // holding the lock, stops what that started, and only then does Launch return and
        // its deferred Deregister run (core/chaincode/runtime_launcher.go, 1.4).
        runtime_->docker_stop(w.ccid,
                              [this, ccid = w.ccid, done, err](const std::optional<std::string>&) {
                                registry_->deregister(ccid);
                                done(err);
                              });
        return;
      }
      runtime_->crash(w.ccid, 137, "stopped after a failed launch");
    }
    registry_->deregister(w.ccid);  // deferred Deregister
  }
  done(err);
}

}  // namespace ccsim::fabric
