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
                                           bool explores_ties, Duration tie_window)
    : explores_ties_(explores_ties), tie_window_(tie_window) {
  for (const Decision& d : recorded)
    answers_[replay_key(d.kind, d.key)][d.occurrence] = d.value;
}

std::uint64_t ReplayDecisionSource::choose(DecisionKind kind, std::string_view key,
                                           std::uint64_t range) {
  const std::string k = replay_key(kind, key);
  auto it = answers_.find(k);
  if (it == answers_.end()) return 0;
  auto asked = asked_.find(k);
  if (asked == asked_.end()) asked = asked_.emplace(k, 0).first;
  const std::uint32_t n = asked->second++;
  auto answer = it->second.find(n);
  if (answer == it->second.end()) return 0;
  return std::min(answer->second, range - 1);
}

void Decisions::record(DecisionKind kind, std::string_view key, std::uint64_t range,
                       std::uint64_t value) {
  auto it = occurrences_.find(key);
  if (it == occurrences_.end()) {
    it = occurrences_.emplace(std::string(key), 0).first;
    kept_bytes_ += 64 + key.size();  // a map node and its key
  }
  log_.push_back(Decision{kind, std::string(key), range, value, it->second++});
  kept_bytes_ += sizeof(Decision) + key.size();
}

std::uint64_t Decisions::choose(DecisionKind kind, std::string_view key, std::uint64_t range) {
  if (range <= 1) return 0;
  std::uint64_t value = source_->choose(kind, key, range);
  if (value >= range) value = range - 1;
  if (keep_log_) record(kind, key, range, value);
  return value;
}

std::uint64_t Decisions::choose_tie(std::span<const TieCandidate> candidates) {
  const std::uint64_t range = candidates.size();
  if (range <= 1) return 0;
  std::string key;
  if (wants_keys_) {
    key = "tie";
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      key += i == 0 ? " " : " | ";
      key += candidates[i].label.empty() ? std::string_view("(unlabelled)") : candidates[i].label;
    }
  }
  std::uint64_t value = source_->choose_tie(key, candidates);
  if (value >= range) value = range - 1;
  if (keep_log_) record(DecisionKind::kTie, key, range, value);
  return value;
}

}  // namespace ccsim::kernel
