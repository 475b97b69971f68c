// Bad input: one exception type, with an exact one-line message. Inside a scenario file it is
// "FILE:LINE:COL: /json/pointer: what is wrong", the place being that of the value the pointer
// names (an object member's key, an array element's start), where an editor or a CI annotator
// jumps; without a place, "FILE: /json/pointer: what is wrong"; the pointer is omitted when the
// problem is the file as a whole.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace ccsim::scenario {

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& file, const std::string& pointer, const std::string& message)
      : std::runtime_error(file + ": " + (pointer.empty() ? "" : pointer + ": ") + message),
        file_(file),
        pointer_(pointer),
        message_(message) {}
  /// The same error at line `line`, column `column` (1-based, in characters) of the file.
  ScenarioError(const ScenarioError& e, std::size_t line, std::size_t column)
      : std::runtime_error(e.file_ + ":" + std::to_string(line) + ":" + std::to_string(column) +
                           ": " + (e.pointer_.empty() ? "" : e.pointer_ + ": ") + e.message_),
        file_(e.file_),
        pointer_(e.pointer_),
        message_(e.message_),
        positioned_(true) {}

  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  const std::string& message() const { return message_; }
  /// Whether the text names a line and column.
  bool positioned() const { return positioned_; }

 private:
  std::string file_;
  std::string pointer_;
  std::string message_;
  bool positioned_ = false;
};

}  // namespace ccsim::scenario
