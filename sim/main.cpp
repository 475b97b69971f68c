// ccsim: the command-line front end. Parses arguments, calls the library, maps results to
// exit codes: 0 all expectations held, 1 an expectation failed, 2 bad input or usage,
// 3 internal error. The only place that catches exceptions.
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>

#include "atomic_file.hpp"
#include "ccsim/explore/artifact.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/report.hpp"
#include "ccsim/explore/shrink.hpp"
#include "ccsim/report/jsonl_trace.hpp"
#include "ccsim/report/mermaid.hpp"
#include "ccsim/report/perfetto.hpp"
#include "ccsim/report/text_trace.hpp"
#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

namespace po = boost::program_options;

namespace {

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

/// Bad usage: reported like bad input, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A bad input file that is not a scenario (a fuzz report): its message names it; exit 2.
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage: ccsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE        replay a scenario; print its trace, outcomes, seed and digest\n"
    "  check FILE...   validate scenario files without running them\n"
    "  fuzz FILE...    explore the message orderings of scenarios; check properties in every\n"
    "                  run; write a replayable artifact for each distinct failure\n"
    "  merge REPORT... combine the reports of a sharded fuzz campaign\n"
    "  shrink FILE     shrink a scenario's \"replay\" decisions again, keeping its failure\n"
    "\n"
    "exit codes: 0 all expectations (fuzz: properties) held, 1 one failed, 2 bad input or\n"
    "            usage, 3 internal error\n"
    "\n"
    "'ccsim <command> --help' describes a command's options.\n";

/// A command's options, its positional FILE arguments, and whether --help was asked.
struct ParsedCommand {
  po::variables_map vm;
  std::vector<std::string> files;
  bool help = false;
};

ParsedCommand parse_command(const std::vector<std::string>& args,
                            const po::options_description& opts) {
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  ParsedCommand parsed;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), parsed.vm);
    po::notify(parsed.vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  parsed.help = parsed.vm.count("help") != 0;
  if (parsed.vm.count("file") != 0) parsed.files = parsed.vm["file"].as<std::vector<std::string>>();
  return parsed;
}

// --seed: a decimal integer from 0 to 2^64 - 1, nothing else (program_options would read
// "-1" as 18446744073709551615).
std::uint64_t seed_of(const po::variables_map& vm) {
  const std::string text = vm["seed"].as<std::string>();
  std::uint64_t seed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || ec != std::errc() ||
      end != text.data() + text.size()) {
    throw UsageError("--seed takes an integer from 0 to 18446744073709551615, got \"" + text +
                     "\"");
  }
  return seed;
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts("ccsim run FILE [options]");
  opts.add_options()("help,h", "show this help")(
      "seed", po::value<std::string>(),
      "seed of the run's decision source (default: the scenario's \"seed\", else 1)")(
      "jsonl", po::value<std::string>(), "also write the JSON-lines trace to this file")(
      "mermaid", po::value<std::string>(),
      "also write the trace as a Mermaid sequence diagram to this file")(
      "perfetto", po::value<std::string>(),
      "also write the trace as Chrome trace-event JSON (ui.perfetto.dev) to this file")(
      "quiet,q", "print outcomes, seed and digest only, not every event");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.size() != 1) throw UsageError("run takes exactly one scenario file");
  const po::variables_map& vm = parsed.vm;
  const std::string& file = parsed.files.front();
  const ccsim::scenario::Scenario scenario = ccsim::scenario::load_file(file);

  ccsim::scenario::RunOptions options;
  options.seed = vm.count("seed") != 0 ? seed_of(vm) : scenario.default_seed;
  // Only what is printed or written needs the events; the decision log nothing here reads.
  const bool quiet = vm.count("quiet") != 0;
  options.keep_trace =
      !quiet || vm.count("jsonl") != 0 || vm.count("mermaid") != 0 || vm.count("perfetto") != 0;
  options.log_decisions = false;
  const ccsim::scenario::RunResult result = ccsim::scenario::run(scenario, options);

  if (vm.count("jsonl") != 0) {
    ccsim::cli::write_atomically(vm["jsonl"].as<std::string>(), [&](std::ostream& out) {
      ccsim::report::write_jsonl(out, result);
    });
  }
  if (vm.count("mermaid") != 0) {
    ccsim::cli::write_atomically(vm["mermaid"].as<std::string>(), [&](std::ostream& out) {
      ccsim::report::write_mermaid(out, result);
    });
  }
  if (vm.count("perfetto") != 0) {
    ccsim::cli::write_atomically(vm["perfetto"].as<std::string>(), [&](std::ostream& out) {
      ccsim::report::write_perfetto(out, result);
    });
  }
  ccsim::report::TextOptions text;
  text.events = !quiet;
  ccsim::report::write_text(std::cout, scenario, result, text);
  return result.passed() ? kExitPassed : kExitFailed;
}

