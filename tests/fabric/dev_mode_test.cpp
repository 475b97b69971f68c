// Dev mode (`peer node start --peer-chaincodedev`): the peer launches nothing for a chaincode
// that has registered by itself, READY follows registration, a second instance is a
// duplicate, and an Execute before registration fails as each release fails it. Read in
// core/chaincode/chaincode_support.go, handler.go and handler_registry.go at v1.0.6, v1.1.1,
// v1.4.12 and v2.5.16, core/container/container.go and core/chaincode/persistence (2.5).
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::at_ms;
using testing::outcome;

namespace {

std::string dev_scenario(const std::string& profile, bool dev_mode, bool early = true) {
  return R"({ "profile": ")" + profile + R"(", "config": { "dev_mode": )" +
         (dev_mode ? "true" : "false") + R"( }, "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "user_starts": ["2s", "4s"],
                      "functions": { "f": [ { "put_state": { "key": "k", "value": "v" } } ] } } ],
    "proposals": [ )" +
         (early ? R"({ "at": "1s", "txid": "early", "chaincode": "mycc", "function": "f" },)"
                : "") +
         R"({ "at": "3s", "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })";
}

scenario::RunResult run_dev(const std::string& profile, bool dev_mode = true, bool early = true) {
  return scenario::run(scenario::load_text(dev_scenario(profile, dev_mode, early), "d.json"), {});
}

bool has_note(const scenario::RunResult& r, const std::string& actor, const std::string& text) {
  for (const auto* e : testing::events_of(r, kernel::TraceKind::kNote, actor)) {
    if (e->detail.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("dev mode 2.5: a chaincode the user started registers, gets READY, and serves") {
  const auto r = run_dev("2.5");
  // HandleRegister accepts it (allowUnsolicitedRegistration) and sendReady follows.
  const auto sent = testing::events_of(r, kernel::TraceKind::kSend, "peer");
  REQUIRE(sent.size() >= 2);
  CHECK(sent[0]->type == "REGISTERED");
  CHECK(sent[0]->t == at_ms(2001));
  CHECK(sent[1]->type == "READY");
  CHECK(sent[1]->t == at_ms(2001));
  // Launch finds the registered handler and returns at once: no build, no container.
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").completed == at_ms(3004));
  CHECK_FALSE(has_note(r, "runtime", "start container"));
  CHECK(testing::events_of(r, kernel::TraceKind::kNote, "launcher").size() == 2);  // early's
}

TEST_CASE(
    "dev mode 2.5: an Execute before registration builds, and the uninstalled package fails") {
  const auto r = run_dev("2.5");
  CHECK(outcome(r, "early").error ==
        std::string("failed to execute transaction early: could not launch chaincode mycc:1.0: "
                    "error building chaincode: error building image: failed to get chaincode "
                    "package for external build: could not get legacy chaincode package "
                    "'mycc:1.0': open /var/hyperledger/production/chaincodes/mycc.1.0: no such "
                    "file or directory"));
  CHECK(outcome(r, "early").completed == at_ms(1000));
}

TEST_CASE("dev mode 1.2+: a second instance is a duplicate, logged, and left waiting") {
  for (const char* profile : {"1.4", "2.5", "3.0"}) {
    CAPTURE(profile);
    const auto r = run_dev(profile);
    CHECK(has_note(r, "peer", "register failed: duplicate chaincodeID: mycc:1.0"));
    // Nothing answers the duplicate: the peer sends exactly one REGISTERED in the run.
    CHECK(testing::events_of(r, kernel::TraceKind::kSend, "peer", "REGISTERED").size() == 1);
    CHECK(testing::events_of(r, kernel::TraceKind::kStreamEnd, "peer").empty());
  }
}

TEST_CASE("dev mode 1.0 and 1.1: no container, before registration sendReady finds no handler") {
  struct Case {
    const char* profile;
    const char* early;
    const char* duplicate;
  };
  for (const Case& c : std::vector<Case>{
           {"1.0", "Failed to init chaincode(handler not found for chaincode mycc:1.0)",
            "transition canceled with error: Duplicate chaincodeID error: name:\"mycc:1.0\""},
           {"1.1", "failed to init chaincode: handler not found for chaincode mycc:1.0",
            "transition canceled with error: duplicate chaincodeID error: name:\"mycc:1.0\""}}) {
    CAPTURE(c.profile);
    const auto r = run_dev(c.profile);
    CHECK(outcome(r, "early").error == std::string(c.early));
    CHECK_FALSE(has_note(r, "runtime", "start container"));
    // Dev mode's READY goes out by itself once REGISTER is handled (notifyDuringStartup).
    const auto ready = testing::events_of(r, kernel::TraceKind::kSend, "peer", "READY");
    REQUIRE(ready.size() == 1);
    CHECK(ready[0]->t == at_ms(2001));
    CHECK(outcome(r, "tx1").status == 200);
    // The duplicate's registration cancels the FSM event and ends its stream.
    const auto ends = testing::events_of(r, kernel::TraceKind::kStreamEnd, "peer");
    REQUIRE(ends.size() == 1);
    CHECK(ends[0]->detail.find(c.duplicate) != std::string::npos);
    CHECK(ends[0]->t == at_ms(4001));
  }
}

TEST_CASE("dev mode 1.4: before registration Launch starts a container as usual") {
  // 1.2 onwards have no dev-mode guard in Launch: a chaincode that has not registered is
  // launched (here its container starts at once and wins; the user's process is the duplicate).
  const auto r = run_dev("1.4");
  CHECK(has_note(r, "runtime", "start container mycc:1.0"));
  CHECK(outcome(r, "early").status == 200);
}

TEST_CASE("outside dev mode a chaincode that registers by itself is refused") {
  // No proposal before the user's processes dial: nothing launched the chaincode.
  struct Case {
    const char* profile;
    const char* refusal;
  };
  for (const Case& c : std::vector<Case>{
           {"2.5",
            "peer will not accept external chaincode connection mycc:1.0 (except in dev mode)"},
           {"1.0",
            // 1.0's %v of the ChaincodeID message: a space after it, as Fabric prints it.
            "peer will not accepting external chaincode connection name:\"mycc:1.0\"  (except in "
            "dev mode)"}}) {
    CAPTURE(c.profile);
    const auto r = run_dev(c.profile, false, false);
    CHECK(has_note(r, "peer", c.refusal));
    for (const auto* e : testing::events_of(r, kernel::TraceKind::kSend, "peer", "REGISTERED"))
      CHECK(e->t >= at_ms(3000));  // only the container tx1's launch starts, if any
  }
  const auto s = scenario::load_text(dev_scenario("2.5", false), "d.json");
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0] ==
        "d.json: /chaincodes/0/user_starts: warning: the peer is not in dev mode "
        "(config.dev_mode): it refuses a chaincode that registers without a launch (\"peer will "
        "not accept external chaincode connection mycc:1.0 (except in dev mode)\")");
}

TEST_CASE("user_starts: what cannot load") {
  CHECK(testing::load_error(
            R"({ "chaincodes": [ { "name": "a", "user_starts": [] } ], "proposals": [] })") ==
        "s.json: /chaincodes/0/user_starts: expected at least one time: when the user starts it");
  CHECK(testing::load_error(
            R"({ "chaincodes": [ { "name": "a", "user_starts": ["1s"],
                 "service": { "address": "a:1" } } ], "proposals": [] })") ==
        "s.json: /chaincodes/0/user_starts: a chaincode run as a service is dialed by the peer; "
        "the user starts its server (service.listening_at), not a process that dials the peer");
}
