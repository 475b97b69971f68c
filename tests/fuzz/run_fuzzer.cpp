// libFuzzer target: a short run of any scenario that loads. Runs are bounded so that each
// input stays fast (at most 64 proposals, 20,000 events); within that every step, fault,
// profile and expectation the format allows is fair game.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ccsim::scenario::Scenario s;
  try {
    s = ccsim::scenario::load_text(text, "fuzz.json");
  } catch (const ccsim::scenario::ScenarioError&) {
    return 0;
  }
  if (s.proposals.size() > 64) return 0;
  s.limits.max_events = std::min<std::uint64_t>(s.limits.max_events, 20000);
  ccsim::scenario::RunOptions options;
  options.keep_trace = false;
  ccsim::scenario::run(s, options);
  return 0;
}
