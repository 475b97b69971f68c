// Reading the expect section.

#include <algorithm>
#include <functional>

#include "ccsim/scenario/run.hpp"
#include "readers.hpp"
#include "suggest.hpp"

namespace ccsim::scenario::detail {

namespace {

// RE2 syntax (docs/scenario-format.md, "Regular expressions"); RE2's own error on failure.
Regex read_regex(const Node& n) {
  const std::string pattern = n.as_string();
  std::string error;
  std::optional<Regex> re = Regex::compile(pattern, error);
  if (!re) n.fail("bad regular expression \"" + pattern + "\": " + error + " (RE2 syntax)");
  return *std::move(re);
}

std::vector<std::string> message_type_names() {
  std::vector<std::string> names;
  for (int t = 0; t < 256; ++t) {
    const auto type = static_cast<fabric::MessageType>(t);
    const char* name = fabric::to_string(type);
    if (fabric::message_type_from_string(name) == type) names.emplace_back(name);
  }
  return names;
}

std::string one_of(const Node& n, const std::string& first, const std::string& second) {
  const std::string v = n.as_string();
  if (v != first && v != second) {
    n.fail("expected \"" + first + "\" or \"" + second + "\", got \"" + v + "\"");
  }
  return v;
}

// The actors a trace names (kernel TraceEvent.actor).
std::string read_actor(const Node& n) {
  const std::vector<std::string> actors = {"endorser", "launcher", "runtime", "peer",
                                           "shim",     "fault",    "grpc",    "middlebox"};
  const std::string a = n.as_string();
  if (std::find(actors.begin(), actors.end(), a) == actors.end()) {
    n.fail("unknown actor \"" + a + "\"" + suggest(a, actors));
  }
  return a;
}

using TxidCheck = std::function<void(const Node&, const std::string&)>;

// The "txid" and "chaincode" filters of a trace assertion, checked against the proposals and
// the chaincodes.
void read_txid_and_chaincode(const Node& n, const Scenario& s, const TxidCheck& known_txid,
                             std::optional<std::string>& txid,
                             std::optional<std::string>& chaincode) {
  if (auto v = n.get("txid")) {
    txid = v->as_string();
    known_txid(*v, *txid);
  }
  if (auto v = n.get("chaincode")) {
    chaincode = v->as_string();
    chaincode_named(*v, s, *chaincode);
  }
}

OutcomeExpectation read_outcome(const Node& o) {
  o.require_keys({"status", "payload", "error", "error_contains", "error_matches", "within",
                  "completed_by", "not_before", "event"});
  OutcomeExpectation e;
  if (auto v = o.get("status")) {
    if (v->json().is_null()) {
      e.expect_no_status = true;
    } else {
      e.status = v->as_int(0, 999);
    }
  }
  if (auto v = o.get("payload")) e.payload = v->as_string();
  if (auto v = o.get("error")) {
    if (v->json().is_null()) {
      e.expect_no_error = true;
    } else {
      e.error = v->as_string();
    }
  }
  if (auto v = o.get("error_contains")) e.error_contains = v->as_string();
  if (auto v = o.get("error_matches")) e.error_matches = read_regex(*v);
  if (auto v = o.get("event")) e.event = v->as_string();
  if (auto v = o.get("within")) e.within = duration_of(*v);
  if (auto v = o.get("completed_by")) e.completed_by = kernel::Time::zero() + duration_of(*v);
  if (auto v = o.get("not_before")) e.not_before = kernel::Time::zero() + duration_of(*v);
  if (e.completed_by && e.not_before && *e.completed_by < *e.not_before) {
    o.child("not_before")
        .fail("not_before (" + kernel::format_time(*e.not_before) + ") is after completed_by (" +
              kernel::format_time(*e.completed_by) + "): no instant is in both");
  }
  return e;
}

// "at", or "not_before" and/or "by": the instants an event must fall in to count.
TimeWindow read_window(const Node& n) {
  TimeWindow w;
  const auto instant = [](const Node& v) { return kernel::Time::zero() + duration_of(v); };
  if (auto at = n.get("at")) {
    for (const char* key : {"not_before", "by"}) {
      if (n.get(key))
        n.child(key).fail(std::string("\"") + key + "\" cannot be combined with \"at\"");
    }
    w.not_before = w.by = instant(*at);
    return w;
  }
  if (auto v = n.get("not_before")) w.not_before = instant(*v);
  if (auto v = n.get("by")) w.by = instant(*v);
  if (w.not_before && w.by && *w.by < *w.not_before) {
    n.child("by").fail("by (" + kernel::format_time(*w.by) + ") is before not_before (" +
                       kernel::format_time(*w.not_before) + "): no instant is in both");
  }
  return w;
}

// "count", or "min" and/or "max", or "present": inclusive bounds on how many events match;
// none of them: at least one.
void read_counts(const Node& n, std::uint64_t& min, std::optional<std::uint64_t>& max) {
  const auto count = [](const Node& v) {
    return static_cast<std::uint64_t>(v.as_int(0, INT64_MAX));
  };
  const auto c = n.get("count");
  const auto lo = n.get("min");
  const auto hi = n.get("max");
  const auto present = n.get("present");
  if (c) {
    if (lo || hi || present) {
      c->fail("\"count\" cannot be combined with \"min\", \"max\" or \"present\"");
    }
    min = count(*c);
    max = min;
  } else if (present) {
    if (lo || hi) present->fail("\"present\" cannot be combined with \"min\" or \"max\"");
    if (!present->as_bool()) min = 0, max = 0;
  } else {
    if (lo) min = count(*lo);
    if (hi) {
      if (!lo) min = 0;
      max = count(*hi);
      if (*max < min) {
        hi->fail("max (" + std::to_string(*max) + ") is less than min (" + std::to_string(min) +
                 ")");
      }
    }
  }
}

MessageExpectation read_message(const Node& n, const Scenario& s, const TxidCheck& known_txid) {
  n.require_keys({"type", "from", "txid", "chaincode", "channel", "detail_contains", "event",
                  "count", "min", "max", "present", "at", "not_before", "by"});
  MessageExpectation m;
  const Node type = n.require("type");
  m.type = type.as_string();
  if (!fabric::message_type_from_string(m.type)) {
    type.fail("unknown message type \"" + m.type + "\"" + suggest(m.type, message_type_names()));
  }
  if (auto v = n.get("from")) m.from = one_of(*v, "peer", "shim");
  if (auto v = n.get("event")) {
    m.event = one_of(*v, "send", "deliver") == "send" ? MessageExpectation::Event::kSend
                                                      : MessageExpectation::Event::kDeliver;
  }
  read_txid_and_chaincode(n, s, known_txid, m.txid, m.chaincode);
  if (auto v = n.get("channel")) m.channel = v->as_string();
  if (auto v = n.get("detail_contains")) m.detail_contains = v->as_string();
  read_counts(n, m.min, m.max);
  m.window = read_window(n);
  return m;
}

NoteExpectation read_note(const Node& n, const Scenario& s, const TxidCheck& known_txid) {
  n.require_keys({"actor", "contains", "txid", "chaincode", "count", "min", "max", "present", "at",
                  "not_before", "by"});
  NoteExpectation note;
  note.contains = n.require("contains").as_string();
  if (auto v = n.get("actor")) note.actor = read_actor(*v);
  read_txid_and_chaincode(n, s, known_txid, note.txid, note.chaincode);
  read_counts(n, note.min, note.max);
  note.window = read_window(n);
  return note;
}

// One side of expect.order: an event kind and the filters of a message or note expectation.
EventSelector read_selector(const Node& n, const Scenario& s, const TxidCheck& known_txid) {
  n.require_keys(
      {"event", "actor", "type", "from", "txid", "chaincode", "channel", "detail_contains"});
  EventSelector e;
  const Node kind = n.require("event");
  const std::string k = kind.as_string();
  const std::pair<const char*, kernel::TraceKind> kinds[] = {
      {"send", kernel::TraceKind::kSend},      {"deliver", kernel::TraceKind::kDeliver},
      {"note", kernel::TraceKind::kNote},      {"timer", kernel::TraceKind::kTimer},
      {"state", kernel::TraceKind::kState},    {"stream_end", kernel::TraceKind::kStreamEnd},
      {"outcome", kernel::TraceKind::kOutcome}};
  bool found = false;
  std::vector<std::string> names;
  for (const auto& [name, value] : kinds) {
    names.emplace_back(name);
    if (k == name) e.kind = value, found = true;
  }
  if (!found) kind.fail("unknown event \"" + k + "\"" + suggest(k, names));
  const bool message = e.kind == kernel::TraceKind::kSend || e.kind == kernel::TraceKind::kDeliver;
  if (auto v = n.get("actor")) e.actor = read_actor(*v);
  if (auto v = n.get("type")) {
    if (!message) v->fail("\"type\" applies to \"send\" and \"deliver\" events only");
    e.type = v->as_string();
    if (!fabric::message_type_from_string(*e.type)) {
      v->fail("unknown message type \"" + *e.type + "\"" + suggest(*e.type, message_type_names()));
    }
  }
  if (auto v = n.get("from")) {
    if (!message) v->fail("\"from\" applies to \"send\" and \"deliver\" events only");
    e.from = one_of(*v, "peer", "shim");
  }
  read_txid_and_chaincode(n, s, known_txid, e.txid, e.chaincode);
  if (auto v = n.get("channel")) e.channel = v->as_string();
  if (auto v = n.get("detail_contains")) e.detail_contains = v->as_string();
  return e;
}

}  // namespace

void read_expect(const Node& n, Scenario& s, const ProposalTxids& txids) {
  n.require_keys({"outcomes", "delivered", "ledger", "messages", "notes", "order", "properties"});
  const TxidCheck known_txid = [&](const Node& at, const std::string& txid) {
    if (txids.txids.count(txid) != 0) return;
    const auto r = txids.repeated.find(txid);
    if (r == txids.repeated.end()) at.fail("no proposal has txid \"" + txid + "\"");
    const auto& [where, count] = r->second;
    const std::string last = "\"" + txid + "-" + std::to_string(count) + "\"";
    const std::string expanded = count == 1   ? last
                                 : count == 2 ? "\"" + txid + "-1\" and " + last
                                              : "\"" + txid + "-1\" ... " + last;
    at.fail("no proposal has txid \"" + txid + "\": " + where + " repeats it " +
            std::to_string(count) + (count == 1 ? " time" : " times") + ", as " + expanded +
            "; name one of those");
  };
  const auto one_outcome = [](const Node& o) {
    OutcomeExpectation e;
    if (o.json().is_null()) {
      e.expect_none = true;  // never answered
    } else if (!o.json().is_object()) {
      o.fail("expected an object, or null for a proposal that is never answered, got " +
             type_name(o.json()));
    } else {
      e = read_outcome(o);
    }
    return e;
  };
  if (auto os = n.get("outcomes")) {
    os->require_object();
    for (const auto& item : os->json().items()) {
      const Node o = os->child(item.key());
      known_txid(o, item.key());
      if (!o.json().is_array()) {
        s.expect.outcomes[item.key()] = one_outcome(o);
        continue;
      }
      // One entry per submission of the txid, in the proposals' order.
      std::uint64_t submitted = 0;
      for (const ScheduledProposal& sp : s.proposals)
        submitted += sp.proposal.txid == item.key() ? 1 : 0;
      if (o.json().size() != submitted) {
        o.fail("txid \"" + item.key() + "\" is submitted " + std::to_string(submitted) +
               (submitted == 1 ? " time" : " times") + ": give one outcome per submission, got " +
               std::to_string(o.json().size()));
      }
      std::vector<OutcomeExpectation>& each = s.expect.submissions[item.key()];
      for (const Node& e : o.elements())
        each.push_back(one_outcome(e));
    }
  }
  if (auto ds = n.get("delivered")) {
    ds->require_object();
    for (const auto& item : ds->json().items()) {
      const Node d = ds->child(item.key());
      known_txid(d, item.key());
      std::vector<std::string> types;
      for (const Node& t : d.elements()) {
        const std::string name = t.as_string();
        if (!fabric::message_type_from_string(name))
          t.fail("unknown message type \"" + name + "\"" + suggest(name, message_type_names()));
        types.push_back(name);
      }
      s.expect.delivered[item.key()] = types;
    }
  }
  if (auto ls = n.get("ledger")) {
    ls->require_object();
    const std::set<std::string> channels = known_channels(s);
    for (const auto& ch : ls->json().items()) {
      const Node chn = ls->child(ch.key());
      channel_named(chn, channels, ch.key());
      chn.require_object();
      for (const auto& cc : chn.json().items()) {
        const Node ccn = chn.child(cc.key());
        chaincode_named(ccn, s, cc.key());
        ccn.require_object();
        for (const auto& kv : ccn.json().items()) {
          const Node v = ccn.child(kv.key());
          if (!v.json().is_null() && !v.json().is_string()) {
            v.fail("expected a string, or null for an absent key, got " + type_name(v.json()));
          }
          s.expect.ledger[ch.key()][cc.key()][kv.key()] =
              v.json().is_null() ? std::nullopt : std::optional<std::string>(v.as_string());
        }
      }
    }
  }
  if (auto ms = n.get("messages")) {
    for (const Node& m : ms->elements())
      s.expect.messages.push_back(read_message(m, s, known_txid));
  }
  if (auto ns = n.get("notes")) {
    for (const Node& note : ns->elements())
      s.expect.notes.push_back(read_note(note, s, known_txid));
  }
  if (auto os = n.get("order")) {
    for (const Node& o : os->elements()) {
      o.require_keys({"first", "then"});
      s.expect.order.push_back(OrderExpectation{read_selector(o.require("first"), s, known_txid),
                                                read_selector(o.require("then"), s, known_txid)});
    }
  }
  if (auto ps = n.get("properties")) {
    std::vector<std::string> names;
    for (const Property& p : properties())
      names.emplace_back(p.name);
    for (const Node& p : ps->elements()) {
      const std::string name = p.as_string();
      if (find_property(name) == nullptr) {
        p.fail("unknown property \"" + name + "\"" + suggest(name, names));
      }
      for (const std::string& seen : s.expect.properties) {
        if (seen == name) p.fail("property \"" + name + "\" is listed twice");
      }
      s.expect.properties.push_back(name);
    }
  }
}

}  // namespace ccsim::scenario::detail
