// Shrinking by delta debugging: a 1-minimal list that still fails.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "../scenario/test_support.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/explore/shrink.hpp"

using namespace ccsim;
using kernel::Decision;
using kernel::DecisionKind;

namespace {

Decision d(const std::string& key, std::uint64_t value) {
  return Decision{DecisionKind::kLatency, key, 100, value};
}

std::vector<Decision> without(const std::vector<Decision>& list, std::size_t i) {
  std::vector<Decision> out = list;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
  return out;
}

bool has(const std::vector<Decision>& list, const std::string& key) {
  return std::any_of(list.begin(), list.end(), [&](const Decision& x) { return x.key == key; });
}

}  // namespace

TEST_CASE("shrink: keeps exactly the decisions a failure needs, in their order") {
  std::vector<Decision> all;
  for (int i = 0; i < 40; ++i)
    all.push_back(d("latency k" + std::to_string(i), 1 + i % 3));
  // Fails when k3 and k31 are both present, or k17 is.
  const explore::StillFails fails = [](const std::vector<Decision>& l) {
    return (has(l, "latency k3") && has(l, "latency k31")) || has(l, "latency k17");
  };
  const explore::ShrinkResult r = explore::shrink(all, fails);
  CHECK(fails(r.decisions));
  for (std::size_t i = 0; i < r.decisions.size(); ++i)
    CHECK_FALSE(fails(without(r.decisions, i)));
  // {k17} and {k3, k31} are both 1-minimal.
  CHECK(r.decisions.size() <= 2);
  CHECK(r.replays > 0);
}

TEST_CASE(
    "shrink: decisions with the default answer go first, a default-only failure shrinks to none") {
  std::vector<Decision> all = {d("latency a", 0), d("latency b", 5), d("latency c", 0)};
  std::vector<std::vector<Decision>> asked;
  const auto r = explore::shrink(all, [&](const std::vector<Decision>& l) {
    asked.push_back(l);
    return true;  // fails whatever the decisions
  });
  CHECK(r.decisions.empty());
  REQUIRE(!asked.empty());
  CHECK(asked[0].empty());
  for (const auto& l : asked)
    CHECK_FALSE(has(l, "latency a"));
}

TEST_CASE("shrink: a real failure (TRANSACTION before READY, 2.5) shrinks to a 1-minimal list") {
  const auto s =
      scenario::load_file(testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json"));
  explore::CampaignOptions o;
  o.runs = 300;
  o.shrink = false;
  o.plan = explore::parse_plan("random");
  const auto report = explore::run_campaign({&s}, o);
  REQUIRE(!report.scenarios[0].failures.empty());
  const explore::Failure& f = report.scenarios[0].failures[0];
  REQUIRE(!f.decisions.empty());
  const explore::StillFails fails = [&](const std::vector<Decision>& list) {
    const auto r = explore::replay(s, list, f.tie_window);
    return explore::breaks_as(s, r, f.property, f.signature);
  };
  REQUIRE(fails(f.decisions));  // the whole log replays to the failure
  const auto r = explore::shrink(f.decisions, fails);
  CHECK(fails(r.decisions));
  CHECK(r.decisions.size() < f.decisions.size());
  REQUIRE(!r.decisions.empty());  // the default order succeeds: something must be decided
  CHECK_FALSE(fails({}));
  for (std::size_t i = 0; i < r.decisions.size(); ++i) {
    CAPTURE(i);
    CHECK_FALSE(fails(without(r.decisions, i)));
  }
}
