// CouchDB's query language is JSON, so this one file of the fabric layer reads JSON (with
// nlohmann, privately): it models the state database, not the scenario format.
#include "ccsim/fabric/couchdb_query.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ccsim::fabric {

namespace {

using Json = nlohmann::json;

// Arrays and objects nested deeper than this in a query or a document: ccsim's bound (Go's
// encoding/json, which Fabric decodes with, stops at 10000), so that matching, which recurses
// once per level of the selector, cannot exhaust a thread's stack.
constexpr int kMaxDepth = 100;
struct TooDeep {};

// Parses `text` (discarded if it is not JSON); throws TooDeep past kMaxDepth levels. The
// parser itself does not recurse, so the check costs nothing on deep input.
Json parse_bounded(const std::string& text) {
  const auto bound = [](int depth, Json::parse_event_t event, Json&) {
    const bool opens =
        event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth + 1 > kMaxDepth) throw TooDeep{};
    return true;
  };
  return Json::parse(text, bound, /*allow_exceptions=*/false);
}

/// A CouchDB error as Fabric's couchdb.go reports it.
struct CouchError {
  std::string text;
};

CouchError couch_error(const std::string& error, const std::string& reason) {
  return CouchError{"error handling CouchDB request. Error:" + error +
                    ",  Status Code:400,  Reason:" + reason};
}

// CouchDB collation: null < false < true < numbers < strings < arrays < objects.
int type_rank(const Json& v) {
  if (v.is_null()) return 0;
  if (v.is_boolean()) return v.get<bool>() ? 2 : 1;
  if (v.is_number()) return 3;
  if (v.is_string()) return 4;
  if (v.is_array()) return 5;
  return 6;
}

int compare(const Json& a, const Json& b) {
  const int ra = type_rank(a);
  const int rb = type_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (a.is_number()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string()) {
    const auto& x = a.get_ref<const std::string&>();
    const auto& y = b.get_ref<const std::string&>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      if (int c = compare(a[i], b[i])) return c;
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  if (a.is_object()) return a == b ? 0 : (a.dump() < b.dump() ? -1 : 1);
  return 0;  // null, or booleans of one rank
}

/// The value at a dotted path, or nullptr if the document has no such field.
const Json* field(const Json& doc, const std::string& path) {
  const Json* at = &doc;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!at->is_object() || !at->contains(name)) return nullptr;
    at = &(*at)[name];
    if (dot == std::string::npos) return at;
    start = dot + 1;
  }
}

bool matches(const Json& doc, const Json& selector);

bool any_matches(const Json& doc, const Json& selectors, const std::string& op) {
  if (!selectors.is_array()) throw couch_error("invalid_operator", "Invalid operator: " + op);
  return std::any_of(selectors.begin(), selectors.end(),
                     [&](const Json& s) { return matches(doc, s); });
}

// One field's condition: a value (equality) or an object of operators.
bool condition_holds(const Json* value, const Json& condition) {
  const bool operators =
      condition.is_object() && !condition.empty() && condition.begin().key().rfind('$', 0) == 0;
  if (!operators) return value != nullptr && compare(*value, condition) == 0;
  for (const auto& [op, arg] : condition.items()) {
    bool ok = false;
    if (op == "$exists") {
      ok = (value != nullptr) == arg.get<bool>();
    } else if (op == "$not") {
      ok = !condition_holds(value, arg);
    } else if (op == "$in" || op == "$nin") {
      if (!arg.is_array()) throw couch_error("invalid_operator", "Invalid operator: " + op);
      const bool in = value != nullptr && std::any_of(arg.begin(), arg.end(), [&](const Json& v) {
                        return compare(*value, v) == 0;
                      });
      ok = op == "$in" ? in : !in;
    } else if (value == nullptr) {
      ok = false;  // comparisons never match a missing field
    } else if (op == "$eq") {
      ok = compare(*value, arg) == 0;
    } else if (op == "$ne") {
      ok = compare(*value, arg) != 0;
    } else if (op == "$gt") {
      ok = compare(*value, arg) > 0;
    } else if (op == "$gte") {
      ok = compare(*value, arg) >= 0;
    } else if (op == "$lt") {
      ok = compare(*value, arg) < 0;
    } else if (op == "$lte") {
      ok = compare(*value, arg) <= 0;
    } else {
      throw couch_error("invalid_operator", "Invalid operator: " + op);
    }
    if (!ok) return false;
  }
  return true;
}

bool matches(const Json& doc, const Json& selector) {
  if (!selector.is_object())
    throw couch_error("invalid_selector", "Selector must be a JSON object");
  for (const auto& [key, cond] : selector.items()) {
    bool ok = true;
    if (key == "$and") {
      if (!cond.is_array()) throw couch_error("invalid_operator", "Invalid operator: $and");
      ok = std::all_of(cond.begin(), cond.end(), [&](const Json& s) { return matches(doc, s); });
    } else if (key == "$or") {
      ok = any_matches(doc, cond, key);
    } else if (key == "$nor") {
      ok = !any_matches(doc, cond, key);
    } else if (key == "$not") {
      ok = !matches(doc, cond);
    } else if (key.rfind('$', 0) == 0) {
      throw couch_error("invalid_operator", "Invalid operator: " + key);
    } else {
      ok = condition_holds(field(doc, key), cond);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::variant<std::vector<QueryResult>, std::string> execute_couchdb_query(
    const std::string& query, const std::vector<QueryResult>& candidates) {
  // applyAdditionalQueryOptions: the query must decode as a JSON object.
  Json q;
  try {
    q = parse_bounded(query);
  } catch (const TooDeep&) {
    return "query nests arrays and objects deeper than " + std::to_string(kMaxDepth) +
           " levels (ccsim's limit)";
  }
  if (q.is_discarded() || !q.is_object()) {
    // Fabric returns Go's encoding/json error here; ccsim does not reproduce those texts.
    return std::string("query is not a JSON object");
  }
  if (q.contains("fields") && !q["fields"].is_array()) {
    return std::string("fields definition must be an array");
  }
  try {
    if (!q.contains("selector"))
      throw couch_error("missing_required_key", "Missing required key: selector");
    if (q.contains("sort")) {
      throw couch_error("no_usable_index",
                        "No index exists for this sort, try indexing by the sort fields.");
    }
    std::vector<QueryResult> out;
    for (const QueryResult& r : candidates) {
      Json doc;
      try {
        doc = parse_bounded(r.value);
      } catch (const TooDeep&) {
        continue;  // as a value that is not JSON: CouchDB keeps it as an attachment
      }
      if (doc.is_discarded() || !doc.is_object()) continue;
      if (matches(doc, q["selector"])) out.push_back(r);
    }
    return out;
  } catch (const CouchError& e) {
    return e.text;
  } catch (const Json::exception&) {
    return couch_error("invalid_operator", "Invalid operator argument").text;
  }
}

}  // namespace ccsim::fabric
