// Checking a finished run against its scenario's `expect`, and the built-in properties.
#include <algorithm>
#include <regex>

#include "ccsim/scenario/run.hpp"

namespace ccsim::scenario {

namespace {
std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}
// A JSON pointer token (RFC 6901): "~" -> "~0", "/" -> "~1".
std::string token(const std::string& key) {
  std::string out;
  for (char c : key)
    out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}
std::string join(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + v[i];
  return out + "]";
}

// --- Built-in properties -------------------------------------------------------------------

std::optional<std::string> one_outcome_per_proposal(const Scenario& scenario,
                                                    const RunResult& result) {
  using Key = std::pair<std::string, std::string>;  // channel, txid
  std::map<Key, std::size_t> submitted;
  std::vector<Key> order;
  for (const ScheduledProposal& sp : scenario.proposals) {
    const Key k{sp.proposal.channel_id, sp.proposal.txid};
    if (submitted[k]++ == 0) order.push_back(k);
  }
  std::map<Key, std::size_t> answered;
  for (const fabric::ProposalOutcome& o : result.outcomes)
    ++answered[Key{o.channel_id, o.txid}];
  for (const Key& k : order) {
    const std::size_t want = submitted[k];
    const std::size_t got = answered[k];
    if (got == want) continue;
    std::string what = std::to_string(got) + (got == 1 ? " outcome" : " outcomes") + " for " +
                       k.second + " on " + k.first;
    if (want != 1) what += ", submitted " + std::to_string(want) + " times";
    return what;
  }
  return std::nullopt;
}

std::optional<std::string> no_stream_end(const Scenario&, const RunResult& result) {
  for (const kernel::TraceEvent& e : result.trace.events()) {
    if (e.kind != kernel::TraceKind::kStreamEnd) continue;
    return "a stream end on " + e.stream + " seen by the " + e.actor + " at " +
           kernel::format_time(e.t) + (e.detail.empty() ? "" : ": " + e.detail);
  }
  return std::nullopt;
}

std::optional<std::string> no_peer_error_reply(const Scenario&, const RunResult& result) {
  for (const kernel::TraceEvent& e : result.trace.events()) {
    if (e.kind != kernel::TraceKind::kSend || e.from != "peer" || e.type != "ERROR") continue;
    return "ERROR sent by the peer on " + e.stream + (e.txid.empty() ? "" : " for " + e.txid) +
           " at " + kernel::format_time(e.t) + (e.detail.empty() ? "" : ": " + e.detail);
  }
  return std::nullopt;
}

std::optional<std::string> all_completed_ok(const Scenario&, const RunResult& result) {
  for (const fabric::ProposalOutcome& o : result.outcomes) {
    if (o.status && *o.status < fabric::Response::kErrorThreshold && !o.error) continue;
    return o.txid + " on " + o.channel_id + " at " + kernel::format_time(o.completed) +
           ": status=" + (o.status ? std::to_string(*o.status) : std::string("null")) +
           (o.error ? " error=" + quoted(*o.error) : std::string());
  }
  return std::nullopt;
}

constexpr Property kProperties[] = {
    {"one_outcome_per_proposal", "every proposal has exactly one outcome",
     &one_outcome_per_proposal},
    {"no_stream_end", "neither end of any stream observes its end", &no_stream_end},
    {"no_peer_error_reply", "the peer sends no ERROR message", &no_peer_error_reply},
    {"all_completed_ok", "every outcome has a status below 400 and no error", &all_completed_ok},
};

// --- expect.messages -------------------------------------------------------------------------

bool matches(const MessageExpectation& m, const kernel::TraceEvent& e) {
  const kernel::TraceKind kind = m.event == MessageExpectation::Event::kSend
                                     ? kernel::TraceKind::kSend
                                     : kernel::TraceKind::kDeliver;
  return e.kind == kind && e.type == m.type && (!m.from || e.from == *m.from) &&
         (!m.txid || e.txid == *m.txid) && (!m.chaincode || e.stream == *m.chaincode) &&
         (!m.channel || e.channel == *m.channel) &&
         (!m.detail_contains || e.detail.find(*m.detail_contains) != std::string::npos);
}

// "ERROR delivered from peer for tx1 on mycc"
std::string describe(const MessageExpectation& m) {
  std::string s = m.type + (m.event == MessageExpectation::Event::kSend ? " sent" : " delivered");
  if (m.from) s += " from " + *m.from;
  if (m.txid) s += " for " + *m.txid;
  if (m.chaincode) s += " on " + *m.chaincode;
  if (m.channel) s += " in channel \"" + *m.channel + "\"";
  if (m.detail_contains) s += " containing \"" + *m.detail_contains + "\"";
  return s;
}

std::string how_many(const MessageExpectation& m) {
  if (m.max && *m.max == 0) return "no";
  if (m.max && *m.max == m.min) return "exactly " + std::to_string(m.min);
  if (!m.max) return "at least " + std::to_string(m.min);
  if (m.min == 0) return "at most " + std::to_string(*m.max);
  return "between " + std::to_string(m.min) + " and " + std::to_string(*m.max);
}
}  // namespace

