// expect: outcome bounds and regular expressions, trace assertions, built-in properties, and
// what a run that reaches a limit reports. Each failure line is checked word for word.
#include <filesystem>
#include <set>

#include <doctest/doctest.h>

#include "ccsim/scenario/errors.hpp"
#include "test_support.hpp"

using namespace ccsim;

namespace {

// One chaincode, four proposals on ch1 (1ms each way, the container starts in 500ms):
//   tx1 at 0   set_a: GET_STATE, PUT_STATE, returns 200 "ok"; completes at 0.507s.
//   tx2 at 1s  boom:  fails with "boom 42" (status 500); completes at 1.002s.
//   tx3 at 2s  slow:  sleeps 3s; the 2s execute timeout fails it at 4s, and its late GET_STATE
//                     (5.002s) is answered with ERROR "... no ledger context".
//   tx4 at 10s crash: the chaincode panics; both ends see the stream end at 10.001s.
const char* kBody = R"(
  "network": { "latency": "1ms" },
  "config": { "execute_timeout": "2s" },
  "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": {
    "set_a": [ { "get_state": "a" }, { "put_state": { "key": "a", "value": "1" } },
               { "return": { "status": 200, "payload": "ok" } } ],
    "boom": [ { "fail": "boom 42" } ],
    "slow": [ { "sleep": "3s" }, { "get_state": "k" } ],
    "crash": [ { "panic": "oops" } ] } } ],
  "proposals": [
    { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "set_a" },
    { "at": "1s", "txid": "tx2", "channel": "ch1", "chaincode": "mycc", "function": "boom" },
    { "at": "2s", "txid": "tx3", "channel": "ch1", "chaincode": "mycc", "function": "slow" },
    { "at": "10s", "txid": "tx4", "channel": "ch1", "chaincode": "mycc", "function": "crash" } ])";

// Just tx1, which passes every property.
const char* kQuiet = R"(
  "network": { "latency": "1ms" },
  "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": {
    "set_a": [ { "get_state": "a" }, { "put_state": { "key": "a", "value": "1" } } ] } } ],
  "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "set_a" } ])";

std::vector<std::string> failures(const std::string& body, const std::string& expect,
                                  const std::string& extra = "") {
  const auto s = scenario::load_text(
      "{" + body + ", \"expect\": " + expect + (extra.empty() ? "" : ", " + extra) + "}", "s.json");
  return scenario::run(s, scenario::RunOptions{}).failures;
}

// The load error, without its line and column (testing::load_error).
std::string error_of(const std::string& expect) {
  return testing::load_error(std::string("{") + kBody + ", \"expect\": " + expect + "}");
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("outcomes: within (after submission) and completed_by (absolute), bounds inclusive") {
  CHECK(failures(kBody, R"({ "outcomes": {
          "tx1": { "status": 200, "payload": "ok", "within": "507ms", "completed_by": "0.507s" },
          "tx2": { "within": "2ms", "completed_by": "1002ms" } } })")
            .empty());
  CHECK(failures(kBody, R"({ "outcomes": {
          "tx1": { "within": "506ms" },
          "tx2": { "within": "1ms", "completed_by": "1s" } } })") ==
        Lines{"expect /expect/outcomes/tx1/within: expected an outcome within 506ms of submission "
              "at 0.000000000s, got one after 507ms at 0.507000000s",
              "expect /expect/outcomes/tx2/within: expected an outcome within 1ms of submission "
              "at 1.000000000s, got one after 2ms at 1.002000000s",
              "expect /expect/outcomes/tx2/completed_by: expected an outcome by 1.000000000s, got "
              "one at 1.002000000s"});
}

TEST_CASE("outcomes: error_matches searches the error with an RE2 regular expression") {
  CHECK(failures(kBody, R"({ "outcomes": {
          "tx2": { "status": 500, "error_matches": "^boom [0-9]+$" },
          "tx3": { "status": null, "error_matches": "timeout expired" } } })")
            .empty());
  CHECK(failures(kBody, R"({ "outcomes": {
          "tx1": { "error_matches": "x" },
          "tx2": { "error_matches": "^bang|43" } } })") ==
        Lines{"expect /expect/outcomes/tx1/error_matches: expected an error matching /x/, got null",
              "expect /expect/outcomes/tx2/error_matches: expected an error matching /^bang|43/, "
              "got \"boom 42\""});
  // RE2's classes and repetition: \d, \s and {n} match as in other engines.
  CHECK(failures(kBody, R"({ "outcomes": { "tx2": { "error_matches": "^boom\\s\\d{2}$" } } })")
            .empty());
}

