#include "ccsim/fabric/template.hpp"

#include <cctype>

namespace ccsim::fabric {

namespace {

bool identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Parses the reference that starts at text[at] == '$', text[at + 1] == '{'. Returns its end
// (one past '}') and fills `ref`, or sets `error`.
std::size_t parse_ref(std::string_view text, std::size_t at, TemplateRef& ref, std::string& error) {
  const std::size_t close = text.find('}', at + 2);
  if (close == std::string_view::npos) {
    error = "\"${\" with no \"}\"";
    return 0;
  }
  const std::string_view body = text.substr(at + 2, close - at - 2);
  const auto bad = [&] {
    error = "bad reference \"${" + std::string(body) +
            "}\" (expected ${name}, ${name.field} or ${args[N]})";
    return std::size_t{0};
  };
  std::size_t i = 0;
  if (i >= body.size() || !identifier_start(body[i])) return bad();
  while (i < body.size() && identifier_char(body[i]))
    ++i;
  ref.name = std::string(body.substr(0, i));
  if (i < body.size() && body[i] == '.') {
    const std::size_t start = ++i;
    if (i >= body.size() || !identifier_start(body[i])) return bad();
    while (i < body.size() && identifier_char(body[i]))
      ++i;
    ref.field = std::string(body.substr(start, i - start));
  } else if (i < body.size() && body[i] == '[') {
    const std::size_t start = ++i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])))
      ++i;
    if (i == start || i - start > 6 || i >= body.size() || body[i] != ']') return bad();
    ref.index = std::stoul(std::string(body.substr(start, i - start)));
    ++i;
  }
  if (i != body.size()) return bad();
  return close + 1;
}

}  // namespace

std::string TemplateRef::spelling() const {
  std::string s = "${" + name;
  if (!field.empty()) s += "." + field;
  if (index) s += "[" + std::to_string(*index) + "]";
  return s + "}";
}

std::variant<std::vector<TemplateRef>, std::string> template_refs(std::string_view text) {
  std::vector<TemplateRef> refs;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) continue;
    if (text[i + 1] == '$') {
      ++i;  // "$$": one "$"
      continue;
    }
    if (text[i + 1] != '{') continue;
    TemplateRef ref;
    std::string error;
    const std::size_t end = parse_ref(text, i, ref, error);
    if (end == 0) return error;
    refs.push_back(std::move(ref));
    i = end - 1;
  }
  return refs;
}

std::optional<std::string> expand_template(
    std::string_view text, const std::function<std::string(const TemplateRef&)>& value,
    std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && (text[i + 1] == '$' || text[i + 1] == '{')) {
      if (text[i + 1] == '$') {
        out += '$';
        ++i;
      } else {
        TemplateRef ref;
        std::string error;
        const std::size_t end = parse_ref(text, i, ref, error);
        if (end == 0) return std::nullopt;  // checked at load: cannot happen
        out += value(ref);
        i = end - 1;
      }
    } else {
      out += text[i];
    }
    if (out.size() > max_bytes) return std::nullopt;
  }
  return out;
}

}  // namespace ccsim::fabric
