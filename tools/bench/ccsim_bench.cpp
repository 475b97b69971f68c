// ccsim_bench: how fast ccsim replays and fuzzes scenarios on this machine. For each scenario
// it prints runs per second and events per second
//   - replay: scenario::run with a digest-only trace and no decision log, seeds 1..N (as
//     `ccsim run --quiet` does, minus the printing), on 1 thread and on every core;
//   - fuzz: a whole campaign (portfolio strategies, every property, coverage) with 1 job and
//     with every core;
// then how long shrinking a found failure takes, and (with --memory) the resident memory over
// 1,000,000 fuzz runs (flat means no per-run growth). Rates are wall-clock; "cpu" rates divide
// by the process's CPU time instead, which a busy machine disturbs less. Figures, never
// assertions: tests time nothing.
//
// Multi-proposal scenarios also get simulated transactions per CPU-second (proposals
// answered, over the CPU time).
//
// Usage: ccsim_bench [--runs N] [--repeat K] [--memory] [--kernel] [--scale [--million]]
//                    [SCENARIO...]
//        (default: scenarios/invoke_basic.json scenarios/bench/ten_proposals.json)
//        --repeat K: each figure is the median of K measurements, with their range
//        --kernel: only the event loop against a bare binary heap of (time, seq), same workload
//        --scale: only one run each of 1k, 10k and 100k proposals (1M with --million): events,
//                 wall time, events/s, peak resident memory, bytes per proposal, growth
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <queue>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/shrink.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/rng.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

namespace {

long status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

long resident_kib() {
  return status_kib("VmRSS:");
}

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Figures {
  double seconds = 0;
  double cpu = 0;
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
};

template <class F>
Figures timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  Figures fig = f();
  fig.cpu = cpu_seconds() - cpu_start;
  fig.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return fig;
}

// `runs` replays split over `threads`, seeds 1..runs, digest-only traces, no decision log
// (what `ccsim run` keeps).
Figures replay(const ccsim::scenario::Scenario& s, std::uint64_t runs, unsigned threads) {
  // (Figures::runs counts runs; transactions are runs times proposals, see report.)
  return timed([&] {
    std::atomic<std::uint64_t> next{1};
    std::atomic<std::uint64_t> events{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        std::uint64_t local = 0;
        for (std::uint64_t seed = next++; seed <= runs; seed = next++) {
          ccsim::scenario::RunOptions o;
          o.seed = seed;
          o.keep_trace = false;
          o.log_decisions = false;
          local += ccsim::scenario::run(s, o).events;
        }
        events += local;
      });
    }
    for (std::thread& t : pool)
      t.join();
    return Figures{0, 0, runs, events.load()};
  });
}

ccsim::explore::CampaignReport campaign(const ccsim::scenario::Scenario& s, std::uint64_t runs,
                                        unsigned jobs, bool shrink = true, std::uint64_t seed = 1) {
  ccsim::explore::CampaignOptions o;
  o.runs = runs;
  o.jobs = jobs;
  o.shrink = shrink;
  o.seed = seed;
  return ccsim::explore::run_campaign({&s}, o);
}

Figures fuzz(const ccsim::scenario::Scenario& s, std::uint64_t runs, unsigned jobs) {
  return timed([&] {
    const auto report = campaign(s, runs, jobs);
    return Figures{0, 0, report.scenarios[0].runs, report.scenarios[0].events};
  });
}

double runs_per_second(const Figures& f) {
  return static_cast<double>(f.runs) / f.seconds;
}

