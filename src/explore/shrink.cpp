#include "ccsim/explore/shrink.hpp"

#include <algorithm>

namespace ccsim::explore {

namespace {

using List = std::vector<kernel::Decision>;

// The items of `list` whose positions fall in chunk `k` of `n` (or outside it: complement).
List chunk(const List& list, std::size_t n, std::size_t k, bool complement) {
  List out;
  const std::size_t size = list.size();
  const std::size_t begin = size * k / n;
  const std::size_t end = size * (k + 1) / n;
  for (std::size_t i = 0; i < size; ++i) {
    const bool inside = i >= begin && i < end;
    if (inside != complement) out.push_back(list[i]);
  }
  return out;
}

}  // namespace

ShrinkResult shrink(const std::vector<kernel::Decision>& decisions, const StillFails& still_fails) {
  ShrinkResult result;
  const auto fails = [&](const List& l) {
    ++result.replays;
    return still_fails(l);
  };
  List current;
  for (const kernel::Decision& d : decisions) {
    if (d.value != 0) current.push_back(d);
  }
  // The default-only run may fail already.
  if (current.empty() || fails({})) return result;

  // ddmin: try each of n chunks, then each complement; on success keep it and coarsen,
  // otherwise refine, until every single decision has been tried on its own.
  std::size_t n = 2;
  while (current.size() >= 2) {
    n = std::min(n, current.size());
    bool reduced = false;
    for (std::size_t k = 0; k < n && !reduced; ++k) {
      List subset = chunk(current, n, k, /*complement=*/false);
      if (fails(subset)) {
        current = std::move(subset);
        n = 2;
        reduced = true;
      }
    }
    for (std::size_t k = 0; k < n && !reduced; ++k) {
      List rest = chunk(current, n, k, /*complement=*/true);
      if (fails(rest)) {
        current = std::move(rest);
        n = std::max<std::size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= current.size()) break;  // every single decision was tried: 1-minimal
    n = std::min(2 * n, current.size());
  }
  result.decisions = std::move(current);
  return result;
}

}  // namespace ccsim::explore
