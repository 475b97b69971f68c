// ccsim fuzz, ccsim merge and ccsim shrink: campaigns, their reports and artifacts.
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "ccsim/explore/artifact.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/report.hpp"
#include "ccsim/explore/shrink.hpp"
#include "ccsim/scenario/loader.hpp"
#include "cli.hpp"
#include "output_file.hpp"
#include "signals.hpp"

namespace ccsim::cli {

namespace {

// The most worker threads --oversubscribe allows; without it, the machine's hardware threads.
constexpr unsigned kMaxJobs = 256;
// A report is a few hundred kilobytes; anything much larger is not one.
constexpr std::size_t kMaxReportBytes = 64u << 20;

const char* signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

// "ETA 42s", "ETA 3m05s", "ETA 2h07m".
std::string eta(double seconds) {
  const auto s = static_cast<unsigned long long>(seconds + 0.5);
  char out[64];
  if (s < 60) {
    std::snprintf(out, sizeof out, "ETA %llus", s);
  } else if (s < 3600) {
    std::snprintf(out, sizeof out, "ETA %llum%02llus", s / 60, s % 60);
  } else {
    std::snprintf(out, sizeof out, "ETA %lluh%02llum", s / 3600, (s / 60) % 60);
  }
  return out;
}

// Progress on stderr: a line rewritten in place on a terminal; plain lines, at most one every
// 10 seconds, under CI. A rate and an ETA only once a second has passed (a rate from the first
// runs says nothing, and 0 runs/s would read as a hang); the last line has the final rate.
class ProgressLine {
 public:
  ProgressLine(const std::vector<std::string>& files, bool quiet)
      : files_(files), quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1) {}

  void update(const explore::Progress& p) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    if (p.scenario != scenario_) {
      finish();
      scenario_ = p.scenario;
      start_ = now;
    }
    const bool last = p.done == p.total;
    const auto gap = tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
    if (!last && now - shown_ < gap) return;
    shown_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const auto percent = static_cast<unsigned long long>(
        p.total == 0 ? 100 : static_cast<double>(p.done) * 100 / static_cast<double>(p.total));
    std::string line = "fuzz " + files_[p.scenario] + ": " + std::to_string(p.done) + "/" +
                       std::to_string(p.total) + " runs (" + std::to_string(percent) + "%), " +
                       std::to_string(p.failures) + " distinct failures";
    const double rate = seconds > 0 ? static_cast<double>(p.done) / seconds : 0.0;
    if ((seconds >= 1 || last) && p.done > 0 && rate >= 0.5) {
      char text[64];
      std::snprintf(text, sizeof text, ", %.0f runs/s", rate);
      line += text;
      if (!last) line += ", " + eta(static_cast<double>(p.total - p.done) / rate);
    } else if (!last) {
      line += ", starting";
    }
    if (tty_) {
      std::cerr << "\r" << line << "\x1b[K" << std::flush;
      open_ = true;
    } else {
      std::cerr << line << "\n";
    }
  }

  void finish() {
    if (open_) std::cerr << "\n";
    open_ = false;
  }

 private:
  const std::vector<std::string>& files_;
  bool quiet_;
  bool tty_;
  bool open_ = false;
  std::size_t scenario_ = SIZE_MAX;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point shown_{};
};

// The runs/s chart of the HTML report: (seconds, runs done) at most every 0.2 s, at most
// kMax samples (past that every other one is dropped and the spacing doubles).
class RateSamples {
 public:
  void update(const explore::Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (samples_.empty()) {
      start_ = now;
      samples_.push_back({0.0, 0});
    }
    if (done_.size() <= p.scenario) done_.resize(p.scenario + 1, 0);
    done_[p.scenario] = p.done;
    const double t = std::chrono::duration<double>(now - start_).count();
    if (t - samples_.back().seconds < spacing_) return;
    std::uint64_t runs = 0;
    for (std::uint64_t d : done_)
      runs += d;
    samples_.push_back({t, runs});
    if (samples_.size() > kMax) {
      std::vector<explore::ProgressSample> kept;
      for (std::size_t i = 0; i < samples_.size(); i += 2)
        kept.push_back(samples_[i]);
      samples_ = std::move(kept);
      spacing_ *= 2;
    }
  }

  /// The samples, ending with the campaign's last state at `elapsed` seconds.
  std::vector<explore::ProgressSample> samples(double elapsed) const {
    std::vector<explore::ProgressSample> out = samples_;
    std::uint64_t runs = 0;
    for (std::uint64_t d : done_)
      runs += d;
    if (!out.empty() && elapsed > out.back().seconds) out.push_back({elapsed, runs});
    return out;
  }

