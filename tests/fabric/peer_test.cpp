// The peer as a whole (fabric/peer.hpp): chaincodes it has running before any proposal.
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::events_of;

TEST_CASE("launch_at: the peer launches a chaincode without a proposal, in every release") {
  for (const char* profile : {"1.0", "1.1", "1.2", "1.4.0", "1.4", "2.5", "3.0"}) {
    CAPTURE(profile);
    const auto r = scenario::run(scenario::load_text(R"({ "profile": ")" + std::string(profile) +
                                                         R"(", "network": { "latency": "1ms" },
      "chaincodes": [ { "name": "mycc", "launch_at": "200ms", "container": { "start": "500ms" },
                        "functions": { "f": [] } } ],
      "proposals": [ { "at": "2s", "txid": "tx1", "chaincode": "mycc", "function": "f" } ] })",
                                                     "ahead.json"),
                                 {});
    // One launch, at 200ms: the container starts then and registers 500ms later.
    const auto registers = events_of(r, kernel::TraceKind::kSend, "shim", "REGISTER");
    REQUIRE(registers.size() == 1);
    CHECK(registers[0]->t == testing::at_ms(700));
    // tx1 finds it running: its TRANSACTION goes out at once, and the outcome 2ms later.
    const auto& o = testing::outcome(r, "tx1");
    CHECK(o.status == 200);
    CHECK(o.completed == testing::at_ms(2002));
    bool noted = false;
    for (const auto* e : events_of(r, kernel::TraceKind::kNote, "endorser"))
      noted = noted || e->detail == "launch mycc ahead: ready";
    CHECK(noted);
  }
}
