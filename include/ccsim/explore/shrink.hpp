// Shrinking a failing run's decisions to a 1-minimal list by delta debugging (Zeller and
// Hildebrandt's ddmin): the shrunk list still fails the same way when replayed, and dropping
// any one of its decisions makes that failure disappear. Replay answers an unlisted decision
// with the fixed rule, so a dropped decision means "the default" there (kernel
// ReplayDecisionSource, matched by key and occurrence).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ccsim/kernel/decision_source.hpp"

namespace ccsim::explore {

/// Whether replaying these decisions still fails the same way.
using StillFails = std::function<bool(const std::vector<kernel::Decision>&)>;

struct ShrinkResult {
  std::vector<kernel::Decision> decisions;  // 1-minimal, in the order of the input
  std::uint64_t replays = 0;                // how many times `still_fails` was asked
};

/// Shrinks `decisions`, which must fail. Decisions answered with the fixed rule (value 0)
/// change nothing and go first; then ddmin.
ShrinkResult shrink(const std::vector<kernel::Decision>& decisions, const StillFails& still_fails);

}  // namespace ccsim::explore