TEST_CASE(
    "outcomes: a bad regular expression is a load error naming its pointer, with RE2's error") {
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "boom [0-9" } } })") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"boom [0-9\": "
        "missing ]: [0-9 (RE2 syntax)");
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "*boom" } } })") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"*boom\": no "
        "argument for repetition operator: * (RE2 syntax)");
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "boom|+" } } })") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"boom|+\": no "
        "argument for repetition operator: + (RE2 syntax)");
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "a{2,1}" } } })") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"a{2,1}\": invalid "
        "repetition size: {2,1} (RE2 syntax)");
  // What RE2 leaves out to stay linear: back references and lookaround.
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "(b)\\1" } } })") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"(b)\\1\": invalid "
        "escape sequence: \\1 (RE2 syntax)");
  CHECK(error_of(R"js({ "outcomes": { "tx2": { "error_matches": "boom(?= 42)" } } })js") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"boom(?= 42)\": "
        "invalid perl operator: (?= (RE2 syntax)");
  // The whole pattern is quoted once, not again after RE2's problem.
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "timeout (expired" } } })") ==
        "s.json: /expect/outcomes/tx2/error_matches: bad regular expression \"timeout "
        "(expired\": missing ) (RE2 syntax)");
  // Escaped, inside a class, a group modifier: not errors.
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_matches": "\\*[*+?](?:x)?" } } })") ==
        "(no error)");
}

TEST_CASE(
    "outcomes: regular expressions cannot hang or crash a run (RE2 is linear, no recursion)") {
  // Each of these crashed or hung std::regex: a compile that recursed per nested group, a
  // match that recursed per character, and catastrophic backtracking.
  std::string nested(20000, '(');
  nested += "boom";
  nested += std::string(20000, ')');
  CHECK(failures(kBody, R"({ "outcomes": { "tx2": { "error_matches": ")" + nested + R"(" } } })")
            .empty());
  // A 40,000-character error matched by ^.*$, and ^(a+)+$ against 41 a's and a b.
  const std::string long_error(40000, 'x');
  const std::string body = R"(
  "chaincodes": [ { "name": "mycc", "functions": {
    "long": [ { "fail": ")" +
                           long_error + R"(" } ],
    "as": [ { "fail": ")" + std::string(41, 'a') +
                           R"(b" } ] } } ],
  "proposals": [
    { "txid": "tx1", "chaincode": "mycc", "function": "long" },
    { "txid": "tx2", "chaincode": "mycc", "function": "as" } ])";
  CHECK(failures(body, R"({ "outcomes": { "tx1": { "error_matches": "^.*$" },
                                          "tx2": { "error_matches": "^(a+)+$" } } })") ==
        Lines{"expect /expect/outcomes/tx2/error_matches: expected an error matching /^(a+)+$/, "
              "got \"" +
              std::string(41, 'a') + "b\""});
}

TEST_CASE("outcomes: a bad duration is a load error naming its pointer") {
  CHECK(error_of(R"({ "outcomes": { "tx2": { "within": "-1ms" } } })") ==
        "s.json: /expect/outcomes/tx2/within: bad duration \"-1ms\": durations cannot be "
        "negative (expected a number and a unit: ns, us, ms, s, m, h, e.g. \"150ms\")");
  CHECK(error_of(R"({ "outcomes": { "tx2": { "error_match": "x" } } })") ==
        "s.json: /expect/outcomes/tx2/error_match: unknown key \"error_match\" (did you mean "
        "\"error_matches\"?)");
}

TEST_CASE("messages: filters and counts that hold") {
  CHECK(failures(kBody, R"({ "messages": [
          { "type": "RESPONSE", "txid": "tx1", "count": 2 },
          { "type": "ERROR", "from": "peer", "txid": "tx3", "count": 1 },
          { "type": "ERROR", "from": "shim", "present": false },
          { "type": "GET_STATE", "event": "send", "from": "shim", "chaincode": "mycc",
            "min": 2, "max": 2 },
          { "type": "TRANSACTION", "event": "send", "chaincode": "mycc", "count": 4 },
          { "type": "REGISTER" },
          { "type": "REGISTER", "present": true },
          { "type": "KEEPALIVE", "max": 0 },
          { "type": "COMPLETED", "min": 3 } ] })")
            .empty());
}

