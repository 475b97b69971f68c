// Rich queries as a CouchDB state database answers them (core.yaml ledger.state.stateDatabase:
// CouchDB), over the in-memory ledger. A documented subset of CouchDB's Mango query language:
//
//   {"selector": {...}, "fields": [...], "limit": n, "use_index": ..., "bookmark": ...}
//   selector: field conditions, implicitly ANDed; a field is a name or a dotted path "a.b";
//     a condition is a value (equality) or an object of operators:
//     $eq $ne $gt $gte $lt $lte $exists $in $nin, and $and $or $nor (arrays of selectors)
//     and $not (a selector) at any level.
//   Values compare in CouchDB's collation order of types: null < false < true < numbers <
//   strings < arrays < objects; strings compare by code point (CouchDB uses ICU collation).
//
// Only values that are JSON objects are documents; others never match. Results come in key
// order (CouchDB's _id order without a sort). "limit" is overridden by the peer, as Fabric
// does; "fields" must be an array and is otherwise ignored (the full value is returned);
// "sort" needs an index, which ccsim does not model: it fails as CouchDB does without one.
// A query that is not JSON fails with ccsim's own text (Fabric passes on Go's json error).
// Queries and documents nest at most 100 levels (a deeper query fails, a deeper document
// never matches): matching recurses once per level, and must not exhaust a thread's stack.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"

namespace ccsim::fabric {

/// The matching documents among `candidates` (key order kept), or Fabric's error text.
std::variant<std::vector<QueryResult>, std::string> execute_couchdb_query(
    const std::string& query, const std::vector<QueryResult>& candidates);

}  // namespace ccsim::fabric
