// Scenario validation: each bad input gets one exact message naming the file and the JSON
// pointer of the problem.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <doctest/doctest.h>

#include "ccsim/scenario/errors.hpp"
#include "test_support.hpp"

using namespace ccsim;
using testing::load_error;

namespace {
const char* kChaincodes =
    R"("chaincodes": [ { "name": "mycc", "functions": { "f": [ { "get_state": "a" } ] } } ])";

std::string with(const std::string& rest) {
  return std::string("{") + kChaincodes + (rest.empty() ? "" : ", " + rest) + "}";
}
}  // namespace

TEST_CASE("a minimal scenario loads with Fabric's defaults (docs/fabric-sources.md 5)") {
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
  // Line 3 is "  oops": the parser stops at its first letter.
  try {
    scenario::load_text("{\n  \"name\": \"x\",\n  oops\n}", "s.json");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK(std::string(e.what()).rfind("s.json:3:3: invalid JSON: ", 0) == 0);
  }
}

TEST_CASE("a file that is empty, not an object, or not UTF-8") {
  CHECK(load_error("") == "s.json: empty file (expected a JSON object)");
  CHECK(load_error("  \n") == "s.json: empty file (expected a JSON object)");
  CHECK(load_error("[1]") == "s.json: /: expected the scenario to be a JSON object, got an array");
  CHECK(load_error("{\"name\": \"\xff\"}") == "s.json: not UTF-8 (invalid byte at offset 10)");
}

TEST_CASE("unknown keys suggest the nearest known key") {
  CHECK(load_error(with(R"("proposals": [], "confg": {})")) ==
        "s.json: /confg: unknown key \"confg\" (did you mean \"config\"?)");
  CHECK(load_error(with(R"("proposals": [], "config": { "execute_timout": "1s" })")) ==
        "s.json: /config/execute_timout: unknown key \"execute_timout\" (did you mean "
        "\"execute_timeout\"?)");
}

TEST_CASE("wrong types name the value's place") {
  CHECK(load_error(with(R"("proposals": {})")) ==
        "s.json: /proposals: expected an array, got an object");
  CHECK(load_error(with(R"("proposals": [ { "chaincode": 5, "function": "f" } ])")) ==
        "s.json: /proposals/0/chaincode: expected a string, got a number");
}

TEST_CASE("unknown chaincodes and functions load with a warning: Fabric refuses them at run time") {
  const auto warnings = [](const std::string& text) {
    return scenario::load_text(text, "s.json").warnings;
  };
  using Lines = std::vector<std::string>;
  CHECK(warnings(with(R"("proposals": [ { "chaincode": "mycc2", "function": "f" } ])")) ==
        Lines{"s.json: /proposals/0/chaincode: warning: no chaincode is named \"mycc2\" (did you "
              "mean \"mycc\"?): the endorser will refuse the proposal"});
  // Nothing close: no suggestion.
  CHECK(warnings(with(R"("proposals": [ { "chaincode": "zzzzzzzz", "function": "f" } ])")) ==
        Lines{"s.json: /proposals/0/chaincode: warning: no chaincode is named \"zzzzzzzz\": the "
              "endorser will refuse the proposal"});
  CHECK(warnings(with(R"("proposals": [ { "chaincode": "mycc", "function": "g" } ])")) ==
        Lines{"s.json: /proposals/0/function: warning: chaincode \"mycc\" has no function \"g\" "
              "(did you mean \"f\"?) and no \"*\": its Invoke returns shim.Error(\"Received "
              "unknown function invocation\")"});
  // A chaincode with "*" takes every function, and none: no warning, and the function may go.
  CHECK(warnings(R"({ "chaincodes": [ { "name": "any", "functions": { "*": [] } } ],
      "proposals": [ { "chaincode": "any", "function": "whatever" }, { "chaincode": "any" } ] })")
            .empty());
  // A channel the chaincode is not defined on.
  CHECK(
      warnings(
          R"({ "chaincodes": [ { "name": "mycc", "channels": ["ch1"], "functions": { "f": [] } } ],
      "proposals": [ { "chaincode": "mycc", "channel": "ch2", "function": "f" } ] })") ==
      Lines{"s.json: /proposals/0/channel: warning: chaincode \"mycc\" is not defined on "
            "channel \"ch2\" (its channels: \"ch1\"): the endorser will refuse the proposal"});
  CHECK(load_error(R"({ "chaincodes": [ { "name": "mycc", "channels": [], "functions": {} } ],
      "proposals": [] })") ==
        "s.json: /chaincodes/0/channels: a chaincode defined on no channel cannot be called");
  CHECK(load_error(R"({ "chaincodes": [ { "name": "mycc", "channels": ["a", "a"] } ],
      "proposals": [] })") == "s.json: /chaincodes/0/channels/1: channel \"a\" is listed twice");
}

TEST_CASE("duplicate chaincode names and txids") {
  CHECK(load_error(R"({"chaincodes": [ { "name": "a" }, { "name": "a" } ], "proposals": []})") ==
        "s.json: /chaincodes/1/name: duplicate chaincode name \"a\"");
  CHECK(load_error(with(R"("proposals": [ { "txid": "t", "chaincode": "mycc", "function": "f" },
                                       { "txid": "t", "chaincode": "mycc", "function": "f" } ])")) ==
        "s.json: /proposals/1/txid: duplicate txid \"t\" on channel \"mychannel\" (set "
        "\"duplicate\": true to submit it again on purpose)");
}

