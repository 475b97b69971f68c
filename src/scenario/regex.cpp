#include "ccsim/scenario/regex.hpp"

#include <re2/re2.h>

namespace ccsim::scenario {

std::optional<Regex> Regex::compile(const std::string& pattern, std::string& error) {
  RE2::Options options;
  options.set_log_errors(false);  // RE2 would print to stderr; the loader reports instead
  auto re = std::make_shared<const re2::RE2>(pattern, options);
  if (!re->ok()) {
    // RE2 says "<problem>: <the part of the pattern>"; the whole pattern is quoted already.
    error = re->error();
    const std::string whole = ": " + pattern;
    if (error.size() > whole.size() && error.ends_with(whole))
      error.resize(error.size() - whole.size());
    return std::nullopt;
  }
  return Regex(pattern, std::move(re));
}

bool Regex::search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace ccsim::scenario
