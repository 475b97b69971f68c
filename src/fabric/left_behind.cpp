#include "ccsim/fabric/left_behind.hpp"

#include "ccsim/fabric/peer.hpp"

namespace ccsim::fabric {

LeftBehind left_behind(const Peer& peer) {
  LeftBehind left;
  for (const auto& handler : peer.support().handlers()) {
    for (const auto& [key, ctx] : handler->contexts().all()) {
      ++left.contexts;
      left.iterators += ctx->query_iterators.size();
      if (left.first.empty()) {
        left.first = handler->stream_name() + " " + ctx->params.channel_id + "/" + ctx->params.txid;
      }
    }
  }
  return left;
}

}  // namespace ccsim::fabric
