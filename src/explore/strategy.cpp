#include "ccsim/explore/strategy.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "ccsim/kernel/rng.hpp"
#include "ccsim/scenario/loader.hpp"

namespace ccsim::explore {

using kernel::DecisionKind;
using kernel::TieCandidate;

std::string Strategy::name() const {
  switch (kind) {
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return "pct:" + std::to_string(depth);
    case StrategyKind::kTieWindow:
      return "tie-window:" + kernel::format_duration(window);
  }
  return "?";
}

std::uint64_t StrategyPlan::ordinal(std::uint64_t index) const {
  const std::size_t slot = index % slots.size();
  std::uint64_t same = 0;
  std::uint64_t before = 0;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!(slots[i] == slots[slot])) continue;
    ++same;
    if (i < slot) ++before;
  }
  return (index / slots.size()) * same + before;
}

StrategyPlan portfolio() {
  const Strategy random{StrategyKind::kRandom, 3, {}};
  const Strategy pct2{StrategyKind::kPct, 2, {}};
  const Strategy pct3{StrategyKind::kPct, 3, {}};
  const Strategy window{StrategyKind::kTieWindow, 3, kDefaultTieWindow};
  // Interleaved, so that any ten consecutive runs hold the whole mix.
  return StrategyPlan{"portfolio",
                      {random, pct3, window, random, pct2, window, random, pct3, window, random}};
}

namespace {

Strategy parse_strategy(std::string_view text) {
  const auto fail = [&](const std::string& why) -> Strategy {
    throw std::invalid_argument("bad strategy \"" + std::string(text) + "\": " + why +
                                " (expected portfolio, random, pct, pct:D, tie-window or "
                                "tie-window:DURATION, comma-separated)");
  };
  const std::size_t colon = text.find(':');
  const std::string_view head = text.substr(0, colon);
  const std::string_view arg =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (head == "random") {
    if (colon != std::string_view::npos) return fail("random takes no argument");
    return Strategy{StrategyKind::kRandom, 3, {}};
  }
  if (head == "pct") {
    Strategy s{StrategyKind::kPct, 3, {}};
    if (colon == std::string_view::npos) return s;
    std::uint32_t d = 0;
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), d);
    if (ec != std::errc() || end != arg.data() + arg.size() || d < 1 || d > 64)
      return fail("the depth is an integer from 1 to 64");
    s.depth = d;
    return s;
  }
  if (head == "tie-window") {
    Strategy s{StrategyKind::kTieWindow, 3, kDefaultTieWindow};
    if (colon == std::string_view::npos) return s;
    try {
      s.window = scenario::parse_duration(std::string(arg), "--strategy", "");
    } catch (const std::exception&) {
      return fail("the window is a duration such as 500us or 1ms");
    }
    return s;
  }
  return fail("unknown strategy");
}

}  // namespace

