// Internal: walking a JSON document with the JSON pointer of every value at hand, so each
// validation error can name the exact place. Not a public header (no nlohmann outside src/).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ccsim/scenario/errors.hpp"

namespace ccsim::scenario::detail {

using Json = nlohmann::json;

/// A value in the document and where it is.
class Node {
 public:
  Node(const Json& value, std::string pointer, const std::string& file)
      : value_(&value), pointer_(std::move(pointer)), file_(&file) {}

  const Json& json() const { return *value_; }
  const std::string& pointer() const { return pointer_; }
  const std::string& file() const { return *file_; }

  [[noreturn]] void fail(const std::string& message) const {
    throw ScenarioError(*file_, pointer_.empty() ? "/" : pointer_, message);
  }

  Node child(const std::string& key) const;
  Node element(std::size_t index) const;

  std::string as_string() const;
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  /// Any integer from 0 to 2^64 - 1 (seeds): a JSON number, or its decimal digits in a string.
  std::uint64_t as_uint64() const;
  bool as_bool() const;
  void require_object() const;
  void require_array() const;
  std::vector<Node> elements() const;
  /// Checks that every key is one of `known` (suggesting the nearest on a typo).
  void require_keys(std::initializer_list<const char*> known) const {
    require_keys(std::vector<const char*>(known));
  }
  void require_keys(const std::vector<const char*>& known) const;
  std::optional<Node> get(const std::string& key) const;
  Node require(const std::string& key) const;

 private:
  const Json* value_;
  std::string pointer_;
  const std::string* file_;
};

/// A key as a JSON pointer token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string escape_token(const std::string& key);

/// "a string", "a number", ... for messages.
std::string type_name(const Json& j);

}  // namespace ccsim::scenario::detail
