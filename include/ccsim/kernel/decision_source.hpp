// Every nondeterministic choice of a run goes through one Decisions object, at a named
// decision site ("latency peer->mycc TRANSACTION tx1", "select execute ch1/tx1"). A
// DecisionSource answers; Decisions records what was asked and answered, so a run can be
// replayed from its log and fuzzing can mutate and shrink that log.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/kernel/rng.hpp"

namespace ccsim::kernel {

/// What a decision chooses. The kind fixes the meaning of the answer (see DecisionSource).
enum class DecisionKind : std::uint8_t {
  kLatency,  // an offset in nanoseconds within a delay range: [0, range)
  kSelect,   // which of several ready cases of a Go select: [0, range), in declared order
  kTie,      // which of several events due at the same instant runs first: [0, range)
};

const char* to_string(DecisionKind kind);

/// One answered decision. `key` names what was decided, independent of code layout.
struct Decision {
  DecisionKind kind;
  std::string key;
  std::uint64_t range;
  std::uint64_t value;

  bool operator==(const Decision&) const = default;
};

/// Answers decisions. `range` is always >= 2: single-option sites are not asked.
class DecisionSource {
 public:
  virtual ~DecisionSource() = default;
  virtual std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range) = 0;
  /// Whether the kernel should ask at all about ties between same-instant events. Sources
  /// that do not explore keep (time, sequence) order and skip the cost of asking.
  virtual bool explores_ties() const { return false; }
};

/// The default source: latencies from the seeded PRNG; selects and ties by the fixed rule
/// (the first ready case in declared order, the earliest scheduled event).
class SeededDecisionSource final : public DecisionSource {
 public:
  explicit SeededDecisionSource(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range) override;

 private:
  Rng rng_;
};

/// Answers from a recorded list, matched by (kind, key) and occurrence: the n-th question
/// with a given key gets the n-th recorded answer for that key. A question the list does
/// not answer gets the fixed rule's answer (0), which is what shrinking relies on: dropping a
/// decision from the list restores the default there. Answers out of range are clamped.
class ReplayDecisionSource final : public DecisionSource {
 public:
  explicit ReplayDecisionSource(const std::vector<Decision>& recorded, bool explores_ties = false);
  std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range) override;
  bool explores_ties() const override { return explores_ties_; }

 private:
  std::map<std::string, std::vector<std::uint64_t>, std::less<>> answers_;
  std::map<std::string, std::size_t, std::less<>> used_;
  bool explores_ties_;
};

/// The run's decision point: asks the source and records the answer.
class Decisions {
 public:
  explicit Decisions(DecisionSource& source) : source_(&source) {}

  /// A value in [0, range). A range of 0 or 1 has one answer and is neither asked nor logged.
  std::uint64_t choose(DecisionKind kind, std::string_view key, std::uint64_t range);
  bool explores_ties() const { return source_->explores_ties(); }
  const std::vector<Decision>& log() const { return log_; }

 private:
  DecisionSource* source_;
  std::vector<Decision> log_;
};

}  // namespace ccsim::kernel