StrategyPlan parse_plan(std::string_view text) {
  if (text == "portfolio") return portfolio();
  StrategyPlan plan{std::string(text), {}};
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    plan.slots.push_back(parse_strategy(text.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return plan;
}

namespace {

// random: everything uniform.
class RandomSource final : public kernel::DecisionSource {
 public:
  explicit RandomSource(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(DecisionKind, std::string_view, std::uint64_t range) override {
    return rng_.below(range);
  }
  bool explores_ties() const override { return true; }
  bool reads_keys() const override { return false; }

 private:
  kernel::Rng rng_;
};

// PCT (Burckhardt et al., ASPLOS 2010) over task chains: a chain is a goroutine and the
// events it schedules. Priorities: d + a random 32-bit value on first sight (so they stay
// above the change points' d-1 ... 1); at the i-th change point the chosen chain drops to
// d - 1 - i, below every chain that has not dropped.
class PctSource final : public kernel::DecisionSource {
 public:
  PctSource(std::uint64_t seed, std::uint32_t depth, std::uint64_t steps) : rng_(seed) {
    const std::uint64_t k = std::max<std::uint64_t>(steps, 1);
    for (std::uint32_t i = 0; i + 1 < depth; ++i)
      change_points_.push_back(rng_.below(k));
    std::sort(change_points_.begin(), change_points_.end());
    depth_ = depth;
  }
  std::uint64_t choose(DecisionKind, std::string_view, std::uint64_t range) override {
    return rng_.below(range);
  }
  std::uint64_t choose_tie(std::string_view, std::span<const TieCandidate> c) override {
    std::size_t best = 0;
    std::uint64_t best_priority = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const std::uint64_t p = priority(c[i].chain);
      if (i == 0 || p > best_priority) {
        best = i;
        best_priority = p;
      }
    }
    const std::uint64_t step = step_++;
    while (next_change_ < change_points_.size() && change_points_[next_change_] == step) {
      set_priority(c[best].chain, depth_ - 1 - next_change_);
      ++next_change_;
    }
    return best;
  }
  bool explores_ties() const override { return true; }
  bool reads_keys() const override { return false; }

 private:
  std::uint64_t priority(std::uint64_t chain) {
    auto it = std::lower_bound(priorities_.begin(), priorities_.end(), chain,
                               [](const auto& p, std::uint64_t c) { return p.first < c; });
    if (it == priorities_.end() || it->first != chain)
      it = priorities_.insert(it, {chain, depth_ + (rng_.next() >> 32)});
    return it->second;
  }
  void set_priority(std::uint64_t chain, std::uint64_t p) {
    priority(chain);
    auto it = std::lower_bound(priorities_.begin(), priorities_.end(), chain,
                               [](const auto& q, std::uint64_t c) { return q.first < c; });
    it->second = p;
  }

  kernel::Rng rng_;
  std::uint32_t depth_ = 3;
  std::vector<std::uint64_t> change_points_;
  std::size_t next_change_ = 0;
  std::uint64_t step_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> priorities_;  // sorted by chain
};

// tie-window: the fixed rule everywhere but at the chosen tie steps, where the deviation
// picks another candidate (alternative a of a range r: 1 + (a - 1) % (r - 1)).
class TieWindowSource final : public kernel::DecisionSource {
 public:
  TieWindowSource(kernel::Duration window, std::vector<std::pair<std::uint64_t, std::uint64_t>> at)
      : window_(window), deviations_(std::move(at)) {
    std::sort(deviations_.begin(), deviations_.end());
  }
  std::uint64_t choose(DecisionKind, std::string_view, std::uint64_t) override { return 0; }
  std::uint64_t choose_tie(std::string_view, std::span<const TieCandidate> c) override {
    const std::uint64_t step = step_++;
    while (next_ < deviations_.size() && deviations_[next_].first < step)
      ++next_;
    if (next_ < deviations_.size() && deviations_[next_].first == step) {
      const std::uint64_t alt = deviations_[next_].second;
      return 1 + (alt - 1) % (c.size() - 1);
    }
    return 0;
  }
  bool explores_ties() const override { return true; }
  kernel::Duration tie_window() const override { return window_; }
  bool reads_keys() const override { return false; }

 private:
  kernel::Duration window_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> deviations_;  // (tie step, alternative)
  std::size_t next_ = 0;
  std::uint64_t step_ = 0;
};

// The deviations of the tie-window run with this ordinal: the single deviations of the probe
// run in order (step by step, each alternative), then two or three random ones.
std::vector<std::pair<std::uint64_t, std::uint64_t>> deviations(std::uint64_t ordinal,
                                                                std::uint64_t seed,
                                                                const Probe& probe) {
  std::uint64_t n = ordinal;
  for (std::size_t step = 0; step < probe.tie_ranges.size(); ++step) {
    const std::uint64_t alternatives = probe.tie_ranges[step] - 1;
    if (n < alternatives) return {{step, n + 1}};
    n -= alternatives;
  }
  kernel::Rng rng(seed);
  const std::uint64_t steps = std::max<std::uint64_t>(probe.tie_ranges.size(), 1);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  const std::uint64_t count = 2 + rng.below(2);
  for (std::uint64_t i = 0; i < count; ++i) {
    // Two statements: the order of two draws in one call's arguments is unspecified (g++ and
    // clang differ). This is the order g++ took, so campaigns keep their runs.
    const std::uint64_t alternative = 1 + rng.below(1u << 16);
    const std::uint64_t step = rng.below(steps);
    out.emplace_back(step, alternative);
  }
  return out;
}

}  // namespace

std::unique_ptr<kernel::DecisionSource> make_source(const Strategy& strategy, std::uint64_t seed,
                                                    std::uint64_t ordinal, const Probe& probe) {
  switch (strategy.kind) {
    case StrategyKind::kRandom:
      return std::make_unique<RandomSource>(seed);
    case StrategyKind::kPct:
      return std::make_unique<PctSource>(seed, strategy.depth, probe.tie_ranges.size());
    case StrategyKind::kTieWindow:
      return std::make_unique<TieWindowSource>(strategy.window, deviations(ordinal, seed, probe));
  }
  return nullptr;
}

}  // namespace ccsim::explore