TEST_CASE("messages: each broken count is one line naming its index") {
  CHECK(
      failures(kBody, R"({ "messages": [
          { "type": "REGISTER", "count": 2 },
          { "type": "COMPLETED", "max": 2 },
          { "type": "RESPONSE", "min": 3, "max": 4 },
          { "type": "ERROR", "txid": "tx3", "present": false },
          { "type": "TRANSACTION", "from": "shim" },
          { "type": "GET_STATE", "event": "send", "from": "shim", "txid": "tx1",
            "chaincode": "mycc", "min": 2 } ] })") ==
      Lines{"expect /expect/messages/0: expected exactly 2 REGISTER delivered, got 1",
            "expect /expect/messages/1: expected at most 2 COMPLETED delivered, got 3",
            "expect /expect/messages/2: expected between 3 and 4 RESPONSE delivered, got 2",
            "expect /expect/messages/3: expected no ERROR delivered for tx3, got 1",
            "expect /expect/messages/4: expected at least 1 TRANSACTION delivered from shim, got 0",
            "expect /expect/messages/5: expected at least 2 GET_STATE sent from shim for tx1 on "
            "mycc, got 1"});
}

TEST_CASE("messages: validation") {
  CHECK(error_of(R"({ "messages": [ { "from": "peer" } ] })") ==
        "s.json: /expect/messages/0: missing required key \"type\"");
  CHECK(error_of(R"({ "messages": [ { "type": "COMPLETE" } ] })") ==
        "s.json: /expect/messages/0/type: unknown message type \"COMPLETE\" (did you mean "
        "\"COMPLETED\"?)");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "event": "recv" } ] })") ==
        "s.json: /expect/messages/0/event: expected \"send\" or \"deliver\", got \"recv\"");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "txid": "tx9" } ] })") ==
        "s.json: /expect/messages/0/txid: no proposal has txid \"tx9\"");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "chaincode": "nocc" } ] })") ==
        "s.json: /expect/messages/0/chaincode: no chaincode is named \"nocc\" (did you mean "
        "\"mycc\"?)");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "present": false, "max": 1 } ] })") ==
        "s.json: /expect/messages/0/present: \"present\" cannot be combined with \"min\" or "
        "\"max\"");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "min": 2, "max": 1 } ] })") ==
        "s.json: /expect/messages/0/max: max (1) is less than min (2)");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "count": -1 } ] })") ==
        "s.json: /expect/messages/0/count: expected an integer from 0 to 9223372036854775807, "
        "got -1");
  CHECK(error_of(R"({ "messages": { "type": "ERROR" } })") ==
        "s.json: /expect/messages: expected an array, got an object");
}

TEST_CASE("the property registry: nine named properties, each with a meaning") {
  std::set<std::string> names;
  for (const scenario::Property& p : scenario::properties()) {
    CHECK(names.insert(p.name).second);
    CHECK(std::string(p.meaning).size() > 10);
    CHECK(scenario::find_property(p.name) == &p);
  }
  CHECK(names == std::set<std::string>{"one_outcome_per_proposal", "no_stream_end",
                                       "no_peer_error_reply", "all_completed_ok",
                                       "no_handler_error", "no_context_left",
                                       "no_send_after_stream_end", "answered_within_bound",
                                       "one_result_per_transaction"});
  CHECK(scenario::find_property("nope") == nullptr);
}

TEST_CASE("properties hold on a clean run") {
  CHECK(failures(kQuiet, R"({ "properties": [ "one_outcome_per_proposal", "no_stream_end",
                                               "no_peer_error_reply", "all_completed_ok" ] })")
            .empty());
}

TEST_CASE("properties: each broken one names what broke it") {
  CHECK(failures(kBody, R"({ "properties": [ "one_outcome_per_proposal", "no_stream_end",
                                              "no_peer_error_reply", "all_completed_ok" ] })") ==
        Lines{"expect /expect/properties/1: expected no_stream_end (neither end of any stream "
              "observes its end), got a stream end on mycc seen by the shim at 10.001000000s: "
              "panic: oops",
              "expect /expect/properties/2: expected no_peer_error_reply (the peer sends no ERROR "
              "message), got ERROR sent by the peer on mycc for tx3 at 5.002000000s: \"GET_STATE "
              "failed: transaction ID: tx3: no ledger context\"",
              "expect /expect/properties/3: expected all_completed_ok (every outcome has a status "
              "below 400 and no error), got tx2 on ch1 at 1.002000000s: status=500 error=\"boom "
              "42\""});
  // Cut before tx1 can be answered: no outcome at all.
  CHECK(failures(kQuiet, R"({ "properties": [ "one_outcome_per_proposal" ] })",
                 R"("limits": { "horizon": "300ms" })") ==
        Lines{"expect /expect/properties/0: expected one_outcome_per_proposal (every proposal has "
              "exactly one outcome), got 0 outcomes for tx1 on ch1"});
}