 private:
  static constexpr std::size_t kMax = 1000;
  double spacing_ = 0.2;
  std::chrono::steady_clock::time_point start_{};
  std::vector<std::uint64_t> done_;
  std::vector<explore::ProgressSample> samples_;
};

void write_reports(const explore::CampaignReport& report, const std::string& report_path,
                   const std::string& junit_path) {
  if (!report_path.empty()) {
    write_output(report_path, [&](std::ostream& out) { out << explore::report_json(report); });
  }
  if (!junit_path.empty()) {
    write_output(junit_path, [&](std::ostream& out) { explore::write_junit(out, report); });
  }
}

std::string optional_path(const po::variables_map& vm, const char* name) {
  return vm.count(name) != 0 ? vm[name].as<std::string>() : std::string();
}

// --jobs: at most the machine's hardware threads, or kMaxJobs with --oversubscribe.
unsigned jobs_of(const po::variables_map& vm) {
  const unsigned hardware = std::max(1U, std::thread::hardware_concurrency());
  const std::uint64_t asked = at_least_one(vm, "jobs", hardware);
  const bool oversubscribe = vm.count("oversubscribe") != 0;
  if (asked > hardware && !oversubscribe) {
    std::cerr << "ccsim: --jobs " << asked << " capped at " << hardware
              << ", this machine's hardware threads (--oversubscribe allows up to " << kMaxJobs
              << ")\n";
    return hardware;
  }
  if (asked > kMaxJobs) {
    throw UsageError("--jobs takes at most " + std::to_string(kMaxJobs) +
                     " (with --oversubscribe), got " + std::to_string(asked));
  }
  return static_cast<unsigned>(asked);
}

}  // namespace

static_assert(explore::kDefaultRuns == 10000, "--runs' help names the default");