std::span<const Property> properties() {
  return kProperties;
}

const Property* find_property(std::string_view name) {
  for (const Property& p : kProperties) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::vector<std::string> check_expectations(const Scenario& scenario, const RunResult& result) {
  std::vector<std::string> failures;
  const auto fail = [&](const std::string& where, const std::string& what) {
    failures.push_back("expect " + where + ": " + what);
  };

  for (const auto& [txid, want] : scenario.expect.outcomes) {
    // With a txid submitted more than once ("duplicate"), the first proposal's outcome.
    const fabric::ProposalOutcome* got = nullptr;
    for (const auto& o : result.outcomes) {
      if (o.txid == txid && (got == nullptr || o.ordinal < got->ordinal)) got = &o;
    }
    const std::string where = "/expect/outcomes/" + token(txid);
    if (want.expect_none) {
      if (got != nullptr) {
        fail(where,
             "expected no outcome, got one at " + kernel::format_time(got->completed) +
                 ": status=" + (got->status ? std::to_string(*got->status) : std::string("null")) +
                 " error=" + (got->error ? quoted(*got->error) : std::string("null")));
      }
      continue;
    }
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
    if (want.error_matches) {
      // Validated at load time, so it compiles.
      const std::regex re(*want.error_matches, std::regex::ECMAScript);
      if (!got->error || !std::regex_search(*got->error, re)) {
        fail(where + "/error_matches",
             "expected an error matching /" + *want.error_matches + "/, got " + got_error);
      }
    }
    if (want.within && got->completed - got->submitted > *want.within) {
      fail(where + "/within", "expected an outcome within " +
                                  kernel::format_duration(*want.within) + " of submission at " +
                                  kernel::format_time(got->submitted) + ", got one after " +
                                  kernel::format_duration(got->completed - got->submitted) +
                                  " at " + kernel::format_time(got->completed));
    }
    if (want.completed_by && got->completed > *want.completed_by) {
      fail(where + "/completed_by", "expected an outcome by " +
                                        kernel::format_time(*want.completed_by) + ", got one at " +
                                        kernel::format_time(got->completed));
    }
    if (want.event && got->event != want.event) {
      fail(where + "/event", "expected the event " + quoted(*want.event) + ", got " +
                                 (got->event ? quoted(*got->event) : "none"));
    }
  }

  for (const auto& [txid, want] : scenario.expect.delivered) {
    std::vector<std::string> got;
    for (const kernel::TraceEvent& e : result.trace.events()) {
      if (e.kind == kernel::TraceKind::kDeliver && e.txid == txid) got.push_back(e.type);
    }
    if (got != want) {
      fail("/expect/delivered/" + token(txid), "expected " + join(want) + ", got " + join(got));
    }
  }

  for (const auto& [channel, by_cc] : scenario.expect.ledger) {
    for (const auto& [cc, keys] : by_cc) {
      for (const auto& [key, want] : keys) {
        auto it = result.ledger.find(fabric::StateKey{channel, cc, key});
        std::optional<std::string> got;
        if (it != result.ledger.end()) got = it->second;
        if (got != want) {
          fail("/expect/ledger/" + token(channel) + "/" + token(cc) + "/" + token(key),
               "expected " + (want ? quoted(*want) : "absent") + ", got " +
                   (got ? quoted(*got) : "absent"));
        }
      }
    }
  }

  for (std::size_t i = 0; i < scenario.expect.messages.size(); ++i) {
    const MessageExpectation& m = scenario.expect.messages[i];
    std::uint64_t count = 0;
    for (const kernel::TraceEvent& e : result.trace.events()) {
      if (matches(m, e)) ++count;
    }
    if (count < m.min || (m.max && count > *m.max)) {
      fail("/expect/messages/" + std::to_string(i),
           "expected " + how_many(m) + " " + describe(m) + ", got " + std::to_string(count));
    }
  }

  for (std::size_t i = 0; i < scenario.expect.properties.size(); ++i) {
    const Property* p = find_property(scenario.expect.properties[i]);
    if (p == nullptr) continue;  // the loader accepts known names only
    if (auto broken = p->violation(scenario, result)) {
      fail("/expect/properties/" + std::to_string(i),
           "expected " + std::string(p->name) + " (" + p->meaning + "), got " + *broken);
    }
  }
  return failures;
}

}  // namespace ccsim::scenario
