// The peer's configuration as the peer reads it (core.yaml), and the endorser's concurrency
// limit. Sources: core/chaincode/config.go (1.2+), core/chaincode/chaincode_support.go and
// peer/node/start.go (1.0, 1.1), internal/peer/node/grpc_limiters.go (2.1+).
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"

using namespace ccsim;
using kernel::Duration;
using testing::outcome;

namespace {
fabric::Profile profile(const char* name) {
  return *fabric::profile_by_name(name);
}
fabric::PeerConfig with_keepalive(Duration d) {
  fabric::PeerConfig c;
  c.keepalive = d;
  return c;
}
fabric::PeerConfig with_execute_timeout(Duration d) {
  fabric::PeerConfig c;
  c.execute_timeout = d;
  return c;
}
}  // namespace

// strconv.Atoi on the core.yaml string, every release: "500ms" and "1.5" fail and mean off.
TEST_CASE(
    "chaincode.keepalive is read in whole seconds: anything else is off (config.go toSeconds)") {
  const auto p = profile("2.5");
  CHECK(fabric::effective(with_keepalive(Duration::seconds(2)), p).keepalive ==
        Duration::seconds(2));
  CHECK(fabric::effective(with_keepalive(Duration::milliseconds(500)), p).keepalive == Duration());
  CHECK(fabric::effective(with_keepalive(Duration::milliseconds(1500)), p).keepalive == Duration());
  CHECK(fabric::effective(with_keepalive(Duration::milliseconds(1500)), profile("1.1")).keepalive ==
        Duration());
  CHECK(fabric::keepalive_reading(Duration::seconds(3)).empty());
  CHECK(fabric::keepalive_reading(Duration::milliseconds(500)) ==
        "the peer reads chaincode.keepalive in whole seconds (strconv.Atoi): 500ms has no such "
        "spelling, and keepalive is off; give a whole number of seconds");
}

// 1.2+: "if c.ExecuteTimeout < time.Second { c.ExecuteTimeout = defaultExecutionTimeout }";
// 1.0/1.1: "eto <= time.Duration(1)*time.Second" is invalid and 30s is used.
TEST_CASE("chaincode.executetimeout: under 1s becomes 30s, 1.0 and 1.1 also replace exactly 1s") {
  const auto one = with_execute_timeout(Duration::seconds(1));
  const auto under = with_execute_timeout(Duration::milliseconds(999));
  CHECK(fabric::effective(one, profile("2.5")).execute_timeout == Duration::seconds(1));
  CHECK(fabric::effective(one, profile("1.2")).execute_timeout == Duration::seconds(1));
  CHECK(fabric::effective(one, profile("1.1")).execute_timeout == Duration::seconds(30));
  CHECK(fabric::effective(one, profile("1.0")).execute_timeout == Duration::seconds(30));
  CHECK(fabric::effective(under, profile("2.5")).execute_timeout == Duration::seconds(30));
  CHECK(fabric::execute_timeout_reading(Duration::seconds(1), profile("2.5")).empty());
  CHECK(fabric::execute_timeout_reading(Duration::seconds(1), profile("1.1")) ==
        "the peer replaces chaincode.executetimeout 1s with 30s: it must be more than 1s");
  CHECK(fabric::execute_timeout_reading(Duration::milliseconds(500), profile("2.5")) ==
        "the peer replaces chaincode.executetimeout 500ms with 30s: it must be at least 1s");
  fabric::PeerConfig startup;
  startup.startup_timeout = Duration::seconds(2);
  CHECK(fabric::effective(startup, profile("1.0")).startup_timeout == Duration::seconds(5));
  CHECK(fabric::startup_timeout_reading(Duration::seconds(2)) ==
        "the peer raises chaincode.startuptimeout 2s to 5s, its minimum");
}

