// Rich queries on a CouchDB state database (docs/fabric-sources.md 2.2 GET_QUERY_RESULT), over
// the documented Mango subset. Expected keys are worked out by hand from the documents below.
#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"
#include "ccsim/fabric/couchdb_query.hpp"
#include "ccsim/scenario/errors.hpp"

using namespace ccsim;
using fabric::QueryResult;

namespace {
const std::vector<QueryResult> kDocs = {
    {"m1", R"({"type":"marble","color":"blue","size":10,"owner":{"name":"tom"}})", "", false},
    {"m2", R"({"type":"marble","color":"red","size":25,"owner":{"name":"ann"}})", "", false},
    {"m3", R"({"type":"marble","color":"blue","size":35})", "", false},
    {"n1", R"({"type":"note","text":"hi"})", "", false},
    {"raw", "not json", "", false},
    {"arr", "[1,2]", "", false},
};

std::vector<std::string> keys_for(const std::string& query) {
  auto r = fabric::execute_couchdb_query(query, kDocs);
  std::vector<std::string> out;
  if (auto* err = std::get_if<std::string>(&r)) return {"error: " + *err};
  for (const QueryResult& q : std::get<std::vector<QueryResult>>(r))
    out.push_back(q.key);
  return out;
}
using Keys = std::vector<std::string>;
}  // namespace

TEST_CASE("CouchDB subset: equality, implicit AND, dotted paths, key order") {
  CHECK(keys_for(R"({"selector":{"type":"marble"}})") == Keys{"m1", "m2", "m3"});
  CHECK(keys_for(R"({"selector":{"type":"marble","color":"blue"}})") == Keys{"m1", "m3"});
  CHECK(keys_for(R"({"selector":{"owner.name":"ann"}})") == Keys{"m2"});
  CHECK(keys_for(R"({"selector":{}})") == Keys{"m1", "m2", "m3", "n1"});  // objects only
}

TEST_CASE("CouchDB subset: comparison and membership operators") {
  CHECK(keys_for(R"({"selector":{"size":{"$gt":10}}})") == Keys{"m2", "m3"});
  CHECK(keys_for(R"({"selector":{"size":{"$gte":10,"$lt":30}}})") == Keys{"m1", "m2"});
  CHECK(keys_for(R"({"selector":{"size":{"$lte":25}}})") == Keys{"m1", "m2"});
  CHECK(keys_for(R"({"selector":{"color":{"$ne":"blue"},"type":"marble"}})") == Keys{"m2"});
  CHECK(keys_for(R"({"selector":{"color":{"$in":["red","green"]}}})") == Keys{"m2"});
  CHECK(keys_for(R"({"selector":{"type":"marble","color":{"$nin":["red"]}}})") == Keys{"m1", "m3"});
  CHECK(keys_for(R"({"selector":{"owner":{"$exists":false},"type":"marble"}})") == Keys{"m3"});
  CHECK(keys_for(R"({"selector":{"size":{"$not":{"$gt":20}},"type":"marble"}})") == Keys{"m1"});
}

TEST_CASE("CouchDB subset: $and, $or, $nor, a missing field matches no comparison") {
  CHECK(keys_for(R"({"selector":{"$or":[{"color":"red"},{"type":"note"}]}})") == Keys{"m2", "n1"});
  CHECK(keys_for(R"({"selector":{"$and":[{"type":"marble"},{"size":{"$gt":30}}]}})") == Keys{"m3"});
  CHECK(keys_for(R"({"selector":{"$nor":[{"type":"marble"}]}})") == Keys{"n1"});
  CHECK(keys_for(R"({"selector":{"size":{"$lt":100}}})") == Keys{"m1", "m2", "m3"});
}

TEST_CASE("CouchDB collation: numbers sort before strings") {
  // "10" (a string) is greater than any number, so size > "10" matches nothing numeric.
  CHECK(keys_for(R"({"selector":{"size":{"$gt":"10"}}})") == Keys{});
  CHECK(keys_for(R"({"selector":{"size":{"$lt":"10"}}})") == Keys{"m1", "m2", "m3"});
}

