#include "ccsim/fabric/ledger.hpp"

namespace ccsim::fabric {

std::optional<std::string> Ledger::get(const StateKey& k) const {
  auto it = state_.find(k);
  if (it == state_.end()) return std::nullopt;
  return it->second;
}

std::vector<QueryResult> Ledger::range(const std::string& channel, const std::string& ns,
                                       const std::string& collection, const std::string& start,
                                       const std::string& end) const {
  std::vector<QueryResult> out;
  for (auto it = state_.lower_bound(StateKey{channel, ns, start, collection}); it != state_.end();
       ++it) {
    const StateKey& k = it->first;
    if (k.channel != channel || k.ns != ns) break;
    if (k.collection != collection) continue;
    if (!end.empty() && k.key >= end) break;
    out.push_back(QueryResult{k.key, it->second, "", false});
  }
  return out;
}

std::vector<QueryResult> Ledger::history(const std::string& channel, const std::string& ns,
                                         const std::string& key) const {
  auto it = history_.find(StateKey{channel, ns, key, ""});
  if (it == history_.end()) return {};
  return std::vector<QueryResult>(it->second.rbegin(), it->second.rend());
}

std::map<std::string, std::string> Ledger::metadata(const StateKey& k) const {
  auto it = metadata_.find(k);
  return it == metadata_.end() ? std::map<std::string, std::string>{} : it->second;
}

void Ledger::put(const StateKey& k, std::string value, const std::string& txid) {
  if (k.collection.empty()) history_[k].push_back(QueryResult{k.key, value, txid, false});
  state_[k] = std::move(value);
}

void Ledger::del(const StateKey& k, const std::string& txid) {
  if (k.collection.empty()) history_[k].push_back(QueryResult{k.key, "", txid, true});
  state_.erase(k);
  metadata_.erase(k);
}

void Ledger::put_metadata(const StateKey& k, const std::string& metakey, std::string value) {
  metadata_[k][metakey] = std::move(value);
}

void Ledger::purge(const StateKey& k) {
  state_.erase(k);
  metadata_.erase(k);
}

std::optional<std::string> TxSimulator::get_state(const std::string& ns, const std::string& key,
                                                  const std::string& collection) const {
  return ledger_->get(key_of(ns, key, collection));
}

void TxSimulator::set_state(const std::string& ns, const std::string& key, std::string value,
                            const std::string& collection) {
  writes_.push_back(Write{Write::Kind::kPut, key_of(ns, key, collection), std::move(value), ""});
}

void TxSimulator::delete_state(const std::string& ns, const std::string& key,
                               const std::string& collection) {
  writes_.push_back(Write{Write::Kind::kDelete, key_of(ns, key, collection), "", ""});
}

void TxSimulator::purge_private_data(const std::string& ns, const std::string& collection,
                                     const std::string& key) {
  writes_.push_back(Write{Write::Kind::kPurge, key_of(ns, key, collection), "", ""});
}

std::map<std::string, std::string> TxSimulator::get_metadata(const std::string& ns,
                                                             const std::string& key,
                                                             const std::string& collection) const {
  return ledger_->metadata(key_of(ns, key, collection));
}

void TxSimulator::set_metadata(const std::string& ns, const std::string& key,
                               const std::string& metakey, std::string value,
                               const std::string& collection) {
  writes_.push_back(
      Write{Write::Kind::kMetadata, key_of(ns, key, collection), std::move(value), metakey});
}

std::vector<QueryResult> TxSimulator::range(const std::string& ns, const std::string& collection,
                                            const std::string& start,
                                            const std::string& end) const {
  return ledger_->range(channel_, ns, collection, start, end);
}

std::vector<QueryResult> TxSimulator::history(const std::string& ns, const std::string& key) const {
  return ledger_->history(channel_, ns, key);
}

std::uint64_t TxSimulator::commit_to(Ledger& ledger, const std::string& txid) const {
  std::uint64_t bytes = 0;
  for (const Write& w : writes_) {
    // A history entry and the state's copy: about twice the write, and a map node each.
    bytes += 2 * (w.key.key.size() + w.value.size() + w.metakey.size() + txid.size()) + 128;
    switch (w.kind) {
      case Write::Kind::kPut:
        ledger.put(w.key, w.value, txid);
        break;
      case Write::Kind::kDelete:
        ledger.del(w.key, txid);
        break;
      case Write::Kind::kPurge:
        ledger.purge(w.key);
        break;
      case Write::Kind::kMetadata:
        ledger.put_metadata(w.key, w.metakey, w.value);
        break;
    }
  }
  return bytes;
}

}  // namespace ccsim::fabric
