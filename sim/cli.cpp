#include "cli.hpp"

#include <cctype>
#include <charconv>

#include "ccsim/fabric/profile.hpp"

namespace ccsim::cli {

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

std::uint64_t at_least_one(const po::variables_map& vm, const char* name, std::uint64_t fallback) {
  if (vm.count(name) == 0) return fallback;
  const auto v = vm[name].as<long long>();
  if (v < 1) {
    throw UsageError(std::string("--") + name + " must be at least 1, got " + std::to_string(v));
  }
  return static_cast<std::uint64_t>(v);
}

scenario::LoadOptions load_options_of(const po::variables_map& vm) {
  scenario::LoadOptions options;
  if (vm.count("profile") == 0) return options;
  options.profile = vm["profile"].as<std::string>();
  if (!fabric::profile_by_name(options.profile)) {
    std::string known;
    for (const std::string& name : fabric::profile_names())
      known += " " + name;
    throw UsageError("--profile: unknown profile \"" + options.profile + "\"; known:" + known);
  }
  return options;
}

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

}  // namespace ccsim::cli
