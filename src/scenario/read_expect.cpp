// Reading the expect section.
#include "readers.hpp"

namespace ccsim::scenario::detail {

void read_expect(const Node& n, Scenario& s, const std::set<std::string>& txids) {
  n.require_keys({"outcomes", "delivered", "ledger"});
  const auto known_txid = [&](const Node& at, const std::string& txid) {
    if (txids.count(txid) == 0) at.fail("no proposal has txid \"" + txid + "\"");
  };
  if (auto os = n.get("outcomes")) {
    os->require_object();
    for (const auto& item : os->json().items()) {
      const Node o = os->child(item.key());
      known_txid(o, item.key());
      o.require_keys({"status", "payload", "error", "error_contains"});
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
      s.expect.outcomes[item.key()] = e;
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
          t.fail("unknown message type \"" + name + "\"");
        types.push_back(name);
      }
      s.expect.delivered[item.key()] = types;
    }
  }
  if (auto ls = n.get("ledger")) {
    ls->require_object();
    for (const auto& ch : ls->json().items()) {
      const Node chn = ls->child(ch.key());
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
          s.expect.ledger[ch.key()][cc.key()][kv.key()] =
              v.json().is_null() ? std::nullopt : std::optional<std::string>(v.as_string());
        }
      }
    }
  }
}

}  // namespace ccsim::scenario::detail
