// Reading scenario files: JSON text -> validated Scenario. Every problem is a ScenarioError
// naming the file and the JSON pointer of the offending value.
#pragma once

#include <string>

#include "ccsim/scenario/scenario.hpp"

namespace ccsim::scenario {

/// What the command line may change in a scenario as it is read.
struct LoadOptions {
  /// Read the scenario under this Fabric release instead of its "profile" (`--profile`),
  /// before anything that depends on the release is checked. Empty: the file's own.
  std::string profile;
};

/// Reads and validates a scenario file.
Scenario load_file(const std::string& path, const LoadOptions& options = {});
/// Validates scenario JSON text; `file` is only used in messages.
Scenario load_text(const std::string& text, const std::string& file,
                   const LoadOptions& options = {});

/// Parses a duration string ("30s", "150ms", "2.5s", "10us", "5ns", "1m", "0"); throws
/// ScenarioError with `file` and `pointer` if it is not one.
kernel::Duration parse_duration(const std::string& text, const std::string& file,
                                const std::string& pointer);

}  // namespace ccsim::scenario