TEST_CASE("unknown profile lists the known ones") {
  CHECK(load_error(with(R"("profile": "9.9", "proposals": [])")) ==
        "s.json: /profile: unknown profile \"9.9\"; known: \"1.0\" \"1.1\" \"1.2\" \"1.4.0\" "
        "\"1.4\" \"2.5\" \"3.0\"");
}

TEST_CASE("a step is an object with one known key") {
  CHECK(
      load_error(
          R"({"chaincodes": [ { "name": "a", "functions": { "f": [ { "get_stat": "k" } ] } } ], "proposals": []})") ==
      "s.json: /chaincodes/0/functions/f/0/get_stat: unknown key \"get_stat\" (did you mean "
      "\"get_state\"?)");
  CHECK(
      load_error(
          R"({"chaincodes": [ { "name": "a", "functions": { "f": [ {} ] } } ], "proposals": []})") ==
      "s.json: /chaincodes/0/functions/f/0: a step is an object with exactly one key: get_state, "
      "put_state, del_state, get_private_data_hash, purge_private_data, get_state_by_range, "
      "get_query_result, get_history_for_key, get_state_metadata, put_state_metadata, "
      "invoke_chaincode, set_event, sleep, cpu, parallel, go, return, return_if, fail, panic or "
      "hang");
}

TEST_CASE("expectations must name proposals that exist") {
  CHECK(load_error(
            with(R"("proposals": [], "expect": { "outcomes": { "tx9": { "status": 200 } } })")) ==
        "s.json: /expect/outcomes/tx9: no proposal has txid \"tx9\"");
}

TEST_CASE("JSON pointer tokens escape '/' and '~' (RFC 6901)") {
  CHECK(
      load_error(
          R"({"chaincodes": [ { "name": "a", "functions": { "x/y~z": [ 1 ] } } ], "proposals": []})") ==
      "s.json: /chaincodes/0/functions/x~1y~0z/0: expected an object, got a number");
}

// --- profile overrides ---------------------------------------------------------------------

TEST_CASE("overrides set single profile switches on top of the named profile") {
  const auto s =
      scenario::load_text(with(R"("profile": "2.5", "overrides": { "launch_requires_ready": true,
                                               "stream_done_wakes_execute": false },
              "proposals": [])"),
                          "s.json");
  CHECK(s.profile.name == "2.5");
  CHECK(s.profile.launch_requires_ready);
  CHECK_FALSE(s.profile.stream_done_wakes_execute);
  CHECK(s.profile.send_failure_ends_stream);  // untouched: 2.5's value
  CHECK(s.overrides == std::map<std::string, bool>{{"launch_requires_ready", true},
                                                   {"stream_done_wakes_execute", false}});
  // 3.0 turns launch_requires_ready on; an override turns it off again.
  const auto t = scenario::load_text(
      with(R"("profile": "3.0", "overrides": { "launch_requires_ready": false }, "proposals": [])"),
      "s.json");
  CHECK_FALSE(t.profile.launch_requires_ready);
}

TEST_CASE("the switch registry names every switch once, each toggling its own member") {
  const auto switches = fabric::profile_switches();
  CHECK(switches.size() == 36);
  std::set<std::string> names;
  for (const fabric::ProfileSwitch& sw : switches) {
    CAPTURE(sw.name);
    CHECK(names.insert(sw.name).second);
    CHECK(std::string(sw.meaning).size() > 10);
    CHECK(fabric::find_profile_switch(sw.name) == &sw);
    // Flipping this switch changes this member only.
    fabric::Profile p;
    p.*(sw.member) = !(p.*(sw.member));
    for (const fabric::ProfileSwitch& other : switches) {
      const fabric::Profile base;
      CHECK(((p.*(other.member)) != (base.*(other.member))) == (&other == &sw));
    }
  }
  CHECK(fabric::find_profile_switch("launch_requires_ready")->member ==
        &fabric::Profile::launch_requires_ready);
  CHECK(fabric::find_profile_switch("nope") == nullptr);
}

TEST_CASE("an unknown override suggests the nearest switch, or lists them all") {
  CHECK(load_error(with(R"("overrides": { "launch_require_ready": true }, "proposals": [])")) ==
        "s.json: /overrides/launch_require_ready: unknown profile switch "
        "\"launch_require_ready\" (did you mean \"launch_requires_ready\"?)");
  CHECK(load_error(with(R"("overrides": { "keepalive": true }, "proposals": [])")) ==
        "s.json: /overrides/keepalive: unknown profile switch \"keepalive\"; expected one of: "
        "\"peer_fsm\" \"launch_started_flag\" \"startup_timer_covers_build\" "
        "\"channel_in_tx_context\" \"lowercase_errors\" \"in_tree_shim\" \"shim_fsm\" "
        "\"shim_recv_error_as_send_error\" \"shim_private_data\" \"state_metadata_messages\" "
        "\"private_data_hash_message\" \"purge_private_data_message\" "
        "\"stream_done_wakes_execute\" \"launch_requires_ready\" \"send_failure_ends_stream\" "
        "\"queue_concurrent_launches\" \"container_exit_ends_launch\" "
        "\"stop_container_on_launch_failure\" \"separate_build_step\" \"wrap_launch_errors\" "
        "\"launch_error_names_channel\" \"startup_timeout_names_txid\" "
        "\"receive_error_names_stream\" \"notify_log_says_handleing\" "
        "\"package_failure_strands_launch\" \"definition_from_lifecycle\" "
        "\"lscc_could_not_find_text\" \"execute_timeout_floor_inclusive\" "
        "\"endorser_concurrency_limit\" \"serialize_container_requests\" "
        "\"chaincode_as_a_service\" \"shim_grpc_keepalive\" \"modern_grpc\" "
        "\"shutdown_stops_containers\" \"handler_recovers_panics\" "
        "\"query_error_double_cleanup\"");
  CHECK(load_error(with(R"("overrides": { "launch_requires_ready": 1 }, "proposals": [])")) ==
        "s.json: /overrides/launch_requires_ready: expected true or false, got a number");
  CHECK(load_error(with(R"("overrides": [], "proposals": [])")) ==
        "s.json: /overrides: expected an object, got an array");
}

