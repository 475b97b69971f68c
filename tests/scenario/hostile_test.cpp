// Inputs an adversarial user writes (tests/scenario/hostile/): durations at the end of virtual
// time and the like. Each must run as the ccsim program runs it, to exit 0 with its own
// expectations met, or to the exit code and message named here: never an internal error,
// a signal or a hang.
#include <filesystem>
#include <map>

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace ccsim;

namespace {
// Files that end otherwise than with every expectation met: what they must print, exit 1.
const std::map<std::string, std::string> kLimited = {};
}  // namespace

TEST_CASE("hostile inputs run to their expectations, or stop at a named limit, never exit 3") {
  const auto dir = std::filesystem::path(testing::source_path("tests/scenario/hostile"));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    CAPTURE(name);
    const auto r =
        testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " + file.string());
    CAPTURE(r.output);
    if (auto it = kLimited.find(name); it != kLimited.end()) {
      CHECK(r.exit_code == 1);
      CHECK(r.output.find(it->second) != std::string::npos);
    } else {
      CHECK(r.exit_code == 0);
    }
  }
}
