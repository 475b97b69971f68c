// TransactionContext and TransactionContexts (docs/fabric-sources.md 2.2, "Execute"): the
// peer handler's record of a transaction it is executing, keyed by channel_id + txid. A
// context lives exactly as long as the Execute call that created it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/ledger.hpp"

namespace ccsim::fabric {

/// What the caller of Execute hands over (ccprovider.TransactionParams, the parts modelled).
struct TransactionParams {
  std::string txid;
  std::string channel_id;
  std::string namespace_id;  // the chaincode name
  bool has_signed_proposal = true;
  std::uint64_t call_depth = 0;  // nested INVOKE_CHAINCODE calls above this execution
  std::shared_ptr<TxSimulator> simulator;
};

/// A query iterator the peer holds open for the chaincode (range, rich query, history).
struct QueryIterator {
  std::vector<QueryResult> results;
  std::size_t next = 0;  // the first result not yet sent
};

struct TransactionContext {
  TransactionParams params;
  bool is_init_transaction = false;
  /// Open query iterators by id, closed with the context (CloseQueryIterators).
  std::map<std::string, QueryIterator> query_iterators;
  /// ResponseNotifier: a Go channel of capacity 1. Holds the COMPLETED/ERROR until Execute
  /// takes it.
  MessagePtr response;
  /// Wakes the Execute select's response case.
  std::function<void()> on_response;
};

class TransactionContexts {
 public:
  /// Creates the context, or returns Fabric's error for a duplicate: "txid: %s(%s) exists".
  std::optional<std::string> create(const TransactionParams& params, bool is_init);
  TransactionContext* get(const std::string& channel_id, const std::string& txid);
  void remove(const std::string& channel_id, const std::string& txid);
  std::size_t size() const { return contexts_.size(); }
  /// Every live context, in key order.
  const std::map<std::string, std::unique_ptr<TransactionContext>>& all() const {
    return contexts_;
  }

 private:
  std::map<std::string, std::unique_ptr<TransactionContext>> contexts_;
};

}  // namespace ccsim::fabric