// --- repeated proposals --------------------------------------------------------------------

TEST_CASE("repeat expands one entry into count proposals, interval apart, with numbered txids") {
  const auto s = scenario::load_text(with(R"("proposals": [
        { "txid": "solo", "chaincode": "mycc", "function": "f" },
        { "at": "1s", "txid": "load", "chaincode": "mycc", "function": "f", "args": ["x"],
          "repeat": { "count": 3, "interval": "10ms" } },
        { "at": "2s", "channel": "ch2", "chaincode": "mycc", "function": "f",
          "repeat": { "count": 2 } } ])"),
                                     "s.json");
  REQUIRE(s.proposals.size() == 6);
  const auto txid = [&](std::size_t i) { return s.proposals[i].proposal.txid; };
  const auto at_ms = [&](std::size_t i) { return s.proposals[i].at.ns() / 1'000'000; };
  CHECK(txid(0) == "solo");
  CHECK(txid(1) == "load-1");
  CHECK(txid(2) == "load-2");
  CHECK(txid(3) == "load-3");
  CHECK(txid(4) == "tx3-1");  // no txid: "tx<entry index from 1>-<k>"
  CHECK(txid(5) == "tx3-2");
  CHECK(at_ms(1) == 1000);
  CHECK(at_ms(2) == 1010);
  CHECK(at_ms(3) == 1020);
  CHECK(at_ms(4) == 2000);  // interval defaults to 0: all at once
  CHECK(at_ms(5) == 2000);
  CHECK(s.proposals[3].proposal.args == std::vector<std::string>{"f", "x"});
  CHECK(s.proposals[3].proposal.channel_id == "mychannel");
  CHECK(s.proposals[5].proposal.channel_id == "ch2");
}

TEST_CASE("repeat: count at least 1, txids stay unique, times stay representable") {
  CHECK(load_error(with(R"("proposals": [ { "chaincode": "mycc", "function": "f",
                                          "repeat": { "count": 0 } } ])")) ==
        "s.json: /proposals/0/repeat/count: expected an integer from 1 to 9223372036854775807, "
        "got 0");
  CHECK(load_error(with(R"("proposals": [ { "chaincode": "mycc", "function": "f",
                                          "repeat": { "interval": "1s" } } ])")) ==
        "s.json: /proposals/0/repeat: missing required key \"count\"");
  CHECK(load_error(with(R"("proposals": [ { "chaincode": "mycc", "function": "f",
                                          "repeat": { "count": 2, "every": "1s" } } ])")) ==
        "s.json: /proposals/0/repeat/every: unknown key \"every\"; expected one of: \"count\" "
        "\"interval\"");
  CHECK(load_error(with(R"("proposals": [
                           { "chaincode": "mycc", "function": "f", "repeat": { "count": 2 } },
                           { "txid": "tx1-2", "chaincode": "mycc", "function": "f" } ])")) ==
        "s.json: /proposals/1/txid: duplicate txid \"tx1-2\" on channel \"mychannel\" (set "
        "\"duplicate\": true to submit it again on purpose)");
  // A default txid that collides points at the entry (it has no "txid" key).
  CHECK(load_error(with(R"("proposals": [
                           { "txid": "tx2", "chaincode": "mycc", "function": "f" },
                           { "chaincode": "mycc", "function": "f" } ])")) ==
        "s.json: /proposals/1: duplicate txid \"tx2\" on channel \"mychannel\" (set "
        "\"duplicate\": true to submit it again on purpose)");
  // duplicate: true lets repetitions of the same txids through.
  CHECK(scenario::load_text(with(R"("proposals": [
                      { "txid": "t", "chaincode": "mycc", "function": "f", "repeat": { "count": 2 } },
                      { "txid": "t", "chaincode": "mycc", "function": "f", "repeat": { "count": 2 },
                        "duplicate": true } ])"),
                            "s.json")
            .proposals.size() == 4);
  CHECK(load_error(with(R"("proposals": [ { "at": "1s", "chaincode": "mycc", "function": "f",
                                          "repeat": { "count": 3, "interval": "2562047h" } } ])")) ==
        "s.json: /proposals/0/repeat/interval: the last of 3 repetitions would come after the "
        "largest virtual time (9223372036.854775807s)");
}