TEST_CASE("CouchDB errors as Fabric reports them") {
  CHECK(keys_for(R"({"selector":{"type":"marble"},"sort":[{"size":"asc"}]})") ==
        Keys{"error: error handling CouchDB request. Error:no_usable_index,  Status Code:400,  "
             "Reason:No index exists for this sort, try indexing by the sort fields."});
  CHECK(keys_for(R"({"fields":["a"]})") ==
        Keys{"error: error handling CouchDB request. Error:missing_required_key,  Status "
             "Code:400,  Reason:Missing required key: selector"});
  CHECK(keys_for(R"({"selector":{"size":{"$between":[1,2]}}})") ==
        Keys{"error: error handling CouchDB request. Error:invalid_operator,  Status Code:400,  "
             "Reason:Invalid operator: $between"});
  CHECK(keys_for(R"({"selector":{},"fields":"a"})") ==
        Keys{"error: fields definition must be an array"});
  CHECK(keys_for("not json") == Keys{"error: query is not a JSON object"});
}

TEST_CASE("fabric-sources 2.2: GET_QUERY_RESULT through the handlers on CouchDB") {
  const auto s = scenario::load_text(
      R"({ "config": { "state_database": "CouchDB" }, "chaincodes": [ { "name": "cc", "functions": {
      "w": [ { "put_state": { "key": "a", "value": "{\"color\":\"blue\"}" } },
             { "put_state": { "key": "b", "value": "{\"color\":\"red\"}" } },
             { "put_state": { "key": "c", "value": "{\"color\":\"blue\"}" } } ],
      "q": [ { "get_query_result": { "query": "{\"selector\":{\"color\":\"blue\"}}" } } ] } } ],
    "proposals": [ { "txid": "w", "chaincode": "cc", "function": "w" },
                   { "txid": "q", "chaincode": "cc", "function": "q", "at": "1s" } ] })",
      "couch.json");
  const auto r = scenario::run(s, {});
  std::vector<std::string> responses;
  for (const auto& e : r.trace.events()) {
    if (e.kind == kernel::TraceKind::kSend && e.type == "RESPONSE" && e.txid == "q")
      responses.push_back(e.detail);
  }
  REQUIRE(!responses.empty());
  CHECK(responses.front().rfind("results=2 has_more=false", 0) == 0);
  CHECK(r.outcomes.back().status == 200);
}

TEST_CASE("state_database: unknown names are rejected with a suggestion") {
  try {
    scenario::load_text(
        R"({ "config": { "state_database": "couchdb" }, "chaincodes": [], "proposals": [] })",
        "s.json");
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    // Line 1, column 15: where the key "state_database" begins.
    CHECK(std::string(e.what()) ==
          "s.json:1:15: /config/state_database: unknown state database \"couchdb\" (did you "
          "mean \"CouchDB\"?)");
  }
}

TEST_CASE("nesting: queries and documents deeper than 100 levels cannot exhaust the stack") {
  // Matching recurses once per level of the selector; ccsim stops at 100 levels (Go's
  // encoding/json, which Fabric decodes with, at 10000).
  std::string deep_not = R"({"selector":)";
  for (int i = 0; i < 20000; ++i)
    deep_not += R"({"$not":)";
  deep_not += R"({"color":"blue"})" + std::string(20000, '}') + "}";
  CHECK(keys_for(deep_not) ==
        Keys{"error: query nests arrays and objects deeper than 100 levels (ccsim's limit)"});
  const std::string deep_array =
      R"({"selector":{"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}}";
  CHECK(keys_for(deep_array) ==
        Keys{"error: query nests arrays and objects deeper than 100 levels (ccsim's limit)"});
  // The boundary: the query object is level 1, each $not one more, the innermost condition
  // the last. 98 $not reach level 100 and are a query (an even number: red matches).
  const auto nots = [](int k) {
    std::string q = R"({"selector":)";
    for (int i = 0; i < k; ++i)
      q += R"({"$not":)";
    return q + R"({"color":"red"})" + std::string(static_cast<std::size_t>(k), '}') + "}";
  };
  CHECK(keys_for(nots(98)) == Keys{"m2"});
  CHECK(keys_for(nots(99)) ==
        Keys{"error: query nests arrays and objects deeper than 100 levels (ccsim's limit)"});
  // A document nested past the limit is kept as a value that is not JSON: it never matches.
  const std::vector<QueryResult> docs = {
      {"deep", R"({"color":"blue","x":)" + std::string(150, '[') + std::string(150, ']') + "}", "",
       false},
      {"flat", R"({"color":"blue","x":[]})", "", false}};
  const auto r = fabric::execute_couchdb_query(R"({"selector":{"color":"blue"}})", docs);
  REQUIRE(std::holds_alternative<std::vector<QueryResult>>(r));
  const auto& found = std::get<std::vector<QueryResult>>(r);
  REQUIRE(found.size() == 1);
  CHECK(found[0].key == "flat");
}
