#include "ccsim/explore/campaign.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/shrink.hpp"
#include "ccsim/fabric/sha256.hpp"
#include "ccsim/kernel/digest.hpp"

namespace ccsim::explore {

using scenario::RunOptions;
using scenario::RunResult;
using scenario::Scenario;

namespace {

RunResult call(const Runner& runner, const Scenario& s, const RunOptions& o) {
  return runner ? runner(s, o) : scenario::run(s, o);
}

// The runner of a campaign's runs: `runner`, with the test-only mutation set.
Runner with_mutation(Runner runner, fabric::Mutation mutation) {
  if (mutation == fabric::Mutation::kNone) return runner;
  return [runner = std::move(runner), mutation](const Scenario& s, const RunOptions& o) {
    RunOptions mutated = o;
    mutated.mutation = mutation;
    return call(runner, s, mutated);
  };
}

std::string display_name(const Scenario& s) {
  if (!s.name.empty()) return s.name;
  std::string stem = s.file.substr(s.file.find_last_of('/') + 1);
  if (auto dot = stem.rfind(".json"); dot != std::string::npos) stem.erase(dot);
  return stem;
}

std::string format_event(const kernel::TraceEvent& e) {
  std::string s = kernel::format_time(e.t) + " " + e.actor + " " +
                  (e.stream.empty() ? "-" : e.stream) + " " + (e.state.empty() ? "-" : e.state) +
                  " " + kernel::to_string(e.kind) + " " + (e.type.empty() ? "-" : e.type) + " " +
                  (e.txid.empty() ? "-" : e.txid);
  if (!e.detail.empty()) s += " " + e.detail;
  if (e.status) s += " status=" + std::to_string(*e.status);
  if (e.error) s += " error=\"" + *e.error + "\"";
  return s;
}

bool same_event(const kernel::TraceEvent& a, const kernel::TraceEvent& b) {
  return a.t == b.t && a.kind == b.kind && a.actor == b.actor && a.state == b.state &&
         a.stream == b.stream && a.from == b.from && a.type == b.type && a.txid == b.txid &&
         a.channel == b.channel && a.detail == b.detail && a.status == b.status &&
         a.error == b.error && a.payload == b.payload;
}

// One worker's findings over a batch, merged into the scenario's report under the lock.
struct Found {
  std::string property;
  std::string signature;
  std::string message;  // from the fast run
  std::uint64_t run = 0;
  std::uint64_t count = 0;
};

struct Batch {
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
  std::vector<std::uint64_t> by_slot;  // runs per slot of the plan
  std::map<std::string, std::uint64_t> failed_by_property;
  std::map<std::string, Found> found;  // by key
  DistinctTraces traces;
};

class ScenarioCampaign {
 public:
  ScenarioCampaign(const Scenario& s, std::size_t index, const CampaignOptions& o)
      : s_(s), index_(index), o_(o), runner_(with_mutation(o.runner, o.mutation)) {}

  ScenarioReport run() {
    report_.file = s_.file;
    report_.name = display_name(s_);
    RunOptions reference;
    reference.seed = s_.default_seed;
    reference.keep_trace = false;
    reference.interrupt = o_.stop;
    // The scenario's own run (`ccsim run FILE`) chooses the properties: never mutated.
    const RunResult own = call(o_.runner, s_, reference);
    // Stopped before the campaign's runs began (a long scenario): nothing is counted.
    const auto stopped = [this] {
      interrupted_ = interrupted_ || (o_.stop != nullptr && o_.stop->load());
      return interrupted_.load();
    };
    if (stopped()) return std::move(report_);
    report_.properties = campaign_properties(s_, own);
    for (const Strategy& st : o_.plan.slots) {
      const std::int64_t w = st.tie_window().ns();
      if (probes_.count(w) == 0) probes_[w] = probe(s_, st.tie_window(), runner_, o_.stop);
    }
    // The campaign's identity (shards merge only with their own): the text, and the release
    // --profile put it under.
    report_.scenario_sha256 = fabric::sha256_hex(
        s_.profile_flag.empty() ? s_.source : s_.source + "\n--profile " + s_.profile_flag);
    report_.runs_fingerprint = identity_fingerprint();
    if (stopped()) return std::move(report_);
    total_ = o_.shard.size(o_.runs);
    const std::uint64_t batch = std::max<std::uint64_t>(o_.batch, 1);
    batches_ = (total_ + batch - 1) / batch;
    {
      const auto worker = [this, batch] {
        // An exception must not leave a thread (std::terminate): keep the first, stop the
        // others, rethrow after the join.
        try {
          work(batch);
        } catch (...) {
          std::lock_guard lock(mutex_);
          if (!error_) error_ = std::current_exception();
          failed_ = true;
        }
      };
      // jobs - 1 threads and this one. A thread the system refuses (a process or memory
      // limit) leaves a smaller pool: the report does not depend on how many there are.
      std::vector<std::thread> threads;
      for (unsigned j = 1; j < std::max(1U, o_.jobs); ++j) {
        try {
          threads.emplace_back(worker);
        } catch (const std::system_error&) {
          break;
        }
      }
      threads_started_ = threads.size() + 1;
      worker();
      for (std::thread& t : threads)
        t.join();
    }
    if (error_) std::rethrow_exception(error_);
    for (auto& [key, failure] : kept_)
      report_.failures.push_back(std::move(failure));
    std::sort(report_.failures.begin(), report_.failures.end(),
              [](const Failure& a, const Failure& b) {
                return a.run != b.run ? a.run < b.run : a.key() < b.key();
              });
    if (o_.check_determinism > 0 && report_.runs > 0) check_determinism();
    return std::move(report_);
  }

