// The run's pseudo-random generator: xoshiro256** seeded through splitmix64, with range
// functions written here so that a seed gives the same numbers on every compiler and
// standard library (no std::*_distribution anywhere in ccsim).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccsim::kernel {

/// A seed as JSON outputs spell it: its decimal digits, as a string, because a JSON number
/// above 2^53 is rounded by jq, JavaScript and most parsers, and a rounded seed replays
/// another trace.
inline std::string seed_text(std::uint64_t seed) {
  return std::to_string(seed);
}
/// Decimal digits only, 0 to 2^64 - 1; nullopt otherwise.
std::optional<std::uint64_t> parse_seed(std::string_view text);

/// splitmix64 step: also a good 64-bit mixer for deriving independent seeds.
std::uint64_t splitmix64(std::uint64_t& state);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  /// Uniform in [0, bound); bound must be >= 1. Unbiased (Lemire's method with rejection).
  std::uint64_t below(std::uint64_t bound);
  /// Uniform in [lo, hi], inclusive; lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);

 private:
  std::uint64_t s_[4];
};

}  // namespace ccsim::kernel
