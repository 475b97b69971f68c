// The code-package read of a launch (container.package_failure) under each launcher era:
// 1.2 reads it before Launching, 1.3/1.4 after Launching with an early return that strands
// the launch state (docs/fabric-sources.md 4.4, 6.4 #11), 2.x inside Runtime.Build (4.5).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "../scenario/test_support.hpp"
#include "ccsim/scenario/errors.hpp"

using namespace ccsim;
using testing::load_error;

namespace {

constexpr const char* kCause = "code package not found for chaincode with name 'cc', version '1.0'";

// tx1 at 0, tx2 at the same instant (after tx1), tx3 at 1s and tx4 at 20s, past the 5s
// startup timeout; the container would start in 500ms.
std::string scenario_text(const std::string& profile, const std::string& overrides = "{}") {
  return R"({ "profile": ")" + profile + R"(", "overrides": )" + overrides + R"(,
    "config": { "startup_timeout": "5s" }, "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "cc", "container": { "start": "500ms", "package_failure": ")" +
         kCause + R"(" }, "functions": { "f": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f" },
                   { "txid": "tx3", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1s" },
                   { "txid": "tx4", "channel": "ch", "chaincode": "cc", "function": "f", "at": "20s" } ] })";
}

scenario::RunResult run_text(const std::string& text) {
  return scenario::run(scenario::load_text(text, "package.json"), {});
}

const fabric::ProposalOutcome* outcome(const scenario::RunResult& r, const std::string& txid) {
  for (const auto& o : r.outcomes) {
    if (o.txid == txid) return &o;
  }
  return nullptr;
}

std::size_t count_events(const scenario::RunResult& r, kernel::TraceKind kind,
                         const std::string& actor = "") {
  std::size_t n = 0;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kind && (actor.empty() || e.actor == actor)) ++n;
  }
  return n;
}

bool has_note(const scenario::RunResult& r, const std::string& actor, const std::string& detail) {
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kNote && e.actor == actor && e.detail == detail) return true;
  }
  return false;
}

}  // namespace

// §4.4, §6.4 #11: the first caller's getCodePackage fails after Launching made the state and
// the timer; Launch returns "failed to get chaincode package: <err>" at once, wrapped by
// ChaincodeSupport.Launch as "[channel %s] could not launch chaincode %s: ...". Nothing
// notifies or deregisters the state: every later caller, at the same instant or 20s later,
// joins it and waits on Done() forever. The run still drains.
TEST_CASE("fabric-sources 4.4, 6.4 #11: 1.4's code-package failure strands the launch state") {
  for (const char* profile : {"1.4", "1.4.0"}) {
    CAPTURE(profile);
    const auto r = run_text(scenario_text(profile));
    CHECK(r.stop == kernel::StopReason::kDrained);
    CHECK(r.passed());
    REQUIRE(outcome(r, "tx1") != nullptr);
    CHECK(outcome(r, "tx1")->error ==
          std::string("failed to execute transaction tx1: [channel ch] could not launch chaincode "
                      "cc:1.0: failed to get chaincode package: ") +
              kCause);
    CHECK(outcome(r, "tx1")->completed == kernel::Time::zero());
    CHECK(outcome(r, "tx2") == nullptr);
    CHECK(outcome(r, "tx3") == nullptr);
    CHECK(outcome(r, "tx4") == nullptr);
    CHECK(r.outcomes.size() == 1);
    // No launch goroutine: nothing built or started; the startup timer is read by nobody.
    CHECK(count_events(r, kernel::TraceKind::kNote, "runtime") == 0);
    CHECK(count_events(r, kernel::TraceKind::kTimer) == 0);
    CHECK(count_events(r, kernel::TraceKind::kSend) == 0);
    CHECK(has_note(r, "launcher", "launch cc:1.0: waiting for the launch under way"));
  }
}

// §4.3: 1.2 reads the package before Launching, so each caller fails alone, unwrapped (1.2's
// ChaincodeSupport.Launch returns the launcher's error as is), and nothing is left behind.
TEST_CASE("fabric-sources 4.3: 1.2 fails every caller at once with the package error") {
  const auto r = run_text(scenario_text("1.2"));
  CHECK(r.outcomes.size() == 4);
  for (const char* txid : {"tx1", "tx2", "tx3", "tx4"}) {
    CAPTURE(txid);
    REQUIRE(outcome(r, txid) != nullptr);
    CHECK(outcome(r, txid)->error == "failed to execute transaction " + std::string(txid) +
                                         ": failed to get chaincode package: " + kCause);
    CHECK(outcome(r, txid)->completed == outcome(r, txid)->submitted);
  }
  CHECK(!has_note(r, "launcher", "launch cc:1.0: waiting for the launch under way"));
}

// The switch alone: 1.4 without it reads the package as 1.2 does (before Launching), so the
// state is never created and every caller fails at once, with 1.4's wrapping.
TEST_CASE("package_failure_strands_launch off: 1.4 fails each caller instead of stranding") {
  const auto r = run_text(scenario_text("1.4", R"({ "package_failure_strands_launch": false })"));
  CHECK(r.outcomes.size() == 4);
  REQUIRE(outcome(r, "tx4") != nullptr);
  CHECK(outcome(r, "tx4")->error ==
        std::string("failed to execute transaction tx4: [channel ch] could not launch chaincode "
                    "cc:1.0: failed to get chaincode package: ") +
            kCause);
  CHECK(outcome(r, "tx4")->completed == outcome(r, "tx4")->submitted);
}

// §4.5: 2.x reads the package in Router.Build, inside the launch goroutine. The notes say
// "for docker build"; the source says otherwise and wins: the peer always sets an external
// builder (internal/peer/node/start.go, 2.0-3.0), whose read comes first, so the error is
// "failed to get chaincode package for external build: <err>" (core/container/container.go).
// Then startFailCh, Notify and Deregister run, and the
// BuildRegistry keeps the failure, so every later launch fails the same way at once. tx2,
// queued on tx1's launch, gets the waiter's "chaincode registration failed: ..." (7.8).
TEST_CASE("fabric-sources 4.5: 2.x's package failure is a build failure, for every caller") {
  for (const char* profile : {"2.5", "3.0"}) {
    CAPTURE(profile);
    const auto r = run_text(scenario_text(profile));
    CHECK(r.outcomes.size() == 4);
    const std::string cause =
        "error building chaincode: error building image: failed to get chaincode package for "
        "external build: " +
        std::string(kCause);
    for (const char* txid : {"tx1", "tx2", "tx3", "tx4"}) {
      CAPTURE(txid);
      REQUIRE(outcome(r, txid) != nullptr);
      const std::string waiter =
          std::string(txid) == "tx2" ? "chaincode registration failed: " : "";
      CHECK(outcome(r, txid)->error == "failed to execute transaction " + std::string(txid) +
                                           ": could not launch chaincode cc:1.0: " + waiter +
                                           cause);
      CHECK(outcome(r, txid)->completed == outcome(r, txid)->submitted);
    }
    CHECK(!has_note(r, "runtime", "start container cc:1.0"));
  }
}

TEST_CASE("package_failure is refused under the 1.0/1.1 launcher") {
  for (const char* profile : {"1.0", "1.1"}) {
    CAPTURE(profile);
    CHECK(load_error(scenario_text(profile)) ==
          "s.json: /chaincodes/0/container/package_failure: \"package_failure\" is not modelled "
          "for the 1.0/1.1 launcher (peer_fsm); it applies to profiles 1.2 and later");
  }
}