TEST_CASE("properties: validation") {
  CHECK(error_of(R"({ "properties": [ "no_stream_ends" ] })") ==
        "s.json: /expect/properties/0: unknown property \"no_stream_ends\" (did you mean "
        "\"no_stream_end\"?)");
  CHECK(error_of(R"({ "properties": [ "liveness" ] })") ==
        "s.json: /expect/properties/0: unknown property \"liveness\"; expected one of: "
        "\"one_outcome_per_proposal\" \"no_stream_end\" \"no_peer_error_reply\" "
        "\"all_completed_ok\" \"no_handler_error\" \"no_context_left\" "
        "\"no_send_after_stream_end\" \"answered_within_bound\" "
        "\"one_result_per_transaction\"");
  CHECK(error_of(R"({ "properties": [ "no_stream_end", "no_stream_end" ] })") ==
        "s.json: /expect/properties/1: property \"no_stream_end\" is listed twice");
  CHECK(error_of(R"({ "properties": "no_stream_end" })") ==
        "s.json: /expect/properties: expected an array, got a string");
}

TEST_CASE("ledger expectations name channels that proposals use") {
  CHECK(error_of(R"({ "ledger": { "mychannel": { "mycc": { "a": "1" } } } })") ==
        "s.json: /expect/ledger/mychannel: no proposal is on channel \"mychannel\"; the channels "
        "are: \"ch1\"");
  CHECK(error_of(R"({ "ledger": { "ch1": { "mycc": { "a": 1 } } } })") ==
        "s.json: /expect/ledger/ch1/mycc/a: expected a string, or null for an absent key, got a "
        "number");
  CHECK(failures(kBody, R"({ "ledger": { "ch1": { "mycc": { "a": "1", "b": null } } } })").empty());
  // Failure pointers escape "/" and "~" (RFC 6901).
  CHECK(failures(kBody, R"({ "ledger": { "ch1": { "mycc": { "a/b~c": "1" } } } })") ==
        Lines{"expect /expect/ledger/ch1/mycc/a~1b~0c: expected \"1\", got absent"});
}

TEST_CASE("repeated proposals: every repetition runs and can be expected by its txid") {
  const auto s = scenario::load_text(R"({
      "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "functions": { "f": [ { "get_state": "a" } ] } } ],
      "proposals": [ { "txid": "load", "chaincode": "mycc", "function": "f",
                       "repeat": { "count": 3, "interval": "100ms" } } ],
      "expect": { "outcomes": { "load-3": { "status": 200, "completed_by": "204ms" } },
                  "properties": [ "one_outcome_per_proposal", "all_completed_ok" ] } })",
                                     "s.json");
  const auto r = scenario::run(s, scenario::RunOptions{});
  CHECK(r.failures.empty());
  REQUIRE(r.outcomes.size() == 3);
  CHECK(r.outcomes[2].txid == "load-3");
  CHECK(r.outcomes[2].submitted == kernel::Time::zero() + kernel::Duration::milliseconds(200));
}

// --- limits reached during a run --------------------------------------------------------------

namespace {
std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-expect-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}
}  // namespace

TEST_CASE("ccsim run: reaching a limit prints it and exits 1") {
  const auto events =
      write_temp("events.json", std::string("{") + kQuiet + R"(, "limits": { "max_events": 5 }})");
  const auto r =
      testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " + events.string());
  CHECK(r.exit_code == 1);
  CHECK(r.output ==
        "outcome tx1 none (no outcome by the end of the run)\n"
        "limit: run stopped at the event limit (5 events) at 0.501000000s\n"
        "seed 1 digest " +
            r.output.substr(r.output.size() - 17));

  const auto horizon =
      write_temp("horizon.json", std::string("{") + kQuiet + R"(, "limits": { "horizon": "1s" },
          "expect": { "outcomes": { "tx1": { "status": 200 } } } })");
  const auto h =
      testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " + horizon.string());
  CHECK(h.exit_code == 0);  // tx1 completes at 0.507s: within the horizon, nothing pending

  const auto cut =
      write_temp("cut.json", std::string("{") + kQuiet + R"(, "limits": { "horizon": "300ms" } })");
  const auto c = testing::run_command(std::string(CCSIM_BINARY) + " run --quiet " + cut.string());
  CHECK(c.exit_code == 1);
  CHECK(c.output.find("\nlimit: run stopped at the virtual time horizon (0.300000000s) with ") !=
        std::string::npos);

  const auto in_process = scenario::run(scenario::load_file(events.string()), {});
  CHECK(in_process.stop == kernel::StopReason::kEventLimit);
  CHECK(in_process.limit_error == "run stopped at the event limit (5 events) at 0.501000000s");
  CHECK_FALSE(in_process.passed());
  std::filesystem::remove_all(events.parent_path());
}

