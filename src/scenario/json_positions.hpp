// Internal: where things are in a scenario's JSON text, for errors an editor or a CI annotator
// can jump to (FILE:LINE:COL). nlohmann's parser keeps no positions, so these scan the text
// again, once it is known to be valid JSON: a load that succeeds pays one pass (the duplicate
// check), and only an error pays for finding a place.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ccsim::scenario::detail {

/// 1-based; the column counts characters (UTF-8 code points), as editors do.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};

/// "LINE:COL".
std::string to_string(const TextPosition& p);

/// The position of byte `offset` of `text`.
TextPosition position_at(std::string_view text, std::size_t offset);

/// Where the value at JSON pointer `pointer` (RFC 6901, "" for the whole document) is: an
/// object member's key, an array element's first character. For a pointer into a value that
/// is not there (a missing key), the innermost enclosing value that is. `text` must be valid
/// JSON.
TextPosition position_of(std::string_view text, std::string_view pointer);

/// A key that appears twice in one object: nlohmann keeps the last silently, so a scenario
/// would quietly lose the first. `pointer` names the object's member (the key's value).
struct DuplicateKey {
  std::string pointer;
  TextPosition first;
  TextPosition second;
};

/// The first duplicate key in `text` (valid JSON), if any.
std::optional<DuplicateKey> find_duplicate_key(std::string_view text);

}  // namespace ccsim::scenario::detail
