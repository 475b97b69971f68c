// Checking a finished run against its scenario's `expect`, and the built-in properties.
#include <algorithm>
#include <functional>
#include <string_view>

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
// As JSON spells a string: the quotes and backslashes inside stay readable.
std::string escaped_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
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
  // The common case, without allocating per txid: each proposal's ordinal answered once.
  if (result.outcomes.size() == scenario.proposals.size()) {
    std::vector<bool> answered(scenario.proposals.size(), false);
    bool once = true;
    for (const fabric::ProposalOutcome& o : result.outcomes) {
      if (o.ordinal >= answered.size() || answered[o.ordinal]) {
        once = false;
        break;
      }
      answered[o.ordinal] = true;
    }
    if (once) return std::nullopt;
  }
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

std::string describe_event(const kernel::TraceEvent& e) {
  return " at " + kernel::format_time(e.t) + (e.detail.empty() ? "" : ": " + e.detail);
}

std::string stream_end(const kernel::TraceEvent& e) {
  return "a stream end on " + e.stream + " seen by the " + e.actor + describe_event(e);
}

std::string peer_error(const kernel::TraceEvent& e) {
  return "ERROR sent by the peer on " + e.stream + (e.txid.empty() ? "" : " for " + e.txid) +
         describe_event(e);
}

std::optional<std::string> no_stream_end(const Scenario&, const RunResult& result) {
  if (const auto& e = result.facts.first_stream_end) return stream_end(*e);
  return std::nullopt;
}

std::optional<std::string> no_peer_error_reply(const Scenario&, const RunResult& result) {
  if (const auto& e = result.facts.first_peer_error) return peer_error(*e);
  return std::nullopt;
}

