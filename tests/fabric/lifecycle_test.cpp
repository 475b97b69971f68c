// Chaincodes the peer does not know, per release: a proposal the endorser refuses and a cc2cc
// call the peer refuses, with each release's texts (read from Fabric's source at each tag:
// lscc.go NotFoundErr and ChaincodeDefinition, lifecycle.go GetChaincodeDefinition,
// chaincode_support.go CheckInvocation, handler.go HandleInvokeChaincode and
// HandleTransaction, endorser.go simulateProposal / ProcessProposalSuccessfullyOrError).
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"
#include "ccsim/fabric/lifecycle.hpp"

using namespace ccsim;

namespace {

// tx1 on ch1 calls a.f, which invokes "ghost"; tx2 is a proposal for ghost itself; tx3 calls
// a on ch2, where a is not defined; tx4 calls a.g, which invokes b on ch2, where b is not.
scenario::RunResult run_under(const std::string& profile) {
  return scenario::run(scenario::load_text(R"({ "profile": ")" + profile + R"(",
    "chaincodes": [
      { "name": "a", "channels": ["ch1"], "functions": {
          "f": [ { "invoke_chaincode": { "chaincode": "ghost", "function": "g" } } ],
          "g": [ { "invoke_chaincode": { "chaincode": "b", "function": "h", "channel": "ch2" } } ] } },
      { "name": "b", "channels": ["ch1"], "functions": { "h": [] } } ],
    "proposals": [
      { "txid": "tx1", "channel": "ch1", "chaincode": "a", "function": "f" },
      { "at": "1s", "txid": "tx2", "channel": "ch1", "chaincode": "ghost", "function": "f" },
      { "at": "2s", "txid": "tx3", "channel": "ch2", "chaincode": "a", "function": "f" },
      { "at": "3s", "txid": "tx4", "channel": "ch1", "chaincode": "a", "function": "g" } ] })",
                                           "lifecycle.json"),
                       {});
}

}  // namespace

TEST_CASE("unknown chaincodes: each release's texts for a refused proposal and a refused call") {
  struct Case {
    const char* profile;
    // tx1's error: from 1.2 the calling chaincode returns shim.Error(the Response's payload),
    // status 500; in 1.0/1.1 the ERROR reply takes the FSM's fast path to the caller's own
    // context first, so Execute fails with it (handler.go enterBusyState's errHandler).
    const char* call;
    const char* proposal;  // tx2's error
  };
  const Case cases[] = {
      {"1.0", "Transaction returned with failure: could not find chaincode with name 'ghost'",
       "could not find chaincode with name 'ghost' - make sure the chaincode ghost has been "
       "successfully instantiated and try again"},
      {"1.1", "transaction returned with failure: could not find chaincode with name 'ghost'",
       "make sure the chaincode ghost has been successfully instantiated and try again: could not "
       "find chaincode with name 'ghost'"},
      {"1.2",
       "INVOKE_CHAINCODE failed: transaction ID: tx1: getccdata ch1/ghost responded with error: "
       "could not find chaincode with name 'ghost'",
       "make sure the chaincode ghost has been successfully instantiated and try again: getccdata "
       "ch1/ghost responded with error: could not find chaincode with name 'ghost'"},
      {"1.4", "INVOKE_CHAINCODE failed: transaction ID: tx1: chaincode ghost not found",
       "make sure the chaincode ghost has been successfully instantiated and try again: chaincode "
       "ghost not found"},
      {"2.5",
       "INVOKE_CHAINCODE failed: transaction ID: tx1: execute failed: invalid invocation: "
       "[channel ch1] failed to get chaincode container info for ghost: chaincode ghost not found",
       "make sure the chaincode ghost has been successfully defined on channel ch1 and try again: "
       "chaincode ghost not found"},
      {"3.0",
       "INVOKE_CHAINCODE failed: transaction ID: tx1: execute failed: invalid invocation: "
       "[channel ch1] failed to get chaincode container info for ghost: chaincode ghost not found",
       "make sure the chaincode ghost has been successfully defined on channel ch1 and try again: "
       "chaincode ghost not found"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.profile);
    const auto r = run_under(c.profile);
    const auto& call = testing::outcome(r, "tx1");
    const bool fsm = std::string(c.profile) < "1.2";
    CHECK(call.status == (fsm ? std::nullopt : std::optional<std::int64_t>(500)));
    CHECK(call.error == c.call);
    const auto& proposal = testing::outcome(r, "tx2");
    CHECK_FALSE(proposal.status.has_value());
    CHECK(proposal.error == c.proposal);
    CHECK(proposal.completed == proposal.submitted);  // refused before any chaincode runs
  }
}

TEST_CASE("a chaincode defined on other channels is unknown on this one, to proposals and calls") {
  const auto r = run_under("2.5");
  CHECK(testing::outcome(r, "tx3").error ==
        "make sure the chaincode a has been successfully defined on channel ch2 and try again: "
        "chaincode a not found");
  CHECK(testing::outcome(r, "tx4").error ==
        "INVOKE_CHAINCODE failed: transaction ID: tx4: execute failed: invalid invocation: "
        "[channel ch2] failed to get chaincode container info for b: chaincode b not found");
  // 1.4: the handler asks LSCC on the target channel before it calls.
  CHECK(testing::outcome(run_under("1.4"), "tx4").error ==
        "INVOKE_CHAINCODE failed: transaction ID: tx4: chaincode b not found");
}

TEST_CASE("Lifecycle: a definition is found by name on its channels, or on all without any") {
  fabric::Lifecycle l;
  l.define("a", "a:1.0", {});
  l.define("b", "b:2", {"ch1"});
  CHECK(l.ccid("a", "anything") == "a:1.0");
  CHECK(l.ccid("b", "ch1") == "b:2");
  CHECK_FALSE(l.ccid("b", "ch2").has_value());
  CHECK_FALSE(l.ccid("c", "ch1").has_value());
}
