// Reading scenario files: JSON text -> validated Scenario. Every problem is a ScenarioError
// naming the file and the JSON pointer of the offending value.
#pragma once

#include <string>

#include "ccsim/scenario/scenario.hpp"

namespace ccsim::scenario {

/// Reads and validates a scenario file.
Scenario load_file(const std::string& path);
/// Validates scenario JSON text; `file` is only used in messages.
Scenario load_text(const std::string& text, const std::string& file);

/// Parses a duration string ("30s", "150ms", "2.5s", "10us", "5ns", "1m", "0"); throws
/// ScenarioError with `file` and `pointer` if it is not one.
kernel::Duration parse_duration(const std::string& text, const std::string& file,
                                const std::string& pointer);

}  // namespace ccsim::scenario
