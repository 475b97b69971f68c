// Templates in user code (fabric/template.hpp): references parsed, and filled in.
#include <doctest/doctest.h>

#include <map>

#include "ccsim/fabric/template.hpp"

using namespace ccsim::fabric;

namespace {
std::vector<std::string> spelled(std::string_view text) {
  auto r = template_refs(text);
  if (auto* e = std::get_if<std::string>(&r)) return {"error: " + *e};
  std::vector<std::string> out;
  for (const TemplateRef& ref : std::get<std::vector<TemplateRef>>(r))
    out.push_back(ref.spelling());
  return out;
}
using Words = std::vector<std::string>;
}  // namespace

TEST_CASE("template references: names, fields, args[N], $$ and a lone $") {
  CHECK(spelled("plain text") == Words{});
  CHECK(spelled("ch=${channel} tx=${txid} a=${args[2]} s=${r.status}") ==
        Words{"${channel}", "${txid}", "${args[2]}", "${r.status}"});
  CHECK(spelled("costs $5, $${notaref}, $") == Words{});
  CHECK(spelled("${a}${b}") == Words{"${a}", "${b}"});
  CHECK(spelled("${") == Words{"error: \"${\" with no \"}\""});
  CHECK(spelled("${1x}") ==
        Words{"error: bad reference \"${1x}\" (expected ${name}, ${name.field} or ${args[N]})"});
  CHECK(spelled("${a.}").front().rfind("error: bad reference \"${a.}\"", 0) == 0);
  CHECK(spelled("${args[]}").front().rfind("error: bad reference", 0) == 0);
  CHECK(spelled("${args[1]x}").front().rfind("error: bad reference", 0) == 0);
  CHECK(spelled("${a b}").front().rfind("error: bad reference", 0) == 0);
}

TEST_CASE("templates fill in each reference, keep a lone $, and refuse to grow past a bound") {
  const std::map<std::string, std::string> values = {
      {"${channel}", "ch1"}, {"${r.payload}", "gold"}, {"${args[1]}", "a1"}};
  const auto value = [&](const TemplateRef& ref) {
    auto it = values.find(ref.spelling());
    return it == values.end() ? std::string("?") : it->second;
  };
  CHECK(expand_template("ch=${channel} asset=${r.payload}", value, 100) == "ch=ch1 asset=gold");
  CHECK(expand_template("$5 and $$ and ${args[1]}$", value, 100) == "$5 and $ and a1$");
  CHECK(expand_template("${r.payload}${r.payload}", value, 8) == "goldgold");
  CHECK_FALSE(expand_template("${r.payload}${r.payload}x", value, 8).has_value());
  CHECK(expand_template("", value, 0) == "");
}
