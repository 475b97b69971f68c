// Two concurrent transactions on one chaincode under a random delay model
// (docs/fabric-sources.md 6.1, 6.2): across seeds the two txids' messages interleave in more than
// one way, yet each txid's own delivered sequence is always the legal one, because the shim
// sends a request synchronously and waits for its answer before the next step (6.2 facts 1
// and 2), and every direction of the stream is FIFO (6.1).
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../scenario/test_support.hpp"

using namespace ccsim;

namespace {

// Each transaction: four stub calls with computation between them.
constexpr const char* kScenario = R"({
  "network": { "latency": { "min": "100us", "max": "5ms" } },
  "chaincodes": [ { "name": "cc", "functions": { "f": [
    { "get_state": "a" },
    { "sleep": "1ms" },
    { "put_state": { "key": "a", "value": "1" } },
    { "sleep": "2ms" },
    { "get_state": "b" },
    { "sleep": "500us" },
    { "put_state": { "key": "b", "value": "2" } } ] } } ],
  "proposals": [
    { "txid": "tx1", "channel": "ch", "chaincode": "cc", "function": "f" },
    { "txid": "tx2", "channel": "ch", "chaincode": "cc", "function": "f", "at": "1ms" } ]
})";

using Delivery = std::pair<std::string, std::string>;  // (receiving actor, message type)

// The only legal delivered sequence of one txid: TRANSACTION at the shim; then, per step in
// order, the request at the peer and its RESPONSE at the shim; then COMPLETED at the peer.
const std::vector<Delivery> kLegal = {
    {"shim", "TRANSACTION"}, {"peer", "GET_STATE"}, {"shim", "RESPONSE"}, {"peer", "PUT_STATE"},
    {"shim", "RESPONSE"},    {"peer", "GET_STATE"}, {"shim", "RESPONSE"}, {"peer", "PUT_STATE"},
    {"shim", "RESPONSE"},    {"peer", "COMPLETED"},
};

std::vector<Delivery> delivered(const scenario::RunResult& r, const std::string& txid) {
  std::vector<Delivery> out;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kDeliver && e.txid == txid) out.emplace_back(e.actor, e.type);
  }
  return out;
}

std::string render(const std::vector<Delivery>& seq) {
  std::ostringstream out;
  for (const auto& [actor, type] : seq)
    out << actor << ":" << type << " ";
  return out.str();
}

// Which txid each delivered transaction message belongs to, in delivery order ("1 1 2 1 ...").
std::string interleaving(const scenario::RunResult& r) {
  std::string out;
  for (const auto& e : r.trace.events()) {
    if (e.kind != kernel::TraceKind::kDeliver || e.txid.empty()) continue;
    out += e.txid == "tx1" ? '1' : e.txid == "tx2" ? '2' : '?';
  }
  return out;
}

}  // namespace

TEST_CASE(
    "fabric-sources 6.2: two concurrent transactions interleave across seeds, each txid's own "
    "sequence is always TRANSACTION, request/RESPONSE pairs in step order, COMPLETED") {
  const auto s = scenario::load_text(kScenario, "interleavings.json");
  std::set<std::uint64_t> digests;
  std::set<std::string> interleavings;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    CAPTURE(seed);
    scenario::RunOptions options;
    options.seed = seed;
    const auto r = scenario::run(s, options);
    REQUIRE(r.passed());
    REQUIRE(r.outcomes.size() == 2);
    CHECK(r.outcomes[0].status == 200);
    CHECK(r.outcomes[1].status == 200);
    for (const char* txid : {"tx1", "tx2"}) {
      CAPTURE(txid);
      const auto seq = delivered(r, txid);
      CAPTURE(render(seq));
      CHECK(seq == kLegal);
    }
    digests.insert(r.digest());
    interleavings.insert(interleaving(r));
  }
  CAPTURE(interleavings.size());
  CHECK(digests.size() >= 2);
  CHECK(interleavings.size() >= 2);
}
