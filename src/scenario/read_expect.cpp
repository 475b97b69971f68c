// Reading the expect section.

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

OutcomeExpectation read_outcome(const Node& o) {
  o.require_keys({"status", "payload", "error", "error_contains", "error_matches", "within",
                  "completed_by", "event"});
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
  return e;
}

MessageExpectation read_message(const Node& n, const Scenario& s,
                                const std::set<std::string>& txids) {
  n.require_keys({"type", "from", "txid", "chaincode", "channel", "detail_contains", "event",
                  "count", "min", "max", "present"});
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
  if (auto v = n.get("txid")) {
    m.txid = v->as_string();
    if (txids.count(*m.txid) == 0) v->fail("no proposal has txid \"" + *m.txid + "\"");
  }
  if (auto v = n.get("channel")) m.channel = v->as_string();
  if (auto v = n.get("detail_contains")) m.detail_contains = v->as_string();
  if (auto v = n.get("chaincode")) {
    m.chaincode = v->as_string();
    bool known = false;
    for (const auto& def : s.chaincodes)
      known = known || def.name == *m.chaincode;
    if (!known) v->fail("no chaincode is named \"" + *m.chaincode + "\"");
  }
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
    m.min = count(*c);
    m.max = m.min;
  } else if (present) {
    if (lo || hi) present->fail("\"present\" cannot be combined with \"min\" or \"max\"");
    if (!present->as_bool()) m.min = 0, m.max = 0;
  } else {
    if (lo) m.min = count(*lo);
    if (hi) {
      if (!lo) m.min = 0;
      m.max = count(*hi);
      if (*m.max < m.min) {
        hi->fail("max (" + std::to_string(*m.max) + ") is less than min (" + std::to_string(m.min) +
                 ")");
      }
    }
  }
  return m;
}

}  // namespace

void read_expect(const Node& n, Scenario& s, const std::set<std::string>& txids) {
  n.require_keys({"outcomes", "delivered", "ledger", "messages", "properties"});
  const auto known_txid = [&](const Node& at, const std::string& txid) {
    if (txids.count(txid) == 0) at.fail("no proposal has txid \"" + txid + "\"");
  };
  if (auto os = n.get("outcomes")) {
    os->require_object();
    for (const auto& item : os->json().items()) {
      const Node o = os->child(item.key());
      known_txid(o, item.key());
      if (o.json().is_null()) {
        s.expect.outcomes[item.key()].expect_none = true;  // never answered
      } else if (!o.json().is_object()) {
        o.fail("expected an object, or null for a proposal that is never answered, got " +
               type_name(o.json()));
      } else {
        s.expect.outcomes[item.key()] = read_outcome(o);
      }
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
      if (channels.count(ch.key()) == 0) {
        chn.fail("no proposal is on channel \"" + ch.key() +
                 "\"; the channels are: " + quoted_list(channels));
      }
      chn.require_object();
      for (const auto& cc : chn.json().items()) {
        const Node ccn = chn.child(cc.key());
        bool known = false;
        for (const auto& def : s.chaincodes)
          known = known || def.name == cc.key();
        if (!known) ccn.fail("no chaincode is named \"" + cc.key() + "\"");
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
      s.expect.messages.push_back(read_message(m, s, txids));
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
