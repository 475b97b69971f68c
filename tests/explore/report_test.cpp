// Reports: JSON that round-trips, the summary, and well-formed JUnit XML.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../scenario/test_support.hpp"
#include "ccsim/explore/artifact.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/report.hpp"

using namespace ccsim;

namespace {

// A small XML 1.0 well-formedness check: one root element, properly nested and closed tags,
// quoted attributes without '<', and only the five predefined entities or character
// references. Returns the element names in document order; throws on a fault.
class XmlCheck {
 public:
  explicit XmlCheck(std::string text) : s_(std::move(text)) {}

  std::vector<std::string> run() {
    if (s_.rfind("<?xml", 0) == 0) i_ = s_.find("?>") + 2;
    skip_space();
    element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return names_;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error(why + " at offset " + std::to_string(i_));
  }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }
  std::string name() {
    const std::size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' ||
                              s_[i_] == '-' || s_[i_] == '.' || s_[i_] == ':'))
      ++i_;
    if (i_ == start) fail("expected a name");
    return s_.substr(start, i_ - start);
  }
  void text_until(char stop) {
    while (i_ < s_.size() && s_[i_] != stop) {
      if (s_[i_] == '<' && stop == '"') fail("'<' in an attribute");
      if (s_[i_] == '&') {
        const std::size_t semi = s_.find(';', i_);
        if (semi == std::string::npos) fail("unterminated entity");
        const std::string e = s_.substr(i_ + 1, semi - i_ - 1);
        if (e != "amp" && e != "lt" && e != "gt" && e != "quot" && e != "apos" && e[0] != '#')
          fail("unknown entity &" + e + ";");
        i_ = semi;
      }
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("control character");
      ++i_;
    }
  }
  void element() {
    if (s_[i_] != '<') fail("expected '<'");
    ++i_;
    const std::string tag = name();
    names_.push_back(tag);
    while (true) {
      skip_space();
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      name();
      if (s_[i_] != '=' || s_[i_ + 1] != '"') fail("expected =\"");
      i_ += 2;
      text_until('"');
      ++i_;
    }
    while (true) {
      text_until('<');
      if (i_ >= s_.size()) fail("unclosed <" + tag + ">");
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (name() != tag) fail("mismatched </...> for <" + tag + ">");
        if (s_[i_] != '>') fail("expected '>'");
        ++i_;
        return;
      }
      element();
    }
  }

  std::string s_;
  std::size_t i_ = 0;
  std::vector<std::string> names_;
};

explore::CampaignReport failing_report() {
  static const auto s =
      scenario::load_file(testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json"));
  explore::CampaignOptions o;
  o.runs = 300;
  o.check_determinism = 3;
  o.on_failure = [](const scenario::Scenario&, explore::Failure& f) {
    f.artifact = "out/x";
    f.replay_command = "ccsim run 'out/x/repro <&> \"q\".json'";
  };
  return explore::run_campaign({&s}, o);
}

}  // namespace

namespace {
std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}
}  // namespace

TEST_CASE("the XML check itself rejects what is not well-formed") {
  CHECK(XmlCheck("<a x=\"1\"><b/>t&amp;</a>").run() == std::vector<std::string>{"a", "b"});
  for (const char* bad :
       {"<a>", "<a></b>", "<a x=1></a>", "<a>&nbsp;</a>", "<a>x<</a>", "<a></a><b/>"}) {
    CAPTURE(bad);
    CHECK_THROWS(XmlCheck(bad).run());
  }
}

TEST_CASE(
    "JUnit XML: a test case per distinct failure and per property that held, each failure "
    "with its own message and replay command") {
  const auto report = failing_report();
  REQUIRE(report.failed());
  const explore::ScenarioReport& s = report.scenarios[0];
  REQUIRE(s.failures.size() >= 2);  // two bugs must read as two failures on a dashboard
  std::set<std::string> failed_properties;
  for (const explore::Failure& f : s.failures)
    failed_properties.insert(f.property);
  std::ostringstream out;
  explore::write_junit(out, report);
  const std::string xml = out.str();
  const auto names = XmlCheck(xml).run();
  const auto held = s.properties.size() - failed_properties.size();
  CHECK(std::count(names.begin(), names.end(), "testcase") ==
        static_cast<std::ptrdiff_t>(s.failures.size() + held));
  CHECK(std::count(names.begin(), names.end(), "failure") ==
        static_cast<std::ptrdiff_t>(s.failures.size()));
  CHECK(names.front() == "testsuites");
  CHECK(std::count(names.begin(), names.end(), "testsuite") == 1);
  CHECK(xml.find("failures=\"" + std::to_string(s.failures.size()) + "\"") != std::string::npos);
  // Each failure is its own test case, named by property and signature, its message its own.
  for (const explore::Failure& f : s.failures) {
    CAPTURE(f.key());
    CHECK(xml.find("name=\"" + f.property + ": ") != std::string::npos);
    CHECK(xml.find("<failure message=\"" + f.property + ": ") != std::string::npos);
    CHECK(xml.find("first at run " + std::to_string(f.run) + " (") != std::string::npos);
  }
  // Every test case has a time (dashboards sum them), the suite the campaign's.
  CHECK(static_cast<std::ptrdiff_t>(count_of(xml, "<testcase ")) ==
        static_cast<std::ptrdiff_t>(count_of(xml, "time=\"0\"")));
  CHECK(xml.find("name=\"" +
                 testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json") + "\"") !=
        std::string::npos);
  // The command, escaped: ccsim run 'out/x/repro <&> "q".json'
  CHECK(xml.find("replay: ccsim run &apos;out/x/repro &lt;&amp;&gt; &quot;q&quot;.json&apos;") !=
        std::string::npos);
  CHECK(xml.find("no_handler_error: ") != std::string::npos);
}

