// An in-memory ledger: committed world state per channel and namespace, the history of
// committed writes, and per-transaction simulators. As in Fabric, a simulator reads committed
// state (no read-your-own-writes) and buffers writes; the writes reach the ledger only when
// the proposal completes successfully (see Endorser).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccsim::fabric {

/// A key in the world state: (channel, namespace = chaincode name, key).
struct StateKey {
  std::string channel;
  std::string ns;
  std::string key;
  auto operator<=>(const StateKey&) const = default;
};

class Ledger {
 public:
  std::optional<std::string> get(const StateKey& k) const;
  void put(const StateKey& k, std::string value);
  void del(const StateKey& k);
  /// Every committed key with its value, in key order.
  const std::map<StateKey, std::string>& state() const { return state_; }

 private:
  std::map<StateKey, std::string> state_;
};

/// The transaction simulator of one proposal on one channel.
class TxSimulator {
 public:
  TxSimulator(const Ledger& ledger, std::string channel)
      : ledger_(&ledger), channel_(std::move(channel)) {}

  std::optional<std::string> get_state(const std::string& ns, const std::string& key) const;
  void set_state(const std::string& ns, const std::string& key, std::string value);
  void delete_state(const std::string& ns, const std::string& key);

  /// Writes in key order; nullopt marks a delete.
  const std::map<std::pair<std::string, std::string>, std::optional<std::string>>& writes() const {
    return writes_;
  }
  void commit_to(Ledger& ledger) const;

 private:
  const Ledger* ledger_;
  std::string channel_;
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> writes_;
};

}  // namespace ccsim::fabric
