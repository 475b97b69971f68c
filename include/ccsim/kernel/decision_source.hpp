// Every nondeterministic choice of a run goes through one Decisions object, at a named
// decision site ("latency peer->mycc TRANSACTION tx1", "select execute ch1/tx1"). A
// DecisionSource answers; Decisions records what was asked and answered, so a run can be
// replayed from its log and fuzzing can mutate and shrink that log.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/kernel/rng.hpp"
#include "ccsim/kernel/time.hpp"

namespace ccsim::kernel {

/// What a decision chooses. The kind fixes the meaning of the answer (see DecisionSource).
enum class DecisionKind : std::uint8_t {
  kLatency,  // an offset in nanoseconds within a delay range: [0, range)
  kSelect,   // which of several ready cases of a Go select: [0, range), in declared order
  kTie,      // which of several events due together runs first: [0, range), earliest first
};

const char* to_string(DecisionKind kind);

/// One answered decision. `key` names what was decided, independent of code layout; a key
/// asked more than once in a run is told apart by `occurrence` (0 for the first question).
struct Decision {
  DecisionKind kind;
  std::string key;
  std::uint64_t range;
  std::uint64_t value;
  std::uint32_t occurrence = 0;

  bool operator==(const Decision&) const = default;
};

/// One of the events a tie decision chooses between, in (time, sequence) order.
struct TieCandidate {
  Time due;                // when it is due (an event held back by a tie window keeps its place)
  std::uint64_t chain;     // its task chain: the goroutine that scheduled it (Simulation::spawn)
  std::string_view label;  // what it is (Simulation's event labels); empty if not built
};

/// Answers decisions. `range` is always >= 2: single-option sites are not asked.
class DecisionSource {
 public:
  virtual ~DecisionSource() = default;
  virtual std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range) = 0;
  /// Which of the candidates runs first. The default asks choose(kTie, key, size).
  virtual std::uint64_t choose_tie(std::string_view key, std::span<const TieCandidate> candidates) {
    return choose(DecisionKind::kTie, key, candidates.size());
  }
  /// Whether the kernel should ask at all about ties between events due together. Sources
  /// that do not explore keep (time, sequence) order and skip the cost of asking.
  virtual bool explores_ties() const { return false; }
  /// With ties explored: events due no later than this after the earliest one (and after
  /// every event they would overtake) are tied with it. Zero: only events due at the same
  /// instant. Running a later event first holds the earlier ones back until its instant, so
  /// no event runs more than the window after it was due.
  virtual Duration tie_window() const { return Duration(); }
  /// Whether choose() reads `key`. A source that does not lets an unlogged run skip building
  /// keys (fuzzing throughput).
  virtual bool reads_keys() const { return true; }
};

/// The default source: latencies from the seeded PRNG; selects and ties by the fixed rule
/// (the first ready case in declared order, the earliest scheduled event).
class SeededDecisionSource final : public DecisionSource {
 public:
  explicit SeededDecisionSource(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range) override;
  bool reads_keys() const override { return false; }

 private:
  Rng rng_;
};

/// Answers from a recorded list, matched by key and occurrence: the n-th question with a given
/// key gets the answer recorded for that key with occurrence n. A question the list does not
/// answer gets the fixed rule's answer (0), which is what shrinking relies on: dropping a
/// decision from the list restores the default there, and only there. Answers out of range
/// are clamped.
class ReplayDecisionSource final : public DecisionSource {
 public:
  explicit ReplayDecisionSource(const std::vector<Decision>& recorded, bool explores_ties = false,
                                Duration tie_window = Duration());
  std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range) override;
  bool explores_ties() const override { return explores_ties_; }
  Duration tie_window() const override { return tie_window_; }

 private:
  // key -> occurrence -> value
  std::map<std::string, std::map<std::uint32_t, std::uint64_t>, std::less<>> answers_;
  std::map<std::string, std::uint32_t, std::less<>> asked_;
  bool explores_ties_;
  Duration tie_window_;
};

/// The run's decision point: asks the source and, unless told not to, records the answer.
class Decisions {
 public:
  /// keep_log=false records nothing (fuzzing: a failing run is rerun with its log).
  explicit Decisions(DecisionSource& source, bool keep_log = true)
      : source_(&source), keep_log_(keep_log), wants_keys_(keep_log || source.reads_keys()) {}

  /// A value in [0, range). A range of 0 or 1 has one answer and is neither asked nor logged.
  std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range);
  /// Which of `candidates` (at least two, earliest first) runs first. Keyed by what the
  /// candidates are, in that order: "tie <label> | <label> ...", so the answer (an index)
  /// means the same event wherever the key matches.
  std::uint64_t choose_tie(std::span<const TieCandidate> candidates);

  bool explores_ties() const { return source_->explores_ties(); }
  Duration tie_window() const { return source_->tie_window(); }
  /// Whether decision sites need to build their keys: false when nothing reads or logs them.
  bool wants_keys() const { return wants_keys_; }
  const std::vector<Decision>& log() const { return log_; }
  /// About how many bytes the log takes (entries, keys, occurrence counters).
  std::uint64_t kept_bytes() const { return kept_bytes_; }

 private:
  void record(DecisionKind kind, std::string_view key, std::uint64_t range, std::uint64_t value);

  DecisionSource* source_;
  bool keep_log_;
  bool wants_keys_;
  std::vector<Decision> log_;
  std::map<std::string, std::uint32_t, std::less<>> occurrences_;
  std::uint64_t kept_bytes_ = 0;
};

}  // namespace ccsim::kernel
