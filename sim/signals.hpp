// SIGINT, SIGTERM and SIGHUP while a command runs (Ctrl-C, `timeout`, a CI runner cancelling a
// job, a closed terminal). The first asks the command to stop: a campaign stops between runs, a
// run between events; it writes what it has and exits 128 + the signal's number. Another one
// within a second is the same request (`timeout` signals the process, then its group); one
// later ends the process at once, as the signal would. The library installs no handlers.
#pragma once

#include <atomic>

namespace ccsim::cli {

class StopOnSignals {
 public:
  /// Installs the handlers (and clears an earlier request).
  StopOnSignals();
  /// Puts the previous actions back.
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  /// Set by the first signal, or by request_stop(): what campaigns and runs poll.
  const std::atomic<bool>& flag() const;
  /// Stops the command as a signal would, for another reason (an output that cannot be
  /// written); signal() stays 0.
  void request_stop();
  /// The signal that asked to stop, or 0.
  int signal() const;
  /// 128 + signal(): what a shell reports for a process its signal ended.
  int exit_code() const { return 128 + signal(); }
};

}  // namespace ccsim::cli