  bool interrupted() const { return interrupted_; }
  std::size_t threads_started() const { return threads_started_; }

 private:
  bool stopping() const { return failed_ || (o_.stop != nullptr && o_.stop->load()); }

  const Probe& probe_for(const Strategy& st) const { return probes_.at(st.tie_window().ns()); }

  // The fingerprints of the campaign's first runs, hashed (ScenarioReport::runs_fingerprint).
  std::string identity_fingerprint() {
    kernel::Digest d;
    for (std::uint64_t index = 0; index < std::min(kIdentityRuns, o_.runs); ++index) {
      const Strategy& strategy = o_.plan.for_run(index);
      const std::uint64_t seed = run_seed(o_.seed, index);
      const auto source = make_source(strategy, seed, o_.plan.ordinal(index), probe_for(strategy));
      RunOptions options;
      options.seed = seed;
      options.source = source.get();
      options.keep_trace = false;
      options.fingerprint = true;
      options.log_decisions = false;
      options.interrupt = o_.stop;
      d.add(call(runner_, s_, options).digest());
    }
    return kernel::format_digest(d.value());
  }

  void work(std::uint64_t batch_size) {
    CoverageMonitor coverage;
    while (true) {
      const std::uint64_t b = next_batch_++;
      if (b >= batches_) break;
      Batch batch;
      batch.by_slot.assign(o_.plan.slots.size(), 0);
      const std::uint64_t end = std::min(total_, (b + 1) * batch_size);
      for (std::uint64_t n = b * batch_size; n < end; ++n) {
        if (stopping()) {
          interrupted_ = true;
          break;
        }
        if (!run_one(o_.shard.run(n), coverage, batch)) {
          interrupted_ = true;  // the run was cut short: it is not counted
          break;
        }
      }
      merge(batch);
      if (interrupted_) break;
    }
    std::lock_guard lock(mutex_);
    report_.coverage.merge(coverage.coverage());
  }

  // Runs campaign run `index` into `batch`; false when a stop request cut it short.
  bool run_one(std::uint64_t index, CoverageMonitor& coverage, Batch& batch) {
    const Strategy& strategy = o_.plan.for_run(index);
    const std::uint64_t seed = run_seed(o_.seed, index);
    const auto source = make_source(strategy, seed, o_.plan.ordinal(index), probe_for(strategy));
    coverage.reset();
    RunOptions options;
    options.seed = seed;
    options.source = source.get();
    options.keep_trace = false;
    options.fingerprint = true;
    options.log_decisions = false;
    options.observer = &coverage;
    options.interrupt = o_.stop;  // a long run stops at once, not at its end
    const RunResult r = call(runner_, s_, options);
    if (r.stop == kernel::StopReason::kStopped) return false;
    ++batch.runs;
    batch.events += r.events;
    ++batch.by_slot[index % o_.plan.slots.size()];
    batch.traces.add(r.digest());
    for (Violation& v : violations(s_, r, report_.properties)) {
      ++batch.failed_by_property[v.property];
      Found& f = batch.found[v.key()];
      if (f.count++ == 0 || index < f.run) {
        f.run = index;
        f.property = std::move(v.property);
        f.signature = std::move(v.signature);
        f.message = std::move(v.message);
      }
    }
    return true;
  }

