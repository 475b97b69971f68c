#include "signals.hpp"

#include <time.h>
#include <csignal>
#include <cstdint>

namespace ccsim::cli {

namespace {

// What a handler may touch: lock-free atomics only (async-signal-safe). One set per process,
// as signal dispositions are.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::atomic<std::int64_t> g_first_ns{0};  // when the first signal came (CLOCK_MONOTONIC)
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
              std::atomic<std::int64_t>::is_always_lock_free);

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[3];

// A second signal within this long of the first is the same request: `timeout` and CI
// runners signal the process and then its process group, so two come at once.
constexpr std::int64_t kSameRequestNs = 1'000'000'000;

std::int64_t monotonic_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

extern "C" void on_stop_signal(int sig) {
  const std::int64_t now = monotonic_ns();
  int none = 0;
  if (g_signal.compare_exchange_strong(none, sig)) {
    g_first_ns.store(now);
    g_stop.store(true);
    return;
  }
  // Asked again, later: the user insists (a second Ctrl-C); end now, as the signal would.
  if (now - g_first_ns.load() > kSameRequestNs) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

StopOnSignals::StopOnSignals() {
  g_stop.store(false);
  g_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int i = 0; i < 3; ++i)
    sigaction(kSignals[i], &action, &g_previous[i]);
}

StopOnSignals::~StopOnSignals() {
  for (int i = 0; i < 3; ++i)
    sigaction(kSignals[i], &g_previous[i], nullptr);
}

const std::atomic<bool>& StopOnSignals::flag() const {
  return g_stop;
}

void StopOnSignals::request_stop() {
  g_stop.store(true);
}

int StopOnSignals::signal() const {
  return g_signal.load();
}

}  // namespace ccsim::cli
