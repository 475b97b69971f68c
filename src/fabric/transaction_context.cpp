#include "ccsim/fabric/transaction_context.hpp"

namespace ccsim::fabric {

std::optional<std::string> TransactionContexts::create(const TransactionParams& params,
                                                       bool is_init) {
  auto [it, inserted] = contexts_.try_emplace(tx_key(params.channel_id, params.txid));
  if (!inserted) return "txid: " + params.txid + "(" + params.channel_id + ") exists";
  it->second = std::make_unique<TransactionContext>();
  it->second->params = params;
  it->second->is_init_transaction = is_init;
  return std::nullopt;
}

TransactionContext* TransactionContexts::get(const std::string& channel_id,
                                             const std::string& txid) {
  auto it = contexts_.find(tx_key(channel_id, txid));
  return it == contexts_.end() ? nullptr : it->second.get();
}

void TransactionContexts::remove(const std::string& channel_id, const std::string& txid) {
  contexts_.erase(tx_key(channel_id, txid));
}

}  // namespace ccsim::fabric