// Takes `repeat` measurements and prints the median one (by runs/s) and, when there are
// several, their range: a shared or throttled machine varies from one to the next.
template <class Measure>
void report(const std::string& file, const char* mode, unsigned threads, unsigned repeat,
            std::size_t proposals, Measure measure) {
  std::vector<Figures> all;
  for (unsigned i = 0; i < repeat; ++i)
    all.push_back(measure());
  std::sort(all.begin(), all.end(), [](const Figures& a, const Figures& b) {
    return runs_per_second(a) < runs_per_second(b);
  });
  const Figures& f = all[all.size() / 2];
  std::printf("%-36s %-6s %2u thread%s %9.0f runs/s %11.0f events/s %9.0f runs/cpu-s  rss %ld KiB",
              file.c_str(), mode, threads, threads == 1 ? " " : "s", runs_per_second(f),
              static_cast<double>(f.events) / f.seconds, static_cast<double>(f.runs) / f.cpu,
              resident_kib());
  if (proposals > 1) {
    std::printf("  %.0f tx/cpu-s",
                static_cast<double>(f.runs) * static_cast<double>(proposals) / f.cpu);
  }
  if (repeat > 1) {
    std::printf("  (median of %u: %.0f-%.0f runs/s)", repeat, runs_per_second(all.front()),
                runs_per_second(all.back()));
  }
  std::printf("\n");
  std::fflush(stdout);
}

// Shrinks the first failure a campaign finds in `s` (found without shrinking), and times it.
void shrink_figures(const std::string& file, const ccsim::scenario::Scenario& s) {
  const auto report = campaign(s, 2000, 1, /*shrink=*/false);
  if (report.scenarios[0].failures.empty()) {
    std::printf("%-36s shrink: no failure in 2000 runs\n", file.c_str());
    return;
  }
  const ccsim::explore::Failure& f = report.scenarios[0].failures[0];
  const auto start = std::chrono::steady_clock::now();
  const auto result = ccsim::explore::shrink(f.decisions, [&](const auto& list) {
    const auto r = ccsim::explore::replay(s, list, f.tie_window);
    return ccsim::explore::breaks_as(s, r, f.property, f.signature);
  });
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-36s shrink: %s, %zu decisions -> %zu in %.1f ms (%llu replays)\n", file.c_str(),
              f.property.c_str(), f.decisions.size(), result.decisions.size(), ms,
              static_cast<unsigned long long>(result.replays));
}

// --- --kernel: the event loop against its floor --------------------------------------------

constexpr std::uint64_t kKernelEvents = 20'000'000;
constexpr unsigned kKernelActors = 1000;

// An actor of the kernel workload: each time it runs it reschedules itself 1-1000ns later,
// the delay drawn from the workload's PRNG, until `total` events have run.
struct Tick {
  ccsim::kernel::Simulation* sim;
  ccsim::kernel::Rng* rng;
  std::uint64_t* ran;
  std::uint64_t total;
  void operator()() const {
    if (++*ran >= total) return;
    sim->after(
        ccsim::kernel::Duration::nanoseconds(1 + static_cast<std::int64_t>(rng->below(1000))),
        *this);
  }
};

double kernel_rate(std::uint64_t total) {
  using namespace ccsim::kernel;
  SeededDecisionSource source(1);
  Decisions decisions(source, /*keep_log=*/false);
  Trace trace(TraceMode::kFingerprint);
  Simulation sim(decisions, trace);
  Rng rng(1);
  std::uint64_t ran = 0;
  for (unsigned a = 0; a < kKernelActors; ++a)
    sim.after(Duration::nanoseconds(1 + static_cast<std::int64_t>(rng.below(1000))),
              Tick{&sim, &rng, &ran, total});
  RunLimits limits;
  limits.max_events = total + kKernelActors;
  const auto start = std::chrono::steady_clock::now();
  sim.run(limits);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(sim.events_run()) / s;
}

