// How we know the properties bite (docs/fuzzing.md, "Mutants"): each test-only mutant of
// fabric/mutation.hpp, fuzzed on a benign scenario with the default budget and portfolio, is
// reported by the property that should catch it, while the same campaign without the mutant
// finds nothing. If a change to a property, a strategy or a handler lets a mutant through,
// these tests fail. (tests/fabric/mutation_test.cpp shows each mutant in one run, so a broken
// seam is told apart from a property that stopped biting.)
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "../scenario/test_support.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/properties.hpp"
#include "ccsim/fabric/mutation.hpp"

using namespace ccsim;
using fabric::Mutation;

namespace {

scenario::Scenario fuzz_scenario(const std::string& name) {
  return scenario::load_file(testing::source_path("scenarios/fuzz/" + name + ".json"));
}

// What `ccsim fuzz FILE` does without flags (runs, seed, portfolio, shrinking), on one job.
// A mutated campaign stops at its first failure: the budget is what it may use, and a mutant
// caught early keeps the test short.
// With a mutant, the campaign stops once `property`'s failure is confirmed and shrunk (a stop
// cuts short the shrinking of failures confirmed after it).
explore::ScenarioReport fuzz(const scenario::Scenario& s, Mutation mutation,
                             const std::string& property = "") {
  explore::CampaignOptions o;
  REQUIRE(o.runs == explore::kDefaultRuns);
  REQUIRE(o.plan.name == explore::portfolio().name);
  o.mutation = mutation;
  std::atomic<bool> stop{false};
  if (mutation != Mutation::kNone) {
    o.stop = &stop;
    o.on_failure = [&stop, &property](const scenario::Scenario&, explore::Failure& f) {
      if (f.property == property) stop = true;
    };
  }
  auto report = explore::run_campaign({&s}, o);
  REQUIRE(report.scenarios.size() == 1);
  return std::move(report.scenarios[0]);
}

const explore::Failure* find(const explore::ScenarioReport& r, const std::string& property) {
  for (const explore::Failure& f : r.failures) {
    if (f.property == property) return &f;
  }
  return nullptr;
}

std::string found(const explore::ScenarioReport& r) {
  std::string out;
  for (const explore::Failure& f : r.failures)
    out += f.key() + " (run " + std::to_string(f.run) + "); ";
  return out;
}

// Fuzzes the benign scenario `name` with `mutant` and returns the failure of `property`,
// checked to be caught within the default budget, confirmed, and shrunk to a list that still
// breaks the property (a replay of the mutated run).
explore::Failure caught_by(const std::string& name, Mutation mutant, const std::string& property) {
  const auto s = fuzz_scenario(name);
  const auto r = fuzz(s, mutant, property);
  const explore::Failure* f = find(r, property);
  CAPTURE(found(r));
  REQUIRE(f != nullptr);
  CHECK(f->run < explore::kDefaultRuns);
  CHECK(f->count >= 1);
  CHECK(f->shrunk_done);
  return *f;
}

// The benign scenario fuzzes clean without a mutant: what a mutant breaks is its doing.
void check_clean(const std::string& name) {
  const auto s = fuzz_scenario(name);
  const auto r = fuzz(s, Mutation::kNone);
  CAPTURE(found(r));
  CHECK(r.runs == explore::kDefaultRuns);
  CHECK(r.failures.empty());
  CHECK(r.failed_runs_by_property.empty());
  CHECK(r.traces.estimate() > 100);  // it did explore
  // The scenario ends a stream on purpose, so no_handler_error is left out; the rest are checked.
  for (const char* p :
       {"no_context_left", "no_send_after_stream_end", "one_result_per_transaction", "expect"}) {
    CHECK(std::find(r.properties.begin(), r.properties.end(), p) != r.properties.end());
  }
}

}  // namespace

TEST_CASE("mutants: chaincode_closes_stream.2.5 fuzzes clean with the default budget") {
  check_clean("chaincode_closes_stream.2.5");
}

TEST_CASE("mutants: keepalive_during_transaction.2.5 fuzzes clean with the default budget") {
  check_clean("keepalive_during_transaction.2.5");
}

TEST_CASE(
    "mutant swallow_stream_end (2.7) is caught by no_send_after_stream_end: tx2's TRANSACTION "
    "goes out on the stream the peer saw end") {
  const explore::Failure f = caught_by("chaincode_closes_stream.2.5", Mutation::kSwallowStreamEnd,
                                       "no_send_after_stream_end");
  CHECK(f.signature == "the peer sends TRANSACTION after its stream end");
  CHECK(f.message.find("the peer sent TRANSACTION for tx2 on mycc") == 0);
}

TEST_CASE(
    "mutant context_never_deleted (2.2 Execute step 3) is caught by no_context_left: tx1's "
    "context stays in the handler whose stream ended") {
  const explore::Failure f =
      caught_by("chaincode_closes_stream.2.5", Mutation::kContextNeverDeleted, "no_context_left");
  CHECK(f.signature == "a transaction context is left");
  // Both transactions leave theirs: tx1's on the first stream, tx2's on the second.
  CHECK(f.message ==
        "2 contexts and 0 query iterators left at the end of the run (first: mycc "
        "ch1/tx1)");
}

TEST_CASE(
    "mutant keepalive_in_wrong_state (2.6, 2.2 step 1) is caught by expect: the first echo tears "
    "the stream down and tx1 fails") {
  const explore::Failure f =
      caught_by("keepalive_during_transaction.2.5", Mutation::kKeepaliveInWrongState, "expect");
  // The scenario's first expectation: tx1's status 200. Streamdone wakes its Execute with
  // "chaincode stream terminated" instead (2.2 Execute, 1.4.4+/2.x).
  CHECK(f.signature == "expect /expect/outcomes/<txid>/status");
  CHECK(f.message.find("expect /expect/outcomes/tx1/status: expected 200, got null") == 0);
}

TEST_CASE(
    "mutant double_completed (3.1) is caught by one_result_per_transaction: the shim answers "
    "tx1's TRANSACTION twice") {
  const explore::Failure f = caught_by("chaincode_closes_stream.2.5", Mutation::kDoubleCompleted,
                                       "one_result_per_transaction");
  CHECK(f.signature == "the shim sends COMPLETED beyond one result per INIT/TRANSACTION");
  CHECK(f.message.find("the shim sent COMPLETED for tx1 on mycc") == 0);
}

TEST_CASE("mutants: every mutant has its test above") {
  // A new Mutation needs a benign scenario and a property that catches it, here.
  CHECK(fabric::mutants().size() == 4);
}