TEST_CASE(
    "a config value the peer reads otherwise: check warns, and the run does what the peer does") {
  const auto s = scenario::load_text(R"({ "profile": "2.5", "network": { "latency": "1ms" },
    "config": { "keepalive": "500ms", "execute_timeout": "500ms", "startup_timeout": "1s" },
    "chaincodes": [ { "name": "cc", "functions": { "f": [ { "sleep": "2s" } ] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "cc", "function": "f" } ] })",
                                     "c.json");
  CHECK(s.warnings ==
        std::vector<std::string>{
            "c.json: /config/keepalive: warning: the peer reads chaincode.keepalive in whole "
            "seconds (strconv.Atoi): 500ms has no such spelling, and keepalive is off; give a "
            "whole number of seconds",
            "c.json: /config/execute_timeout: warning: the peer replaces "
            "chaincode.executetimeout 500ms with 30s: it must be at least 1s",
            "c.json: /config/startup_timeout: warning: the peer raises chaincode.startuptimeout "
            "1s to 5s, its minimum"});
  const auto r = scenario::run(s, {});
  // No KEEPALIVE at all; the 2s of user code finish inside 30s, not past 500ms.
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "peer", "KEEPALIVE").empty());
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx1").completed == testing::at_ms(2003));
}

// grpc_limiters.go unaryGrpcLimiter: TryAcquire, no queueing; the semaphore is released when
// ProcessProposal returns. The client gets no ProposalResponse, only the error.
TEST_CASE("endorser concurrency limit (2.1+): one proposal over the limit is refused at once") {
  const char* text = R"({ "profile": "2.5", "network": { "latency": "1ms" },
    "config": { "endorser_concurrency": 2 },
    "chaincodes": [ { "name": "cc", "launch_at": "0", "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [
      { "at": "1s", "txid": "tx1", "channel": "ch1", "chaincode": "cc", "function": "f" },
      { "at": "1s", "txid": "tx2", "channel": "ch1", "chaincode": "cc", "function": "f" },
      { "at": "1.5s", "txid": "tx3", "channel": "ch1", "chaincode": "cc", "function": "f" },
      { "at": "2.5s", "txid": "tx4", "channel": "ch1", "chaincode": "cc", "function": "f" } ] })";
  const auto s = scenario::load_text(text, "e.json");
  CHECK(s.warnings.empty());
  const auto r = scenario::run(s, {});
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(outcome(r, "tx2").status == 200);
  CHECK_FALSE(outcome(r, "tx3").status);
  CHECK(outcome(r, "tx3").error ==
        "too many requests for /protos.Endorser, exceeding concurrency limit (2)");
  CHECK(outcome(r, "tx3").completed == testing::at_ms(1500));
  // tx1 and tx2 answered at 2.002s released their slots: tx4 is let in.
  CHECK(outcome(r, "tx4").status == 200);
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "peer", "TRANSACTION").size() == 3);

  // 1.4 has no such limit: the same scenario runs every proposal, with a warning.
  std::string v14 = text;
  v14.replace(v14.find("\"2.5\""), 5, "\"1.4\"");
  const auto s14 = scenario::load_text(v14, "e.json");
  CHECK(s14.warnings ==
        std::vector<std::string>{
            "e.json: /config/endorser_concurrency: warning: profile \"1.4\" has no endorser "
            "concurrency limit (peer.limits.concurrency.endorserService came with Fabric 2.1): "
            "the value has no effect"});
  CHECK(outcome(scenario::run(s14, {}), "tx3").status == 200);
}

TEST_CASE("endorser_concurrency: 0 is no limit, a bad value names its pointer") {
  CHECK(testing::load_error(R"({ "config": { "endorser_concurrency": -1 },
    "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ], "proposals": [] })") ==
        "s.json: /config/endorser_concurrency: expected an integer from 0 to "
        "9223372036854775807, got -1");
  const auto s = scenario::load_text(R"({ "config": { "endorser_concurrency": 0 },
    "chaincodes": [ { "name": "cc", "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "a", "chaincode": "cc", "function": "f", "repeat": { "count": 3000 } } ] })",
                                     "z.json");
  const auto r = scenario::run(s, {.keep_trace = false});
  for (const auto& o : r.outcomes)
    CHECK(o.status == 200);
  // The default, 2500 (sampleconfig): the 2501st concurrent proposal is refused.
  const auto d = scenario::load_text(R"({
    "chaincodes": [ { "name": "cc", "functions": { "f": [ { "sleep": "1s" } ] } } ],
    "proposals": [ { "txid": "a", "chaincode": "cc", "function": "f", "repeat": { "count": 2501 } } ] })",
                                     "d.json");
  const auto rd = scenario::run(d, {.keep_trace = false});
  std::size_t refused = 0;
  for (const auto& o : rd.outcomes)
    refused += o.error && o.error->find("exceeding concurrency limit (2500)") != std::string::npos;
  CHECK(refused == 1);
}
