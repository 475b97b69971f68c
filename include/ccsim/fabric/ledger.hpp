// An in-memory ledger: committed world state per channel, namespace and collection (""
// is public state, anything else a private data collection), key metadata, and the history
// of committed writes. Per-transaction simulators read committed state (Fabric's simulator
// does not read its own writes) and buffer writes, which reach the ledger only when the
// proposal completes successfully (see Peer).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"

namespace ccsim::fabric {

/// A key in the world state: (channel, namespace = chaincode name, collection, key).
struct StateKey {
  std::string channel;
  std::string ns;
  std::string key;
  std::string collection;  // "" = public state
  auto operator<=>(const StateKey&) const = default;
};

class Ledger {
 public:
  std::optional<std::string> get(const StateKey& k) const;
  /// Committed keys of (channel, ns, collection) in [start, end), in key order; an empty
  /// `end` is unbounded.
  std::vector<QueryResult> range(const std::string& channel, const std::string& ns,
                                 const std::string& collection, const std::string& start,
                                 const std::string& end) const;
  /// Committed writes of a public key, newest first (as GetHistoryForKey returns them).
  std::vector<QueryResult> history(const std::string& channel, const std::string& ns,
                                   const std::string& key) const;
  std::map<std::string, std::string> metadata(const StateKey& k) const;

  void put(const StateKey& k, std::string value, const std::string& txid);
  void del(const StateKey& k, const std::string& txid);
  void put_metadata(const StateKey& k, const std::string& metakey, std::string value);
  /// PurgePrivateData: the value and its hash are gone for good.
  void purge(const StateKey& k);

  /// Every committed key with its value, in key order.
  const std::map<StateKey, std::string>& state() const { return state_; }

 private:
  std::map<StateKey, std::string> state_;
  std::map<StateKey, std::map<std::string, std::string>> metadata_;
  std::map<StateKey, std::vector<QueryResult>> history_;  // oldest first
};

/// Injected state database errors (fault fail_next_query_read): the next batch read of a
/// query iterator over a namespace fails with the text, as a CouchDB request or a damaged
/// LevelDB block fails under a live iterator.
class ReadFailures {
 public:
  void add(const std::string& ns, std::string error) { pending_[ns].push_back(std::move(error)); }
  /// The failure the next read over `ns` meets, if one is pending (it is used up).
  std::optional<std::string> take(const std::string& ns) {
    auto it = pending_.find(ns);
    if (it == pending_.end() || it->second.empty()) return std::nullopt;
    std::string error = std::move(it->second.front());
    it->second.pop_front();
    return error;
  }

 private:
  std::map<std::string, std::deque<std::string>> pending_;
};

/// The transaction simulator of one proposal on one channel.
class TxSimulator {
 public:
  TxSimulator(const Ledger& ledger, std::string channel)
      : ledger_(&ledger), channel_(std::move(channel)) {}

  const std::string& channel() const { return channel_; }

  /// TxSimulator.Done: the endorser releases the simulator when the proposal ends (and a
  /// cross-channel cc2cc when its call returns); every later use fails with kDoneError.
  /// Done also closes every iterator the simulator opened (lockbasedtxmgr queryHelper.done in
  /// 1.x, txmgr queryExecutor.Done in 2.5): an
  /// observer hears of it, once.
  void done() {
    if (done_) return;
    done_ = true;
    std::vector<std::function<void()>> observers = std::move(done_observers_);
    done_observers_.clear();
    for (auto& observer : observers)
      observer();
  }
  bool is_done() const { return done_; }
  void on_done(std::function<void()> observer) { done_observers_.push_back(std::move(observer)); }
  static constexpr const char* kDoneError = "this instance should not be used after calling Done()";

  std::optional<std::string> get_state(const std::string& ns, const std::string& key,
                                       const std::string& collection = "") const;
  void set_state(const std::string& ns, const std::string& key, std::string value,
                 const std::string& collection = "");
  void delete_state(const std::string& ns, const std::string& key,
                    const std::string& collection = "");
  void purge_private_data(const std::string& ns, const std::string& collection,
                          const std::string& key);
  std::map<std::string, std::string> get_metadata(const std::string& ns, const std::string& key,
                                                  const std::string& collection = "") const;
  void set_metadata(const std::string& ns, const std::string& key, const std::string& metakey,
                    std::string value, const std::string& collection = "");
  std::vector<QueryResult> range(const std::string& ns, const std::string& collection,
                                 const std::string& start, const std::string& end) const;
  std::vector<QueryResult> history(const std::string& ns, const std::string& key) const;

  /// Applies the buffered writes to `ledger`, recording `txid` in the history.
  /// Returns about how many bytes the ledger keeps for them from now on.
  std::uint64_t commit_to(Ledger& ledger, const std::string& txid) const;

 private:
  struct Write {
    enum class Kind { kPut, kDelete, kPurge, kMetadata } kind;
    StateKey key;
    std::string value;
    std::string metakey;
  };
  StateKey key_of(const std::string& ns, const std::string& key,
                  const std::string& collection) const {
    return StateKey{channel_, ns, key, collection};
  }

  const Ledger* ledger_;
  std::string channel_;
  std::vector<Write> writes_;  // in the order the chaincode made them
  bool done_ = false;
  std::vector<std::function<void()>> done_observers_;
};

}  // namespace ccsim::fabric