TEST_CASE("limits.max_proposals counts proposals after repeat (default 100000)") {
  const auto s = scenario::load_text(with(R"("proposals": [])"), "s.json");
  CHECK(s.max_proposals == 100'000);
  CHECK(s.config.max_call_depth == 8);
  CHECK(s.limits.max_events == 10'000'000);
  CHECK(load_error(with(R"("proposals": [ { "chaincode": "mycc", "function": "f",
                                          "repeat": { "count": 100001 } } ])")) ==
        "s.json: /proposals/0/repeat/count: this makes 100001 proposals, more than "
        "limits.max_proposals (100000)");
  CHECK(load_error(with(R"("limits": { "max_proposals": 2 }, "proposals": [
                           { "chaincode": "mycc", "function": "f", "repeat": { "count": 2 } },
                           { "chaincode": "mycc", "function": "f" } ])")) ==
        "s.json: /proposals/1: this makes 3 proposals, more than limits.max_proposals (2)");
  // A huge count fails before anything is expanded.
  CHECK(load_error(with(R"("proposals": [ { "chaincode": "mycc", "function": "f",
                                          "repeat": { "count": 9223372036854775807 } } ])")) ==
        "s.json: /proposals/0/repeat/count: this makes 9223372036854775807 proposals, more than "
        "limits.max_proposals (100000)");
  CHECK(scenario::load_text(with(R"("limits": { "max_proposals": 3 }, "proposals": [
                                      { "chaincode": "mycc", "function": "f",
                                        "repeat": { "count": 3 } } ])"),
                            "s.json")
            .proposals.size() == 3);
  CHECK(load_error(with(R"("limits": { "max_proposals": 1000001 }, "proposals": [])")) ==
        "s.json: /limits/max_proposals: expected an integer from 1 to 1000000, got 1000001");
}

TEST_CASE("limits.max_expanded_bytes bounds what the proposals after repeat can copy (256 MiB)") {
  const auto s = scenario::load_text(with(R"("proposals": [])"), "s.json");
  CHECK(s.max_expanded_bytes == 256u << 20);
  CHECK(s.limits.max_kept_bytes == 1u << 30);
  // A 200 KB argument repeated 100,000 times would be 20 GB of arguments if each proposal had
  // its own copy: refused before anything is expanded.
  const std::string big(200'000, 'a');
  CHECK(load_error(with(R"("proposals": [ { "chaincode": "mycc", "function": "f", "args": [")" +
                        big + R"("], "repeat": { "count": 100000 } } ])")) ==
        "s.json: /proposals/0/repeat/count: this makes the scenario's expanded size more than "
        "limits.max_expanded_bytes (268435456 bytes): 100000 proposals of up to 200167 bytes "
        "each (its txid, args, and the keys, values and payloads of the steps it runs)");
  // 200167 = 64 (a proposal) + txid "tx1" and 21 for a repeat's "-N" + channel "mychannel" +
  // chaincode "mycc" + args "f" and the big one + f's GET_STATE of "a" (64 + 1).
  // What a function writes counts once per proposal that runs it, callees included.
  const std::string value(1000, 'v');
  const std::string two = R"({ "limits": { "max_expanded_bytes": 100000 },
      "chaincodes": [ { "name": "a", "functions": { "f": [
                          { "invoke_chaincode": { "chaincode": "b", "function": "g" } },
                          { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
                      { "name": "b", "functions": { "g": [
                          { "put_state": { "key": "k", "value": ")" +
                          value + R"(" } } ] } } ],
      "proposals": [ { "chaincode": "a", "function": "f", "repeat": { "count": COUNT } } ] })";
  const auto with_count = [&](int n) {
    std::string t = two;
    return t.replace(t.find("COUNT"), 5, std::to_string(n));
  };
  // Each: 64 + "tx1" + 21 + "mychannel" + "a" + "f" = 99, and a.f's steps: two calls of
  // 64 + "b" + "g" = 132, each running b.g's PUT_STATE of 64 + "k" + 1000 bytes: 2 * 1065.
  // 40 * 2361 = 94440 fit in 100000; 50 * 2361 = 118050 do not.
  CHECK(load_error(with_count(40)) == "(no error)");
  CHECK(load_error(with_count(50)) ==
        "s.json: /proposals/0/repeat/count: this makes the scenario's expanded size more than "
        "limits.max_expanded_bytes (100000 bytes): 50 proposals of up to 2361 bytes each (its "
        "txid, args, and the keys, values and payloads of the steps it runs)");
  // The arguments are stored once for all the repetitions of an entry.
  const auto many = scenario::load_text(
      with(R"("proposals": [ { "chaincode": "mycc", "function": "f", "args": ["x"],
                               "repeat": { "count": 3 } } ])"),
      "s.json");
  REQUIRE(many.proposals.size() == 3);
  CHECK(&many.proposals[0].proposal.args.get() == &many.proposals[2].proposal.args.get());
}

// --- chaincode-to-chaincode call depth -----------------------------------------------------

namespace {
// Chaincodes c0 .. c<n-1>; c<i>.f invokes c<i+1>.f; the last one reads a key.
std::string chain(int n, const std::string& limits = "") {
  std::string ccs;
  for (int i = 0; i < n; ++i) {
    const std::string step = i + 1 < n ? R"({ "invoke_chaincode": { "chaincode": "c)" +
                                             std::to_string(i + 1) + R"(", "function": "f" } })"
                                       : R"({ "get_state": "k" })";
    ccs += std::string(i ? ", " : "") + R"({ "name": "c)" + std::to_string(i) +
           R"(", "functions": { "f": [ )" + step + " ] } }";
  }
  return "{" + limits + R"("chaincodes": [ )" + ccs + R"( ], "proposals": [] })";
}
}  // namespace

