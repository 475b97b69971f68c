// The RE2 options every pattern of src/import is compiled with.
#pragma once

#include <re2/re2.h>

namespace ccsim::import::detail {

/// Bytes, not UTF-8: a log with invalid UTF-8 (a cut multi-byte character) still matches;
/// RE2's own error logging off (a pattern here is fixed and known good).
inline re2::RE2::Options latin1() {
  re2::RE2::Options o;
  o.set_encoding(re2::RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

}  // namespace ccsim::import::detail
