// Fuzzing strategies: how a run's decisions are answered when exploring (docs/fuzzing.md,
// "Strategies").
// - random: every latency uniform within its delay range, every Go select and every tie of
//   same-instant events (goroutine order) uniform.
// - pct:D: probabilistic concurrency testing with bug depth D: each task chain (goroutine)
//   gets a random priority, a tie runs the highest-priority event, and at D-1 random steps
//   the running chain drops to the lowest priority. Latencies and selects as random.
// - tie-window:W: the fixed rule for latencies and selects, and events due within W of each
//   other tied; the campaign's runs of this strategy enumerate deviations from the default
//   order systematically: first every single deviation, then random pairs and triples.
// A plan assigns one strategy to each run index: one strategy for all runs, or the portfolio.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::explore {

enum class StrategyKind : std::uint8_t { kRandom, kPct, kTieWindow };

struct Strategy {
  StrategyKind kind = StrategyKind::kRandom;
  std::uint32_t depth = 3;  // pct: the bug depth
  kernel::Duration window;  // tie-window: how close events must be due to be tied

  /// "random", "pct:3", "tie-window:1ms".
  std::string name() const;
  /// The tie window runs of this strategy use (zero but for tie-window).
  kernel::Duration tie_window() const {
    return kind == StrategyKind::kTieWindow ? window : kernel::Duration();
  }
  bool operator==(const Strategy&) const = default;
};

/// The default window of "tie-window" without a duration.
inline constexpr kernel::Duration kDefaultTieWindow = kernel::Duration::milliseconds(1);

/// Which strategy each run uses: run i takes slots[i % slots.size()].
struct StrategyPlan {
  std::string name;  // "portfolio", or the strategies as given
  std::vector<Strategy> slots;

  const Strategy& for_run(std::uint64_t index) const { return slots[index % slots.size()]; }
  /// How many of the runs [0, index) used the same strategy as run `index`: its ordinal
  /// within the strategy (the tie-window enumeration counts with it).
  std::uint64_t ordinal(std::uint64_t index) const;
};

/// The default mix, in ten slots: random x4, pct:2, pct:3 x2, tie-window:1ms x3.
StrategyPlan portfolio();

/// "portfolio", or a comma-separated list of strategies, each taking one slot in turn:
/// "random", "pct" (depth 3), "pct:D" (1 <= D <= 64), "tie-window" (1ms), "tie-window:DURATION".
/// Throws std::invalid_argument with a one-line message on anything else.
StrategyPlan parse_plan(std::string_view text);

/// What a strategy needs to know of a scenario before its runs: the ties of the run in which
/// every decision takes the fixed rule, with ties explored under the strategy's window.
struct Probe {
  kernel::Duration window;
  std::vector<std::uint64_t> tie_ranges;  // per tie decision, in order: how many candidates
};

/// The decision source of one run: strategy, the run's seed, its ordinal within the strategy,
/// and the probe of the strategy's window. Reads no keys: runs need not build them.
std::unique_ptr<kernel::DecisionSource> make_source(const Strategy& strategy, std::uint64_t seed,
                                                    std::uint64_t ordinal, const Probe& probe);

/// A source that explores ties under `window`, answers every decision with the fixed rule (0)
/// and counts the ties: the probe run's source.
class ProbeSource final : public kernel::DecisionSource {
 public:
  explicit ProbeSource(kernel::Duration window) : window_(window) {}
  std::uint64_t choose(kernel::DecisionKind, std::string_view, std::uint64_t) override { return 0; }
  std::uint64_t choose_tie(std::string_view,
                           std::span<const kernel::TieCandidate> candidates) override {
    ranges_.push_back(candidates.size());
    return 0;
  }
  bool explores_ties() const override { return true; }
  kernel::Duration tie_window() const override { return window_; }
  bool reads_keys() const override { return false; }
  Probe probe() const { return Probe{window_, ranges_}; }

 private:
  kernel::Duration window_;
  std::vector<std::uint64_t> ranges_;
};

}  // namespace ccsim::explore
