// The test-only mutants of fabric/mutation.hpp, each shown directly in one run: the same
// scenario without the mutation behaves as Fabric does, with it as the bug would. These tests
// check the seam (RunOptions -> Peer -> Handler / ShimHandler) on their own, so a broken seam
// is told apart from a property that stopped catching its mutant (tests/explore/mutants_test).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "../scenario/test_support.hpp"
#include "ccsim/fabric/mutation.hpp"
#include "ccsim/scenario/errors.hpp"

using namespace ccsim;
using fabric::Mutation;
using kernel::TraceEvent;
using kernel::TraceKind;

namespace {

scenario::RunResult run(const std::string& json, Mutation mutation) {
  const auto s = scenario::load_text(json, "mutation.json");
  scenario::RunOptions options;
  options.mutation = mutation;
  return scenario::run(s, options);
}

std::size_t count(const scenario::RunResult& r, TraceKind kind, const std::string& actor,
                  const std::string& type, const std::string& txid = "") {
  std::size_t n = 0;
  for (const TraceEvent& e : r.trace.events()) {
    if (e.kind == kind && e.actor == actor && e.type == type && (txid.empty() || e.txid == txid)) {
      ++n;
    }
  }
  return n;
}

std::optional<std::size_t> first_index(const scenario::RunResult& r, TraceKind kind,
                                       const std::string& actor, const std::string& type = "") {
  const auto& events = r.trace.events();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind == kind && events[i].actor == actor && events[i].type == type) return i;
  }
  return std::nullopt;
}

const TraceEvent* first_stream_end(const scenario::RunResult& r, const std::string& actor) {
  auto i = first_index(r, TraceKind::kStreamEnd, actor);
  return i ? &r.trace.events()[*i] : nullptr;
}

const fabric::ProposalOutcome& outcome(const scenario::RunResult& r, std::size_t ordinal) {
  for (const auto& o : r.outcomes) {
    if (o.ordinal == ordinal) return o;
  }
  FAIL("no outcome for proposal #" << ordinal);
  return r.outcomes.front();
}

// The chaincode half-closes its stream at 1s; tx2 comes at 2s.
std::string stream_end_scenario(const std::string& profile) {
  return R"({ "profile": ")" + profile + R"(", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "version": "1.0", "container": { "start": "500ms" },
                      "functions": { "fast": [ { "get_state": "a" } ] } } ],
    "proposals": [
      { "at": "0", "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "fast" },
      { "at": "2s", "txid": "tx2", "channel": "ch1", "chaincode": "mycc", "function": "fast" } ],
    "faults": [ { "at": "1s", "chaincode": "mycc", "action": "half_close", "side": "shim" } ] })";
}

}  // namespace

TEST_CASE("mutation names round-trip, and kNone is not a mutant") {
  CHECK(fabric::mutants().size() == 4);
  for (Mutation m : fabric::mutants()) {
    CAPTURE(fabric::to_string(m));
    CHECK(m != Mutation::kNone);
    CHECK(fabric::mutation_from_string(fabric::to_string(m)) == m);
  }
  CHECK(fabric::mutation_from_string("none") == Mutation::kNone);
  CHECK_FALSE(fabric::mutation_from_string("double-completed").has_value());
}

TEST_CASE("without a mutation a run is the same as before: the digest does not move") {
  const auto s = scenario::load_file(testing::source_path("scenarios/invoke_basic.json"));
  scenario::RunOptions options;
  const auto plain = scenario::run(s, options);
  options.mutation = Mutation::kNone;
  CHECK(scenario::run(s, options).digest() == plain.digest());
  options.mutation = Mutation::kDoubleCompleted;
  CHECK(scenario::run(s, options).digest() != plain.digest());
}

