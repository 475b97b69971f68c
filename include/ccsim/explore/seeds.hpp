// How a campaign's runs get their seeds, and how shards split them. Run i of a campaign with
// seed S uses run_seed(S, i), whatever the number of jobs or shards: a failure found at run i
// is found at run i everywhere (docs/fuzzing.md, "Seeds and shards").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccsim::explore {

/// The seed of run `index` of a campaign seeded `campaign_seed`: splitmix64 of the campaign
/// seed, offset by the index times an odd constant, mixed by splitmix64 again.
std::uint64_t run_seed(std::uint64_t campaign_seed, std::uint64_t index);

/// Part `index` (0-based) of `count`: a shard runs the indices i with i % count == index, so
/// shards interleave and every strategy of a portfolio reaches every shard.
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;

  bool contains(std::uint64_t run) const { return run % count == index; }
  /// How many of the runs [0, runs) this shard takes.
  std::uint64_t size(std::uint64_t runs) const {
    return runs > index ? (runs - index - 1) / count + 1 : 0;  // no sum that could wrap
  }
  /// The shard's n-th run index.
  std::uint64_t run(std::uint64_t n) const { return index + n * count; }
  /// "K/N", 1-based as on the command line.
  std::string spelling() const;
  bool operator==(const Shard&) const = default;
};

/// Parses "K/N" (1 <= K <= N); nullopt with `error` set otherwise.
std::optional<Shard> parse_shard(std::string_view text, std::string& error);

}  // namespace ccsim::explore
