// The peer handler's query reads: the Next calls that fill one batch of a range, rich or
// history query (BuildQueryResponse, 1.2-3.x; getQueryResponse, 1.0/1.1), in the request's
// goroutine, and what can go wrong while they run.
//
// Two things are modelled. A state database error under a live iterator (fault
// fail_next_query_read) fails the read: the iterator is cleaned up and the request answered
// with the error; 1.1 cleans it up twice, and its second cleanupQueryContext calls Close on
// the nil map entry, a panic (core/chaincode/handler.go, 1.1; 1.2's
// TransactionContext.CleanupQueryContext checks for nil). And a read that takes time
// (config.query_read) can have its iterator released under it: the endorser's
// TxSimulator.Done after Execute returned (it closes every iterator the simulator opened:
// lockbasedtxmgr's queryHelper.done in 1.x, txmgr's queryExecutor.Done in 2.5), a COMPLETED or
// ERROR (Notify's
// CloseQueryIterators) or the handler's end (TXContexts.Close, 1.2+). goleveldb's iterator is
// not safe for that: Release under a Next dereferences a nil pointer, and the request's
// goroutine panics, which kills the peer (fabric#5048, #5001), until HandleTransaction's
// recover (c748fd8b3: 2.5.16, 3.1.5; switch handler_recovers_panics). CouchDB's queryScanner
// has a no-op Close (statecouchdb.go): its read runs to the end.
//
// A Release that lands between two Next calls ends the batch early without a panic instead
// (dbIter.Next of a released iterator returns false, which kvScanner reads as the end); ccsim
// does not model that outcome: a release during the read is the panic the reports show.
#include "ccsim/fabric/handler.hpp"

#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

std::string Handler::context_key(const std::string& channel_id, const std::string& txid) const {
  return tx_key(deps_.profile->channel_in_tx_context ? channel_id : "", txid);
}

void Handler::read_query(const ChaincodeMessage& msg, TransactionContext& ctx,
                         DelegateResult result, DelegateDone done) {
  const bool read = result.response && result.response->is_query_response &&
                    msg.type != MessageType::QUERY_STATE_CLOSE;
  if (!read) {
    done(std::move(result));  // failed before any Next, or nothing to read
    return;
  }
  std::optional<std::string> failure;
  if (deps_.read_failures != nullptr) failure = deps_.read_failures->take(ctx.params.namespace_id);
  if (failure) {
    note(msg.txid, msg.channel_id,
         "query read for " + std::string(to_string(msg.type)) + " fails: " + *failure);
    ctx.query_iterators.erase(result.response->iterator_id);
    result = DelegateResult{nullptr, *failure};
  }
  // What the read ends in, when its Next calls return.
  auto answer = [this, msg, failure, result = std::move(result),
                 done = std::move(done)](bool released) mutable {
    // Released under the read, or 1.1's second cleanupQueryContext after a failed one
    // (txContext.queryIteratorMap[id].Close() on a deleted entry: a nil interface's method).
    if (released || (failure && deps_.profile->query_error_double_cleanup)) {
      if (!nil_dereference_panics(msg)) done(DelegateResult{nullptr, "panic during execution"});
      return;
    }
    done(std::move(result));
  };
  if (deps_.config->query_read == kernel::Duration()) {
    answer(false);
    return;
  }
  const std::uint64_t id = next_query_read_++;
  QueryRead& r = query_reads_[id];
  r.context_key = context_key(msg.channel_id, msg.txid);
  r.txid = msg.txid;
  r.channel_id = msg.channel_id;
  r.finish = std::move(answer);
  r.timer = deps_.sim->after(
      deps_.config->query_read,
      [this, id] {
        auto it = query_reads_.find(id);
        if (it == query_reads_.end()) return;
        std::function<void(bool)> finish = std::move(it->second.finish);
        query_reads_.erase(it);
        finish(false);
      },
      [&] { return label("reads a batch for", msg); });
  // The simulator's Done closes the iterators it opened, whoever calls it.
  if (ctx.params.simulator) ctx.params.simulator->on_done([this, id] { release_query_read(id); });
}

void Handler::release_query_reads(const std::string& context_key) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, r] : query_reads_) {
    if (r.context_key == context_key) ids.push_back(id);
  }
  for (std::uint64_t id : ids)
    release_query_read(id);
}

void Handler::release_query_read(std::uint64_t id) {
  if (deps_.config->state_database == StateDatabase::kCouchDB) return;  // Close is a no-op
  auto it = query_reads_.find(id);
  if (it == query_reads_.end()) return;  // the read is over
  QueryRead r = std::move(it->second);
  query_reads_.erase(it);
  deps_.sim->cancel(r.timer);
  std::function<void(bool)> finish = std::move(r.finish);
  note(r.txid, r.channel_id, "a goleveldb iterator is released while a request goroutine reads it");
  // The goroutine's Next fails as its own task, after whatever released the iterator.
  deps_.sim->spawn([finish = std::move(finish)] { finish(true); },
                   [&] { return label("iterator released under a read"); });
}

}  // namespace ccsim::fabric