TEST_CASE("limits.max_kept_bytes: a run that keeps its trace stops before memory runs out") {
  // keepalive 1s: a KEEPALIVE and its echo every second until the proposal a million seconds
  // later. With the trace kept, the run stops at the kept-bytes limit, long before the event
  // limit; without it, at the event limit.
  const std::string text = R"({ "config": { "keepalive": "1s" },
      "limits": { "max_kept_bytes": 1000000, "max_events": 200000 },
      "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
      "proposals": [ { "chaincode": "cc", "function": "f" },
                     { "txid": "late", "chaincode": "cc", "function": "f", "at": "1000000s" } ] })";
  const auto s = scenario::load_text(text, "s.json");
  const auto kept = scenario::run(s, {});
  CHECK(kept.stop == kernel::StopReason::kKeptLimit);
  REQUIRE(kept.limit_error);
  CHECK(kept.limit_error->rfind("run stopped at the kept-bytes limit (1000000 bytes of trace "
                                "events, decisions, committed writes and outcomes kept, "
                                "limits.max_kept_bytes) after ",
                                0) == 0);
  CHECK(kept.limit_error->find(" events at ") != std::string::npos);
  CHECK(kept.limit_error->ends_with("; ccsim run --quiet without output files keeps no trace"));
  // Stopped after the event that went past the limit: at most one doubling of the record
  // storage beyond it.
  CHECK(kept.trace.kept_bytes() > 1'000'000);
  CHECK(kept.trace.kept_bytes() < 3'000'000);
  CHECK(kept.events < 200'000);
  scenario::RunOptions quiet;
  quiet.keep_trace = false;
  const auto unkept = scenario::run(s, quiet);
  CHECK(unkept.stop == kernel::StopReason::kEventLimit);
  CHECK(unkept.events == 200'000);
  CHECK(unkept.trace.kept_bytes() == 0);
}

TEST_CASE("ledger expectations may name a channel only a chaincode-to-chaincode call uses") {
  const char* scenario = R"({
      "chaincodes": [
        { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b",
                                                                     "function": "g",
                                                                     "channel": "other" } } ] } },
        { "name": "b", "functions": { "g": [] } } ],
      "proposals": [ { "channel": "ch1", "chaincode": "a", "function": "f" } ],
      "expect": { "ledger": { "other": { "b": { "k": null } } } } })";
  CHECK(scenario::load_text(scenario, "s.json").expect.ledger.count("other") == 1);
}

TEST_CASE("expect.messages filters on channel and on the payload's text, outcomes on the event") {
  const std::string base = R"({ "chaincodes": [ { "name": "cc", "functions": {
      "f": [ { "set_event": { "name": "paid" } }, { "get_state": "k" } ] } } ],
    "proposals": [ { "txid": "t", "channel": "ch", "chaincode": "cc", "function": "f" } ],
    "expect": )";
  const auto failures = [&](const std::string& expect) {
    return scenario::run(scenario::load_text(base + expect + "}", "e.json"), {}).failures;
  };
  CHECK(failures(R"({ "outcomes": { "t": { "event": "paid" } },
      "messages": [ { "type": "GET_STATE", "event": "send", "channel": "ch", "detail_contains": "key=\"k\"", "count": 1 },
                    { "type": "COMPLETED", "detail_contains": "event=\"paid\"" },
                    { "type": "GET_STATE", "channel": "", "present": false } ] })")
            .empty());
  CHECK(failures(R"({ "outcomes": { "t": { "event": "refunded" } } })") ==
        std::vector<std::string>{
            "expect /expect/outcomes/t/event: expected the event \"refunded\", got \"paid\""});
  const auto f =
      failures(R"({ "messages": [ { "type": "GET_STATE", "detail_contains": "key=\"z\"" } ] })");
  REQUIRE(f.size() == 1);
  CHECK(f[0].find("GET_STATE delivered containing \"key=\\\"z\\\"\"") != std::string::npos);
}