int cmd_fuzz(const std::vector<std::string>& args, const std::string& self) {
  po::options_description opts("ccsim fuzz FILE... [options]");
  opts.add_options()("help,h", "show this help")(
      "runs", po::value<long long>(), "runs per scenario, over all shards (default 10000)")(
      "seed", po::value<std::string>(),
      "campaign seed: run i uses a seed derived from it and i (default 1)")(
      "profile", po::value<std::string>(), kProfileHelp)(
      "jobs,j", po::value<long long>(),
      "worker threads (default and most: the machine's hardware threads)")(
      "oversubscribe", "let --jobs exceed the hardware threads, up to 256")(
      "strategy", po::value<std::string>(),
      "portfolio (default), or a comma-separated list of: random, pct, pct:D, tie-window, "
      "tie-window:DURATION")(
      "shard", po::value<std::string>(),
      "K/N: run only part K of N of the campaign's runs (run i when i % N == K-1)")(
      "out,o", po::value<std::string>(),
      "directory for artifacts and report.json (default ccsim-fuzz)")(
      "report", po::value<std::string>(), "write the JSON report here (default OUT/report.json)")(
      "junit", po::value<std::string>(), "also write JUnit XML here")(
      "html", po::value<std::string>(),
      "also write a self-contained HTML report here (failures with their replay commands, "
      "coverage tables, runs/s over time)")(
      "save-failures", po::value<std::string>(),
      "also copy each new failure's repro.json into this directory of regression scenarios "
      "(kept, never overwritten), for ccsim run or ccsim_add_scenario_test to replay")(
      "no-shrink", "keep failing decision lists as found")(
      "check-determinism", po::value<long long>()->implicit_value(64),
      "rerun this many runs per scenario twice and compare their traces (default 64)")(
      "quiet,q", "no progress line");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.empty()) throw UsageError("fuzz takes one or more scenario files");
  const po::variables_map& vm = parsed.vm;

  explore::CampaignOptions options;
  options.runs = at_least_one(vm, "runs", explore::kDefaultRuns);
  options.seed = vm.count("seed") != 0 ? seed_of(vm) : 1;
  options.jobs = jobs_of(vm);
  if (vm.count("strategy") != 0) {
    try {
      options.plan = explore::parse_plan(vm["strategy"].as<std::string>());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (vm.count("shard") != 0) {
    std::string error;
    const auto shard = explore::parse_shard(vm["shard"].as<std::string>(), error);
    if (!shard) throw UsageError(error);
    options.shard = *shard;
  }
  options.shrink = vm.count("no-shrink") == 0;
  if (vm.count("check-determinism") != 0)
    options.check_determinism = at_least_one(vm, "check-determinism", 64);
  const std::string out_dir = vm.count("out") != 0 ? vm["out"].as<std::string>() : "ccsim-fuzz";
  const std::string report_path =
      vm.count("report") != 0 ? vm["report"].as<std::string>() : out_dir + "/report.json";
  const std::string junit_path = optional_path(vm, "junit");
  const std::string save_dir = optional_path(vm, "save-failures");
  const std::string html_path = optional_path(vm, "html");

  // Every file is checked before anything runs.
  std::vector<std::unique_ptr<scenario::Scenario>> loaded;
  std::vector<const scenario::Scenario*> scenarios;
  const scenario::LoadOptions load = load_options_of(vm);
  for (const std::string& file : parsed.files) {
    loaded.push_back(std::make_unique<scenario::Scenario>(scenario::load_file(file, load)));
    scenarios.push_back(loaded.back().get());
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec || !std::filesystem::is_directory(out_dir)) {
    throw OutputError(out_dir + ": cannot create directory: " +
                      (ec ? ec.message() : std::string("a file of that name exists")));
  }
  if (!save_dir.empty()) {
    std::filesystem::create_directories(save_dir, ec);
    if (ec || !std::filesystem::is_directory(save_dir)) {
      throw OutputError(save_dir + ": cannot create directory: " +
                        (ec ? ec.message() : std::string("a file of that name exists")));
    }
  }
  OutputPaths outputs;
  outputs.add("--report", report_path);
  if (!junit_path.empty()) outputs.add("--junit", junit_path);
  if (!html_path.empty()) outputs.add("--html", html_path);
  // Same-named scenarios get folders of their own, so no repro runs another scenario.
  const std::vector<std::string> folders = explore::artifact_folders(scenarios);
  std::map<const scenario::Scenario*, std::string> folder_of;
  remove_stale_temporaries(out_dir);
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    folder_of[scenarios[i]] = folders[i];
    remove_stale_temporaries(out_dir + "/" + folders[i]);
  }

  StopOnSignals signals;
  std::optional<std::string> write_error;  // the first artifact that could not be written
  std::vector<std::string> saved;          // --save-failures: the scenarios written
  ProgressLine progress(parsed.files, vm.count("quiet") != 0);
  options.stop = &signals.flag();
  RateSamples rates;
  options.on_progress = [&](const explore::Progress& p) {
    progress.update(p);
    rates.update(p);
  };
  options.on_failure = [&](const scenario::Scenario& s, explore::Failure& f) {
    if (write_error) return;
    const explore::Artifact a = explore::make_artifact(s, f, folder_of.at(&s));
    const std::string dir = out_dir + "/" + a.folder;
    try {
      write_folder(dir, a.files);
    } catch (const OutputError& e) {
      // A full disk, most likely: stop, and keep the report of what was done.
      write_error = e.what();
      signals.request_stop();
      return;
    }
    f.artifact = dir;
    f.replay_command = shell_word(self) + " run " + shell_word(dir + "/repro.json");
    if (!save_dir.empty()) {
      // Like Go's fuzzer keeping its crashers: a scenario per failure, named by scenario,
      // property and failure. One saved by an earlier campaign is kept as it is (the user
      // may have edited it); this campaign's own is rewritten when the failure is found again
      // at a smaller run index, so that it matches the artifact.
      std::string name = a.folder;
      std::replace(name.begin(), name.end(), '/', '.');
      const std::string path = save_dir + "/" + name + ".json";
      const bool ours = std::find(saved.begin(), saved.end(), path) != saved.end();
      if (!ours && std::filesystem::exists(path)) return;
      const std::string& repro = a.files.back().second;  // make_artifact puts repro.json last
      try {
        write_output(path, [&](std::ostream& out) { out << repro; });
      } catch (const OutputError& e) {
        write_error = e.what();
        signals.request_stop();
        return;
      }
      if (!ours) saved.push_back(path);
    }
  };

  const auto start = std::chrono::steady_clock::now();
  explore::CampaignReport report = explore::run_campaign(scenarios, options);
  report.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();
  if (report.threads != 0 && report.threads < options.jobs) {
    std::cerr << "ccsim: " << report.threads << " of " << options.jobs
              << " worker threads ran: the system refused to start more\n";
  }

  std::optional<std::string> report_error;
  try {
    write_reports(report, report_path, junit_path);
    if (!html_path.empty()) {
      write_output(html_path, [&](std::ostream& out) {
        explore::write_campaign_html(out, report, rates.samples(report.elapsed_seconds));
      });
    }
  } catch (const OutputError& e) {
    report_error = e.what();
  }
  explore::write_summary(std::cout, report);
  if (!report_error) std::cout << "report: " << report_path << "\n";
  std::sort(saved.begin(), saved.end());  // found in an order the threads chose
  for (const std::string& path : saved)
    std::cout << "saved: " << path << "\n";
  std::cout.flush();
  if (write_error || report_error) {
    if (write_error) std::cerr << "ccsim: fuzz stopped: " << *write_error << "\n";
    if (report_error) std::cerr << "ccsim: " << *report_error << "\n";
    return kExitBadInput;
  }
  if (signals.signal() != 0) {
    std::cerr << "ccsim: fuzz interrupted by " << signal_name(signals.signal())
              << ": the report covers the runs done\n";
    return signals.exit_code();
  }
  return report.failed() ? kExitFailed : kExitPassed;
}