TEST_CASE(
    "swallow_stream_end (2.7): the peer records its stream's end and carries on, tx2 goes out "
    "on the dead stream instead of relaunching the chaincode") {
  for (const char* profile : {"2.5", "1.1"}) {
    CAPTURE(profile);
    const std::string json = stream_end_scenario(profile);

    const auto real = run(json, Mutation::kNone);
    REQUIRE(first_stream_end(real, "peer") != nullptr);
    CHECK(outcome(real, 1).status == 200);
    // ProcessStream returned and deregistered: tx2 launched a new container (7.6 step 5).
    CHECK(count(real, TraceKind::kSend, "shim", "REGISTER") == 2);

    const auto mutated = run(json, Mutation::kSwallowStreamEnd);
    const TraceEvent* end = first_stream_end(mutated, "peer");
    REQUIRE(end != nullptr);
    CHECK(end->detail == first_stream_end(real, "peer")->detail);  // observed the same way
    // Never deregistered: Launch hands tx2 the old handler, whose TRANSACTION goes out on the
    // stream the peer saw end.
    CHECK(count(mutated, TraceKind::kSend, "shim", "REGISTER") == 1);
    const auto end_at = *first_index(mutated, TraceKind::kStreamEnd, "peer");
    bool sent_after_end = false;
    for (std::size_t i = end_at + 1; i < mutated.trace.events().size(); ++i) {
      const TraceEvent& e = mutated.trace.events()[i];
      if (e.kind == TraceKind::kSend && e.actor == "peer" && e.type == "TRANSACTION" &&
          e.txid == "tx2" && e.stream == end->stream) {
        sent_after_end = true;
      }
    }
    CHECK(sent_after_end);
    CHECK_FALSE(outcome(mutated, 1).status.has_value());
  }
}

TEST_CASE(
    "context_never_deleted (2.2 Execute step 3): the answered transaction's context stays, so "
    "the same txid cannot run again on that handler") {
  // tx1 completes at about 0.5s; the same channel and txid come again at 1s.
  const std::string json = R"({ "profile": "2.5", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "version": "1.0", "container": { "start": "500ms" },
                      "functions": { "f": [ { "get_state": "a" } ] } } ],
    "proposals": [
      { "at": "0", "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" },
      { "at": "1s", "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f",
        "duplicate": true } ] })";

  const auto real = run(json, Mutation::kNone);
  CHECK(outcome(real, 0).status == 200);
  CHECK(outcome(real, 1).status == 200);  // the context was deleted when Execute returned
  CHECK(count(real, TraceKind::kSend, "peer", "TRANSACTION") == 2);
  CHECK(real.left_behind.contexts == 0);

  const auto mutated = run(json, Mutation::kContextNeverDeleted);
  CHECK(outcome(mutated, 0).status == 200);
  // TXContexts.Create finds the first run's context: "txid: %s(%s) exists", before any send.
  CHECK(outcome(mutated, 1).error ==
        "failed to execute transaction tx1: error sending: txid: tx1(ch1) exists");
  CHECK(count(mutated, TraceKind::kSend, "peer", "TRANSACTION") == 1);
  CHECK(mutated.left_behind.contexts == 1);
  CHECK(mutated.left_behind.first == "mycc ch1/tx1");
}