int cmd_check(const std::vector<std::string>& args) {
  po::options_description opts("ccsim check FILE... [options]");
  opts.add_options()("help,h", "show this help");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.empty()) throw UsageError("check takes one or more scenario files");
  int status = kExitPassed;
  for (const std::string& file : parsed.files) {
    try {
      ccsim::scenario::load_file(file);
      std::cout << file << ": ok\n";
    } catch (const ccsim::scenario::ScenarioError& e) {
      std::cerr << e.what() << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

// --- fuzz and merge ----------------------------------------------------------------------

// Set by SIGINT; campaigns poll it between runs. The library installs no handlers.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigint(int) {
  g_interrupted.store(true);
}

// Quotes a path for a shell command line when it needs it.
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-./+:=@%,") == std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Progress on stderr: a line rewritten in place on a terminal; plain lines, at most one every
// 10 seconds, under CI.
class ProgressLine {
 public:
  ProgressLine(const std::vector<std::string>& files, bool quiet)
      : files_(files), quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1) {}

  void update(const ccsim::explore::Progress& p) {
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
    char line[512];
    std::snprintf(line, sizeof line, "fuzz %s: %llu/%llu runs, %llu distinct failures, %.0f runs/s",
                  files_[p.scenario].c_str(), static_cast<unsigned long long>(p.done),
                  static_cast<unsigned long long>(p.total),
                  static_cast<unsigned long long>(p.failures),
                  seconds > 0 ? static_cast<double>(p.done) / seconds : 0.0);
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

void write_reports(const ccsim::explore::CampaignReport& report, const std::string& report_path,
                   const std::string& junit_path) {
  if (!report_path.empty()) {
    ccsim::cli::write_atomically(
        report_path, [&](std::ostream& out) { out << ccsim::explore::report_json(report); });
  }
  if (!junit_path.empty()) {
    ccsim::cli::write_atomically(
        junit_path, [&](std::ostream& out) { ccsim::explore::write_junit(out, report); });
  }
}

template <class T>
T positive(const po::variables_map& vm, const char* name, T fallback) {
  if (vm.count(name) == 0) return fallback;
  const auto v = vm[name].as<long long>();
  if (v < 1) {
    throw UsageError(std::string("--") + name + " must be at least 1, got " + std::to_string(v));
  }
  return static_cast<T>(v);
}

static_assert(ccsim::explore::kDefaultRuns == 10000, "--runs' help names the default");

int cmd_fuzz(const std::vector<std::string>& args, const std::string& self) {
  po::options_description opts("ccsim fuzz FILE... [options]");
  opts.add_options()("help,h", "show this help")(
      "runs", po::value<long long>(), "runs per scenario, over all shards (default 10000)")(
      "seed", po::value<std::string>(),
      "campaign seed: run i uses a seed derived from it "
      "and i (default 1)")("jobs,j", po::value<long long>(),
                           "worker threads (default: the machine's cores)")(
      "strategy", po::value<std::string>(),
      "portfolio (default), or a comma-separated list of: random, pct, pct:D, tie-window, "
      "tie-window:DURATION")(
      "shard", po::value<std::string>(),
      "K/N: run only part K of N of the campaign's runs (run i when i % N == K-1)")(
      "out,o", po::value<std::string>(),
      "directory for artifacts and report.json (default ccsim-fuzz)")(
      "report", po::value<std::string>(), "write the JSON report here (default OUT/report.json)")(
      "junit", po::value<std::string>(), "also write JUnit XML here")(
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

  ccsim::explore::CampaignOptions options;
  options.runs = positive<std::uint64_t>(vm, "runs", ccsim::explore::kDefaultRuns);
  options.seed = vm.count("seed") != 0 ? seed_of(vm) : 1;
  options.jobs = positive<unsigned>(vm, "jobs", std::max(1U, std::thread::hardware_concurrency()));
  if (vm.count("strategy") != 0) {
    try {
      options.plan = ccsim::explore::parse_plan(vm["strategy"].as<std::string>());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (vm.count("shard") != 0) {
    std::string error;
    const auto shard = ccsim::explore::parse_shard(vm["shard"].as<std::string>(), error);
    if (!shard) throw UsageError(error);
    options.shard = *shard;
  }
  options.shrink = vm.count("no-shrink") == 0;
  if (vm.count("check-determinism") != 0)
    options.check_determinism = positive<std::uint64_t>(vm, "check-determinism", 64);
  const std::string out_dir = vm.count("out") != 0 ? vm["out"].as<std::string>() : "ccsim-fuzz";
  const std::string report_path =
      vm.count("report") != 0 ? vm["report"].as<std::string>() : out_dir + "/report.json";
  const std::string junit_path = vm.count("junit") != 0 ? vm["junit"].as<std::string>() : "";

  // Every file is checked before anything runs.
  std::vector<std::unique_ptr<ccsim::scenario::Scenario>> loaded;
  std::vector<const ccsim::scenario::Scenario*> scenarios;
  for (const std::string& file : parsed.files) {
    loaded.push_back(std::make_unique<ccsim::scenario::Scenario>(ccsim::scenario::load_file(file)));
    scenarios.push_back(loaded.back().get());
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw ccsim::cli::OutputError(out_dir + ": cannot create directory: " + ec.message());

  ProgressLine progress(parsed.files, vm.count("quiet") != 0);
  options.stop = &g_interrupted;
  options.on_progress = [&](const ccsim::explore::Progress& p) { progress.update(p); };
  options.on_failure = [&](const ccsim::scenario::Scenario& s, ccsim::explore::Failure& f) {
    const ccsim::explore::Artifact a = ccsim::explore::make_artifact(s, f);
    const std::string dir = out_dir + "/" + a.folder;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw ccsim::cli::OutputError(dir + ": cannot create directory: " + ec.message());
    for (const auto& [name, content] : a.files) {
      ccsim::cli::write_atomically(dir + "/" + name,
                                   [&, &text = content](std::ostream& out) { out << text; });
    }
    f.artifact = dir;
    f.replay_command = shell_word(self) + " run " + shell_word(dir + "/repro.json");
  };

  g_interrupted.store(false);
  std::signal(SIGINT, on_sigint);
  const auto start = std::chrono::steady_clock::now();
  ccsim::explore::CampaignReport report = ccsim::explore::run_campaign(scenarios, options);
  report.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::signal(SIGINT, SIG_DFL);
  progress.finish();

  write_reports(report, report_path, junit_path);
  ccsim::explore::write_summary(std::cout, report);
  std::cout << "report: " << report_path << "\n";
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
  const ccsim::scenario::Scenario s = ccsim::scenario::load_file(file);
  if (!s.replay) throw UsageError(file + " has no \"replay\" section to shrink");
  const std::vector<std::string>& all = ccsim::explore::all_campaign_properties();
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
  const ccsim::kernel::Duration window = s.replay->tie_window;
  const auto failing = ccsim::explore::violations(
      s, ccsim::explore::replay(s, s.replay->decisions, window), checked);
  if (failing.empty()) {
    std::cerr << file << ": its replay breaks no property"
              << (checked.size() == 1 ? " " + checked[0] : std::string())
              << "; nothing to shrink\n";
    return kExitPassed;
  }
  ccsim::explore::Failure f;
  f.property = failing[0].property;
  f.signature = failing[0].signature;
  f.message = failing[0].message;
  f.tie_window = window;
  const auto result = ccsim::explore::shrink(s.replay->decisions, [&](const auto& list) {
    const auto r = ccsim::explore::replay(s, list, window);
    return ccsim::explore::breaks_as(s, r, f.property, f.signature);
  });
  f.strategy = "shrink";
  const std::string text = ccsim::explore::repro_scenario(s, f, result.decisions);
  if (parsed.vm.count("out") != 0) {
    ccsim::cli::write_atomically(parsed.vm["out"].as<std::string>(),
                                 [&](std::ostream& out) { out << text; });
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
  std::vector<ccsim::explore::CampaignReport> shards;
  for (const std::string& file : parsed.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw BadInput(file + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    try {
      shards.push_back(ccsim::explore::parse_report(text.str(), file));
    } catch (const std::invalid_argument& e) {
      throw BadInput(e.what());
    }
  }
  ccsim::explore::CampaignReport merged;
  try {
    merged = ccsim::explore::merge_reports(shards);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("cannot merge: ") + e.what());
  }
  write_reports(merged, parsed.vm.count("report") != 0 ? parsed.vm["report"].as<std::string>() : "",
                parsed.vm.count("junit") != 0 ? parsed.vm["junit"].as<std::string>() : "");
  ccsim::explore::write_summary(std::cout, merged);
  return merged.failed() ? kExitFailed : kExitPassed;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? kExitBadInput : kExitPassed;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "run") return cmd_run(args);
    if (command == "check") return cmd_check(args);
    if (command == "fuzz") return cmd_fuzz(args, argv[0]);
    if (command == "merge") return cmd_merge(args);
    if (command == "shrink") return cmd_shrink(args);
    throw UsageError("unknown command \"" + command + "\"");
  } catch (const ccsim::scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const BadInput& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const ccsim::cli::OutputError& e) {
    std::cerr << "ccsim: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << "ccsim: " << e.what() << "\n" << kUsage;
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "ccsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