  void merge(Batch& batch) {
    std::vector<std::pair<std::string, std::uint64_t>> to_confirm;
    {
      std::lock_guard lock(mutex_);
      report_.runs += batch.runs;
      report_.events += batch.events;
      for (std::size_t slot = 0; slot < batch.by_slot.size(); ++slot) {
        if (batch.by_slot[slot] != 0)
          report_.runs_by_strategy[o_.plan.slots[slot].name()] += batch.by_slot[slot];
      }
      for (const auto& [k, v] : batch.failed_by_property)
        report_.failed_runs_by_property[k] += v;
      report_.traces.merge(batch.traces);
      for (auto& [key, f] : batch.found) {
        auto it = kept_.find(key);
        if (it == kept_.end()) {
          if (kept_.size() >= o_.max_failures) {
            dropped_keys_.insert(key);
            continue;
          }
          Failure failure;
          failure.property = f.property;
          failure.signature = f.signature;
          failure.message = f.message;
          failure.run = f.run;
          failure.count = f.count;
          kept_.emplace(key, std::move(failure));
          to_confirm.emplace_back(key, f.run);
          continue;
        }
        Failure& kept = it->second;
        kept.count += f.count;
        if (f.run < kept.run) {
          kept.run = f.run;
          kept.message = f.message;
          kept.shrunk_done = false;
          to_confirm.emplace_back(key, f.run);
        }
      }
      report_.failures_dropped = dropped_keys_.size();
      if (o_.on_progress) {
        o_.on_progress(Progress{index_, report_.runs, total_, kept_.size()});
      }
    }
    for (const auto& [key, run] : to_confirm)
      confirm(key, run);
  }

  // Reruns the failing run with its log and full trace, shrinks it, and hands it over.
  void confirm(const std::string& key, std::uint64_t index) {
    Failure draft;
    {
      std::lock_guard lock(mutex_);
      const Failure& now = kept_.at(key);
      if (now.run != index) return;  // a smaller index is being confirmed already
      draft = now;
    }
    const Strategy& strategy = o_.plan.for_run(index);
    draft.seed = run_seed(o_.seed, index);
    draft.strategy = strategy.name();
    draft.tie_window = strategy.tie_window();
    const RunResult full =
        rerun(s_, o_.plan, o_.seed, index, probe_for(strategy), runner_, o_.stop);
    if (full.stop == kernel::StopReason::kStopped) return;  // reported, not confirmed
    draft.decisions = full.decisions;
    draft.decisions_size = full.decisions.size();
    bool reproduced = false;
    for (const Violation& v : violations(s_, full, report_.properties)) {
      if (v.key() != key) continue;
      draft.message = v.message;
      reproduced = true;
    }
    if (!reproduced) {
      draft.message += " (not reproduced by a rerun of the same run: it is not deterministic)";
    } else if (o_.shrink) {
      struct Interrupted {};
      const auto still_fails = [&](const std::vector<kernel::Decision>& list) {
        const RunResult r = replay(s_, list, draft.tie_window, runner_, o_.stop);
        if (r.stop == kernel::StopReason::kStopped) throw Interrupted{};
        return breaks_as(s_, r, draft.property, draft.signature);
      };
      try {
        // The whole log must replay to the failure before shrinking starts.
        if (still_fails(draft.decisions)) {
          draft.shrunk = shrink(draft.decisions, still_fails).decisions;
          draft.shrunk_done = true;
          draft.shrunk_size = draft.shrunk.size();
        } else {
          draft.message += " (its decision log does not replay to it: not shrunk)";
        }
      } catch (const Interrupted&) {
        // Stopped while shrinking: the artifact keeps the whole log, which replays it.
        draft.message += " (shrinking was interrupted: not shrunk)";
      }
    }
    std::lock_guard lock(mutex_);
    Failure& kept = kept_.at(key);
    if (kept.run != index) return;  // superseded meanwhile
    draft.count = kept.count;
    kept = std::move(draft);
    if (o_.on_failure) o_.on_failure(s_, kept);
  }

