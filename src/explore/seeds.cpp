#include "ccsim/explore/seeds.hpp"

#include <charconv>

#include "ccsim/kernel/rng.hpp"

namespace ccsim::explore {

std::uint64_t run_seed(std::uint64_t campaign_seed, std::uint64_t index) {
  std::uint64_t state = campaign_seed;
  const std::uint64_t base = kernel::splitmix64(state);
  std::uint64_t mixed = base + index * 0xd1b54a32d192ed03ULL;
  return kernel::splitmix64(mixed);
}

std::string Shard::spelling() const {
  return std::to_string(index + 1) + "/" + std::to_string(count);
}

namespace {
std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<Shard> parse_shard(std::string_view text, std::string& error) {
  const std::size_t slash = text.find('/');
  const auto k = slash == std::string_view::npos ? std::nullopt : number(text.substr(0, slash));
  const auto n = slash == std::string_view::npos ? std::nullopt : number(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *k == 0 || *k > *n) {
    error = "bad shard \"" + std::string(text) +
            "\": expected K/N with 1 <= K <= N, e.g. 2/8 for the second of eight parts";
    return std::nullopt;
  }
  return Shard{*k - 1, *n};
}

}  // namespace ccsim::explore
