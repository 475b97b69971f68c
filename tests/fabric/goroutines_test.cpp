// User code with goroutines and CPU: `parallel` (branches joined by a WaitGroup), `go` (a
// goroutine nothing waits for) and `cpu` (compute that contends for the process's cores).
// What each shim does with two stub calls of one transaction at once, and what each peer
// answers a goroutine that calls after its Invoke returned, read in the shims' and peers'
// handler.go at v1.0.6, v1.1.1, v1.2.1, v1.4.12, v2.5.16 and fabric-chaincode-go v2.3.0.
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::at_ms;
using testing::outcome;

namespace {

std::string with_profile(const std::string& profile, const std::string& functions,
                         const std::string& proposals, const std::string& container = "{}") {
  return R"({ "profile": ")" + profile + R"(", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "launch_at": "0s", "container": )" +
         container + R"(, "functions": )" + functions + R"( } ],
    "proposals": )" +
         proposals + " }";
}

const char* kOneProposal =
    R"([ { "at": "1s", "txid": "tx1", "channel": "mychannel", "chaincode": "cc", "function": "f" } ])";

std::size_t sends_of(const scenario::RunResult& r, const std::string& type) {
  return testing::events_of(r, kernel::TraceKind::kSend, "shim", type).size();
}

}  // namespace

TEST_CASE("goroutines: two stub calls of one transaction at once, per shim (channel exists)") {
  // Both branches call at the same instant; the first to run creates the response channel
  // (channel+txid, txid alone in 1.0), the second finds it and fails before sending. The
  // function returns the first failed branch's error, as Go code reading errs[] in order.
  const std::string functions = R"({ "f": [ { "parallel": [
      [ { "get_state": { "key": "a" } } ], [ { "get_state": { "key": "b" } } ] ] } ] })";
  struct Case {
    const char* profile;
    const char* message;
  };
  for (const Case& c :
       std::vector<Case>{{"1.0", "[tx1]Channel exists"},
                         {"1.1", "[tx1]error sending GET_STATE: [mychanne]channel exists"},
                         {"1.4", "[tx1] error sending GET_STATE: [mychanne] channel exists"},
                         {"2.5", "[tx1] error sending GET_STATE: [mychanne] channel exists"},
                         {"3.0", "[tx1] error sending GET_STATE: [mychanne] channel exists"}}) {
    CAPTURE(c.profile);
    const auto r = scenario::run(
        scenario::load_text(with_profile(c.profile, functions, kOneProposal), "g.json"), {});
    CHECK(sends_of(r, "GET_STATE") == 1);
    CHECK(outcome(r, "tx1").status == 500);
    CHECK(outcome(r, "tx1").error == std::string(c.message));
  }
}

TEST_CASE("goroutines: branches whose calls do not overlap both succeed, and the join sees both") {
  const std::string functions = R"({ "f": [
      { "parallel": [ [ { "get_state": { "key": "a", "as": "a" } } ],
                      [ { "sleep": "10ms" }, { "get_state": { "key": "b", "as": "b" } } ] ] },
      { "return": { "payload": "a=${a.found} b=${b.found}" } } ] })";
  const auto r = scenario::run(
      scenario::load_text(with_profile("2.5", functions, kOneProposal), "g.json"), {});
  CHECK(sends_of(r, "GET_STATE") == 2);
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").payload == std::string("a=false b=false"));
}

TEST_CASE("goroutines: a branch's ignored error lets the join go on") {
  const std::string functions = R"({ "f": [
      { "parallel": [ [ { "get_state": { "key": "a" } } ],
                      [ { "get_state": { "key": "b", "as": "b", "on_error": "ignore" } } ] ] },
      { "return": { "message": "b: ${b.error}" } } ] })";
  const auto r = scenario::run(
      scenario::load_text(with_profile("2.5", functions, kOneProposal), "g.json"), {});
  CHECK(outcome(r, "tx1").status == 200);
  CHECK_FALSE(outcome(r, "tx1").error.has_value());
  const auto completed = testing::events_of(r, kernel::TraceKind::kSend, "shim", "COMPLETED");
  REQUIRE(completed.size() == 1);
  CHECK(completed[0]->detail.find("b: [tx1] error sending GET_STATE: [mychanne] channel exists") !=
        std::string::npos);
}

TEST_CASE("goroutines: a goroutine that outlives its Invoke is refused by the peer, per release") {
  // No shim from 1.0 on refuses the late call (the isTransaction check was 0.6's); the peer
  // has no transaction context any more and answers ERROR (HandleTransaction's isValidTxSim,
  // 1.2+; 1.0/1.1 enterBusyState, 1.1 with its args-without-... format bug). Nothing is
  // committed: the write never reaches a simulator.
  const std::string functions = R"({ "f": [ { "go": [ { "sleep": "10ms" },
      { "put_state": { "key": "k", "value": "v" } } ] } ] })";
  struct Case {
    const char* profile;
    const char* error;
  };
  for (const Case& c : std::vector<Case>{
           {"1.0", "[tx1]No ledger context for PUT_STATE. Sending ERROR"},
           {"1.1",
            "[[tx1 PUT_STATE ERROR]]No ledger context for %!s(MISSING). Sending %!s(MISSING)"},
           {"1.4", "PUT_STATE failed: transaction ID: tx1: no ledger context"},
           {"2.5", "PUT_STATE failed: transaction ID: tx1: no ledger context"}}) {
    CAPTURE(c.profile);
    const auto r = scenario::run(
        scenario::load_text(with_profile(c.profile, functions, kOneProposal), "g.json"), {});
    CHECK(outcome(r, "tx1").status == 200);
    CHECK(outcome(r, "tx1").completed == at_ms(1002));  // answered before the goroutine woke
    const auto errors = testing::events_of(r, kernel::TraceKind::kSend, "peer", "ERROR");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0]->detail == "\"" + std::string(c.error) + "\"");
    CHECK(errors[0]->t == at_ms(1012));
    const auto notes = testing::events_of(r, kernel::TraceKind::kNote, "shim", "");
    REQUIRE_FALSE(notes.empty());
    CHECK(notes.back()->detail == "goroutine returns: " + std::string(c.error));
  }
}

