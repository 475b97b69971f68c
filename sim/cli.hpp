// What the ccsim commands share: exit codes, the errors main() maps to them, reading a
// command's options, and the option values program_options alone would accept wrongly.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "ccsim/scenario/loader.hpp"

namespace ccsim::cli {

namespace po = boost::program_options;

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

/// Bad usage: reported like bad input, with the usage text, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A bad input file that is not a scenario (a fuzz report): its message names it; exit 2.
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A command's options, its positional FILE arguments, and whether --help was asked.
struct ParsedCommand {
  po::variables_map vm;
  std::vector<std::string> files;
  bool help = false;
};

/// Parses `args` against `opts`, every other word a FILE. Throws UsageError.
ParsedCommand parse_command(const std::vector<std::string>& args,
                            const po::options_description& opts);

/// --seed: a decimal integer from 0 to 2^64 - 1, nothing else (program_options would read
/// "-1" as 2^64 - 1). Throws UsageError.
std::uint64_t seed_of(const po::variables_map& vm);

/// --NAME, a long long option, at least 1 (or `fallback` when absent). Throws UsageError.
std::uint64_t at_least_one(const po::variables_map& vm, const char* name, std::uint64_t fallback);

/// --profile's help, the same for every command that reads scenarios.
inline constexpr const char* kProfileHelp =
    "read the scenarios under this Fabric release instead of their \"profile\": 1.0, 1.1, 1.2, "
    "1.4.0, 1.4, 2.5 or 3.0";

/// The load options the command line sets (--profile, checked here). Throws UsageError.
scenario::LoadOptions load_options_of(const po::variables_map& vm);

/// `s` quoted for a POSIX shell command line when it needs it.
std::string shell_word(const std::string& s);

int cmd_run(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
/// `self`: how the program was called (argv[0]), for the replay commands it prints.
int cmd_fuzz(const std::vector<std::string>& args, const std::string& self);
int cmd_merge(const std::vector<std::string>& args);
int cmd_shrink(const std::vector<std::string>& args);
int cmd_import(const std::vector<std::string>& args);

}  // namespace ccsim::cli
