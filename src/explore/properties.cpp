#include "ccsim/explore/properties.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace ccsim::explore {

namespace {

using scenario::RunResult;
using scenario::Scenario;

const char* const kHandlerError = "no_handler_error";
const char* const kOneOutcome = "one_outcome_per_proposal";
const char* const kContextLeft = "no_context_left";
const char* const kSendAfterEnd = "no_send_after_stream_end";
const char* const kAnswered = "answered_within_bound";
const char* const kOneResult = "one_result_per_transaction";

// Replaces each proposal txid with "<txid>" and each run of digits with "#": what varies
// between runs that fail the same way.
std::string normalise(const Scenario& scenario, std::string text) {
  std::set<std::string> txids;
  for (const scenario::ScheduledProposal& sp : scenario.proposals)
    txids.insert(sp.proposal.txid);
  std::vector<std::string> ordered(txids.begin(), txids.end());  // longest first
  std::sort(ordered.begin(), ordered.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  const auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  };
  for (const std::string& txid : ordered) {
    for (std::size_t at = text.find(txid); at != std::string::npos; at = text.find(txid, at)) {
      const bool starts = at == 0 || !word(text[at - 1]);
      const bool ends = at + txid.size() == text.size() || !word(text[at + txid.size()]);
      if (starts && ends) {
        text.replace(at, txid.size(), "<txid>");
        at += 6;
      } else {
        at += 1;
      }
    }
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (out.empty() || out.back() != '#') out += '#';
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string expect_signature(const Scenario& s, const std::string& line);

std::string event_signature(const Scenario& s, const kernel::TraceEvent& e) {
  return normalise(s, e.actor + " in " + (e.state.empty() ? "-" : e.state));
}

std::string signature_of(const Scenario& s, const RunResult& r, const std::string& property) {
  const scenario::TraceFacts& f = r.facts;
  if (property == kHandlerError) {
    const auto& end = f.first_stream_end;
    const auto& error = f.first_peer_error;
    if (error && (!end || error->t < end->t))
      return "peer sends ERROR in " + (error->state.empty() ? "-" : error->state);
    // The stream end's reason is built by the actor (never a skipped detail).
    return "stream end seen by the " + event_signature(s, *end) + ": " + normalise(s, end->detail);
  }
  if (property == kOneOutcome) {
    std::map<std::pair<std::string, std::string>, std::size_t> answered;
    for (const auto& o : r.outcomes)
      ++answered[{o.channel_id, o.txid}];
    for (const auto& sp : s.proposals) {
      const std::size_t n = answered[{sp.proposal.channel_id, sp.proposal.txid}];
      if (n == 0) return "a proposal has no outcome";
    }
    return "a proposal has more than one outcome";
  }
  if (property == kContextLeft) {
    return r.left_behind.contexts > 0 ? "a transaction context is left" : "an iterator is left";
  }
  if (property == kSendAfterEnd) {
    const kernel::TraceEvent& e = *f.first_send_after_end;
    return "the " + e.actor + " sends " + e.type + " after its stream end";
  }
  if (property == kOneResult) {
    return "the shim sends " + f.first_extra_result->type +
           " beyond one result per INIT/TRANSACTION";
  }
  if (property == kAnswered) {
    const auto message = scenario::find_property(kAnswered)->violation(s, r);
    return message && message->find("never answered") != std::string::npos
               ? "a proposal is never answered"
               : "a proposal is answered late";
  }
  if (property == kRunLimitsProperty) {
    return r.stop == kernel::StopReason::kEventLimit ? "the event limit" : "the time horizon";
  }
  // expect: the first failing expectation's pointer, txids normalised.
  return expect_signature(s, r.failures.front());
}

std::string expect_signature(const Scenario& s, const std::string& line) {
  return normalise(s, line.substr(0, line.find(": ")));
}

}  // namespace

bool breaks_as(const Scenario& scenario, const RunResult& result, const std::string& property,
               const std::string& signature) {
  if (property == kExpectProperty) {
    return std::any_of(result.failures.begin(), result.failures.end(), [&](const std::string& l) {
      return expect_signature(scenario, l) == signature;
    });
  }
  for (const Violation& v : violations(scenario, result, {property})) {
    if (v.signature == signature) return true;
  }
  return false;
}

const std::vector<std::string>& all_campaign_properties() {
  static const std::vector<std::string> kAll = {kHandlerError,      kOneOutcome,    kContextLeft,
                                                kSendAfterEnd,      kAnswered,      kOneResult,
                                                kRunLimitsProperty, kExpectProperty};
  return kAll;
}

std::vector<std::string> campaign_properties(const Scenario& scenario, const RunResult& reference) {
  std::vector<std::string> out;
  for (const std::string& p : all_campaign_properties()) {
    // "In a scenario that expects none": its own run has no stream end and no peer ERROR.
    if (p == kHandlerError &&
        scenario::find_property(kHandlerError)->violation(scenario, reference))
      continue;
    out.push_back(p);
  }
  return out;
}

std::vector<Violation> violations(const Scenario& scenario, const RunResult& result,
                                  const std::vector<std::string>& checked) {
  std::vector<Violation> out;
  for (const std::string& p : checked) {
    std::optional<std::string> message;
    if (p == kExpectProperty) {
      if (!result.failures.empty()) {
        message = result.failures.front();
        if (result.failures.size() > 1)
          *message += " (and " + std::to_string(result.failures.size() - 1) + " more)";
      }
    } else if (p == kRunLimitsProperty) {
      message = result.limit_error;
    } else if (const scenario::Property* prop = scenario::find_property(p)) {
      message = prop->violation(scenario, result);
    }
    if (!message) continue;
    out.push_back(Violation{p, *message, signature_of(scenario, result, p)});
  }
  return out;
}

}  // namespace ccsim::explore
