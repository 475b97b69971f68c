// A fuzzing campaign: many runs of each scenario under a strategy plan, spread over a thread
// pool, every property checked in every run, each distinct failure confirmed, shrunk and
// handed over for its artifact as soon as it is found (docs/fuzzing.md).
//
// Independence from jobs: run i is a pure function of (scenario, campaign seed, i, plan), and
// everything a report holds merges order-independently (sums, unions, the smallest run index
// of a failure), so 1 job and 8 give the same report, and shards merge to the unsharded one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/explore/coverage.hpp"
#include "ccsim/explore/seeds.hpp"
#include "ccsim/explore/strategy.hpp"
#include "ccsim/fabric/mutation.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/scenario/run.hpp"
#include "ccsim/scenario/scenario.hpp"

namespace ccsim::explore {

/// A distinct failure of a scenario: the first run (smallest index) that broke the property
/// this way, and how many runs did.
struct Failure {
  std::string property;
  std::string signature;
  std::string message;                      // from the confirming rerun, with every detail
  std::uint64_t run = 0;                    // the campaign's run index
  std::uint64_t seed = 0;                   // that run's seed (run_seed)
  std::string strategy;                     // that run's strategy
  std::uint64_t count = 0;                  // runs of the campaign that failed this way
  kernel::Duration tie_window;              // the window its tie decisions were taken under
  std::vector<kernel::Decision> decisions;  // the first run's whole decision log
  std::vector<kernel::Decision> shrunk;     // 1-minimal (empty when shrinking was off)
  bool shrunk_done = false;
  std::uint64_t decisions_size = 0;  // sizes of the two lists (kept by reports, which drop
  std::uint64_t shrunk_size = 0;     // the lists themselves)
  /// Set by whoever writes the artifact (the CLI): its folder and the replay command.
  std::string artifact;
  std::string replay_command;

  std::string key() const { return property + ": " + signature; }
};

/// The determinism self-check: the first run whose two reruns differed, and where.
struct DeterminismMismatch {
  std::uint64_t run = 0;
  std::uint64_t seed = 0;
  std::uint64_t event = 0;  // index of the first differing trace event (or of the shorter end)
  std::string first;        // that event in the first rerun ("(none)" past its end)
  std::string second;       // and in the second
};

struct ScenarioReport {
  std::string file;
  std::string name;
  /// What makes two shards' reports parts of one campaign, besides seed, runs and plan:
  /// the SHA-256 of the scenario's text, and a fingerprint of what this build of ccsim does
  /// with it: runs 0 to kIdentityRuns - 1 of the campaign (whatever the shard), hashed. A
  /// build that explores differently (another version, or a compiler that orders something
  /// differently) gives another fingerprint, and `ccsim merge` refuses to combine them.
  std::string scenario_sha256;
  std::string runs_fingerprint;
  std::vector<std::string> properties;  // checked, in order
  std::uint64_t runs = 0;               // runs done
  std::uint64_t events = 0;             // events they ran
  std::map<std::string, std::uint64_t> runs_by_strategy;
  std::map<std::string, std::uint64_t> failed_runs_by_property;
  std::vector<Failure> failures;  // distinct, by first run
  /// Distinct failures found but not kept (more than CampaignOptions::max_failures).
  std::uint64_t failures_dropped = 0;
  Coverage coverage;
  DistinctTraces traces;
  std::uint64_t determinism_checked = 0;  // runs rerun by the self-check
  std::optional<DeterminismMismatch> determinism;

  bool failed() const { return !failures.empty() || failures_dropped > 0 || determinism; }
};

struct CampaignReport {
  std::uint64_t seed = 1;
  std::uint64_t runs = 0;  // the campaign's run indices [0, runs), over all shards
  std::string plan;        // the strategy plan's name
  /// The shards this report covers, as "K/N"; one entry, "1/1", for an unsharded campaign.
  std::vector<std::string> shards;
  bool interrupted = false;
  /// Worker threads that ran (at most CampaignOptions::jobs; fewer if the system refused
  /// some). Not in the report file: the report does not depend on it.
  std::size_t threads = 0;
  /// Wall-clock seconds, measured by the caller (the library reads no clock); 0 if unknown.
  double elapsed_seconds = 0;
  std::vector<ScenarioReport> scenarios;

