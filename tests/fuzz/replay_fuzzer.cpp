// libFuzzer target: a scenario's "replay" section. The input is spliced in as the section's
// JSON text into a small bundled scenario, which is loaded and, when it loads, run: the
// decisions it holds (keys, values, occurrences, ranges, tie windows) answer the run.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

namespace {
std::string base_scenario() {
  std::ifstream in(CCSIM_SOURCE_DIR "/scenarios/fuzz/cold_start_two_proposals.2.5.json");
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  s.erase(s.rfind('}'));  // the closing brace: the replay section goes before it
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string base = base_scenario();
  const std::string text =
      base + ", \"replay\": " + std::string(reinterpret_cast<const char*>(data), size) + "}";
  try {
    const ccsim::scenario::Scenario s = ccsim::scenario::load_text(text, "replay.json");
    ccsim::scenario::RunOptions options;
    options.keep_trace = false;
    ccsim::scenario::run(s, options);
  } catch (const ccsim::scenario::ScenarioError&) {
  }
  return 0;
}
