// Internal: "did you mean" for names that are not keys of an object (profile switches,
// message types, property names), with the same rule Node::require_keys uses for keys.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

namespace ccsim::scenario::detail {

inline std::size_t name_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// " (did you mean \"x\"?)" when a known name is close to `name`, else "; expected one of:
/// \"a\" \"b\" ..." listing them all.
inline std::string suggest(const std::string& name, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = SIZE_MAX;
  // Case differences do not count: "couchdb" is one step from "CouchDB", not three.
  const auto lower = [](std::string v) {
    for (char& c : v)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v;
  };
  for (const std::string& k : known) {
    const std::size_t d = name_distance(lower(name), lower(k));
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (!best.empty() && best_distance <= std::max<std::size_t>(2, name.size() / 3)) {
    return " (did you mean \"" + best + "\"?)";
  }
  std::string out = "; expected one of:";
  for (const std::string& k : known)
    out += " \"" + k + "\"";
  return out;
}

/// " (did you mean \"x\"?)" when a known name is close to `name`, else nothing.
inline std::string did_you_mean(const std::string& name, const std::vector<std::string>& known) {
  std::string s = suggest(name, known);
  return s.rfind(" (did you mean", 0) == 0 ? s : std::string();
}

}  // namespace ccsim::scenario::detail
