#include "json_positions.hpp"

#include "json_reader.hpp"

#include <cstdint>
#include <functional>
#include <map>

namespace ccsim::scenario::detail {

namespace {

// A UTF-8 byte order mark, which the parser skips and editors do not show.
constexpr std::string_view kBom = "\xef\xbb\xbf";

std::size_t text_start(std::string_view text) {
  return text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// A walk over valid JSON (the parser has accepted it, and the loader has bounded its depth)
// that names every value by its JSON pointer, in document order. `on_value` returns true to
// stop; with `duplicates` set, a key seen twice in one object stops the walk too.
class Walker {
 public:
  using OnValue = std::function<bool(const std::string& pointer, std::size_t offset)>;

  Walker(std::string_view text, OnValue on_value, std::optional<DuplicateKey>* duplicates)
      : t_(text), on_value_(std::move(on_value)), duplicates_(duplicates) {}

  void run() {
    i_ = text_start(t_);
    std::string pointer;
    value(pointer);
  }

 private:
  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }

  std::uint32_t hex4() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4 && i_ < t_.size(); ++k, ++i_) {
      const char c = t_[i_];
      v = v * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
  }

  // At the opening quote; leaves i_ past the closing one. The decoded text, as nlohmann keeps it.
  std::string string() {
    std::string out;
    ++i_;
    while (i_ < t_.size() && t_[i_] != '"') {
      if (t_[i_] != '\\') {
        out += t_[i_++];
        continue;
      }
      ++i_;
      const char e = i_ < t_.size() ? t_[i_++] : '"';
      switch (e) {
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && i_ + 1 < t_.size() && t_[i_] == '\\' &&
              t_[i_ + 1] == 'u') {
            i_ += 2;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4() - 0xdc00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          out += e;  // " \ /
      }
    }
    ++i_;
    return out;
  }

  // Returns true when the walk is to stop. `named_at`: where an object member's key is, which
  // stands for the member.
  bool value(std::string& pointer, std::optional<std::size_t> named_at = std::nullopt) {
    skip_ws();
    if (on_value_ && on_value_(pointer, named_at.value_or(i_))) return true;
    if (i_ >= t_.size()) return true;
    const char c = t_[i_];
    if (c == '{') return object(pointer);
    if (c == '[') return array(pointer);
    if (c == '"') {
      string();
      return false;
    }
    while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' &&
           t_[i_] != '\t' && t_[i_] != '\n' && t_[i_] != '\r') {
      ++i_;  // a number, true, false or null
    }
    return false;
  }

  bool object(std::string& pointer) {
    ++i_;
    std::map<std::string, std::size_t> keys;  // key -> its offset, for duplicates
    skip_ws();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      return false;
    }
    while (i_ < t_.size()) {
      skip_ws();
      const std::size_t key_at = i_;
      const std::string key = string();
      const std::size_t length = pointer.size();
      pointer += '/';
      pointer += escape_token(key);
      if (duplicates_ != nullptr) {
        const auto [it, fresh] = keys.emplace(key, key_at);
        if (!fresh) {
          *duplicates_ =
              DuplicateKey{pointer, position_at(t_, it->second), position_at(t_, key_at)};
          return true;
        }
      }
      skip_ws();
      ++i_;  // ':'
      if (value(pointer, key_at)) return true;
      pointer.resize(length);
      skip_ws();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      ++i_;  // '}'
      return false;
    }
    return false;
  }

  bool array(std::string& pointer) {
    ++i_;
    skip_ws();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      return false;
    }
    for (std::size_t index = 0; i_ < t_.size(); ++index) {
      const std::size_t length = pointer.size();
      pointer += '/';
      pointer += std::to_string(index);
      if (value(pointer)) return true;
      pointer.resize(length);
      skip_ws();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      ++i_;  // ']'
      return false;
    }
    return false;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  OnValue on_value_;
  std::optional<DuplicateKey>* duplicates_;
};

}  // namespace

std::string to_string(const TextPosition& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

TextPosition position_at(std::string_view text, std::size_t offset) {
  TextPosition p;
  for (std::size_t i = text_start(text); i < offset && i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((byte & 0xc0) != 0x80) {
      ++p.column;  // a character's first byte (UTF-8 continuation bytes do not count)
    }
  }
  return p;
}

TextPosition position_of(std::string_view text, std::string_view pointer) {
  std::size_t best = 0;
  Walker(
      text,
      [&](const std::string& at, std::size_t offset) {
        if (at == pointer) {
          best = offset;
          return true;
        }
        // An enclosing value: the best so far, unless a deeper one encloses it too.
        if (pointer.size() > at.size() && pointer.compare(0, at.size(), at) == 0 &&
            pointer[at.size()] == '/') {
          best = offset;
        }
        return false;
      },
      nullptr)
      .run();
  return position_at(text, best);
}

std::optional<DuplicateKey> find_duplicate_key(std::string_view text) {
  std::optional<DuplicateKey> found;
  Walker(text, nullptr, &found).run();
  return found;
}

}  // namespace ccsim::scenario::detail