TEST_CASE("JUnit XML: a passing scenario is a test case without a failure") {
  const auto s =
      scenario::load_file(testing::source_path("scenarios/fuzz/cold_start_two_proposals.3.0.json"));
  explore::CampaignOptions o;
  o.runs = 50;
  std::ostringstream out;
  const auto report = explore::run_campaign({&s, &s}, o);
  REQUIRE(!report.failed());
  explore::write_junit(out, report);
  const auto names = XmlCheck(out.str()).run();
  // A passing test case per property checked, per scenario.
  CHECK(std::count(names.begin(), names.end(), "testcase") ==
        static_cast<std::ptrdiff_t>(report.scenarios[0].properties.size() +
                                    report.scenarios[1].properties.size()));
  CHECK(std::count(names.begin(), names.end(), "testsuite") == 2);
  CHECK(std::count(names.begin(), names.end(), "failure") == 0);
}

TEST_CASE("report JSON round-trips, and a bad file is refused with its name") {
  auto report = failing_report();
  report.elapsed_seconds = 2.5;
  const std::string text = explore::report_json(report);
  const auto back = explore::parse_report(text, "r.json");
  CHECK(explore::report_json(back) == text);
  CHECK(back.elapsed_seconds == 2.5);
  CHECK_THROWS_WITH_AS(explore::parse_report("{}", "r.json"),
                       "r.json: not a ccsim fuzz report (no \"ccsim_fuzz_report\" key)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(explore::parse_report("[1,", "r.json"),
                       "r.json: not a ccsim fuzz report (no \"ccsim_fuzz_report\" key)",
                       std::invalid_argument);
  std::string broken = text;
  broken.replace(broken.find("\"runs\""), 6, "\"rnus\"");
  CHECK_THROWS_AS(explore::parse_report(broken, "r.json"), std::invalid_argument);
}

TEST_CASE("report JSON: numbers out of range are refused with their place, never converted") {
  const std::string text = explore::report_json(failing_report());
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    const auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    return t.replace(at, from.size(), to);
  };
  const auto error = [](const std::string& t) {
    try {
      explore::parse_report(t, "r.json");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  // nlohmann's get<uint64_t> would cast 1e30 (undefined behaviour) and wrap -1.
  CHECK(error(with("\"runs\": 300,", "\"runs\": 1e30,")) ==
        "r.json: /runs: expected an integer from 0 to 18446744073709551615, got 1e+30");
  CHECK(error(with("\"seed\": \"1\",", "\"seed\": -1,")) ==
        "r.json: /seed: expected an integer from 0 to 18446744073709551615, got -1");
  CHECK(error(with("\"seed\": \"1\",", "\"seed\": \"0x1\",")) ==
        "r.json: /seed: expected the decimal digits of a seed, got \"0x1\"");
  CHECK(error(with("\"seed\": \"1\",", "\"seed\": \"18446744073709551616\",")) ==
        "r.json: /seed: expected the decimal digits of a seed, got \"18446744073709551616\"");
  CHECK(error(with("\"events\": ", "\"events\": 2.5, \"x\": ")) ==
        "r.json: /scenarios/0/events: expected an integer from 0 to 18446744073709551615, got 2.5");
  CHECK(error(with("\"ccsim_fuzz_report\": 3", "\"ccsim_fuzz_report\": 1")) ==
        "r.json: report format 1, expected 2 to 3 (written by another version of ccsim)");
  CHECK(error(with("\"file\": ", "\"fil\": ")) == "r.json: /scenarios/0: missing \"file\"");
}

TEST_CASE("report JSON: seeds are decimal strings that survive 2^53, and format 2's numbers read") {
  auto report = failing_report();
  REQUIRE(!report.scenarios[0].failures.empty());
  report.seed = 18446744073709551615ULL;                    // 2^64 - 1
  report.scenarios[0].failures[0].seed = 9007199254740993;  // 2^53 + 1: a double rounds it
  const std::string text = explore::report_json(report);
  CHECK(text.find("\"seed\": \"18446744073709551615\",") != std::string::npos);
  CHECK(text.find("\"seed\": \"9007199254740993\",") != std::string::npos);
  // Read as any JSON reader would: the string keeps every digit.
  const auto j = nlohmann::json::parse(text);
  CHECK(j["seed"] == "18446744073709551615");
  const auto back = explore::parse_report(text, "r.json");
  CHECK(back.seed == 18446744073709551615ULL);
  CHECK(back.scenarios[0].failures[0].seed == 9007199254740993);

  // A format 2 report (before 2026-12) wrote seeds as numbers: it still reads.
  std::string old = text;
  old.replace(old.find("\"ccsim_fuzz_report\": 3"), 22, "\"ccsim_fuzz_report\": 2");
  old.replace(old.find("\"seed\": \"18446744073709551615\""), 30, "\"seed\": 18446744073709551615");
  old.replace(old.find("\"seed\": \"9007199254740993\""), 26, "\"seed\": 9007199254740993");
  const auto from_old = explore::parse_report(old, "r.json");
  CHECK(from_old.seed == 18446744073709551615ULL);
  CHECK(from_old.scenarios[0].failures[0].seed == 9007199254740993);
}

TEST_CASE("the summary names every failure with its run, strategy, seed and replay command") {
  const auto report = failing_report();
  std::ostringstream out;
  explore::write_summary(out, report);
  const std::string text = out.str();
  const explore::Failure& f = report.scenarios[0].failures[0];
  CHECK(text.find("FAILED " + f.property + " in " + std::to_string(f.count)) != std::string::npos);
  CHECK(text.find("first at run " + std::to_string(f.run) + " (" + f.strategy + ", seed " +
                  std::to_string(f.seed) + ")") != std::string::npos);
  CHECK(text.find("replay: " + f.replay_command) != std::string::npos);
  CHECK(text.find("determinism: 3 runs rerun twice, identical") != std::string::npos);
}

TEST_CASE("artifact folders: one per scenario, even when names collide, never outside OUT") {
  const auto named = [](const std::string& name, const std::string& file) {
    scenario::Scenario s;
    s.name = name;
    s.file = file;
    return s;
  };
  const auto a = named("load", "a.json");
  const auto b = named("load", "b.json");
  const auto c = named("", "dir/load.json");
  const auto up = named("..", "x.json");
  const auto dot = named(".hidden", "y.json");
  const auto slash = named("a/../../b", "z.json");
  CHECK(
      explore::artifact_folders({&a, &b, &c, &up, &dot, &slash, &a}) ==
      std::vector<std::string>{"load", "load-2", "load-3", "_.", "_hidden", "a_.._.._b", "load-4"});
}

TEST_CASE("artifact: the repro scenario loads, names the property, and replays to the failure") {
  const auto report = failing_report();
  const auto s =
      scenario::load_file(testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json"));
  const explore::Failure* f = nullptr;
  for (const auto& x : report.scenarios[0].failures) {
    if (x.property == "no_handler_error") f = &x;
  }
  REQUIRE(f != nullptr);
  const explore::Artifact a = explore::make_artifact(s, *f, explore::artifact_folders({&s})[0]);
  CHECK(a.folder.rfind("cold_start_two_proposals.2.5/no_handler_error-", 0) == 0);
  std::string repro;
  std::string failure;
  std::vector<std::string> files;
  for (const auto& [name, content] : a.files) {
    files.push_back(name);
    if (name == "repro.json") repro = content;
    if (name == "failure.json") failure = content;
  }
  CHECK(files ==
        std::vector<std::string>{"failure.json", "decisions.json", "shrunk.json", "repro.json"});
  // failure.json: the scenario, then what the report says of the failure, lists counted.
  const auto info = nlohmann::json::parse(failure);
  CHECK(info.at("scenario") == s.file);
  CHECK(info.at("property") == "no_handler_error");
  CHECK(info.at("seed") == std::to_string(f->seed));  // decimal digits in a string
  CHECK(info.at("decisions") == f->decisions.size());
  CHECK(info.at("shrunk") == f->shrunk.size());
  const auto r = scenario::load_text(repro, "repro.json");
  REQUIRE(r.replay);
  CHECK(r.replay->decisions == f->shrunk);
  CHECK(std::find(r.expect.properties.begin(), r.expect.properties.end(), "no_handler_error") !=
        r.expect.properties.end());
  // Any seed: the replay answers every decision.
  for (std::uint64_t seed : {1ULL, 77ULL}) {
    const auto result = scenario::run(r, {.seed = seed});
    bool broke = false;
    for (const std::string& line : result.failures)
      broke = broke || line.find("expected no_handler_error") != std::string::npos;
    CHECK(broke);
  }
}
