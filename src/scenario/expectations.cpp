#include <algorithm>

#include "ccsim/scenario/run.hpp"

namespace ccsim::scenario {

namespace {
std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}
std::string join(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + v[i];
  return out + "]";
}
}  // namespace

std::vector<std::string> check_expectations(const Scenario& scenario, const RunResult& result) {
  std::vector<std::string> failures;
  const auto fail = [&](const std::string& where, const std::string& what) {
    failures.push_back("expect " + where + ": " + what);
  };

  for (const auto& [txid, want] : scenario.expect.outcomes) {
    const fabric::ProposalOutcome* got = nullptr;
    for (const auto& o : result.outcomes) {
      if (o.txid == txid) got = &o;
    }
    const std::string where = "/expect/outcomes/" + txid;
    if (got == nullptr) {
      fail(where, "no outcome was recorded for " + txid);
      continue;
    }
    const std::string got_status = got->status ? std::to_string(*got->status) : "null";
    if (want.status && got->status != want.status) {
      fail(where + "/status", "expected " + std::to_string(*want.status) + ", got " + got_status);
    }
    if (want.expect_no_status && got->status) {
      fail(where + "/status", "expected null, got " + got_status);
    }
    if (want.payload && got->payload != want.payload) {
      fail(where + "/payload", "expected " + quoted(*want.payload) + ", got " +
                                   (got->payload ? quoted(*got->payload) : "null"));
    }
    const std::string got_error = got->error ? quoted(*got->error) : "null";
    if (want.error && got->error != want.error) {
      fail(where + "/error", "expected " + quoted(*want.error) + ", got " + got_error);
    }
    if (want.expect_no_error && got->error)
      fail(where + "/error", "expected null, got " + got_error);
    if (want.error_contains &&
        (!got->error || got->error->find(*want.error_contains) == std::string::npos)) {
      fail(where + "/error_contains",
           "expected an error containing " + quoted(*want.error_contains) + ", got " + got_error);
    }
  }

  for (const auto& [txid, want] : scenario.expect.delivered) {
    std::vector<std::string> got;
    for (const kernel::TraceEvent& e : result.trace.events()) {
      if (e.kind == kernel::TraceKind::kDeliver && e.txid == txid) got.push_back(e.type);
    }
    if (got != want) {
      fail("/expect/delivered/" + txid, "expected " + join(want) + ", got " + join(got));
    }
  }

  for (const auto& [channel, by_cc] : scenario.expect.ledger) {
    for (const auto& [cc, keys] : by_cc) {
      for (const auto& [key, want] : keys) {
        auto it = result.ledger.find(fabric::StateKey{channel, cc, key});
        std::optional<std::string> got;
        if (it != result.ledger.end()) got = it->second;
        if (got != want) {
          fail("/expect/ledger/" + channel + "/" + cc + "/" + key,
               "expected " + (want ? quoted(*want) : "absent") + ", got " +
                   (got ? quoted(*got) : "absent"));
        }
      }
    }
  }
  return failures;
}

}  // namespace ccsim::scenario