  void check_determinism() {
    const std::uint64_t done = report_.runs;
    const std::uint64_t k = std::min(o_.check_determinism, done);
    report_.determinism_checked = k;
    for (std::uint64_t j = 0; j < k; ++j) {
      const std::uint64_t index = o_.shard.run(j * done / k);
      const Strategy& strategy = o_.plan.for_run(index);
      const RunResult a = rerun(s_, o_.plan, o_.seed, index, probe_for(strategy), runner_);
      const RunResult b = rerun(s_, o_.plan, o_.seed, index, probe_for(strategy), runner_);
      const auto& ea = a.trace.events();
      const auto& eb = b.trace.events();
      std::size_t i = 0;
      while (i < ea.size() && i < eb.size() && same_event(ea[i], eb[i]))
        ++i;
      if (i == ea.size() && i == eb.size()) continue;
      report_.determinism = DeterminismMismatch{index, run_seed(o_.seed, index), i,
                                                i < ea.size() ? format_event(ea[i]) : "(none)",
                                                i < eb.size() ? format_event(eb[i]) : "(none)"};
      return;
    }
  }

  const Scenario& s_;
  std::size_t index_;
  const CampaignOptions& o_;
  Runner runner_;  // every run but the reference: o_.runner with o_.mutation
  ScenarioReport report_;
  std::map<std::int64_t, Probe> probes_;  // by tie window
  std::uint64_t total_ = 0;
  std::uint64_t batches_ = 0;
  std::size_t threads_started_ = 0;
  std::atomic<std::uint64_t> next_batch_{0};
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> failed_{false};  // a worker threw: the others stop
  std::exception_ptr error_;
  std::mutex mutex_;
  std::map<std::string, Failure> kept_;  // by key
  std::set<std::string> dropped_keys_;
};

}  // namespace

bool CampaignReport::failed() const {
  return std::any_of(scenarios.begin(), scenarios.end(),
                     [](const ScenarioReport& s) { return s.failed(); });
}

Probe probe(const Scenario& scenario, kernel::Duration window, const Runner& runner,
            const std::atomic<bool>* interrupt) {
  ProbeSource source(window);
  RunOptions o;
  o.interrupt = interrupt;
  o.source = &source;
  o.keep_trace = false;
  o.fingerprint = true;
  o.log_decisions = false;
  call(runner, scenario, o);
  return source.probe();
}

RunResult rerun(const Scenario& scenario, const StrategyPlan& plan, std::uint64_t campaign_seed,
                std::uint64_t index, const Probe& probe, const Runner& runner,
                const std::atomic<bool>* interrupt) {
  const Strategy& strategy = plan.for_run(index);
  const std::uint64_t seed = run_seed(campaign_seed, index);
  const auto source = make_source(strategy, seed, plan.ordinal(index), probe);
  RunOptions o;
  o.seed = seed;
  o.source = source.get();
  o.interrupt = interrupt;
  return call(runner, scenario, o);
}

RunResult replay(const Scenario& scenario, const std::vector<kernel::Decision>& decisions,
                 kernel::Duration window, const Runner& runner,
                 const std::atomic<bool>* interrupt) {
  RunOptions o;
  o.replay = decisions;
  o.tie_window = window;
  o.keep_trace = false;
  o.fingerprint = true;
  o.log_decisions = false;
  o.interrupt = interrupt;
  return call(runner, scenario, o);
}

CampaignReport run_campaign(const std::vector<const Scenario*>& scenarios,
                            const CampaignOptions& options) {
  CampaignReport report;
  report.seed = options.seed;
  report.runs = options.runs;
  report.plan = options.plan.name;
  report.shards = {options.shard.spelling()};
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    if (options.stop != nullptr && options.stop->load()) {
      report.interrupted = true;
      break;
    }
    ScenarioCampaign campaign(*scenarios[i], i, options);
    report.scenarios.push_back(campaign.run());
    if (campaign.interrupted()) report.interrupted = true;
    report.threads = std::max(report.threads, campaign.threads_started());
  }
  return report;
}

