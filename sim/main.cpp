// ccsim: the command-line front end. Parses arguments, calls the library, maps results to
// exit codes: 0 all expectations held, 1 an expectation failed, 2 bad input or usage,
// 3 internal error. The only place that catches exceptions.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "atomic_file.hpp"
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

const char* kUsage =
    "usage: ccsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE     replay a scenario; print its trace, outcomes, seed and digest\n"
    "  check FILE...  validate scenario files without running them\n"
    "\n"
    "exit codes: 0 all expectations held, 1 an expectation failed, 2 bad input or usage,\n"
    "            3 internal error\n"
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

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts("ccsim run FILE [options]");
  opts.add_options()("help,h", "show this help")(
      "seed", po::value<std::uint64_t>(),
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
  options.seed = vm.count("seed") != 0 ? vm["seed"].as<std::uint64_t>() : scenario.default_seed;
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
  text.events = vm.count("quiet") == 0;
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
    throw UsageError("unknown command \"" + command + "\"");
  } catch (const ccsim::scenario::ScenarioError& e) {
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
