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

// --- A chaincode server's connections: the peer dials, the ChaincodeServer answers ----------

namespace {

// cc runs as a service; tx0 at 0 dials it (REGISTER at 0, COMPLETED back at 3ms).
std::string service_scenario(const std::string& network, const std::string& service = "",
                             const std::string& proposals = "") {
  return R"({ "profile": "2.5", "network": { "latency": "1ms", )" + network + R"( },
    "chaincodes": [ { "name": "cc", "service": { "address": "172.18.0.7:9999" )" +
         service +
         R"( }, "functions": { "f": [] } } ],
    "proposals": [ { "at": "0s", "txid": "tx0", "chaincode": "cc", "function": "f" } )" +
         proposals + " ] }";
}

}  // namespace

// (Keepalive timers are background events: each case has a late proposal to keep the run
// going.)
// Both ends keep the connection warm: the peer's client (comm.DefaultKeepaliveOptions, 1m)
// and the ChaincodeServer (KaOpts Time 1m, fabric-chaincode-go shim/internal/server.go) each
// PING after a minute of reading nothing. The shim last read at 2ms (the TRANSACTION), the
// peer at 3ms (the COMPLETED): the shim PINGs at 60.002s, which the peer reads at 60.003s.
TEST_CASE(
    "transport, service: the peer's and the chaincode server's PINGs keep an L4 middlebox open") {
  const auto r = run_text(service_scenario(R"("middlebox": { "idle_timeout": "350s" })", "",
                                           R"(, { "at": "400s", "txid": "tx1", "chaincode": "cc",
                                                  "function": "f" })"));
  const auto shim_pings = notes(r, "grpc", "shim sends a keepalive PING");
  REQUIRE(shim_pings.size() >= 6);
  CHECK(shim_pings[0]->t == at_ms(60'002));
  CHECK(notes(r, "middlebox", "").empty());
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER").size() == 1);
}

// An idle timeout shorter than a minute resets the connection before either end PINGs. The
// peer, the client, reads the reset naming the server's address (its own illustrative); the
// ChaincodeServer's stream context is canceled. The next proposal dials again.
TEST_CASE(
    "transport, service: a middlebox resets the idle connection, and the next launch redials") {
  const auto r = run_text(service_scenario(R"("middlebox": { "idle_timeout": "1s" })", "",
                                           R"(, { "at": "5s", "txid": "tx1", "chaincode": "cc",
                                                  "function": "f" })"));
  REQUIRE(notes(r, "middlebox", "resets the connection idle for 1s").size() == 1);
  CHECK(notes(r, "middlebox", "resets")[0]->t == at_ms(1'003));
  CHECK(ends_of(r, "peer") ==
        std::vector<std::string>{
            "receive from chaincode support stream failed: rpc error: code = Unavailable desc = "
            "error reading from server: read tcp 172.18.0.3:46358->172.18.0.7:9999: read: "
            "connection reset by peer"});
  CHECK(ends_of(r, "shim") ==
        std::vector<std::string>{
            "receive failed: rpc error: code = Canceled desc = context canceled"});
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(testing::events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER").size() == 2);
}

// A dropped connection: the shim's PING at 60.002s gets no ACK, and the ChaincodeServer
// closes the connection 20s later (its KaOpts Timeout); the peer's PING at 60.003s gets none
// either, and the peer gives up 20s after it: "keepalive ping failed to receive ACK".
TEST_CASE("transport, service: a silent drop, and each end gives up 20s after its PING") {
  const auto r = run_text(
      service_scenario(R"("middlebox": { "idle_timeout": "30s", "cut": "drop" })", "",
                       R"(, { "at": "200s", "txid": "tx1", "chaincode": "cc", "function": "f" })"));
  const auto gave_up = notes(r, "grpc", "gives up on the connection");
  REQUIRE(gave_up.size() >= 1);
  CHECK(gave_up[0]->detail ==
        "shim gives up on the connection: rpc error: code = Canceled desc = "
        "context canceled");
  CHECK(gave_up[0]->t == at_ms(80'002));
  REQUIRE(gave_up.size() == 2);
  CHECK(gave_up[1]->detail ==
        "peer gives up on the connection: rpc error: code = Unavailable "
        "desc = keepalive ping failed to receive ACK within timeout");
  CHECK(gave_up[1]->t == at_ms(80'003));
}

// The chaincode server enforces MinTime 1m (serverMinInterval): a peer client that PINGs
// every 10s (grpc_keepalive's time is the client's) gets GOAWAY too_many_pings on the third
// strike. Its first PING at 10.003s is no strike (nothing before it); 20.005s, 30.007s and
// 40.009s are.
TEST_CASE(
    "transport, service: too many pings from the peer close the chaincode server's connection") {
  const auto r = run_text(service_scenario(
      R"("grpc_keepalive": { "time": "10s" })", R"(, "keepalive": { "time": "1h" })",
      R"(, { "at": "100s", "txid": "tx1", "chaincode": "cc", "function": "f" })"));
  const auto closed = notes(r, "grpc", "closes the connection: got too many pings");
  REQUIRE(closed.size() == 1);
  CHECK(closed[0]->detail ==
        "the shim closes the connection: got too many pings from the client (GOAWAY "
        "ENHANCE_YOUR_CALM too_many_pings)");
  CHECK(closed[0]->t == at_ms(40'010));
}

// The ChaincodeServer's own KaOpts: a 5s Time PINGs after 5s of reading nothing. Giving
// service.keepalive simulates the transport even without a middlebox.
TEST_CASE("transport, service: service.keepalive sets the chaincode server's PINGs") {
  const auto r = run_text(
      service_scenario(R"("unsafe_reorder": false)", R"(, "keepalive": { "time": "5s" })",
                       R"(, { "at": "20s", "txid": "tx1", "chaincode": "cc", "function": "f" })"));
  const auto pings = notes(r, "grpc", "shim sends a keepalive PING");
  REQUIRE(pings.size() >= 2);
  CHECK(pings[0]->t == at_ms(5'002));
  CHECK(pings[1]->t == at_ms(10'004));  // the ACK read at 5.004s
}

TEST_CASE("transport, service: what cannot load") {
  CHECK(testing::load_error(service_scenario(R"("unsafe_reorder": false)",
                                             R"(, "keepalive": { "interval": "5s" })")) ==
        "s.json: /chaincodes/0/service/keepalive/interval: unknown key \"interval\"; expected one "
        "of: \"time\" \"timeout\"");
  CHECK(testing::load_error(service_scenario(R"("unsafe_reorder": false)",
                                             R"(, "keepalive": { "timeout": "0" })")) ==
        "s.json: /chaincodes/0/service/keepalive/timeout: must be positive");
}