TEST_CASE("call chains: up to limits.max_call_depth nested calls load, one more does not") {
  CHECK(scenario::load_text(chain(9), "s.json").chaincodes.size() == 9);  // 8 calls
  CHECK(load_error(chain(10)) ==
        "s.json: /chaincodes/8/functions/f/0: call chain c0.f -> c1.f -> c2.f -> c3.f -> c4.f -> "
        "c5.f -> c6.f -> c7.f -> c8.f -> c9.f makes 9 nested calls, deeper than "
        "limits.max_call_depth (8)");
  CHECK(scenario::load_text(chain(3, R"("limits": { "max_call_depth": 2 }, )"), "s.json")
            .config.max_call_depth == 2);
  CHECK(load_error(chain(2, R"("limits": { "max_call_depth": 0 }, )")) ==
        "s.json: /chaincodes/0/functions/f/0: call chain c0.f -> c1.f makes 1 nested call, "
        "deeper than limits.max_call_depth (0)");
  // A long chain is checked without recursion.
  CHECK(load_error(chain(2000, R"("limits": { "max_call_depth": 1998 }, )"))
            .find("makes 1999 nested calls, deeper than limits.max_call_depth (1998)") !=
        std::string::npos);
  CHECK(scenario::load_text(chain(2000, R"("limits": { "max_call_depth": 1999 }, )"), "s.json")
            .chaincodes.size() == 2000);
}

// fabric-sources 2.5 step 8: re-entering a chaincode that runs the transaction on the same
// channel fails at once with "txid: %s(%s) exists", so a cycle ends there instead of looping.
TEST_CASE("call chains: a cycle is not an error, Fabric stops it at the re-entry") {
  CHECK(scenario::load_text(R"({"chaincodes": [
      { "name": "a", "functions": { "f": [ { "get_state": "k" },
                                           { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
      { "name": "b", "functions": { "g": [ { "invoke_chaincode": { "chaincode": "a", "function": "f" } } ] } } ],
      "proposals": []})",
                            "s.json")
            .chaincodes.size() == 2);
  // The cycle's own depth still counts: a.f -> b.g is 1 nested call, over a limit of 0.
  CHECK(
      load_error(R"({"limits": { "max_call_depth": 0 }, "chaincodes": [
      { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
      { "name": "b", "functions": { "g": [ { "invoke_chaincode": { "chaincode": "a", "function": "f" } } ] } } ],
      "proposals": []})") ==
      "s.json: /chaincodes/0/functions/f/0: call chain a.f -> b.g makes 1 nested call, deeper than "
      "limits.max_call_depth (0)");
  // Steps after return, fail, panic or hang never run, so their calls do not count.
  for (const char* end : {R"({ "return": { "status": 200 } })", R"({ "fail": "no" })",
                          R"({ "panic": "boom" })", R"({ "hang": true })"}) {
    CAPTURE(end);
    CHECK(scenario::load_text(
              std::string(R"({"chaincodes": [ { "name": "a", "functions": { "f": [ )") + end +
                  R"(, { "invoke_chaincode": { "chaincode": "a", "function": "f" } } ] } } ],
                  "proposals": []})",
              "s.json")
              .chaincodes.size() == 1);
  }
  // A diamond is not a cycle: a.f calls b.g twice, and b.g calls c.h.
  CHECK(scenario::load_text(R"({"chaincodes": [
      { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b", "function": "g" } },
                                           { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
      { "name": "b", "functions": { "g": [ { "invoke_chaincode": { "chaincode": "c", "function": "h" } } ] } },
      { "name": "c", "functions": { "h": [] } } ],
      "proposals": []})",
                            "s.json")
            .chaincodes.size() == 3);
  CHECK(scenario::load_text(R"({"chaincodes": [
      { "name": "a", "init": [ { "invoke_chaincode": { "chaincode": "a", "function": "f" } } ],
        "functions": { "f": [ { "invoke_chaincode": { "chaincode": "a", "function": "f" } } ] } } ],
      "proposals": []})",
                            "s.json")
            .chaincodes.size() == 1);
}

TEST_CASE("limits: types and ranges") {
  CHECK(load_error(with(R"("limits": { "max_events": 0 }, "proposals": [])")) ==
        "s.json: /limits/max_events: expected an integer from 1 to 1000000000, got 0");
  CHECK(load_error(with(R"("limits": { "max_kept_bytes": 2147483649 }, "proposals": [])")) ==
        "s.json: /limits/max_kept_bytes: expected an integer from 1 to 2147483648, got "
        "2147483649");
  CHECK(load_error(with(R"("limits": { "max_expanded_bytes": 0 }, "proposals": [])")) ==
        "s.json: /limits/max_expanded_bytes: expected an integer from 1 to 1073741824, got 0");
  CHECK(
      load_error(with(R"("limits": { "max_call_depth": -1 }, "proposals": [])")) ==
      "s.json: /limits/max_call_depth: expected an integer from 0 to 9223372036854775807, got -1");
  CHECK(load_error(with(R"("limits": { "horizon": "-1s" }, "proposals": [])")) ==
        "s.json: /limits/horizon: bad duration \"-1s\": durations cannot be negative (expected a "
        "number and a unit: ns, us, ms, s, m, h, e.g. \"150ms\")");
  CHECK(load_error(with(R"("limits": { "max_call_dept": 3 }, "proposals": [])")) ==
        "s.json: /limits/max_call_dept: unknown key \"max_call_dept\" (did you mean "
        "\"max_call_depth\"?)");
  CHECK(load_error(with(R"("limits": { "wall_clock": "1s" }, "proposals": [])")) ==
        "s.json: /limits/wall_clock: unknown key \"wall_clock\"; expected one of: \"max_events\" "
        "\"horizon\" \"max_proposals\" \"max_call_depth\" \"max_kept_bytes\" "
        "\"max_expanded_bytes\"");
}

