// gRPC's transport under a chaincode stream (network.middlebox, network.grpc_keepalive):
// keepalive PINGs and the server's enforcement, a middlebox that cuts idle connections, and
// what each end sees. Values and texts read in each release's vendored grpc-go (1.15 in 1.4,
// 1.79 in 2.5.16), Fabric's createChaincodeServer (internal/peer/node/start.go) and
// fabric-chaincode-go internal/client.go.
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::at_ms;
using testing::outcome;

namespace {

// mycc runs from the start (its READY reaches the shim at 2ms); tx1 comes at 400s.
std::string transport_scenario(const std::string& profile, const std::string& network,
                               const std::string& config = "{}") {
  return R"({ "profile": ")" + profile + R"(", "config": )" + config + R"(,
    "network": { "latency": "1ms", )" +
         network + R"( },
    "chaincodes": [ { "name": "mycc", "launch_at": "0s", "functions": { "f": [ { "get_state": "k" } ] } } ],
    "proposals": [ { "at": "400s", "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })";
}

scenario::RunResult run_text(const std::string& text) {
  return scenario::run(scenario::load_text(text, "t.json"), {});
}

std::vector<const kernel::TraceEvent*> notes(const scenario::RunResult& r, const std::string& actor,
                                             const std::string& contains) {
  std::vector<const kernel::TraceEvent*> out;
  for (const auto* e : testing::events_of(r, kernel::TraceKind::kNote, actor)) {
    if (e->detail.find(contains) != std::string::npos) out.push_back(e);
  }
  return out;
}

std::vector<std::string> ends_of(const scenario::RunResult& r, const std::string& actor) {
  std::vector<std::string> out;
  for (const auto* e : testing::events_of(r, kernel::TraceKind::kStreamEnd, actor))
    out.push_back(e->detail);
  return out;
}

}  // namespace

TEST_CASE("transport: the shim's PINGs keep an L4 middlebox's idle connection open (1.1+)") {
  // A PING after each minute of receiving nothing (the first ACK-less minute from READY at
  // 2ms), each ACK 2ms later: the 350s idle timeout never passes.
  const auto r = run_text(transport_scenario("2.5", R"("middlebox": { "idle_timeout": "350s" })"));
  const auto pings = notes(r, "grpc", "shim sends a keepalive PING");
  REQUIRE(pings.size() >= 6);
  CHECK(pings[0]->t == at_ms(60'002));
  CHECK(pings[1]->t == at_ms(120'004));
  CHECK(notes(r, "middlebox", "").empty());
  CHECK(outcome(r, "tx1").status == 200);
}

TEST_CASE("transport: 1.0's shim never PINGs: the middlebox resets the idle connection") {
  const auto r = run_text(transport_scenario("1.0", R"("middlebox": { "idle_timeout": "350s" })"));
  CHECK(notes(r, "grpc", "PING").empty());
  const auto cut = notes(r, "middlebox", "resets the connection idle for 350s");
  REQUIRE(cut.size() == 1);
  CHECK(cut[0]->t == at_ms(350'002));  // the last message, READY, reached the shim at 2ms
  // Each end's Recv: the peer's server stream is canceled, the shim's client transport closes.
  CHECK(ends_of(r, "peer") ==
        std::vector<std::string>{"rpc error: code = Canceled desc = context canceled"});
  CHECK(ends_of(r, "shim") ==
        std::vector<std::string>{"rpc error: code = Unavailable desc = transport is closing"});
  // The handler deregistered; tx1 launches a new container and succeeds.
  CHECK(outcome(r, "tx1").status == 200);
}

TEST_CASE("transport: an L7 proxy ignores PINGs, and chaincode.keepalive keeps it open") {
  const std::string l7 = R"("middlebox": { "idle_timeout": "300s", "counts": "messages" })";
  const auto cut = run_text(transport_scenario("2.5", l7));
  REQUIRE(notes(cut, "middlebox", "resets").size() == 1);
  CHECK(notes(cut, "middlebox", "resets")[0]->t == at_ms(300'002));
  const auto shim_end = ends_of(cut, "shim");
  REQUIRE(shim_end.size() == 1);
  // grpc-go 1.79's read error after a reset (the addresses in it are illustrative).
  CHECK(shim_end[0].find("rpc error: code = Unavailable desc = error reading from server: read "
                         "tcp ") != std::string::npos);
  CHECK(shim_end[0].find(": read: connection reset by peer") != std::string::npos);
  // The peer's KEEPALIVE every 60s, echoed by the shim, is traffic the proxy counts.
  const auto kept = run_text(transport_scenario("2.5", l7, R"({ "keepalive": "60s" })"));
  CHECK(notes(kept, "middlebox", "").empty());
  CHECK(outcome(kept, "tx1").status == 200);
}

TEST_CASE("transport: a silent drop, per release: who gives up, when, and what tx1 gets") {
  // The proxy forgets the connection at 300.002s. The shim's next PING (300.010s) gets no ACK:
  // it gives up 20s later and exits. The peer knows nothing; tx1's TRANSACTION goes nowhere.
  const std::string drop =
      R"("middlebox": { "idle_timeout": "300s", "counts": "messages", "cut": "drop" })";
  const auto modern = run_text(transport_scenario("2.5", drop));
  REQUIRE(notes(modern, "middlebox", "drops").size() == 1);
  CHECK(ends_of(modern, "shim") ==
        std::vector<std::string>{"receive failed: rpc error: code = Unavailable desc = keepalive "
                                 "ping failed to receive ACK within timeout"});
  CHECK(testing::events_of(modern, kernel::TraceKind::kStreamEnd, "shim")[0]->t == at_ms(320'010));
  // grpc-go 1.66+ sets TCP_USER_TIMEOUT to the keepalive timeout: the unacknowledged
  // TRANSACTION ends the peer's side 20s after it was sent, which wakes the Execute.
  CHECK(
      outcome(modern, "tx1").error ==
      std::string("failed to execute transaction tx1: error sending: chaincode stream terminated"));
  CHECK(outcome(modern, "tx1").completed == at_ms(420'000));
  // 1.4's grpc-go 1.15: the shim's error is "transport is closing", and the peer's side only
  // notices at its own 2h keepalive: tx1 waits out the execute timeout.
  const auto old = run_text(transport_scenario("1.4", drop));
  CHECK(ends_of(old, "shim") ==
        std::vector<std::string>{
            "receive failed: rpc error: code = Unavailable desc = transport is closing"});
  CHECK(outcome(old, "tx1").error ==
        std::string("failed to execute transaction tx1: error sending: timeout expired while "
                    "executing transaction"));
  CHECK(outcome(old, "tx1").completed == at_ms(430'000));
}

TEST_CASE("transport: PINGs more often than the server's MinTime: the third strike is GOAWAY") {
  // A shim PINGing every 10s against the chaincode listener's MinTime of 1m: the PINGs at
  // 20s and 30s are strikes 1 and 2, the one at 40s the third (maxPingStrikes 2).
  const std::string fast = R"("grpc_keepalive": { "time": "10s" })";
  const auto modern = run_text(transport_scenario("2.5", fast));
  REQUIRE(notes(modern, "grpc", "too many pings").size() == 1);
  CHECK(notes(modern, "grpc", "too many pings")[0]->t == at_ms(40'009));
  CHECK(ends_of(modern, "shim") ==
        std::vector<std::string>{
            "receive failed: rpc error: code = Unavailable desc = closing transport due to: "
            "connection error: desc = \"error reading from server: EOF\", received prior goaway: "
            "code: ENHANCE_YOUR_CALM, debug data: \"too_many_pings\""});
  const auto old = run_text(transport_scenario("1.4", fast));
  CHECK(notes(old, "grpc", "transport: Got too many pings from the client, closing the connection.")
            .size() == 1);
  // With MinTime 5s the same PINGs are fine.
  const auto allowed = run_text(
      transport_scenario("2.5", R"("grpc_keepalive": { "time": "10s", "min_time": "5s" })"));
  CHECK(notes(allowed, "grpc", "too many pings").empty());
  CHECK(ends_of(allowed, "shim").empty());
}

TEST_CASE("transport: a run with only keepalive and idle timers left has drained") {
  // No middlebox cut, no proposal after tx1: the PINGs would go on for ever; the run ends
  // when tx1 is answered.
  const auto r = run_text(transport_scenario("2.5", R"("middlebox": { "idle_timeout": "350s" })"));
  CHECK(r.stop == kernel::StopReason::kDrained);
  CHECK_FALSE(r.limit_error);
}

TEST_CASE("transport: what cannot load") {
  const auto err = [](const std::string& network) {
    return testing::load_error(R"({ "network": { )" + network +
                               R"( }, "chaincodes": [ { "name": "a" } ], "proposals": [] })");
  };
  CHECK(err(R"("middlebox": { "idle_timeout": "0" })") ==
        "s.json: /network/middlebox/idle_timeout: an idle timeout must be positive");
  CHECK(err(R"("middlebox": { "idle_timeout": "1s", "cut": "rst" })") ==
        "s.json: /network/middlebox/cut: expected \"reset\" or \"drop\", got \"rst\"");
  CHECK(err(R"("middlebox": { "idle_timeout": "1s", "counts": "frames" })") ==
        "s.json: /network/middlebox/counts: expected \"bytes\" or \"messages\", got \"frames\"");
  CHECK(err(R"("grpc_keepalive": { "time": "0" })") ==
        "s.json: /network/grpc_keepalive/time: must be positive");
}

TEST_CASE("transport: a chaincode server's connections are not modelled yet, and run as before") {
  // The peer dials a service; its side of the keepalive (and a middlebox on it) is not
  // simulated: the idle connection is not cut, and tx1 at 5s reuses it.
  const auto r = run_text(R"({ "profile": "2.5",
    "network": { "latency": "1ms", "middlebox": { "idle_timeout": "1s" } },
    "chaincodes": [ { "name": "cc", "service": { "address": "cc:9999" },
                      "functions": { "f": [] } } ],
    "proposals": [ { "at": "0s", "txid": "tx0", "chaincode": "cc", "function": "f" },
                   { "at": "5s", "txid": "tx1", "chaincode": "cc", "function": "f" } ] })");
  CHECK(notes(r, "middlebox", "").empty());
  CHECK(notes(r, "grpc", "").empty());
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER").size() == 1);
}