// The first of the two, by trace position (virtual time, then stream end first).
std::optional<std::string> no_handler_error(const Scenario&, const RunResult& result) {
  const auto& end = result.facts.first_stream_end;
  const auto& error = result.facts.first_peer_error;
  if (error && (!end || error->t < end->t)) return peer_error(*error);
  if (end) return stream_end(*end);
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

std::optional<std::string> no_context_left(const Scenario&, const RunResult& result) {
  // A run cut by a limit stops mid-flight: what it holds then is not left behind.
  if (result.stop != kernel::StopReason::kDrained) return std::nullopt;
  const fabric::LeftBehind& left = result.left_behind;
  if (left.contexts == 0 && left.iterators == 0) return std::nullopt;
  return std::to_string(left.contexts) + (left.contexts == 1 ? " context" : " contexts") + " and " +
         std::to_string(left.iterators) +
         (left.iterators == 1 ? " query iterator" : " query iterators") +
         " left at the end of the run (first: " + left.first + ")";
}

std::optional<std::string> no_send_after_stream_end(const Scenario&, const RunResult& result) {
  const auto& e = result.facts.first_send_after_end;
  if (!e) return std::nullopt;
  return "the " + e->actor + " sent " + e->type + (e->txid.empty() ? "" : " for " + e->txid) +
         " on " + e->stream + " at " + kernel::format_time(e->t) + " after its stream end";
}

std::optional<std::string> one_result_per_transaction(const Scenario&, const RunResult& result) {
  const auto& e = result.facts.first_extra_result;
  if (!e) return std::nullopt;
  return "the shim sent " + e->type + " for " + e->txid + " on " + e->stream + " at " +
         kernel::format_time(e->t) + ", more results than INIT/TRANSACTION messages it received";
}

std::optional<std::string> answered_within_bound(const Scenario& scenario,
                                                 const RunResult& result) {
  std::vector<const fabric::ProposalOutcome*> first(scenario.proposals.size(), nullptr);
  for (const fabric::ProposalOutcome& o : result.outcomes) {
    if (o.ordinal < first.size() && first[o.ordinal] == nullptr) first[o.ordinal] = &o;
  }
  for (const ScheduledProposal& sp : scenario.proposals) {
    const kernel::Duration bound = answer_bound(scenario, sp.proposal);
    const fabric::ProposalOutcome* o = first[sp.proposal.ordinal];
    const kernel::Time deadline = sp.at + bound;  // saturates near the end of virtual time
    if (o == nullptr) {
      // Unanswered: a fault only if the run went on past the deadline, or ran dry.
      if (result.stop != kernel::StopReason::kDrained && result.end_time <= deadline) continue;
      return sp.proposal.txid + " on " + sp.proposal.channel_id + " submitted at " +
             kernel::format_time(sp.at) + " was never answered (bound " +
             kernel::format_duration(bound) + ")";
    }
    if (o->completed - o->submitted <= bound) continue;
    return sp.proposal.txid + " on " + sp.proposal.channel_id + " answered after " +
           kernel::format_duration(o->completed - o->submitted) + " at " +
           kernel::format_time(o->completed) + ", more than its bound " +
           kernel::format_duration(bound);
  }
  return std::nullopt;
}

constexpr Property kProperties[] = {
    {"one_outcome_per_proposal", "every proposal has exactly one outcome",
     &one_outcome_per_proposal},
    {"no_stream_end", "neither end of any stream observes its end", &no_stream_end},
    {"no_peer_error_reply", "the peer sends no ERROR message", &no_peer_error_reply},
    {"all_completed_ok", "every outcome has a status below 400 and no error", &all_completed_ok},
    {"no_handler_error", "no stream ends and the peer sends no ERROR message", &no_handler_error},
    {"no_context_left",
     "no transaction context or query iterator is left in a handler when the run ends",
     &no_context_left},
    {"no_send_after_stream_end", "no end sends a message on a stream after it saw the stream end",
     &no_send_after_stream_end},
    {"answered_within_bound",
     "every proposal is answered within its chaincode's launch bound plus the execute timeout",
     &answered_within_bound},
    {"one_result_per_transaction",
     "a shim sends at most one COMPLETED or ERROR result per INIT/TRANSACTION it received",
     &one_result_per_transaction},
};

// --- expect.messages -------------------------------------------------------------------------

bool matches(const MessageExpectation& m, const kernel::TraceEventView& e) {
  const kernel::TraceKind kind = m.event == MessageExpectation::Event::kSend
                                     ? kernel::TraceKind::kSend
                                     : kernel::TraceKind::kDeliver;
  return e.kind == kind && e.type == m.type && (!m.from || e.from == *m.from) &&
         (!m.txid || e.txid == *m.txid) && (!m.chaincode || e.stream == *m.chaincode) &&
         (!m.channel || e.channel == *m.channel) && m.window.contains(e.t) &&
         (!m.detail_contains || e.detail.text().find(*m.detail_contains) != std::string::npos);
}

bool matches(const NoteExpectation& n, const kernel::TraceEventView& e) {
  return e.kind == kernel::TraceKind::kNote && (!n.actor || e.actor == *n.actor) &&
         (!n.txid || e.txid == *n.txid) && (!n.chaincode || e.stream == *n.chaincode) &&
         n.window.contains(e.t) && e.detail.text().find(n.contains) != std::string::npos;
}

// " between 1s and 2s", " at 1s", " by 2s", " not before 1s", or nothing.
std::string describe(const TimeWindow& w) {
  if (w.empty()) return "";
  if (w.not_before && w.by && *w.not_before == *w.by) return " at " + kernel::format_time(*w.by);
  if (w.not_before && w.by) {
    return " between " + kernel::format_time(*w.not_before) + " and " + kernel::format_time(*w.by);
  }
  if (w.by) return " by " + kernel::format_time(*w.by);
  return " not before " + kernel::format_time(*w.not_before);
}

// "a note by the launcher for tx1 containing \"timeout\""
std::string describe(const NoteExpectation& n) {
  std::string s = "note";
  if (n.actor) s += " by the " + *n.actor;
  if (n.txid) s += " for " + *n.txid;
  if (n.chaincode) s += " on " + *n.chaincode;
  return s + " containing " + escaped_quoted(n.contains) + describe(n.window);
}

// "timer by the peer for tx1 containing \"execute timeout\"", "COMPLETED delivered for tx1"
std::string describe(const EventSelector& e) {
  std::string s;
  switch (e.kind) {
    case kernel::TraceKind::kSend:
      s = (e.type ? *e.type : "message") + " sent";
      break;
    case kernel::TraceKind::kDeliver:
      s = (e.type ? *e.type : "message") + " delivered";
      break;
    case kernel::TraceKind::kState:
      s = "state change";
      break;
    case kernel::TraceKind::kStreamEnd:
      s = "stream end";
      break;
    default:
      s = kernel::to_string(e.kind);  // "note", "timer", "outcome"
  }
  if (e.actor) s += " by the " + *e.actor;
  if (e.from) s += " from " + *e.from;
  if (e.txid) s += " for " + *e.txid;
  if (e.chaincode) s += " on " + *e.chaincode;
  if (e.channel) s += " in channel \"" + *e.channel + "\"";
  if (e.detail_contains) s += " containing " + escaped_quoted(*e.detail_contains);
  return s;
}

std::string where_in_trace(const kernel::TraceEvent& e, std::uint64_t position) {
  return "at " + kernel::format_time(e.t) + " (trace event " + std::to_string(position + 1) + ")";
}

// "ERROR delivered from peer for tx1 on mycc"
std::string describe(const MessageExpectation& m) {
  std::string s = m.type + (m.event == MessageExpectation::Event::kSend ? " sent" : " delivered");
  if (m.from) s += " from " + *m.from;
  if (m.txid) s += " for " + *m.txid;
  if (m.chaincode) s += " on " + *m.chaincode;
  if (m.channel) s += " in channel \"" + *m.channel + "\"";
  if (m.detail_contains) s += " containing " + escaped_quoted(*m.detail_contains);
  return s + describe(m.window);
}

std::string how_many(std::uint64_t min, const std::optional<std::uint64_t>& max) {
  if (max && *max == 0) return "no";
  if (max && *max == min) return "exactly " + std::to_string(min);
  if (!max) return "at least " + std::to_string(min);
  if (min == 0) return "at most " + std::to_string(*max);
  return "between " + std::to_string(min) + " and " + std::to_string(*max);
}
}  // namespace