TEST_CASE("outcomes: null expects a proposal that is never answered") {
  // Cut before tx1 can be answered: no outcome, as null wants.
  CHECK(
      failures(kQuiet, R"({ "outcomes": { "tx1": null } })", R"("limits": { "horizon": "300ms" })")
          .empty());
  CHECK(failures(kBody, R"({ "outcomes": { "tx2": null, "tx1": null } })") ==
        Lines{"expect /expect/outcomes/tx1: expected no outcome, got one at 0.507000000s: "
              "status=200 error=null",
              "expect /expect/outcomes/tx2: expected no outcome, got one at 1.002000000s: "
              "status=500 error=\"boom 42\""});
  CHECK(error_of(R"({ "outcomes": { "tx1": 5 } })") ==
        "s.json: /expect/outcomes/tx1: expected an object, or null for a proposal that is never "
        "answered, got a number");
}

// --- Expectations real reports need: not_before, time windows, order, notes, per-submission
// outcomes (the trace of kBody is in its comment above; times read off it).

TEST_CASE("outcomes: not_before (absolute), inclusive, and not after completed_by") {
  CHECK(failures(kBody, R"({ "outcomes": {
          "tx2": { "not_before": "1.002s", "completed_by": "1.002s" },
          "tx3": { "not_before": "4s" } } })")
            .empty());
  CHECK(failures(kBody, R"({ "outcomes": { "tx2": { "not_before": "1.003s" } } })") ==
        Lines{"expect /expect/outcomes/tx2/not_before: expected an outcome not before "
              "1.003000000s, got one at 1.002000000s"});
  CHECK(error_of(R"({ "outcomes": { "tx2": { "not_before": "2s", "completed_by": "1s" } } })") ==
        "s.json: /expect/outcomes/tx2/not_before: not_before (2.000000000s) is after "
        "completed_by (1.000000000s): no instant is in both");
}

TEST_CASE("messages: at, not_before and by count only the events in the window") {
  // The shim sends GET_STATE at 0.502s (tx1) and at 5.001s (tx3's late one).
  CHECK(failures(kBody, R"({ "messages": [
          { "type": "GET_STATE", "event": "send", "from": "shim", "count": 2 },
          { "type": "GET_STATE", "event": "send", "by": "1s", "count": 1 },
          { "type": "GET_STATE", "event": "send", "not_before": "1s", "count": 1 },
          { "type": "GET_STATE", "event": "send", "at": "5.001s", "count": 1 },
          { "type": "GET_STATE", "event": "send", "not_before": "0.502s", "by": "5.001s",
            "count": 2 } ] })")
            .empty());
  CHECK(failures(kBody, R"({ "messages": [
          { "type": "GET_STATE", "event": "send", "at": "5s", "count": 1 },
          { "type": "GET_STATE", "event": "send", "not_before": "0.503s", "by": "5s" },
          { "type": "GET_STATE", "event": "send", "by": "0.501s" },
          { "type": "GET_STATE", "event": "send", "not_before": "5.002s" } ] })") ==
        Lines{"expect /expect/messages/0: expected exactly 1 GET_STATE sent at 5.000000000s, got 0",
              "expect /expect/messages/1: expected at least 1 GET_STATE sent between "
              "0.503000000s and 5.000000000s, got 0",
              "expect /expect/messages/2: expected at least 1 GET_STATE sent by 0.501000000s, "
              "got 0",
              "expect /expect/messages/3: expected at least 1 GET_STATE sent not before "
              "5.002000000s, got 0"});
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "at": "1s", "by": "2s" } ] })") ==
        "s.json: /expect/messages/0/by: \"by\" cannot be combined with \"at\"");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "not_before": "2s", "by": "1s" } ] })") ==
        "s.json: /expect/messages/0/by: by (1.000000000s) is before not_before (2.000000000s): "
        "no instant is in both");
  CHECK(error_of(R"({ "messages": [ { "type": "ERROR", "at": "soon" } ] })")
            .rfind("s.json: /expect/messages/0/at: ", 0) == 0);
}