// The same draws on a bare binary heap of (time, seq, actor): what any event loop must do.
double floor_rate(std::uint64_t total) {
  using Entry = std::tuple<std::int64_t, std::uint64_t, unsigned>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  ccsim::kernel::Rng rng(1);
  std::uint64_t seq = 0;
  for (unsigned a = 0; a < kKernelActors; ++a)
    heap.emplace(1 + static_cast<std::int64_t>(rng.below(1000)), ++seq, a);
  std::uint64_t ran = 0;
  std::uint64_t checksum = 0;  // keeps the actor's work from being optimised away
  const auto start = std::chrono::steady_clock::now();
  while (!heap.empty()) {
    const auto [t, s, actor] = heap.top();
    heap.pop();
    ++ran;
    checksum += actor;
    if (ran >= total) continue;
    heap.emplace(t + 1 + static_cast<std::int64_t>(rng.below(1000)), ++seq, actor);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (checksum == 0) std::printf(" ");
  return static_cast<double>(ran) / s;
}

int kernel_figures(unsigned repeat) {
  std::vector<double> kernel;
  std::vector<double> floor;
  for (unsigned i = 0; i < repeat; ++i) {
    kernel.push_back(kernel_rate(kKernelEvents));
    floor.push_back(floor_rate(kKernelEvents));
  }
  std::sort(kernel.begin(), kernel.end());
  std::sort(floor.begin(), floor.end());
  const double x = kernel[kernel.size() / 2] / 1e6;
  const double y = floor[floor.size() / 2] / 1e6;
  std::printf("kernel: %.1f M events/s, floor %.1f M events/s, ratio %.2f\n", x, y, x / y);
  std::printf("  (%llu events, %u self-rescheduling actors, delays 1-1000ns; median of %u)\n",
              static_cast<unsigned long long>(kKernelEvents), kKernelActors, repeat);
  return 0;
}

// --- --scale: one run, growing --------------------------------------------------------------

// n proposals, 10us apart, on one running chaincode that reads and writes a key: what
// `ccsim run --quiet` does with a load test.
std::string scale_scenario(std::uint64_t n) {
  return R"({ "name": "scale", "network": { "latency": "1ms" },
    "limits": { "max_proposals": 1000000, "max_events": 1000000000 },
    "chaincodes": [ { "name": "kv", "launch_at": "0",
                      "functions": { "put": [ { "get_state": "k" },
                                              { "put_state": { "key": "k", "value": "v" } } ] } } ],
    "proposals": [ { "at": "1s", "txid": "load", "chaincode": "kv", "function": "put",
                     "repeat": { "count": )" +
         std::to_string(n) + R"(, "interval": "10us" } } ] })";
}

int scale_figures(bool million) {
  std::vector<std::uint64_t> sizes = {1000, 10000, 100000};
  if (million) sizes.push_back(1000000);
  std::printf("scale: one run of n proposals 10us apart (ccsim run --quiet), %u cores\n",
              std::max(1U, std::thread::hardware_concurrency()));
  std::printf("%9s %12s %9s %12s %12s %12s %8s %10s\n", "n", "events", "wall s", "events/s",
              "tx/cpu-s", "peak KiB", "B/prop", "growth");
  double last_seconds = 0;
  std::uint64_t last_n = 0;
  for (const std::uint64_t n : sizes) {
    const long before = resident_kib();
    const Figures f = timed([&] {
      const auto s = ccsim::scenario::load_text(scale_scenario(n), "scale.json");
      ccsim::scenario::RunOptions o;
      o.keep_trace = false;
      o.log_decisions = false;  // as ccsim run
      const auto r = ccsim::scenario::run(s, o);
      if (r.outcomes.size() != n)
        throw std::runtime_error("scale run: not every proposal answered");
      return Figures{0, 0, n, r.events};
    });
    // The high-water mark: rows run in growing order, so it is this row's peak.
    const long peak = status_kib("VmHWM:");
    const double per = static_cast<double>(peak - before) * 1024.0 / static_cast<double>(n);
    std::printf("%9llu %12llu %9.3f %12.0f %12.0f %12ld %8.0f", static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(f.events), f.seconds,
                static_cast<double>(f.events) / f.seconds, static_cast<double>(n) / f.cpu, peak,
                per);
    if (last_n != 0) {
      std::printf(" %10.2f", std::log(f.seconds / last_seconds) /
                                 std::log(static_cast<double>(n) / static_cast<double>(last_n)));
    }
    std::printf("\n");
    std::fflush(stdout);
    last_seconds = f.seconds;
    last_n = n;
  }
  std::printf(
      "  (growth: the exponent k in t ~ n^k between a row and the one before; 1 is "
      "linear)\n");
  return 0;
}

// Every figure, for `files`; throws on a file that does not load.
int bench(const std::vector<std::string>& files, std::uint64_t runs, unsigned repeat, bool memory) {
  std::vector<ccsim::scenario::Scenario> scenarios;  // all loaded before any figure
  for (const std::string& file : files)
    scenarios.push_back(ccsim::scenario::load_file(file));
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  std::printf("ccsim_bench: %llu runs per measurement, %u cores\n",
              static_cast<unsigned long long>(runs), cores);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    const ccsim::scenario::Scenario& s = scenarios[i];
    const std::size_t proposals = s.proposals.size();
    for (unsigned threads : {1U, cores}) {
      report(file, "replay", threads, repeat, proposals, [&] { return replay(s, runs, threads); });
    }
    for (unsigned jobs : {1U, cores})
      report(file, "fuzz", jobs, repeat, proposals, [&] { return fuzz(s, runs, jobs); });
  }
  // Shrinking: ties at one instant (2.5), random latencies (1.1: every message has one), and
  // a long list: ten_proposals, with the last proposal expected no later than 1ms after it
  // completes when every latency is the minimum, so that most random runs fail it.
  for (const char* f : {"scenarios/fuzz/cold_start_two_proposals.2.5.json",
                        "scenarios/fuzz/cold_start_during_launch.1.1.json"}) {
    shrink_figures(f, ccsim::scenario::load_file(f));
  }
  {
    auto s = ccsim::scenario::load_file("scenarios/bench/ten_proposals.json");
    const auto fastest = ccsim::explore::replay(s, {}, {});
    for (const auto& o : fastest.outcomes) {
      if (o.txid == "tx-10") {
        s.expect.outcomes["tx-10"].completed_by =
            o.completed + ccsim::kernel::Duration::milliseconds(1);
      }
    }
    shrink_figures("ten_proposals, tx-10 completed_by tightened", s);
  }
  if (memory) {
    // One campaign of a million runs: the resident memory after every 100,000.
    const ccsim::scenario::Scenario& s = scenarios.front();
    std::printf("memory over 1000000 fuzz runs of %s (%u jobs), KiB:", files.front().c_str(),
                cores);
    std::fflush(stdout);
    ccsim::explore::CampaignOptions o;
    o.runs = 1000000;
    o.jobs = cores;
    std::uint64_t next = 100000;
    o.on_progress = [&](const ccsim::explore::Progress& p) {
      if (p.done < next) return;
      next += 100000;
      std::printf(" %ld", resident_kib());
      std::fflush(stdout);
    };
    ccsim::explore::run_campaign({&s}, o);
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* const usage =
      "usage: ccsim_bench [--runs N] [--repeat K] [--memory] [--kernel] [--scale [--million]] "
      "[SCENARIO...]\n";
  std::uint64_t runs = 50000;
  unsigned repeat = 1;
  bool memory = false;
  bool kernel = false;
  bool scale = false;
  bool million = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("%s", usage);
      return 0;
    }
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      char* end = nullptr;
      runs = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || runs == 0) {
        std::fprintf(stderr, "ccsim_bench: --runs takes a positive integer, got \"%s\"\n%s",
                     argv[i], usage);
        return 2;
      }
    } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long k = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || k == 0 || k > 100) {
        std::fprintf(stderr, "ccsim_bench: --repeat takes an integer from 1 to 100, got \"%s\"\n%s",
                     argv[i], usage);
        return 2;
      }
      repeat = static_cast<unsigned>(k);
    } else if (std::strcmp(argv[i], "--memory") == 0) {
      memory = true;
    } else if (std::strcmp(argv[i], "--kernel") == 0) {
      kernel = true;
    } else if (std::strcmp(argv[i], "--scale") == 0) {
      scale = true;
    } else if (std::strcmp(argv[i], "--million") == 0) {
      million = true;
    } else if (argv[i][0] == '-') {
      std::fprintf(stderr, "ccsim_bench: unknown option %s\n%s", argv[i], usage);
      return 2;
    } else {
      files.emplace_back(argv[i]);
    }
  }
  if (files.empty()) files = {"scenarios/invoke_basic.json", "scenarios/bench/ten_proposals.json"};
  if (million && !scale) {
    std::fprintf(stderr, "ccsim_bench: --million goes with --scale\n%s", usage);
    return 2;
  }
  try {
    if (kernel) kernel_figures(repeat);
    if (scale) scale_figures(million);
    if (kernel || scale) return 0;
    return bench(files, runs, repeat, memory);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccsim_bench: %s\n", e.what());
    return 2;
  }
}