bool EventSelector::matches(const kernel::TraceEventView& e) const {
  return e.kind == kind && (!actor || e.actor == *actor) && (!type || e.type == *type) &&
         (!from || e.from == *from) && (!txid || e.txid == *txid) &&
         (!chaincode || e.stream == *chaincode) && (!channel || e.channel == *channel) &&
         (!detail_contains || e.detail.text().find(*detail_contains) != std::string::npos);
}

TraceFactsGatherer::TraceFactsGatherer(const Scenario& scenario, kernel::TraceObserver* next)
    : scenario_(&scenario), next_(next) {
  facts_.message_counts.assign(scenario.expect.messages.size(), 0);
  facts_.note_counts.assign(scenario.expect.notes.size(), 0);
  facts_.order.resize(scenario.expect.order.size());
}

void TraceFactsGatherer::on_event(const kernel::TraceEventView& e) {
  using kernel::TraceKind;
  using namespace std::string_view_literals;  // sized comparisons: every event passes here
  if (pending_error_) settle_pending_error(&e);
  const std::uint64_t position = position_++;
  for (std::size_t i = 0; i < scenario_->expect.notes.size(); ++i) {
    if (matches(scenario_->expect.notes[i], e)) ++facts_.note_counts[i];
  }
  for (std::size_t i = 0; i < scenario_->expect.order.size(); ++i) {
    const OrderExpectation& want = scenario_->expect.order[i];
    TraceFacts::Order& got = facts_.order[i];
    if (!got.then && want.then.matches(e)) got.then.emplace(e), got.then_position = position;
    if (!got.first && want.first.matches(e)) got.first.emplace(e), got.first_position = position;
  }
  const bool message = e.kind == TraceKind::kSend || e.kind == TraceKind::kDeliver;
  if (message) {
    const bool send = e.kind == TraceKind::kSend;
    const std::string_view type = e.type;
    if (e.actor == "shim"sv) {
      // one_result_per_transaction: each INIT/TRANSACTION the shim takes off its stream is
      // answered by one COMPLETED or ERROR at most (docs/fabric-sources.md 3.1: the user code runs
      // once per message and its result is sent once; 2.2 Notify reads one per context).
      if (!send && (type == "TRANSACTION"sv || type == "INIT"sv)) {
        auto on_stream = unanswered_.find(e.stream);
        if (on_stream == unanswered_.end())
          on_stream = unanswered_.emplace(std::string(e.stream), OpenByTxid()).first;
        auto open = on_stream->second.find(e.txid);
        if (open == on_stream->second.end())
          open = on_stream->second.emplace(std::string(e.txid), 0).first;
        ++open->second;
      } else if (send && type == "COMPLETED"sv) {
        result_sent(e);
      } else if (send && type == "ERROR"sv) {
        pending_error_.emplace(e);
      } else if (send && type == "REGISTER"sv && !unanswered_.empty()) {
        if (const auto it = unanswered_.find(e.stream); it != unanswered_.end())
          unanswered_.erase(it);
      }
    }
    if (e.kind == TraceKind::kDeliver && !scenario_->expect.delivered.empty() &&
        scenario_->expect.delivered.count(std::string(e.txid)) != 0) {
      facts_.delivered[std::string(e.txid)].emplace_back(e.type);
    }
    for (std::size_t i = 0; i < scenario_->expect.messages.size(); ++i) {
      if (matches(scenario_->expect.messages[i], e)) ++facts_.message_counts[i];
    }
    // REGISTER opens a stream's life (7.1): a restarted container's new stream reuses the
    // chaincode's name, and its ends have seen no end yet.
    if (!ended_.empty() && type == "REGISTER"sv) {
      std::erase_if(ended_, [&](const auto& p) { return p.second == e.stream; });
    }
    if (e.kind == TraceKind::kSend && !facts_.first_send_after_end && !ended_.empty() &&
        std::any_of(ended_.begin(), ended_.end(),
                    [&](const auto& p) { return p.first == e.actor && p.second == e.stream; })) {
      facts_.first_send_after_end.emplace(e);
    }
    if (send && !facts_.first_peer_error && type == "ERROR"sv && e.from == "peer"sv) {
      facts_.first_peer_error.emplace(e);
    }
  } else if (e.kind == TraceKind::kStreamEnd) {
    if (!facts_.first_stream_end) facts_.first_stream_end.emplace(e);
    ended_.emplace_back(e.actor, e.stream);
  }
  if (next_ != nullptr) next_->on_event(e);
}

