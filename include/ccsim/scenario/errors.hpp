// Bad input: one exception type, with an exact one-line message "FILE: /json/pointer: what
// is wrong" (the pointer is omitted when the problem is the file as a whole).
#pragma once

#include <stdexcept>
#include <string>

namespace ccsim::scenario {

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& file, const std::string& pointer, const std::string& message)
      : std::runtime_error(file + ": " + (pointer.empty() ? "" : pointer + ": ") + message) {}
};

}  // namespace ccsim::scenario
