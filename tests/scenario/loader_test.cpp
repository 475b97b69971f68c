// Scenario validation: each bad input gets one exact message naming the file and the JSON
// pointer of the problem.
#include <doctest/doctest.h>

#include "ccsim/scenario/errors.hpp"
#include "test_support.hpp"

using namespace ccsim;

namespace {
std::string error_of(const std::string& text) {
  try {
    scenario::load_text(text, "s.json");
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kChaincodes =
    R"("chaincodes": [ { "name": "mycc", "functions": { "f": [ { "get_state": "a" } ] } } ])";

std::string with(const std::string& rest) {
  return std::string("{") + kChaincodes + (rest.empty() ? "" : ", " + rest) + "}";
}
}  // namespace

TEST_CASE("a minimal scenario loads with Fabric's defaults (fabric-protocol.md 5)") {
  const auto s = scenario::load_text(
      with(R"("proposals": [ { "chaincode": "mycc", "function": "f" } ])"), "s.json");
  CHECK(s.profile.name == "2.5");
  CHECK(s.config.execute_timeout == kernel::Duration::seconds(30));
  CHECK(s.config.startup_timeout == kernel::Duration::seconds(300));
  CHECK(s.config.keepalive == kernel::Duration());
  REQUIRE(s.proposals.size() == 1);
  CHECK(s.proposals[0].proposal.txid == "tx1");
  CHECK(s.proposals[0].proposal.args == std::vector<std::string>{"f"});
  CHECK(s.chaincodes[0].ccid() == "mycc:1.0");
}

TEST_CASE("durations: units, decimals, zero") {
  const auto d = [](const std::string& t) { return scenario::parse_duration(t, "f", "/p").ns(); };
  CHECK(d("0") == 0);
  CHECK(d("30s") == 30'000'000'000);
  CHECK(d("150ms") == 150'000'000);
  CHECK(d("2.5s") == 2'500'000'000);
  CHECK(d("10us") == 10'000);
  CHECK(d("7ns") == 7);
  CHECK(d("1m") == 60'000'000'000);
  CHECK(d("0.000000001s") == 1);
}

TEST_CASE("bad durations name the place and say what was expected") {
  const auto bad = [](const std::string& t) {
    try {
      scenario::parse_duration(t, "f.json", "/config/execute_timeout");
    } catch (const scenario::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(bad("-1s") ==
        "f.json: /config/execute_timeout: bad duration \"-1s\": durations cannot be negative "
        "(expected a number and a unit: ns, us, ms, s, m, h, e.g. \"150ms\")");
  CHECK(bad("30").find("no unit") != std::string::npos);
  CHECK(bad("3 s").find("unknown unit \" s\"") != std::string::npos);
  CHECK(bad("0.5ns").find("finer than a nanosecond") != std::string::npos);
  CHECK(bad("99999999999999999999s").find("too large") != std::string::npos);
  CHECK(bad("10000000000s").find("too large") != std::string::npos);
}

TEST_CASE("malformed JSON reports line and column") {
  CHECK(error_of("{\n  \"name\": \"x\",\n  oops\n}")
            .rfind("s.json: invalid JSON at line 3, column 3: ", 0) == 0);
}

TEST_CASE("a file that is empty, not an object, or not UTF-8") {
  CHECK(error_of("") == "s.json: empty file (expected a JSON object)");
  CHECK(error_of("  \n") == "s.json: empty file (expected a JSON object)");
  CHECK(error_of("[1]") == "s.json: /: expected the scenario to be a JSON object, got an array");
  CHECK(error_of("{\"name\": \"\xff\"}") == "s.json: not UTF-8 (invalid byte at offset 10)");
}

TEST_CASE("unknown keys suggest the nearest known key") {
  CHECK(error_of(with(R"("proposals": [], "confg": {})")) ==
        "s.json: /confg: unknown key \"confg\" (did you mean \"config\"?)");
  CHECK(error_of(with(R"("proposals": [], "config": { "execute_timout": "1s" })")) ==
        "s.json: /config/execute_timout: unknown key \"execute_timout\" (did you mean "
        "\"execute_timeout\"?)");
}

TEST_CASE("wrong types name the value's place") {
  CHECK(error_of(with(R"("proposals": {})")) ==
        "s.json: /proposals: expected an array, got an object");
  CHECK(error_of(with(R"("proposals": [ { "chaincode": 5, "function": "f" } ])")) ==
        "s.json: /proposals/0/chaincode: expected a string, got a number");
}

TEST_CASE("references to unknown chaincodes and functions") {
  CHECK(error_of(with(R"("proposals": [ { "chaincode": "nope", "function": "f" } ])")) ==
        "s.json: /proposals/0/chaincode: no chaincode is named \"nope\"");
  CHECK(error_of(with(R"("proposals": [ { "chaincode": "mycc", "function": "g" } ])")) ==
        "s.json: /proposals/0/function: chaincode \"mycc\" has no function \"g\"; it has: \"f\"");
}

TEST_CASE("duplicate chaincode names and txids") {
  CHECK(error_of(R"({"chaincodes": [ { "name": "a" }, { "name": "a" } ], "proposals": []})") ==
        "s.json: /chaincodes/1/name: duplicate chaincode name \"a\"");
  CHECK(error_of(with(R"("proposals": [ { "txid": "t", "chaincode": "mycc", "function": "f" },
                                       { "txid": "t", "chaincode": "mycc", "function": "f" } ])")) ==
        "s.json: /proposals/1/txid: duplicate txid \"t\" on channel \"mychannel\" (set "
        "\"duplicate\": true to submit it again on purpose)");
}

TEST_CASE("unknown profile lists the known ones") {
  CHECK(error_of(with(R"("profile": "9.9", "proposals": [])")) ==
        "s.json: /profile: unknown profile \"9.9\"; known: \"2.5\" \"3.0\"");
}

TEST_CASE("a step is an object with one known key") {
  CHECK(
      error_of(
          R"({"chaincodes": [ { "name": "a", "functions": { "f": [ { "get_stat": "k" } ] } } ], "proposals": []})") ==
      "s.json: /chaincodes/0/functions/f/0/get_stat: unknown key \"get_stat\" (did you mean "
      "\"get_state\"?)");
  CHECK(
      error_of(
          R"({"chaincodes": [ { "name": "a", "functions": { "f": [ {} ] } } ], "proposals": []})") ==
      "s.json: /chaincodes/0/functions/f/0: a step is an object with exactly one key: get_state, "
      "put_state, del_state, sleep, return or fail");
}

TEST_CASE("expectations must name proposals that exist") {
  CHECK(error_of(
            with(R"("proposals": [], "expect": { "outcomes": { "tx9": { "status": 200 } } })")) ==
        "s.json: /expect/outcomes/tx9: no proposal has txid \"tx9\"");
}

TEST_CASE("JSON pointer tokens escape '/' and '~' (RFC 6901)") {
  CHECK(
      error_of(
          R"({"chaincodes": [ { "name": "a", "functions": { "x/y~z": [ 1 ] } } ], "proposals": []})") ==
      "s.json: /chaincodes/0/functions/x~1y~0z/0: expected an object, got a number");
}