TraceFacts TraceFactsGatherer::take() {
  if (pending_error_) settle_pending_error(nullptr);
  return std::move(facts_);
}

void TraceFactsGatherer::result_sent(const kernel::TraceEventView& e) {
  auto on_stream = unanswered_.find(e.stream);
  if (on_stream == unanswered_.end())
    on_stream = unanswered_.emplace(std::string(e.stream), OpenByTxid()).first;
  auto& by_txid = on_stream->second;
  auto it = by_txid.find(e.txid);
  if (it == by_txid.end()) it = by_txid.emplace(std::string(e.txid), 0).first;
  if (--it->second < 0 && !facts_.first_extra_result) facts_.first_extra_result.emplace(e);
  // A transaction answered once is forgotten: what is kept is what is still open.
  if (it->second == 0) by_txid.erase(it);
}

// A shim rejects an unexpected message with a synchronous ERROR and returns from chatWithPeer
// in the same step (3.2-3.4): its stream end is the very next event. Such an ERROR answers
// the message it rejects, not a transaction.
void TraceFactsGatherer::settle_pending_error(const kernel::TraceEventView* next) {
  const kernel::TraceEvent error = std::move(*pending_error_);
  pending_error_.reset();
  const bool rejection = next != nullptr && next->kind == kernel::TraceKind::kStreamEnd &&
                         next->actor == "shim" && next->stream == error.stream;
  if (!rejection) result_sent(error.view());
}