// --- the corpus of bad scenarios -------------------------------------------------------------

namespace {
// tests/scenario/bad/<name>.json, sorted; each has <name>.expected beside it.
std::vector<std::string> bad_corpus() {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("tests/scenario/bad"))) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}
}  // namespace

TEST_CASE("bad corpus: ccsim check prints exactly the expected line and exits 2") {
  const std::vector<std::string> names = bad_corpus();
  CHECK(names.size() >= 40);
  for (const std::string& name : names) {
    CAPTURE(name);
    const std::string file = "tests/scenario/bad/" + name + ".json";
    const std::string expected =
        testing::read_file(testing::source_path("tests/scenario/bad/" + name + ".expected"));
    REQUIRE(!expected.empty());
    CHECK(expected.rfind(file + ":", 0) == 0);
    // Only an error about the file as a whole (empty, not UTF-8) has no line and column; the
    // places were checked against a separate walker of the JSON text when they were written.
    if (expected.rfind(file + ": ", 0) == 0) CHECK(expected.find(": /") == std::string::npos);
    const auto r = testing::run_command("cd '" + std::string(CCSIM_SOURCE_DIR) + "' && '" +
                                        CCSIM_BINARY + "' check " + file);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK(r.output == expected);
    // The library says the same in-process (what `ccsim run` prints before running nothing).
    try {
      scenario::load_file(testing::source_path(file));
      FAIL("no error");
    } catch (const scenario::ScenarioError& e) {
      CHECK(std::string(e.what()) + "\n" ==
            testing::source_path(file) + expected.substr(file.size()));
    }
  }
}

TEST_CASE("warnings corpus: check says ok and prints the expected warnings, the run holds") {
  // tests/scenario/warnings: what loads and runs (Fabric refuses it at run time) but is
  // likely a typo. Each file's expectations state the refusal; <name>.expected its warnings.
  std::size_t seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("tests/scenario/warnings"))) {
    if (entry.path().extension() != ".json") continue;
    ++seen;
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    const std::string file = "tests/scenario/warnings/" + name + ".json";
    const std::string expected =
        testing::read_file(testing::source_path("tests/scenario/warnings/" + name + ".expected"));
    REQUIRE(expected.rfind(file + ": /", 0) == 0);
    const std::string cd = "cd '" + std::string(CCSIM_SOURCE_DIR) + "' && '" + CCSIM_BINARY + "' ";
    // Only stderr, where warnings go (run_command adds its own 2>&1 after the parenthesis).
    const auto check = testing::run_command("(" + cd + "check " + file + " 2>&1 >/dev/null)");
    CHECK(check.exit_code == 0);
    CHECK(check.output == expected);
    const auto run = testing::run_command(cd + "run --quiet " + file + " 2>/dev/null");
    CHECK(run.exit_code == 0);
  }
  CHECK(seen >= 3);
}

TEST_CASE("bad corpus: every expected file has its scenario") {
  const std::vector<std::string> names = bad_corpus();
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("tests/scenario/bad"))) {
    CAPTURE(entry.path().string());
    if (entry.path().extension() == ".expected") {
      CHECK(std::binary_search(names.begin(), names.end(), entry.path().stem().string()));
    } else {
      CHECK(entry.path().extension() == ".json");
    }
  }
}

TEST_CASE("call chains: an Init step's unknown callee is a warning, and the chain ends there") {
  const auto s = scenario::load_text(R"({"chaincodes": [
      { "name": "a", "init": [ { "invoke_chaincode": { "chaincode": "b", "function": "g" } },
                               { "invoke_chaincode": { "chaincode": "a", "function": "g" } } ],
        "functions": { "f": [] } } ],
      "proposals": []})",
                                     "s.json");
  CHECK(s.warnings ==
        std::vector<std::string>{
            "s.json: /chaincodes/0/init/0/invoke_chaincode/chaincode: warning: no chaincode is "
            "named \"b\" (did you mean \"a\"?): the peer will refuse the call",
            "s.json: /chaincodes/0/init/1/invoke_chaincode/function: warning: chaincode \"a\" has "
            "no function \"g\" (did you mean \"f\"?) and no \"*\": its Invoke returns "
            "shim.Error(\"Received unknown function invocation\")"});
  // From Init, a chain starts at "<chaincode>.Init".
  CHECK(
      load_error(R"({"limits": { "max_call_depth": 1 }, "chaincodes": [
      { "name": "a", "init": [ { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] },
      { "name": "b", "functions": { "g": [ { "invoke_chaincode": { "chaincode": "c", "function": "h" } } ] } },
      { "name": "c", "functions": { "h": [] } } ],
      "proposals": []})") ==
      "s.json: /chaincodes/1/functions/g/0: call chain a.Init -> b.g -> c.h makes 2 nested calls, "
      "deeper than limits.max_call_depth (1)");
}

