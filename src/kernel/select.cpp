#include "ccsim/kernel/select.hpp"

namespace ccsim::kernel {

void Select::ready(std::size_t case_index) {
  if (resolved_) return;
  ready_.at(case_index) = true;
  if (!resolution_.valid()) {
    resolution_ = sim_->spawn([this] { resolve(); }, [this] { return "select " + key_; });
  }
}

void Select::resolve() {
  std::vector<std::size_t> candidates;
  std::vector<bool> taken(ready_.size(), false);
  for (std::size_t i : preference_) {
    if (i < ready_.size() && ready_[i] && !taken[i]) candidates.push_back(i), taken[i] = true;
  }
  for (std::size_t i = 0; i < ready_.size(); ++i) {
    if (ready_[i] && !taken[i]) candidates.push_back(i);
  }
  // Only a real choice is a decision; build its key only if something reads or logs it.
  std::uint64_t pick = 0;
  if (candidates.size() >= 2) {
    Decisions& decisions = sim_->decisions();
    pick = decisions.choose(DecisionKind::kSelect,
                            decisions.wants_keys() ? "select " + key_ : std::string(),
                            candidates.size());
  }
  resolved_ = true;
  // on_chosen_ may destroy this Select (the owner's waiting is over): touch nothing after.
  OnChosen done = std::move(on_chosen_);
  done(candidates[pick]);
}

}  // namespace ccsim::kernel