TraceFacts gather_facts(const Scenario& scenario, const std::vector<kernel::TraceEvent>& events) {
  TraceFactsGatherer gatherer(scenario);
  for (const kernel::TraceEvent& e : events)
    gatherer.on_event(e.view());
  return gatherer.take();
}

bool expectations_read_details(const Scenario& scenario) {
  // Notes always carry their text; message summaries and state changes only when asked.
  return std::any_of(scenario.expect.messages.begin(), scenario.expect.messages.end(),
                     [](const MessageExpectation& m) { return m.detail_contains.has_value(); }) ||
         std::any_of(scenario.expect.order.begin(), scenario.expect.order.end(),
                     [](const OrderExpectation& o) {
                       return o.first.detail_contains.has_value() ||
                              o.then.detail_contains.has_value();
                     });
}

std::span<const Property> properties() {
  return kProperties;
}

const Property* find_property(std::string_view name) {
  for (const Property& p : kProperties) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

namespace {
using Fail = std::function<void(const std::string&, const std::string&)>;

// One outcome expectation against what the run recorded for it (nullptr: nothing).
void check_outcome(const std::string& where, const std::string& txid,
                   const OutcomeExpectation& want, const fabric::ProposalOutcome* got,
                   const Fail& fail) {
  if (want.expect_none) {
    if (got != nullptr) {
      fail(where,
           "expected no outcome, got one at " + kernel::format_time(got->completed) +
               ": status=" + (got->status ? std::to_string(*got->status) : std::string("null")) +
               " error=" + (got->error ? quoted(*got->error) : std::string("null")));
    }
    return;
  }
  if (got == nullptr) {
    fail(where, "no outcome was recorded for " + txid);
    return;
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
  if (want.expect_no_error && got->error) fail(where + "/error", "expected null, got " + got_error);
  if (want.error_contains &&
      (!got->error || got->error->find(*want.error_contains) == std::string::npos)) {
    fail(where + "/error_contains",
         "expected an error containing " + quoted(*want.error_contains) + ", got " + got_error);
  }
  if (want.error_matches && (!got->error || !want.error_matches->search(*got->error))) {
    fail(where + "/error_matches",
         "expected an error matching /" + want.error_matches->pattern() + "/, got " + got_error);
  }
  if (want.within && got->completed - got->submitted > *want.within) {
    fail(where + "/within", "expected an outcome within " + kernel::format_duration(*want.within) +
                                " of submission at " + kernel::format_time(got->submitted) +
                                ", got one after " +
                                kernel::format_duration(got->completed - got->submitted) + " at " +
                                kernel::format_time(got->completed));
  }
  if (want.not_before && got->completed < *want.not_before) {
    fail(where + "/not_before", "expected an outcome not before " +
                                    kernel::format_time(*want.not_before) + ", got one at " +
                                    kernel::format_time(got->completed));
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

}  // namespace

std::vector<std::string> check_expectations(const Scenario& scenario, const RunResult& result) {
  std::vector<std::string> failures;
  const auto fail = [&](const std::string& where, const std::string& what) {
    failures.push_back("expect " + where + ": " + what);
  };

  // With a txid submitted more than once ("duplicate"), the first proposal's outcome. Found
  // once for all: a scan per expectation would be quadratic in a large run.
  std::map<std::string_view, const fabric::ProposalOutcome*> by_txid;
  if (!scenario.expect.outcomes.empty()) {
    for (const auto& o : result.outcomes) {
      const fabric::ProposalOutcome*& got = by_txid[o.txid];
      if (got == nullptr || o.ordinal < got->ordinal) got = &o;
    }
  }
  for (const auto& [txid, want] : scenario.expect.outcomes) {
    const auto found = by_txid.find(txid);
    const fabric::ProposalOutcome* got = found == by_txid.end() ? nullptr : found->second;
    check_outcome("/expect/outcomes/" + token(txid), txid, want, got, fail);
  }
  // The array form: the i-th submission of a txid, by the proposals' order (their ordinals).
  if (!scenario.expect.submissions.empty()) {
    std::vector<const fabric::ProposalOutcome*> by_ordinal(scenario.proposals.size(), nullptr);
    for (const auto& o : result.outcomes) {
      if (o.ordinal < by_ordinal.size() && by_ordinal[o.ordinal] == nullptr)
        by_ordinal[o.ordinal] = &o;
    }
    std::map<std::string_view, std::size_t> seen;  // submissions of each txid so far
    for (const ScheduledProposal& sp : scenario.proposals) {
      const auto wants = scenario.expect.submissions.find(sp.proposal.txid);
      if (wants == scenario.expect.submissions.end()) continue;
      const std::size_t i = seen[sp.proposal.txid]++;
      if (i >= wants->second.size()) continue;  // the loader counted them: not reached
      const std::string& txid = sp.proposal.txid;
      check_outcome("/expect/outcomes/" + token(txid) + "/" + std::to_string(i),
                    txid + " (submission " + std::to_string(i + 1) + ")", wants->second[i],
                    by_ordinal[sp.proposal.ordinal], fail);
    }
  }

  for (const auto& [txid, want] : scenario.expect.delivered) {
    auto found = result.facts.delivered.find(txid);
    const std::vector<std::string> got =
        found == result.facts.delivered.end() ? std::vector<std::string>{} : found->second;
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

  // expect.messages and expect.notes: how many matched, against the bounds of each entry.
  const auto check_counts = [&](const char* where, const auto& wants,
                                const std::vector<std::uint64_t>& counts) {
    for (std::size_t i = 0; i < wants.size(); ++i) {
      const auto& want = wants[i];
      const std::uint64_t count = i < counts.size() ? counts[i] : 0;
      if (count < want.min || (want.max && count > *want.max)) {
        fail(where + std::to_string(i), "expected " + how_many(want.min, want.max) + " " +
                                            describe(want) + ", got " + std::to_string(count));
      }
    }
  };
  check_counts("/expect/messages/", scenario.expect.messages, result.facts.message_counts);
  check_counts("/expect/notes/", scenario.expect.notes, result.facts.note_counts);

  for (std::size_t i = 0; i < scenario.expect.order.size(); ++i) {
    const OrderExpectation& want = scenario.expect.order[i];
    const TraceFacts::Order got =
        i < result.facts.order.size() ? result.facts.order[i] : TraceFacts::Order{};
    const std::string where = "/expect/order/" + std::to_string(i);
    const std::string what =
        "expected the first " + describe(want.then) + " after the first " + describe(want.first);
    if (!got.first) {
      fail(where + "/first", what + ", got no " + describe(want.first));
    } else if (!got.then) {
      fail(where + "/then", what + ", got no " + describe(want.then));
    } else if (*got.then_position == *got.first_position) {
      fail(where,
           what + ", got one event matching both " + where_in_trace(*got.then, *got.then_position));
    } else if (*got.then_position < *got.first_position) {
      fail(where, what + ", got it " + where_in_trace(*got.then, *got.then_position) +
                      ", the other " + where_in_trace(*got.first, *got.first_position));
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