CampaignReport merge_reports(const std::vector<CampaignReport>& shards) {
  if (shards.empty()) throw std::invalid_argument("no reports to merge");
  const CampaignReport& first = shards.front();
  CampaignReport out;
  out.seed = first.seed;
  out.runs = first.runs;
  out.plan = first.plan;
  std::uint64_t count = 0;
  std::set<std::uint64_t> seen;
  for (const CampaignReport& r : shards) {
    if (r.seed != first.seed || r.runs != first.runs || r.plan != first.plan) {
      throw std::invalid_argument(
          "the reports are not of one campaign: seed, runs and strategy must match (seed " +
          std::to_string(r.seed) + " vs " + std::to_string(first.seed) + ", runs " +
          std::to_string(r.runs) + " vs " + std::to_string(first.runs) + ", strategy " + r.plan +
          " vs " + first.plan + ")");
    }
    if (r.scenarios.size() != first.scenarios.size()) {
      throw std::invalid_argument("the reports are not of one campaign: different scenarios");
    }
    for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
      const ScenarioReport& a = r.scenarios[i];
      const ScenarioReport& b = first.scenarios[i];
      if (a.file != b.file)
        throw std::invalid_argument("the reports are not of one campaign: scenario " + a.file +
                                    " vs " + b.file);
      if (a.scenario_sha256 != b.scenario_sha256)
        throw std::invalid_argument("the reports are not of one campaign: " + a.file +
                                    " has different contents (sha256 " + b.scenario_sha256 +
                                    " vs " + a.scenario_sha256 + ")");
      if (a.runs_fingerprint != b.runs_fingerprint)
        throw std::invalid_argument(
            "the reports are not of one campaign: their runs of " + a.file + " differ (runs " +
            "fingerprint " + b.runs_fingerprint + " vs " + a.runs_fingerprint +
            "): they were made by builds of ccsim that explore differently (another version or "
            "compiler)");
    }
    std::uint64_t share = 0;  // runs of each scenario the report's shards take
    for (const std::string& spelling : r.shards) {
      std::string error;
      const auto shard = parse_shard(spelling, error);
      if (!shard) throw std::invalid_argument("a report names a " + error);
      share += shard->size(r.runs);  // shards partition [0, runs): no wrap
      if (count == 0) count = shard->count;
      if (shard->count != count)
        throw std::invalid_argument("the reports split the campaign differently (" + spelling +
                                    " and /" + std::to_string(count) + ")");
      if (!seen.insert(shard->index).second)
        throw std::invalid_argument("shard " + spelling + " appears twice");
    }
    for (const ScenarioReport& sr : r.scenarios) {
      if (sr.runs > share)
        throw std::invalid_argument("a report counts " + std::to_string(sr.runs) + " runs of " +
                                    sr.file + ", more than its shards take (" +
                                    std::to_string(share) + ")");
    }
    out.interrupted = out.interrupted || r.interrupted;
    out.elapsed_seconds += r.elapsed_seconds;
  }
  if (seen.size() != count) {
    std::string missing;
    for (std::uint64_t k = 0; k < count; ++k) {
      if (seen.count(k) == 0) missing += " " + Shard{k, count}.spelling();
    }
    throw std::invalid_argument("shards missing:" + missing);
  }
  out.shards = {Shard{0, 1}.spelling()};

  for (std::size_t i = 0; i < first.scenarios.size(); ++i) {
    ScenarioReport merged;
    merged.file = first.scenarios[i].file;
    merged.name = first.scenarios[i].name;
    merged.scenario_sha256 = first.scenarios[i].scenario_sha256;
    merged.runs_fingerprint = first.scenarios[i].runs_fingerprint;
    merged.properties = first.scenarios[i].properties;
    std::map<std::string, Failure> failures;
    for (const CampaignReport& r : shards) {
      const ScenarioReport& s = r.scenarios[i];
      merged.runs += s.runs;  // at most the campaign's runs, checked above
      if (__builtin_add_overflow(merged.events, s.events, &merged.events))
        throw std::invalid_argument("the reports count more events of " + s.file +
                                    " than 64 bits hold");
      for (const auto& [k, v] : s.runs_by_strategy)
        merged.runs_by_strategy[k] += v;
      for (const auto& [k, v] : s.failed_runs_by_property)
        merged.failed_runs_by_property[k] += v;
      merged.coverage.merge(s.coverage);
      merged.traces.merge(s.traces);
      merged.failures_dropped += s.failures_dropped;
      merged.determinism_checked += s.determinism_checked;
      if (s.determinism && (!merged.determinism || s.determinism->run < merged.determinism->run))
        merged.determinism = s.determinism;
      for (const Failure& f : s.failures) {
        auto it = failures.find(f.key());
        if (it == failures.end()) {
          failures.emplace(f.key(), f);
          continue;
        }
        const std::uint64_t total = it->second.count + f.count;
        if (f.run < it->second.run) it->second = f;
        it->second.count = total;
      }
    }
    for (auto& [key, f] : failures)
      merged.failures.push_back(std::move(f));
    std::sort(merged.failures.begin(), merged.failures.end(),
              [](const Failure& a, const Failure& b) {
                return a.run != b.run ? a.run < b.run : a.key() < b.key();
              });
    out.scenarios.push_back(std::move(merged));
  }
  return out;
}

}  // namespace ccsim::explore
