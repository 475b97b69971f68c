// Golden traces: the exact text and JSON-lines output of bundled scenarios, checked in
// beside the tests. Any change in timing or order shows up as a diff. When a change is
// intended, regenerate with tools/update-golden and read the diff before committing.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "ccsim/report/mermaid.hpp"
#include "ccsim/report/perfetto.hpp"
#include "ccsim/report/text_trace.hpp"
#include "test_support.hpp"

using namespace ccsim;

TEST_CASE("invoke_basic: the text trace matches the golden file") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto r = scenario::run(s, {.seed = 1});
  std::ostringstream text;
  report::write_text(text, s, r);
  CHECK(text.str() ==
        testing::read_file(testing::source_path("tests/scenario/golden/invoke_basic.txt")));
}

TEST_CASE("invoke_basic: the JSON-lines trace matches the golden file") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto r = scenario::run(s, {.seed = 1});
  CHECK(testing::jsonl_of(r) ==
        testing::read_file(testing::source_path("tests/scenario/golden/invoke_basic.jsonl")));
}

TEST_CASE("invoke_basic: the Mermaid diagram matches the golden file") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto r = scenario::run(s, {.seed = 1});
  std::ostringstream mermaid;
  report::write_mermaid(mermaid, r);
  CHECK(mermaid.str() ==
        testing::read_file(testing::source_path("tests/scenario/golden/invoke_basic.mmd")));
}

TEST_CASE("invoke_basic: the Perfetto trace matches the golden file") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto r = scenario::run(s, {.seed = 1});
  std::ostringstream perfetto;
  report::write_perfetto(perfetto, r);
  CHECK(perfetto.str() == testing::read_file(testing::source_path(
                              "tests/scenario/golden/invoke_basic.perfetto.json")));
}

// The meaning, independent of the golden bytes (docs/fabric-sources.md 7.1 and 7.3).
TEST_CASE("invoke_basic: register, launch and invoke deliver exactly the protocol's messages") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  const auto r = scenario::run(s, {.seed = 1});
  std::istringstream lines(testing::jsonl_of(r));
  std::vector<std::string> delivered;
  std::string line;
  nlohmann::json last;
  nlohmann::json outcome;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j["event"] == "deliver") delivered.push_back(j["type"]);
    if (j["event"] == "outcome") outcome = j;
    last = j;
  }
  CHECK(delivered == std::vector<std::string>{"REGISTER", "REGISTERED", "READY", "TRANSACTION",
                                              "GET_STATE", "RESPONSE", "PUT_STATE", "RESPONSE",
                                              "COMPLETED"});
  CHECK(outcome["txid"] == "tx1");
  CHECK(outcome["status"] == 200);
  CHECK(outcome["error"].is_null());
  CHECK(last["event"] == "end");
  CHECK(last["seed"] == "1");  // a string: JSON numbers above 2^53 round in jq and Node
  CHECK(last["digest"].get<std::string>().size() == 16);
  CHECK(r.passed());
  CHECK(r.ledger.at(fabric::StateKey{"ch1", "mycc", "a"}) == "1");
}

// Every bundled scenario pins its behaviour with an expect block: each must hold, and a
// second run must reproduce the first byte for byte (the determinism contract).
TEST_CASE("every bundled scenario's expectations hold, and it replays to the same digest") {
  const std::vector<std::string> files = testing::bundled_scenarios();
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    CAPTURE(file);
    const auto s = scenario::load_file(file);
    const auto first = scenario::run(s, {.seed = s.default_seed});
    CHECK(first.failures == std::vector<std::string>{});
    CHECK(!first.limit_error);
    CHECK(scenario::run(s, {.seed = s.default_seed}).digest() == first.digest());
  }
}

TEST_CASE("docs/scenario-format.md lists every bundled scenario") {
  const std::string doc = testing::read_file(testing::source_path("docs/scenario-format.md"));
  const std::filesystem::path root = testing::source_path("scenarios");
  for (const std::string& file : testing::bundled_scenarios()) {
    const std::string name = std::filesystem::relative(file, root).generic_string();
    CAPTURE(name);
    CHECK(doc.find("| `" + name + "` |") != std::string::npos);
  }
}

// The switch table of docs/scenario-format.md ("Profile and overrides") is the registry's:
// one row per switch, in order, each profile's value, and the meaning word for word.
TEST_CASE("docs/scenario-format.md's switch table matches the profiles and the registry") {
  const std::string doc = testing::read_file(testing::source_path("docs/scenario-format.md"));
  const std::vector<std::string> names = fabric::profile_names();
  std::string header = "| switch |";
  for (const std::string& n : names)
    header += " " + n + " |";
  header += " meaning when true |";
  const std::size_t table = doc.find(header + "\n");
  REQUIRE(table != std::string::npos);
  std::size_t at = doc.find('\n', doc.find('\n', table) + 1) + 1;  // past the |---| row
  for (const fabric::ProfileSwitch& sw : fabric::profile_switches()) {
    CAPTURE(sw.name);
    std::string row = "| `" + std::string(sw.name) + "` |";
    for (const std::string& n : names)
      row +=
          std::string(" ") + ((*fabric::profile_by_name(n)).*sw.member ? "true" : "false") + " |";
    row += " " + std::string(sw.meaning) + " |\n";
    const std::string got = doc.substr(at, doc.find('\n', at) + 1 - at);
    CHECK(got == row);
    at += got.size();
  }
  CHECK(doc.substr(at, 1) == "\n");  // and no row after the last switch
}
