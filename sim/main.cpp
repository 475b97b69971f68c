// ccsim: the command-line front end. Parses arguments, calls the library, maps results to
// exit codes: 0 all expectations held, 1 an expectation failed, 2 bad input or usage,
// 3 internal error, 128 + N when signal N stopped a run or campaign (after writing what it
// had). The only place that catches exceptions.
#include <csignal>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "ccsim/scenario/errors.hpp"
#include "cli.hpp"
#include "output_file.hpp"
#include "version.hpp"

namespace {

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
    "  import LOG...   write a scenario that replays what Fabric peer logs show\n"
    "\n"
    "exit codes: 0 all expectations (fuzz: properties) held, 1 one failed, 2 bad input or\n"
    "            usage, 3 internal error, 128+N stopped by signal N (SIGINT 130, SIGTERM 143)\n"
    "\n"
    "'ccsim <command> --help' describes a command's options; 'ccsim --version' prints the\n"
    "version; 'man ccsim' (when installed) has it all.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace ccsim::cli;
  // A file size limit (ulimit -f) makes a write fail, reported with its path, rather than
  // killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? kExitBadInput : kExitPassed;
    }
    if (args[0] == "--version" || args[0] == "-V" || args[0] == "version") {
      std::cout << "ccsim " << kVersion;
      if (*kCommit != '\0') std::cout << " (commit " << kCommit << ")";
      std::cout << "\n";
      return kExitPassed;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "run") return cmd_run(args);
    if (command == "check") return cmd_check(args);
    if (command == "fuzz") return cmd_fuzz(args, argv[0]);
    if (command == "merge") return cmd_merge(args);
    if (command == "shrink") return cmd_shrink(args);
    if (command == "import") return cmd_import(args);
    throw UsageError("unknown command \"" + command + "\"");
  } catch (const ccsim::scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const BadInput& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const OutputError& e) {
    std::cerr << "ccsim: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << "ccsim: " << e.what() << "\n" << kUsage;
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "ccsim: out of memory (the scenario's limits allow more than this machine "
                 "has; see limits in docs/scenario-format.md)\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "ccsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
