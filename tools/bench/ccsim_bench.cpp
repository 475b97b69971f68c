// ccsim_bench: how fast ccsim replays scenarios on this machine. Prints runs per second and
// events per second for each scenario on 1 thread and on every core, and the resident memory
// after each batch (flat across batches means no per-run growth). Figures, not assertions:
// tests never time anything. Usage: ccsim_bench [RUNS] [SCENARIO...]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

namespace {

long resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

struct Figures {
  double seconds;
  std::uint64_t events;
};

// `runs` runs split over `threads`, seeds 1..runs, digest-only traces (as fuzzing runs them).
Figures measure(const ccsim::scenario::Scenario& s, std::uint64_t runs, unsigned threads) {
  std::atomic<std::uint64_t> next{1};
  std::atomic<std::uint64_t> events{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      std::uint64_t local = 0;
      for (std::uint64_t seed = next++; seed <= runs; seed = next++) {
        ccsim::scenario::RunOptions o;
        o.seed = seed;
        o.keep_trace = false;
        local += ccsim::scenario::run(s, o).events;
      }
      events += local;
    });
  }
  for (std::thread& t : pool)
    t.join();
  const std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
  return Figures{d.count(), events.load()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t runs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i)
    files.emplace_back(argv[i]);
  if (files.empty()) files = {"scenarios/invoke_basic.json", "scenarios/bench/ten_proposals.json"};
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  std::printf("ccsim_bench: %llu runs per measurement, %u cores\n",
              static_cast<unsigned long long>(runs), cores);
  for (const std::string& file : files) {
    const auto s = ccsim::scenario::load_file(file);
    for (unsigned threads : {1U, cores}) {
      const Figures f = measure(s, runs, threads);
      std::printf("%-40s %2u thread%s %10.0f runs/s %12.0f events/s  rss %ld KiB\n", file.c_str(),
                  threads, threads == 1 ? " " : "s", static_cast<double>(runs) / f.seconds,
                  static_cast<double>(f.events) / f.seconds, resident_kib());
    }
  }
  return 0;
}