  bool failed() const;
};

/// Counts for a progress line, after each batch of runs.
struct Progress {
  std::size_t scenario = 0;    // index into the campaign's scenarios
  std::uint64_t done = 0;      // runs of this scenario done (this shard)
  std::uint64_t total = 0;     // runs of this scenario this shard will do
  std::uint64_t failures = 0;  // distinct failures so far
};

/// Runs a scenario once: scenario::run, or a test's stand-in (determinism self-check tests).
using Runner =
    std::function<scenario::RunResult(const scenario::Scenario&, const scenario::RunOptions&)>;

/// Runs of each scenario whose traces make ScenarioReport::runs_fingerprint.
inline constexpr std::uint64_t kIdentityRuns = 8;

/// The default budget: runs per scenario of `ccsim fuzz` without --runs.
inline constexpr std::uint64_t kDefaultRuns = 10000;

struct CampaignOptions {
  std::uint64_t runs = kDefaultRuns;
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  StrategyPlan plan = portfolio();
  Shard shard;
  bool shrink = true;
  /// Runs per scenario the determinism self-check reruns (twice each, full traces); 0: off.
  std::uint64_t check_determinism = 0;
  /// At most this many distinct failures per scenario are kept (the rest are counted).
  std::size_t max_failures = 64;
  /// Runs per task handed to a worker.
  std::uint64_t batch = 64;
  /// Polled between runs and during them: set it (e.g. from a SIGINT handler) to stop; what
  /// was found stays. A run it cuts short is not counted.
  const std::atomic<bool>* stop = nullptr;
  /// Called (serialised, from a worker) after each batch.
  std::function<void(const Progress&)> on_progress;
  /// Called (serialised, from a worker) when a distinct failure is found, or found again at
  /// a smaller run index: write its artifact now. It may set artifact and replay_command,
  /// which the report keeps.
  std::function<void(const scenario::Scenario&, Failure&)> on_failure;
  Runner runner;  // empty: scenario::run
  /// Tests only: the campaign's runs (probes, runs, confirmations, shrinking) run the handlers
  /// with this mutant (fabric/mutation.hpp), through `runner`. The scenario's own run, which
  /// chooses the properties checked, does not. No flag sets it; a mutated failure's
  /// repro.json does not replay without it.
  fabric::Mutation mutation = fabric::Mutation::kNone;
};

/// Runs the campaign over `scenarios` (not owned; each fuzzed in turn).
CampaignReport run_campaign(const std::vector<const scenario::Scenario*>& scenarios,
                            const CampaignOptions& options);

/// Combines the reports of a campaign's shards into the report of the whole. Throws
/// std::invalid_argument if they are not shards of one campaign (seed, runs, plan, scenarios)
/// or if a shard is missing or repeated.
CampaignReport merge_reports(const std::vector<CampaignReport>& shards);

/// The run of `scenario` at campaign index `index`, with its decision log and full trace:
/// what the campaign reruns to confirm a failure. `probe` is the strategy's probe. Set,
/// `interrupt` stops the run between events (RunResult::stop is then kStopped).
scenario::RunResult rerun(const scenario::Scenario& scenario, const StrategyPlan& plan,
                          std::uint64_t campaign_seed, std::uint64_t index, const Probe& probe,
                          const Runner& runner = {}, const std::atomic<bool>* interrupt = nullptr);

/// The probe of `scenario` for `window` (see Probe); `interrupt` as for rerun().
Probe probe(const scenario::Scenario& scenario, kernel::Duration window, const Runner& runner = {},
            const std::atomic<bool>* interrupt = nullptr);

/// Replays `decisions` (ties explored under `window` when the list holds a tie) without a
/// trace: what shrinking and the repro scenario do. `interrupt` as for rerun().
scenario::RunResult replay(const scenario::Scenario& scenario,
                           const std::vector<kernel::Decision>& decisions, kernel::Duration window,
                           const Runner& runner = {}, const std::atomic<bool>* interrupt = nullptr);

}  // namespace ccsim::explore
