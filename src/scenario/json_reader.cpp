#include "json_reader.hpp"

#include "suggest.hpp"

#include <algorithm>

#include "ccsim/kernel/rng.hpp"

namespace ccsim::scenario::detail {

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

Node Node::child(const std::string& key) const {
  return Node((*value_)[key], pointer_ + "/" + escape_token(key), *file_);
}

Node Node::element(std::size_t index) const {
  return Node((*value_)[index], pointer_ + "/" + std::to_string(index), *file_);
}

std::string Node::as_string() const {
  if (!value_->is_string()) fail("expected a string, got " + type_name(*value_));
  return value_->get<std::string>();
}

std::int64_t Node::as_int(std::int64_t min, std::int64_t max) const {
  std::int64_t v = 0;
  if (value_->is_number_unsigned()) {
    const auto u = value_->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) {
      fail("expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
           ", got " + std::to_string(u));
    }
    v = static_cast<std::int64_t>(u);
  } else if (value_->is_number_integer()) {
    v = value_->get<std::int64_t>();
  } else if (value_->is_number_float()) {
    // 1.5, 1e3, or an integer too large for 64 bits, which JSON parsers read as a double.
    fail("expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
         ", got " + value_->dump());
  } else {
    fail("expected an integer, got " + type_name(*value_));
  }
  if (v < min || v > max) {
    fail("expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
         ", got " + std::to_string(v));
  }
  return v;
}

std::uint64_t Node::as_uint64() const {
  if (value_->is_number_unsigned()) return value_->get<std::uint64_t>();
  if (value_->is_string()) {
    // Seeds as ccsim writes them: decimal digits in a string (JSON numbers above 2^53 round).
    if (const auto v = kernel::parse_seed(value_->get<std::string>())) return *v;
    fail(
        "expected an integer from 0 to 18446744073709551615 (a number or its decimal digits in "
        "a string), got \"" +
        value_->get<std::string>() + "\"");
  }
  const std::string range = "expected an integer from 0 to 18446744073709551615, got ";
  if (value_->is_number_integer()) fail(range + std::to_string(value_->get<std::int64_t>()));
  if (value_->is_number_float()) fail(range + value_->dump());
  fail("expected an integer, got " + type_name(*value_));
}

bool Node::as_bool() const {
  if (!value_->is_boolean()) fail("expected true or false, got " + type_name(*value_));
  return value_->get<bool>();
}

void Node::require_object() const {
  if (!value_->is_object()) fail("expected an object, got " + type_name(*value_));
}

void Node::require_array() const {
  if (!value_->is_array()) fail("expected an array, got " + type_name(*value_));
}

std::vector<Node> Node::elements() const {
  require_array();
  std::vector<Node> out;
  for (std::size_t i = 0; i < value_->size(); ++i)
    out.push_back(element(i));
  return out;
}

void Node::require_keys(const std::vector<const char*>& known) const {
  require_object();
  for (const auto& item : value_->items()) {
    const std::string& key = item.key();
    if (std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) continue;
    const std::vector<std::string> names(known.begin(), known.end());
    const std::string message = "unknown key \"" + key + "\"" + suggest(key, names);
    child(key).fail(message);
  }
}

std::optional<Node> Node::get(const std::string& key) const {
  require_object();
  if (!value_->contains(key)) return std::nullopt;
  return child(key);
}

Node Node::require(const std::string& key) const {
  require_object();
  if (!value_->contains(key)) fail("missing required key \"" + key + "\"");
  return child(key);
}

}  // namespace ccsim::scenario::detail
