#include "ccsim/kernel/decision_source.hpp"

#include <algorithm>

namespace ccsim::kernel {

const char* to_string(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kLatency:
      return "latency";
    case DecisionKind::kSelect:
      return "select";
    case DecisionKind::kTie:
      return "tie";
  }
  return "?";
}

std::uint64_t SeededDecisionSource::choose(DecisionKind kind, std::string_view /*key*/,
                                           std::uint64_t range) {
  if (kind == DecisionKind::kLatency) return rng_.below(range);
  return 0;
}

static std::string replay_key(DecisionKind kind, std::string_view key) {
  std::string k = to_string(kind);
  k += ' ';
  k += key;
  return k;
}

ReplayDecisionSource::ReplayDecisionSource(const std::vector<Decision>& recorded,
                                           bool explores_ties)
    : explores_ties_(explores_ties) {
  for (const Decision& d : recorded)
    answers_[replay_key(d.kind, d.key)].push_back(d.value);
}

std::uint64_t ReplayDecisionSource::choose(DecisionKind kind, std::string_view key,
                                           std::uint64_t range) {
  const std::string k = replay_key(kind, key);
  auto it = answers_.find(k);
  if (it == answers_.end()) return 0;
  std::size_t& n = used_[k];
  if (n >= it->second.size()) return 0;
  return std::min(it->second[n++], range - 1);
}

std::uint64_t Decisions::choose(DecisionKind kind, std::string_view key, std::uint64_t range) {
  if (range <= 1) return 0;
  const std::uint64_t value = source_->choose(kind, key, range);
  log_.push_back(Decision{kind, std::string(key), range, value < range ? value : range - 1});
  return log_.back().value;
}

}  // namespace ccsim::kernel