// Shrinks the replay section of a scenario again (after code changes, or another property).
int cmd_shrink(const std::vector<std::string>& args) {
  po::options_description opts("ccsim shrink FILE [options]");
  opts.add_options()("help,h", "show this help")(
      "property", po::value<std::string>(),
      "the property whose failure to keep (default: the first that fails)")(
      "out,o", po::value<std::string>(), "write the shrunk scenario here (default: stdout)");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.size() != 1) throw UsageError("shrink takes exactly one scenario file");
  const std::string& file = parsed.files.front();
  const std::string out_path = optional_path(parsed.vm, "out");
  if (!out_path.empty()) OutputPaths().add("--out", out_path);
  const scenario::Scenario s = scenario::load_file(file);
  if (!s.replay) throw UsageError(file + " has no \"replay\" section to shrink");
  const std::vector<std::string>& all = explore::all_campaign_properties();
  std::vector<std::string> checked = all;
  if (parsed.vm.count("property") != 0) {
    const std::string p = parsed.vm["property"].as<std::string>();
    if (std::find(all.begin(), all.end(), p) == all.end()) {
      std::string known;
      for (const std::string& name : all)
        known += " " + name;
      throw UsageError("unknown property \"" + p + "\"; known:" + known);
    }
    checked = {p};
  }
  const kernel::Duration window = s.replay->tie_window;
  const auto failing =
      explore::violations(s, explore::replay(s, s.replay->decisions, window), checked);
  if (failing.empty()) {
    std::cerr << file << ": its replay breaks no property"
              << (checked.size() == 1 ? " " + checked[0] : std::string())
              << "; nothing to shrink\n";
    return kExitPassed;
  }
  explore::Failure f;
  f.property = failing[0].property;
  f.signature = failing[0].signature;
  f.message = failing[0].message;
  f.tie_window = window;
  const auto result = explore::shrink(s.replay->decisions, [&](const auto& list) {
    const auto r = explore::replay(s, list, window);
    return explore::breaks_as(s, r, f.property, f.signature);
  });
  f.strategy = "shrink";
  const std::string text = explore::repro_scenario(s, f, result.decisions);
  if (!out_path.empty()) {
    write_output(out_path, [&](std::ostream& out) { out << text; });
  } else {
    std::cout << text;
  }
  std::cerr << file << ": " << f.key() << ": " << s.replay->decisions.size()
            << " decisions, shrunk to " << result.decisions.size() << " (" << result.replays
            << " replays)\n";
  return kExitFailed;
}

int cmd_merge(const std::vector<std::string>& args) {
  po::options_description opts("ccsim merge REPORT... [options]");
  opts.add_options()("help,h", "show this help")("report", po::value<std::string>(),
                                                 "write the merged JSON report here")(
      "junit", po::value<std::string>(), "also write JUnit XML here");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.empty()) throw UsageError("merge takes the report.json of every shard");
  const std::string report_path = optional_path(parsed.vm, "report");
  const std::string junit_path = optional_path(parsed.vm, "junit");
  OutputPaths outputs;
  if (!report_path.empty()) outputs.add("--report", report_path);
  if (!junit_path.empty()) outputs.add("--junit", junit_path);
  std::vector<explore::CampaignReport> shards;
  for (const std::string& file : parsed.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in || std::filesystem::is_directory(file)) throw BadInput(file + ": cannot be read");
    // At most one byte past the limit: a device may never end.
    std::string text;
    char buf[1 << 16];
    while (text.size() <= kMaxReportBytes && in.read(buf, sizeof buf).gcount() > 0)
      text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxReportBytes) {
      throw BadInput(file + ": larger than any fuzz report (" + std::to_string(kMaxReportBytes) +
                     " bytes)");
    }
    try {
      shards.push_back(explore::parse_report(text, file));
    } catch (const std::invalid_argument& e) {
      throw BadInput(e.what());
    }
  }
  explore::CampaignReport merged;
  try {
    merged = explore::merge_reports(shards);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("cannot merge: ") + e.what());
  }
  write_reports(merged, report_path, junit_path);
  explore::write_summary(std::cout, merged);
  return merged.failed() ? kExitFailed : kExitPassed;
}

}  // namespace ccsim::cli