TEST_CASE("order: the first `then` comes after the first `first`, by trace position") {
  // tx3's execute timeout fires at 4s (trace event 37); its late COMPLETED is delivered to the
  // peer at 5.004s (trace event 45).
  const char* timeout_then_completed = R"({ "order": [ {
      "first": { "event": "timer", "actor": "peer", "txid": "tx3", "detail_contains": "execute timeout" },
      "then": { "event": "deliver", "type": "COMPLETED", "txid": "tx3" } } ] })";
  CHECK(failures(kBody, timeout_then_completed).empty());
  CHECK(failures(kBody, R"({ "order": [ {
      "first": { "event": "deliver", "type": "COMPLETED", "txid": "tx3" },
      "then": { "event": "timer", "actor": "peer", "txid": "tx3" } } ] })") ==
        Lines{"expect /expect/order/0: expected the first timer by the peer for tx3 after the "
              "first COMPLETED delivered for tx3, got it at 4.000000000s (trace event 37), the "
              "other at 5.004000000s (trace event 45)"});
  // Same instant: the trace's order decides. tx1's TRANSACTION is sent at 0.501s right after
  // READY (events 9 and 11).
  CHECK(failures(kBody, R"({ "order": [ {
      "first": { "event": "send", "type": "READY" },
      "then": { "event": "send", "type": "TRANSACTION", "txid": "tx1" } } ] })")
            .empty());
  CHECK(failures(kBody, R"({ "order": [
      { "first": { "event": "stream_end", "actor": "shim" }, "then": { "event": "outcome", "txid": "tx4" } },
      { "first": { "event": "timer", "txid": "tx1" }, "then": { "event": "outcome" } },
      { "first": { "event": "outcome" }, "then": { "event": "timer", "txid": "tx2" } },
      { "first": { "event": "note" }, "then": { "event": "note" } } ] })") ==
        Lines{"expect /expect/order/1/first: expected the first outcome after the first timer "
              "for tx1, got no timer for tx1",
              "expect /expect/order/2/then: expected the first timer for tx2 after the first "
              "outcome, got no timer for tx2",
              "expect /expect/order/3: expected the first note after the first note, got one "
              "event matching both at 0.000000000s (trace event 1)"});
  CHECK(error_of(R"({ "order": [ { "first": { "event": "note" } } ] })") ==
        "s.json: /expect/order/0: missing required key \"then\"");
  CHECK(error_of(
            R"({ "order": [ { "first": { "event": "log" }, "then": { "event": "note" } } ] })") ==
        "s.json: /expect/order/0/first/event: unknown event \"log\"; expected one of: \"send\" "
        "\"deliver\" \"note\" \"timer\" \"state\" \"stream_end\" \"outcome\"");
  CHECK(error_of(
            R"({ "order": [ { "first": { "type": "ERROR" }, "then": { "event": "note" } } ] })") ==
        "s.json: /expect/order/0/first: missing required key \"event\"");
  CHECK(
      error_of(
          R"({ "order": [ { "first": { "event": "note", "type": "ERROR" }, "then": { "event": "note" } } ] })") ==
      "s.json: /expect/order/0/first/type: \"type\" applies to \"send\" and \"deliver\" events "
      "only");
  CHECK(
      error_of(
          R"({ "order": [ { "first": { "event": "note", "actor": "endorsr" }, "then": { "event": "note" } } ] })") ==
      "s.json: /expect/order/0/first/actor: unknown actor \"endorsr\" (did you mean "
      "\"endorser\"?)");
  CHECK(
      error_of(
          R"({ "order": [ { "first": { "event": "note", "txid": "tx9" }, "then": { "event": "note" } } ] })") ==
      "s.json: /expect/order/0/first/txid: no proposal has txid \"tx9\"");
}

TEST_CASE("notes: the log lines a report quotes, by actor, txid, chaincode and time") {
  CHECK(failures(kBody, R"({ "notes": [
      { "actor": "peer", "txid": "tx3", "contains": "does not exist for handling message COMPLETED", "count": 1 },
      { "actor": "launcher", "contains": "launch mycc:1.0: starting", "at": "0" },
      { "actor": "runtime", "chaincode": "mycc", "contains": "exited with 2", "not_before": "10s" },
      { "contains": "Execute: timeout expired", "by": "4s", "count": 1 },
      { "contains": "proposal mycc", "count": 4 } ] })")
            .empty());
  CHECK(failures(kBody, R"({ "notes": [
      { "actor": "runtime", "contains": "exited with 3" },
      { "actor": "shim", "contains": "exited with 2" },
      { "contains": "proposal mycc", "by": "1s", "count": 1 },
      { "contains": "Execute:", "present": false } ] })") ==
        Lines{"expect /expect/notes/0: expected at least 1 note by the runtime containing "
              "\"exited with 3\", got 0",
              "expect /expect/notes/1: expected at least 1 note by the shim containing \"exited "
              "with 2\", got 0",
              "expect /expect/notes/2: expected exactly 1 note containing \"proposal mycc\" by "
              "1.000000000s, got 2",
              "expect /expect/notes/3: expected no note containing \"Execute:\", got 2"});
  CHECK(error_of(R"({ "notes": [ { "actor": "peer" } ] })") ==
        "s.json: /expect/notes/0: missing required key \"contains\"");
  CHECK(error_of(R"({ "notes": [ { "actor": "orderer", "contains": "x" } ] })") ==
        "s.json: /expect/notes/0/actor: unknown actor \"orderer\"; expected one of: "
        "\"endorser\" \"launcher\" \"runtime\" \"peer\" \"shim\" \"fault\" \"grpc\" \"middlebox\"");
  CHECK(error_of(R"({ "notes": [ { "contains": "x", "count": 1, "min": 1 } ] })") ==
        "s.json: /expect/notes/0/count: \"count\" cannot be combined with \"min\", \"max\" or "
        "\"present\"");
  CHECK(error_of(R"({ "notes": [ { "contains": "x", "chaincode": "nocc" } ] })") ==
        "s.json: /expect/notes/0/chaincode: no chaincode is named \"nocc\" (did you mean "
        "\"mycc\"?)");
}