TEST_CASE("ledger: the world state at the start, values, private data, metadata and history") {
  const auto s = scenario::load_file(testing::source_path("scenarios/language/world_state.json"));
  const fabric::Ledger& l = s.initial_ledger;
  CHECK(l.get({"ch1", "bank", "balance", ""}) == "100");
  CHECK(l.get({"ch1", "bank", "owner", ""}) == "bob");  // the last of its history
  CHECK(l.get({"ch1", "bank", "pin", "secrets"}) == "1234");
  CHECK_FALSE(l.get({"ch1", "bank", "pin", ""}).has_value());
  CHECK(l.metadata({"ch1", "bank", "balance", ""}) ==
        std::map<std::string, std::string>{{"VALIDATION_PARAMETER", "OR('Org1MSP.peer')"}});
  // GET_HISTORY_FOR_KEY's order, newest first; a key given only a value has one entry.
  using fabric::QueryResult;
  CHECK(l.history("ch1", "bank", "owner") ==
        std::vector<QueryResult>{{"owner", "bob", "t3", false},
                                 {"owner", "", "t2", true},
                                 {"owner", "alice", "t1", false}});
  CHECK(l.history("ch1", "bank", "balance") ==
        std::vector<QueryResult>{{"balance", "100", "initial", false}});
}

TEST_CASE("ledger: bad values name their place") {
  const auto with_ledger = [](const std::string& ledger) {
    return load_error(R"({ "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
      "proposals": [ { "channel": "ch1", "chaincode": "cc", "function": "f" } ],
      "ledger": )" + ledger +
                      "}");
  };
  CHECK(with_ledger(R"({ "ch2": {} })") ==
        "s.json: /ledger/ch2: no proposal is on channel \"ch2\"; the channels are: \"ch1\"");
  CHECK(with_ledger(R"({ "ch1": { "c": {} } })") ==
        "s.json: /ledger/ch1/c: no chaincode is named \"c\" (did you mean \"cc\"?)");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "states": {} } } })") ==
        "s.json: /ledger/ch1/cc/states: unknown key \"states\" (did you mean \"state\"?)");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "state": { "k": 1 } } } })") ==
        "s.json: /ledger/ch1/cc/state/k: expected a string, got a number");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "state": { "": "v" } } } })") ==
        "s.json: /ledger/ch1/cc/state/: a key cannot be empty");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "state": { "k": "v" },
                                          "history": { "k": [ { "txid": "t", "value": "w" } ] } } } })") ==
        "s.json: /ledger/ch1/cc/history/k: key \"k\" is in both \"state\" and \"history\": its "
        "value is its history's last entry");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "history": { "k": [] } } } })") ==
        "s.json: /ledger/ch1/cc/history/k: a key's history needs at least one entry");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "history": { "k": [ { "txid": "t" } ] } } } })") ==
        "s.json: /ledger/ch1/cc/history/k/0: a history entry has either \"value\" or \"delete\": "
        "true");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "history": { "k": [ { "value": "v" } ] } } } })") ==
        "s.json: /ledger/ch1/cc/history/k/0: missing required key \"txid\"");
  CHECK(with_ledger(R"({ "ch1": { "cc": { "private": { "": { "k": "v" } } } } })") ==
        "s.json: /ledger/ch1/cc/private/: a collection name cannot be empty");
}