TEST_CASE(
    "keepalive_in_wrong_state (2.6): the peer hands the shim's KEEPALIVE echo to its state "
    "machine, which rejects it in ready and tears the stream down") {
  // keepalive 1s; tx1 computes for 3s; the chaincode ends its stream at 5s so that the real
  // run, whose keepalive goes on while the stream lives, ends.
  const auto scenario_for = [](const std::string& profile) {
    return R"({ "profile": ")" + profile + R"(",
      "config": { "keepalive": "1s" }, "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "version": "1.0", "container": { "start": "500ms" },
                        "functions": { "slow": [ { "sleep": "3s" } ] } } ],
      "proposals": [ { "at": "0", "txid": "tx1", "channel": "ch1", "chaincode": "mycc",
                       "function": "slow" } ],
      "faults": [ { "at": "5s", "chaincode": "mycc", "action": "half_close", "side": "shim" } ] })";
  };
  struct Case {
    const char* profile;
    const char* rejection;  // the peer's stream end: Fabric's text for an unexpected message
  };
  for (const Case& c :
       {Case{"2.5",
             "error handling message, ending stream: [] Fabric side handler cannot handle "
             "message (KEEPALIVE) while in ready state"},
        Case{"1.1",
             "error handling message, ending stream: []Chaincode handler validator FSM cannot "
             "handle message (KEEPALIVE) with payload size (0) while in state: ready"}}) {
    CAPTURE(c.profile);
    const std::string json = scenario_for(c.profile);

    const auto real = run(json, Mutation::kNone);
    CHECK(outcome(real, 0).status == 200);
    CHECK(count(real, TraceKind::kDeliver, "peer", "KEEPALIVE") >= 1);  // echoes, ignored
    const TraceEvent* real_end = first_stream_end(real, "peer");
    REQUIRE(real_end != nullptr);
    CHECK(real_end->t >= kernel::Time() + kernel::Duration::seconds(5));  // the half-close

    const auto mutated = run(json, Mutation::kKeepaliveInWrongState);
    const TraceEvent* end = first_stream_end(mutated, "peer");
    REQUIRE(end != nullptr);
    CHECK(end->detail == c.rejection);
    CHECK(end->state == "ready");
    CHECK(end->t < kernel::Time() + kernel::Duration::seconds(3));  // the first echo
    CHECK_FALSE(outcome(mutated, 0).status.has_value());
  }
}

TEST_CASE("double_completed (3.1): every shim sends its COMPLETED twice, an ERROR result once") {
  // tx1 is invoked; tx2's Init fails with status 500, which every shim answers with ERROR.
  const auto scenario_for = [](const std::string& profile) {
    return R"({ "profile": ")" + profile + R"(", "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "version": "1.0", "container": { "start": "500ms" },
                        "init": [ { "return": { "status": 500, "message": "no" } } ],
                        "functions": { "f": [ { "get_state": "a" } ] } } ],
      "proposals": [
        { "at": "0", "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "f" },
        { "at": "1s", "txid": "tx2", "channel": "ch1", "chaincode": "mycc", "function": "init",
          "init": true } ] })";
  };
  for (const char* profile : {"2.5", "1.4", "1.1"}) {  // S-go, S-sw, S-fsm
    CAPTURE(profile);
    const std::string json = scenario_for(profile);

    const auto real = run(json, Mutation::kNone);
    CHECK(count(real, TraceKind::kSend, "shim", "COMPLETED", "tx1") == 1);
    CHECK(count(real, TraceKind::kSend, "shim", "ERROR", "tx2") == 1);

    const auto mutated = run(json, Mutation::kDoubleCompleted);
    CHECK(count(mutated, TraceKind::kSend, "shim", "COMPLETED", "tx1") == 2);
    CHECK(count(mutated, TraceKind::kSend, "shim", "ERROR", "tx2") == 1);
    // The first answers tx1; the second finds its context gone and is dropped (2.2 Notify).
    CHECK(outcome(mutated, 0).status == 200);
    CHECK(count(mutated, TraceKind::kDeliver, "peer", "COMPLETED", "tx1") == 2);
  }
}

TEST_CASE("a mutation is not reachable from a scenario file or the command line") {
  // Unknown keys are errors wherever a scenario might try to name one.
  CHECK_THROWS_AS(scenario::load_text(R"({ "mutation": "double_completed",
      "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
      "proposals": [ { "txid": "t", "chaincode": "cc", "function": "f" } ] })",
                                      "m.json"),
                  scenario::ScenarioError);
  CHECK_THROWS_AS(scenario::load_text(R"({ "config": { "mutation": "double_completed" },
      "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
      "proposals": [ { "txid": "t", "chaincode": "cc", "function": "f" } ] })",
                                      "m.json"),
                  scenario::ScenarioError);
  const auto r =
      testing::run_command(std::string(CCSIM_BINARY) + " run --mutation double_completed " +
                           testing::source_path("scenarios/invoke_basic.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unrecognised option '--mutation'") != std::string::npos);
}
