// What a run leaves behind in the peer's handlers: transaction contexts and query iterators
// still held when it ends. Read-only, for the fuzzer's "nothing left behind" property; Fabric
// deletes a context when its Execute returns (docs/fabric-sources.md 2.2, "defer
// TXContexts.Delete") and closes its iterators with it.
#pragma once

#include <cstddef>
#include <string>

namespace ccsim::fabric {

class Peer;

struct LeftBehind {
  std::size_t contexts = 0;   // transaction contexts still held, over every handler
  std::size_t iterators = 0;  // query iterators still open in them
  /// The first context left, "<stream> <channel>/<txid>" (handlers in acceptance order,
  /// contexts in key order); empty when none.
  std::string first;
};

/// Counts what `peer`'s handlers still hold.
LeftBehind left_behind(const Peer& peer);

}  // namespace ccsim::fabric