TEST_CASE("results, on_error, return_if and templates: bad values name their place") {
  const auto steps = [](const std::string& f) {
    return load_error(R"({ "chaincodes": [ { "name": "cc", "functions": { "f": )" + f +
                      R"( } } ], "proposals": [] })");
  };
  CHECK(steps(R"([ { "get_state": { "key": "k", "as": "1v" } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/get_state/as: a result's name is a letter or \"_\", "
        "then letters, digits or \"_\"");
  CHECK(steps(R"([ { "get_state": { "key": "k", "as": "txid" } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/get_state/as: \"txid\" is a built-in reference; "
        "choose another name");
  CHECK(steps(R"([ { "get_state": { "key": "k", "on_error": "retry" } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/get_state/on_error: expected \"stop\", \"ignore\" or "
        "a response {\"status\", \"message\", \"payload\"}, got \"retry\"");
  CHECK(steps(R"([ { "get_state": { "key": "k", "on_error": { "reason": "x" } } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/get_state/on_error/reason: unknown key \"reason\"; "
        "expected one of: \"status\" \"payload\" \"message\"");
  CHECK(steps(R"([ { "return_if": { "status": 404 } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/return_if: return_if compares with either "
        "\"equals\" or \"not_equals\": [left, right]");
  CHECK(
      steps(R"([ { "return_if": { "equals": ["a"] } } ])") ==
      "s.json: /chaincodes/0/functions/f/0/return_if/equals: expected two texts to compare, got 1");
  // References: what earlier steps named, the built-ins, ${error} only in on_error.
  CHECK(steps(R"([ { "get_state": { "key": "k", "as": "v" } },
                   { "return": { "payload": "${w}" } } ])") ==
        "s.json: /chaincodes/0/functions/f/1/return/payload: unknown reference ${w} (did you mean "
        "\"v\"?) (earlier steps' results: v; built in: ${channel}, ${txid}, ${function}, "
        "${args[N]})");
  CHECK(
      steps(
          R"([ { "return": { "payload": "${v}" } }, { "get_state": { "key": "k", "as": "v" } } ])") ==
      "s.json: /chaincodes/0/functions/f/0/return/payload: unknown reference ${v} (earlier "
      "steps' results: none; built in: ${channel}, ${txid}, ${function}, ${args[N]})");
  CHECK(steps(R"([ { "put_state": { "key": "${args}", "value": "x" } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/put_state/key: ${args}: args takes an index, as in "
        "${args[1]} (args[0] is the function)");
  CHECK(steps(R"([ { "fail": "${error}" } ])") ==
        "s.json: /chaincodes/0/functions/f/0/fail: ${error} is known only in a step's on_error "
        "answer");
  CHECK(steps(R"([ { "invoke_chaincode": { "chaincode": "cc", "function": "f", "as": "r" } },
                   { "return": { "message": "${r.stauts}" } } ])") ==
        "s.json: /chaincodes/0/functions/f/1/return/message: ${r.stauts}: the result of "
        "invoke_chaincode has the fields status, payload, message, error (did you mean "
        "\"status\"?)");
  CHECK(steps(R"([ { "set_event": { "name": "${txid.x}" } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/set_event/name: ${txid.x}: ${txid} has no fields");
  CHECK(steps(R"([ { "put_state": { "key": "k", "value": "${" } } ])") ==
        "s.json: /chaincodes/0/functions/f/0/put_state/value: \"${\" with no \"}\"");
  // Its own result is known in a step's on_error answer, with ${error}.
  CHECK(steps(R"([ { "invoke_chaincode": { "chaincode": "cc", "function": "f", "as": "r",
                       "on_error": { "message": "got ${r.status}: ${error}" } } } ])") ==
        "(no error)");
}

// tests/test_main.cpp: ctest selects each case by name; a run selecting nothing must fail, so
// that a name cut by CMake (a ';') cannot pass without running.
TEST_CASE("the test binaries fail a run whose filters select no test case") {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const auto none = testing::run_command("'" + self + "' -tc='no such test case, anywhere'");
  CHECK(none.exit_code == 1);
  CHECK(none.output.find("no test case matches the filters given") != std::string::npos);
  const auto one =
      testing::run_command("'" + self +
                           "' -tc='the test binaries fail a run whose filters select no test case' "
                           "-tce='*'");  // selected, then excluded again: nothing runs either
  CHECK(one.exit_code == 1);
}

// --- positions: FILE:LINE:COL -----------------------------------------------------------------

namespace {
// The whole text of the load error, with its place.
std::string positioned_error(const std::string& text) {
  try {
    scenario::load_text(text, "s.json");
  } catch (const scenario::ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("positions: an error names the line and column of the member's key, or of the element") {
  // Line 4 is `    { "name": "cc", "functions": { "f": [ { "get_stat": "k" } ] } }`: the key
  // "get_stat" begins in column 45.
  CHECK(positioned_error(R"({
  "name": "x",
  "chaincodes": [
    { "name": "cc", "functions": { "f": [ { "get_stat": "k" } ] } }
  ],
  "proposals": [ { "chaincode": "cc", "function": "f" } ]
})") == "s.json:4:45: /chaincodes/0/functions/f/0/get_stat: unknown key \"get_stat\" (did you "
        "mean \"get_state\"?)");
  // A missing key: the object that lacks it, here the array element in column 19.
  CHECK(positioned_error(R"({ "chaincodes": [ { "functions": {} } ], "proposals": [] })") ==
        "s.json:1:19: /chaincodes/0: missing required key \"name\"");
  // Columns count characters: "ééé" is five columns with its quotes, not eight bytes.
  CHECK(positioned_error(R"({ "name": "ééé", "bogus": 1 })").rfind("s.json:1:18: /bogus: ", 0) ==
        0);
}

TEST_CASE("positions: a duplicate key is an error naming both places, however it is spelled") {
  // nlohmann keeps the last of two equal keys; the first would be lost without a word.
  CHECK(positioned_error("{\n  \"name\": \"a\",\n  \"name\": \"b\"\n}") ==
        "s.json:3:3: /name: duplicate key (first at 2:3): a JSON object names each key once");
  // "n\u0061me" is "name" once decoded.
  CHECK(positioned_error(R"({ "name": "a", "n\u0061me": "b" })") ==
        "s.json:1:16: /name: duplicate key (first at 1:3): a JSON object names each key once");
  // Nested, with a key that needs escaping in the pointer.
  CHECK(positioned_error(R"({ "config": { "a/b": 1, "a/b": 2 } })") ==
        "s.json:1:25: /config/a~1b: duplicate key (first at 1:15): a JSON object names each key "
        "once");
  // After a UTF-8 byte order mark (which the parser skips and editors do not show).
  CHECK(positioned_error("\xef\xbb\xbf{ \"bogus\": 1, \"bogus\": 2 }") ==
        "s.json:1:15: /bogus: duplicate key (first at 1:3): a JSON object names each key once");
  // The same key in two objects is no duplicate.
  CHECK(positioned_error(R"({ "chaincodes": [ { "name": "a", "functions": {} },
                                              { "name": "b", "functions": {} } ],
                           "proposals": [] })") == "(no error)");
}

TEST_CASE(
    "a scenario's seed is a number or its decimal digits in a string, as ccsim writes seeds") {
  const std::string body = R"("chaincodes": [], "proposals": [])";
  CHECK(scenario::load_text("{ \"seed\": \"18446744073709551615\", " + body + " }", "s.json")
            .default_seed == 18446744073709551615ULL);
  CHECK(scenario::load_text("{ \"seed\": 42, " + body + " }", "s.json").default_seed == 42);
  CHECK(load_error("{ \"seed\": \"42x\", " + body + " }") ==
        "s.json: /seed: expected an integer from 0 to 18446744073709551615 (a number or its "
        "decimal digits in a string), got \"42x\"");
  CHECK(load_error("{ \"seed\": \"18446744073709551616\", " + body + " }")
            .find("got \"18446744073709551616\"") != std::string::npos);
}
