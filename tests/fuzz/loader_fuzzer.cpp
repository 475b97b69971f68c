// libFuzzer target: the scenario loader. Any text must load or be refused with a
// ScenarioError; anything else (a crash, a sanitizer report, another exception, a hang, a
// leak) is a finding. Built with CCSIM_FUZZERS=ON (clang); see docs/testing.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    ccsim::scenario::load_text(text, "fuzz.json");
  } catch (const ccsim::scenario::ScenarioError&) {
  }
  return 0;
}
