// Regular expressions in expectations (`error_matches`): RE2 syntax, matched in time linear in
// the text and without recursion on it, so no pattern or error text can hang or crash a run.
// The engine stays behind this header (no RE2 include).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace ccsim::scenario {

/// A compiled RE2 pattern; cheap to copy (the compiled form is shared and immutable).
class Regex {
 public:
  /// Compiles `pattern`; on failure returns nullopt and sets `error` to RE2's message
  /// (e.g. "missing ): timeout (expired").
  static std::optional<Regex> compile(const std::string& pattern, std::string& error);

  /// Whether the pattern matches part of `text` (anchor with ^ and $ to match all of it).
  bool search(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  Regex(std::string pattern, std::shared_ptr<const re2::RE2> re)
      : pattern_(std::move(pattern)), re_(std::move(re)) {}

  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace ccsim::scenario