TEST_CASE("goroutines: cpu steps of concurrent transactions share the container's cores") {
  // Three transactions of 100ms CPU each, delivered at 1.001, 1.011 and 1.021s. On one core
  // they end 275, 295 and 300ms after the first started (processor_sharing_test works it by
  // hand); on three cores each takes its own 100ms. COMPLETED takes 1ms to reach the peer.
  const std::string functions = R"({ "f": [ { "cpu": "100ms" } ] })";
  const std::string proposals = R"([ { "at": "1s", "txid": "t", "chaincode": "cc", "function": "f",
      "repeat": { "count": 3, "interval": "10ms" } } ])";
  const auto one =
      scenario::run(scenario::load_text(with_profile("2.5", functions, proposals), "g.json"), {});
  CHECK(outcome(one, "t-1").completed == at_ms(1277));
  CHECK(outcome(one, "t-2").completed == at_ms(1297));
  CHECK(outcome(one, "t-3").completed == at_ms(1302));
  const auto three = scenario::run(
      scenario::load_text(with_profile("2.5", functions, proposals, R"({ "cores": 3 })"), "g.json"),
      {});
  CHECK(outcome(three, "t-1").completed == at_ms(1102));
  CHECK(outcome(three, "t-2").completed == at_ms(1112));
  CHECK(outcome(three, "t-3").completed == at_ms(1122));
}

TEST_CASE("goroutines: sleep does not contend, cpu does") {
  const std::string proposals = R"([ { "at": "1s", "txid": "t", "chaincode": "cc", "function": "f",
      "repeat": { "count": 2, "interval": "0s" } } ])";
  const auto sleeping = scenario::run(
      scenario::load_text(with_profile("2.5", R"({ "f": [ { "sleep": "100ms" } ] })", proposals),
                          "g.json"),
      {});
  CHECK(outcome(sleeping, "t-2").completed == at_ms(1102));
  const auto computing = scenario::run(
      scenario::load_text(with_profile("2.5", R"({ "f": [ { "cpu": "100ms" } ] })", proposals),
                          "g.json"),
      {});
  CHECK(outcome(computing, "t-1").completed == at_ms(1202));
  CHECK(outcome(computing, "t-2").completed == at_ms(1202));
}

TEST_CASE("goroutines: a goroutine's panic kills the process, as any Go panic does") {
  const std::string functions = R"({ "f": [ { "go": [ { "sleep": "5ms" }, { "panic": "boom" } ] },
      { "sleep": "1s" } ] })";
  const auto r = scenario::run(
      scenario::load_text(with_profile("2.5", functions, kOneProposal), "g.json"), {});
  CHECK(outcome(r, "tx1").error.value_or("").find("chaincode stream terminated") !=
        std::string::npos);
  CHECK(sends_of(r, "COMPLETED") == 0);
}

TEST_CASE("goroutines: what a branch may not do is a load error naming the step") {
  const auto load = [](const std::string& functions) {
    return testing::load_error(with_profile("2.5", functions, kOneProposal));
  };
  CHECK(load(R"({ "f": [ { "parallel": [ [ { "return": {} } ] ] } ] })") ==
        "s.json: /chaincodes/0/functions/f/0/parallel/0/0/return: \"return\" returns the "
        "function's response, which a goroutine cannot do: a branch of \"parallel\" or \"go\" "
        "ends by falling off its end, or at a failed call");
  CHECK(
      load(
          R"({ "f": [ { "go": [ { "get_state": { "key": "k", "on_error": { "status": 404 } } } ] } ] })") ==
      "s.json: /chaincodes/0/functions/f/0/go/0/get_state/on_error: a goroutine cannot answer "
      "for the function: on_error in a branch of \"parallel\" or \"go\" is \"stop\" (the branch "
      "ends with the error) or \"ignore\"");
  CHECK(load(R"({ "f": [ { "parallel": [] } ] })") ==
        "s.json: /chaincodes/0/functions/f/0/parallel: expected at least one branch: an array of "
        "steps");
  CHECK(load(R"({ "f": [ { "parallel": [ [] ] } ] })") ==
        "s.json: /chaincodes/0/functions/f/0/parallel/0: expected a branch's steps, got an empty "
        "array");
  // A go goroutine's results are not known after it (it may not have run); a branch's are.
  CHECK(load(R"({ "f": [ { "go": [ { "get_state": { "key": "k", "as": "v" } } ] },
                        { "return": { "payload": "${v}" } } ] })")
            .find("/chaincodes/0/functions/f/1/return/payload: unknown reference ${v}") !=
        std::string::npos);
  CHECK(load(R"({ "f": [ { "parallel": [ [ { "get_state": { "key": "k", "as": "v" } } ] ] },
                        { "return": { "payload": "${v}" } } ] })") == "(no error)");
  CHECK(load(R"({ "f": [ { "cpu": "1s" } ] })") == "(no error)");
}
