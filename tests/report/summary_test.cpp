// ccsim run --summary: the per-proposal table and the grouped paths, read against the trace
// they summarise.
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"
#include "ccsim/report/summary.hpp"

using namespace ccsim;

namespace {

std::string summary_of(const std::string& json) {
  const auto s = scenario::load_text(json, "s.json");
  const auto r = scenario::run(s, {.seed = 1, .keep_trace = true});
  std::ostringstream out;
  report::write_summary(out, s, r);
  return out.str();
}

}  // namespace

// The trace of this scenario (latency 1ms, the container starts in 500ms): tx1 launches mycc
// and runs GET_STATE at 0.502s, COMPLETED at 0.505s; load-1..3 at 1s, 1.1s, 1.2s each run
// "slow" (a 3s sleep) and are cut by the 2s execute timeout; their COMPLETED comes at +3.002s,
// after the answer, and is dropped.
TEST_CASE("summary: one row per proposal, and proposals grouped by the path they took") {
  const std::string text = summary_of(R"({
    "network": { "latency": "1ms" }, "config": { "execute_timeout": "2s" },
    "chaincodes": [ { "name": "mycc", "container": { "start": "500ms" }, "functions": {
      "get": [ { "get_state": "k" } ], "slow": [ { "sleep": "3s" } ] } } ],
    "proposals": [
      { "txid": "tx1", "channel": "ch1", "chaincode": "mycc", "function": "get" },
      { "at": "1s", "txid": "load", "channel": "ch1", "chaincode": "mycc", "function": "slow",
        "repeat": { "count": 3, "interval": "100ms" } } ] })");
  CHECK(text ==
        "summary: 4 proposals\n"
        "  txid    channel  chaincode  function  submitted     answered      took   result  path\n"
        "  tx1     ch1      mycc       get       0.000000000s  0.505000000s  505ms  200     "
        "launch mycc:1.0 TRANSACTION GET_STATE RESPONSE COMPLETED [answered]\n"
        "  load-1  ch1      mycc       slow      1.000000000s  3.000000000s  2s     error   "
        "TRANSACTION execute timeout [answered] COMPLETED\n"
        "  load-2  ch1      mycc       slow      1.100000000s  3.100000000s  2s     error   "
        "TRANSACTION execute timeout [answered] COMPLETED\n"
        "  load-3  ch1      mycc       slow      1.200000000s  3.200000000s  2s     error   "
        "TRANSACTION execute timeout [answered] COMPLETED\n"
        "paths: 2 distinct paths\n"
        "  1 proposal:  launch mycc:1.0 TRANSACTION GET_STATE RESPONSE COMPLETED [answered]\n"
        "      -> status 200\n"
        "  3 proposals: TRANSACTION execute timeout [answered] COMPLETED\n"
        "      -> no status, error \"failed to execute transaction <txid>: error sending: timeout "
        "expired while executing transaction\"\n"
        "\n");
}

TEST_CASE("summary: a cc2cc callee's messages carry its stream, an unanswered proposal is none") {
  // a calls b (not running: the call launches it); b answers 200. tx2 goes to a chaincode
  // that never registers and has no outcome when the 1s horizon cuts the run.
  const std::string text = summary_of(R"({
    "network": { "latency": "1ms" },
    "chaincodes": [
      { "name": "a", "functions": { "f": [ { "invoke_chaincode": { "chaincode": "b", "function": "g" } } ] } },
      { "name": "b", "functions": { "g": [] } },
      { "name": "c", "container": { "never_registers": true }, "functions": { "h": [] } } ],
    "proposals": [ { "txid": "tx1", "channel": "ch1", "chaincode": "a", "function": "f" },
                   { "txid": "tx2", "channel": "ch1", "chaincode": "c", "function": "h" } ],
    "limits": { "horizon": "1s" } })");
  CHECK(text.find("  tx1   ch1      a          f         0.000000000s  0.008000000s  8ms   200     "
                  "launch a:1.0 TRANSACTION INVOKE_CHAINCODE launch b:1.0 b:TRANSACTION "
                  "b:COMPLETED RESPONSE COMPLETED [answered]\n") != std::string::npos);
  CHECK(text.find("  tx2   ch1      c          h         0.000000000s  -             -     none    "
                  "launch c:1.0\n") != std::string::npos);
  CHECK(text.find("      -> no outcome by the end of the run\n") != std::string::npos);
}

TEST_CASE("summary: every occurrence of the txid in an error is written <txid>, and only those") {
  // tx "x" fails with "... x ..." texts: "x" also occurs inside "<txid>" once replaced.
  const std::string text = summary_of(R"({
    "chaincodes": [ { "name": "cc", "functions": { "f": [ { "fail": "x said x to xx" } ] } } ],
    "proposals": [ { "txid": "x", "channel": "ch1", "chaincode": "cc", "function": "f" } ] })");
  CHECK(text.find("      -> status 500, error \"<txid> said <txid> to <txid><txid>\"\n") !=
        std::string::npos);
}
