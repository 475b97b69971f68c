// Reading "ledger": the world state committed before the first proposal.
#include "readers.hpp"

namespace ccsim::scenario::detail {

namespace {

// {"<metakey>": "<value>", ...} of one key.
void read_metadata(const Node& n, fabric::Ledger& ledger, const fabric::StateKey& key) {
  n.require_object();
  for (const auto& item : n.json().items())
    ledger.put_metadata(key, item.key(), n.child(item.key()).as_string());
}

// {"<key>": "<value>", ...}: committed values; a public one has one history entry.
void read_values(const Node& n, fabric::Ledger& ledger, fabric::StateKey key) {
  n.require_object();
  for (const auto& item : n.json().items()) {
    key.key = item.key();
    if (key.key.empty()) n.child(item.key()).fail("a key cannot be empty");
    ledger.put(key, n.child(item.key()).as_string(), kInitialTxid);
  }
}

}  // namespace

std::set<std::string> known_channels(const Scenario& s) {
  std::set<std::string> channels;
  for (const ScheduledProposal& sp : s.proposals)
    channels.insert(sp.proposal.channel_id);
  const auto add_targets = [&](const fabric::ChaincodeFunction& fn) {
    fabric::for_each_step(fn.steps, [&](const fabric::Step& step) {
      if (step.op == fabric::Step::Op::kInvokeChaincode && !step.target_channel.empty())
        channels.insert(step.target_channel);
    });
  };
  for (const auto& def : s.chaincodes) {
    add_targets(def.init);
    for (const auto& item : def.functions)
      add_targets(item.second);
  }
  return channels;
}

std::string quoted_list(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names)
    out += (out.empty() ? "\"" : " \"") + n + "\"";
  return out.empty() ? "none" : out;
}

const fabric::ChaincodeDefinition& chaincode_named(const Node& n, const Scenario& s,
                                                   const std::string& name) {
  for (const auto& def : s.chaincodes) {
    if (def.name == name) return def;
  }
  std::vector<std::string> names;
  for (const auto& def : s.chaincodes)
    names.push_back(def.name);
  n.fail("no chaincode is named \"" + name + "\"" + suggest(name, names));
}

void channel_named(const Node& n, const std::set<std::string>& channels, const std::string& name) {
  if (channels.count(name) == 0) {
    n.fail("no proposal is on channel \"" + name +
           "\"; the channels are: " + quoted_list(channels));
  }
}

fabric::Ledger read_initial_ledger(const Node& n, const Scenario& s) {
  n.require_object();
  const std::set<std::string> channels = known_channels(s);
  fabric::Ledger ledger;
  for (const auto& ch : n.json().items()) {
    const Node chn = n.child(ch.key());
    channel_named(chn, channels, ch.key());
    chn.require_object();
    for (const auto& cc : chn.json().items()) {
      const Node ccn = chn.child(cc.key());
      chaincode_named(ccn, s, cc.key());
      ccn.require_keys({"state", "private", "metadata", "private_metadata", "history"});
      const fabric::StateKey base{ch.key(), cc.key(), "", ""};
      // History first: the value a key ends with is its last entry's.
      if (auto h = ccn.get("history")) {
        h->require_object();
        for (const auto& item : h->json().items()) {
          const Node kn = h->child(item.key());
          fabric::StateKey key = base;
          key.key = item.key();
          if (key.key.empty()) kn.fail("a key cannot be empty");
          if (ccn.json().contains("state") && ccn.json()["state"].contains(item.key())) {
            kn.fail("key \"" + item.key() +
                    "\" is in both \"state\" and \"history\": its value is its history's last "
                    "entry");
          }
          const std::vector<Node> entries = kn.elements();
          if (entries.empty()) kn.fail("a key's history needs at least one entry");
          for (const Node& e : entries) {
            e.require_keys({"txid", "value", "delete"});
            const std::string txid = e.require("txid").as_string();
            const bool deleted = e.get("delete") ? e.child("delete").as_bool() : false;
            if (deleted == e.get("value").has_value()) {
              e.fail("a history entry has either \"value\" or \"delete\": true");
            }
            if (deleted) {
              ledger.del(key, txid);
            } else {
              ledger.put(key, e.child("value").as_string(), txid);
            }
          }
        }
      }
      if (auto v = ccn.get("state")) read_values(*v, ledger, base);
      if (auto p = ccn.get("private")) {
        p->require_object();
        for (const auto& coll : p->json().items()) {
          if (coll.key().empty()) p->child(coll.key()).fail("a collection name cannot be empty");
          fabric::StateKey key = base;
          key.collection = coll.key();
          read_values(p->child(coll.key()), ledger, key);
        }
      }
      if (auto m = ccn.get("metadata")) {
        m->require_object();
        for (const auto& item : m->json().items()) {
          fabric::StateKey key = base;
          key.key = item.key();
          read_metadata(m->child(item.key()), ledger, key);
        }
      }
      if (auto pm = ccn.get("private_metadata")) {
        pm->require_object();
        for (const auto& coll : pm->json().items()) {
          const Node colln = pm->child(coll.key());
          colln.require_object();
          for (const auto& item : colln.json().items()) {
            fabric::StateKey key = base;
            key.collection = coll.key();
            key.key = item.key();
            read_metadata(colln.child(item.key()), ledger, key);
          }
        }
      }
    }
  }
  return ledger;
}

}  // namespace ccsim::scenario::detail