TEST_CASE("outcomes: an array gives each submission of a duplicate txid its own outcome") {
  // t at 0 runs 1s of user code; t again at 600ms finds the context and fails at once
  // (core/chaincode/handler.go 2.5, TransactionContexts.Create: "txid: t(ch1) exists").
  const char* body = R"(
    "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" },
                      "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [
      { "txid": "t", "channel": "ch1", "chaincode": "mycc", "function": "f" },
      { "at": "600ms", "txid": "t", "channel": "ch1", "chaincode": "mycc", "function": "f",
        "duplicate": true } ])";
  CHECK(failures(body, R"({ "outcomes": { "t": [
      { "status": 200, "completed_by": "1.503s", "not_before": "1.503s" },
      { "status": null, "error": "failed to execute transaction t: error sending: txid: t(ch1) exists",
        "completed_by": "0.6s" } ] } })")
            .empty());
  // The object form is the first submission's.
  CHECK(failures(body, R"({ "outcomes": { "t": { "status": 200 } } })").empty());
  CHECK(failures(body, R"({ "outcomes": { "t": [ { "status": 200 }, { "status": 200 } ] } })") ==
        Lines{"expect /expect/outcomes/t/1/status: expected 200, got null"});
  CHECK(failures(body, R"({ "outcomes": { "t": [ null, null ] } })") ==
        Lines{"expect /expect/outcomes/t/0: expected no outcome, got one at 1.503000000s: "
              "status=200 error=null",
              "expect /expect/outcomes/t/1: expected no outcome, got one at 0.600000000s: "
              "status=null error=\"failed to execute transaction t: error sending: txid: t(ch1) "
              "exists\""});
  const auto load = [&](const std::string& expect) {
    return testing::load_error("{" + std::string(body) + ", \"expect\": " + expect + "}");
  };
  CHECK(load(R"({ "outcomes": { "t": [ { "status": 200 } ] } })") ==
        "s.json: /expect/outcomes/t: txid \"t\" is submitted 2 times: give one outcome per "
        "submission, got 1");
  CHECK(load(R"({ "outcomes": { "t": [ 200, null ] } })") ==
        "s.json: /expect/outcomes/t/0: expected an object, or null for a proposal that is never "
        "answered, got a number");
}

TEST_CASE("an expectation naming a repeated proposal's own txid is told the txids it expands to") {
  const char* body = R"(
    "chaincodes": [ { "name": "mycc", "functions": { "f": [] } } ],
    "proposals": [ { "txid": "load", "channel": "ch1", "chaincode": "mycc", "function": "f",
                     "repeat": { "count": 100, "interval": "1ms" } },
                   { "txid": "one", "channel": "ch1", "chaincode": "mycc", "function": "f",
                     "repeat": { "count": 1 } } ])";
  const auto load = [&](const std::string& expect) {
    return testing::load_error("{" + std::string(body) + ", \"expect\": " + expect + "}");
  };
  CHECK(load(R"({ "outcomes": { "load": { "status": 200 } } })") ==
        "s.json: /expect/outcomes/load: no proposal has txid \"load\": /proposals/0 repeats it "
        "100 times, as \"load-1\" ... \"load-100\"; name one of those");
  CHECK(load(R"({ "messages": [ { "type": "COMPLETED", "txid": "one" } ] })") ==
        "s.json: /expect/messages/0/txid: no proposal has txid \"one\": /proposals/1 repeats it "
        "1 time, as \"one-1\"; name one of those");
  CHECK(load(R"({ "delivered": { "load": [] } })")
            .rfind("s.json: /expect/delivered/load: no proposal has txid \"load\": /proposals/0",
                   0) == 0);
  CHECK(load(R"({ "outcomes": { "load-100": { "status": 200 } } })") == "(no error)");
}
