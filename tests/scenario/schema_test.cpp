// docs/scenario.schema.json stays in step with the loader and the docs: a minimal JSON Schema
// validator (the subset the schema uses) checks every bundled scenario and every complete
// example in docs/scenario-format.md against it, checks that it rejects the structural cases
// of the bad corpus, and compares its keys and enumerations with what the loader accepts.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "ccsim/fabric/fault.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/scenario/errors.hpp"
#include "test_support.hpp"

using namespace ccsim;
using testing::load_error;
using Json = nlohmann::json;

namespace {

// --- A validator for the subset of draft 2020-12 the schema uses -----------------------------

const std::set<std::string> kAnnotations = {"$schema",     "$id",     "title",
                                            "description", "default", "examples"};
const std::set<std::string> kKeywords = {
    "type",          "properties",  "required", "additionalProperties",
    "propertyNames", "items",       "enum",     "const",
    "pattern",       "minimum",     "maximum",  "minLength",
    "minItems",      "uniqueItems", "oneOf",    "anyOf",
    "$ref",          "$defs"};

bool has_type(const Json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  throw std::runtime_error("unknown type " + type);
}

long double number(const Json& v) {
  if (v.is_number_unsigned()) return static_cast<long double>(v.get<std::uint64_t>());
  if (v.is_number_integer()) return static_cast<long double>(v.get<std::int64_t>());
  return static_cast<long double>(v.get<double>());
}

std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

class Validator {
 public:
  explicit Validator(Json root) : root_(std::move(root)) {}

  /// The instance's errors, "pointer: what", empty when it is valid.
  std::vector<std::string> errors(const Json& instance) const {
    std::vector<std::string> out;
    check(root_, instance, "", out);
    return out;
  }
  bool valid(const Json& instance) const { return errors(instance).empty(); }

  const Json& resolve(const std::string& ref) const {
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
    const std::string name = ref.substr(prefix.size());
    if (!root_.at("$defs").contains(name)) throw std::runtime_error("dangling $ref " + ref);
    return root_.at("$defs").at(name);
  }
  const Json& root() const { return root_; }

 private:
  void check(const Json& schema, const Json& v, const std::string& at,
             std::vector<std::string>& out) const {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) out.push_back(at + ": not allowed");
      return;
    }
    for (const auto& item : schema.items()) {
      if (kKeywords.count(item.key()) == 0 && kAnnotations.count(item.key()) == 0) {
        throw std::runtime_error("the test's validator does not implement \"" + item.key() + "\"");
      }
    }
    if (schema.contains("$ref")) check(resolve(schema["$ref"].get<std::string>()), v, at, out);
    if (schema.contains("type")) {
      const Json& t = schema["type"];
      bool ok = false;
      if (t.is_string()) {
        ok = has_type(v, t.get<std::string>());
      } else {
        for (const Json& one : t)
          ok = ok || has_type(v, one.get<std::string>());
      }
      if (!ok) {
        out.push_back(at + ": expected type " + t.dump() + ", got " + v.dump());
        return;
      }
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end()) {
      out.push_back(at + ": " + v.dump() + " is not one of " + schema["enum"].dump());
    }
    if (schema.contains("const") && v != schema["const"]) {
      out.push_back(at + ": expected " + schema["const"].dump());
    }
    if (v.is_string()) {
      const std::string s = v.get<std::string>();
      if (schema.contains("pattern") &&
          !std::regex_search(s, std::regex(schema["pattern"].get<std::string>()))) {
        out.push_back(at + ": \"" + s + "\" does not match " + schema["pattern"].dump());
      }
      if (schema.contains("minLength") && utf8_length(s) < schema["minLength"].get<std::size_t>())
        out.push_back(at + ": too short");
    }
    if (v.is_number()) {
      if (schema.contains("minimum") && number(v) < number(schema["minimum"]))
        out.push_back(at + ": less than " + schema["minimum"].dump());
      if (schema.contains("maximum") && number(v) > number(schema["maximum"]))
        out.push_back(at + ": more than " + schema["maximum"].dump());
    }
    if (v.is_object()) {
      if (schema.contains("required")) {
        for (const Json& key : schema["required"]) {
          if (!v.contains(key.get<std::string>()))
            out.push_back(at + ": missing " + key.get<std::string>());
        }
      }
      for (const auto& item : v.items()) {
        const std::string where = at + "/" + item.key();
        if (schema.contains("propertyNames"))
          check(schema["propertyNames"], item.key(), where, out);
        if (schema.contains("properties") && schema["properties"].contains(item.key())) {
          check(schema["properties"][item.key()], item.value(), where, out);
        } else if (schema.contains("additionalProperties")) {
          check(schema["additionalProperties"], item.value(), where, out);
        }
      }
    }
    if (v.is_array() && schema.contains("items")) {
      for (std::size_t i = 0; i < v.size(); ++i)
        check(schema["items"], v[i], at + "/" + std::to_string(i), out);
    }
    if (v.is_array() && schema.contains("minItems") &&
        v.size() < schema["minItems"].get<std::size_t>())
      out.push_back(at + ": fewer than " + schema["minItems"].dump() + " items");
    if (v.is_array() && schema.value("uniqueItems", false)) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        for (std::size_t k = 0; k < i; ++k) {
          if (v[i] == v[k]) out.push_back(at + "/" + std::to_string(i) + ": a repeated item");
        }
      }
    }
    for (const char* combinator : {"oneOf", "anyOf"}) {
      if (!schema.contains(combinator)) continue;
      std::size_t matched = 0;
      for (const Json& branch : schema[combinator]) {
        std::vector<std::string> branch_errors;
        check(branch, v, at, branch_errors);
        if (branch_errors.empty()) ++matched;
      }
      const bool ok = std::string(combinator) == "oneOf" ? matched == 1 : matched >= 1;
      if (!ok) {
        out.push_back(at + ": matches " + std::to_string(matched) + " branches of " + combinator);
      }
    }
  }

  Json root_;
};

Json read_json(const std::string& path) {
  return Json::parse(testing::read_file(path));
}

Validator schema() {
  return Validator(read_json(testing::source_path("docs/scenario.schema.json")));
}

// The subschema (with $ref resolved) describing the object at `tokens` below the root, for
// objects the loader checks keys of. A oneOf/anyOf takes the first branch that has the key.
const Json* subschema(const Validator& val, const Json* s, const std::vector<std::string>& tokens,
                      std::size_t i = 0) {
  while (s->contains("$ref") && !s->contains("properties"))
    s = &val.resolve((*s)["$ref"].get<std::string>());
  if (i == tokens.size()) {
    if (s->contains("properties")) return s;
    for (const char* combinator : {"oneOf", "anyOf"}) {
      if (!s->contains(combinator)) continue;
      for (const Json& branch : (*s)[combinator]) {
        if (const Json* found = subschema(val, &branch, tokens, i)) return found;
      }
    }
    return nullptr;
  }
  const std::string& token = tokens[i];
  if (s->contains("properties") && (*s)["properties"].contains(token))
    return subschema(val, &(*s)["properties"][token], tokens, i + 1);
  if (s->contains("items") && std::all_of(token.begin(), token.end(), ::isdigit))
    return subschema(val, &(*s)["items"], tokens, i + 1);
  if (s->contains("additionalProperties") && (*s)["additionalProperties"].is_object())
    return subschema(val, &(*s)["additionalProperties"], tokens, i + 1);
  for (const char* combinator : {"oneOf", "anyOf"}) {
    if (!s->contains(combinator)) continue;
    for (const Json& branch : (*s)[combinator]) {
      if (const Json* found = subschema(val, &branch, tokens, i)) return found;
    }
  }
  return nullptr;
}

std::set<std::string> keys_of(const Json& object_schema) {
  std::set<std::string> out;
  for (const auto& item : object_schema["properties"].items())
    out.insert(item.key());
  return out;
}

std::vector<std::string> split_pointer(const std::string& pointer) {
  std::vector<std::string> tokens;
  std::size_t start = 1;
  while (start <= pointer.size() && !pointer.empty()) {
    const std::size_t slash = pointer.find('/', start);
    tokens.push_back(pointer.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return tokens;
}

// A scenario with every object the loader checks the keys of.
const char* kFull = R"({
  "name": "full", "description": "every object", "profile": "2.5", "seed": 7,
  "overrides": { "launch_requires_ready": true },
  "config": { "execute_timeout": "2s", "startup_timeout": "10s", "keepalive": "0",
              "processing": "0" },
  "network": { "latency": "1ms",
               "peer_to_shim": { "latency": { "min": "1ms", "max": "2ms" },
                                 "by_type": { "TRANSACTION": "3ms" } },
               "shim_to_peer": { "latency": "1ms" }, "unsafe_reorder": false },
  "chaincodes": [
    { "name": "a", "version": "1.0",
      "container": { "build": "0", "start": "500ms", "crash": { "at": "1h", "exit_code": 2 },
                     "before_register": [ { "type": "KEEPALIVE" } ] },
      "init": [ { "put_state": { "key": "k", "value": "v" } } ],
      "functions": { "f": [
        { "get_state": { "key": "k", "collection": "c" } },
        { "put_state": { "key": "k", "value": "v" } },
        { "del_state": { "key": "k" } },
        { "get_private_data_hash": { "collection": "c", "key": "k" } },
        { "purge_private_data": { "collection": "c", "key": "k" } },
        { "get_state_by_range": { "start": "a", "end": "z", "limit": 1, "close": true } },
        { "get_query_result": { "query": "{}", "limit": 0 } },
        { "get_history_for_key": { "key": "k", "limit": 1 } },
        { "get_state_metadata": { "key": "k" } },
        { "put_state_metadata": { "key": "k", "metakey": "m", "value": "v" } },
        { "invoke_chaincode": { "chaincode": "b", "function": "g", "args": ["x"],
                                "channel": "ch1" } },
        { "set_event": { "name": "e", "payload": "p" } },
        { "sleep": "1ms" },
        { "return": { "status": 200, "payload": "ok", "message": "" } } ] } },
    { "name": "b",
      "container": { "exit_before_register": { "after": "1s", "code": 1 } },
      "functions": { "g": [ { "fail": "no" } ] } },
    { "name": "c", "container": { "build": "1s" },
      "service": { "address": "10.0.0.1:9999", "dial_timeout": "1s", "listening_at": "2s",
                   "while_down": "drop" },
      "functions": { "h": [] } },
    { "name": "d",
      "service": { "address": "10.0.0.2:9999",
                   "while_down": [ { "from": "0", "as": "refuse" }, { "from": "1s", "as": "drop" } ] },
      "functions": { "h": [] } } ],
  "proposals": [
    { "at": "0", "txid": "tx1", "channel": "ch1", "chaincode": "a", "function": "f",
      "args": ["1"], "init": false, "duplicate": false,
      "repeat": { "count": 1, "interval": "1ms" } } ],
  "faults": [
    { "after": { "type": "TRANSACTION", "from": "peer", "count": 1 }, "chaincode": "a",
      "action": "half_close", "side": "shim" },
    { "action": "delay", "chaincode": "a", "message": "READY", "by": "1ms" },
    { "at": "1s", "chaincode": "a", "action": "inject", "side": "shim",
      "message": { "type": "COMPLETED", "txid": "tx9", "channel": "ch1", "status": 200,
                   "payload": "p", "message": "m", "event": { "name": "e", "payload": "p" } } } ],
  "expect": {
    "outcomes": { "tx1-1": { "status": 200, "payload": "ok", "error": null,
                             "error_contains": "", "error_matches": ".*", "within": "1s",
                             "completed_by": "1s", "not_before": "0" } },
    "delivered": { "tx1-1": ["TRANSACTION"] },
    "ledger": { "ch1": { "a": { "k": null } } },
    "messages": [ { "type": "ERROR", "from": "peer", "txid": "tx1-1", "chaincode": "a",
                    "event": "send", "count": 0, "not_before": "0", "by": "1s" } ],
    "notes": [ { "actor": "launcher", "contains": "launch", "txid": "tx1-1", "chaincode": "a",
                 "min": 1, "at": "0" } ],
    "order": [ { "first": { "event": "send", "type": "TRANSACTION", "from": "peer" },
                 "then": { "event": "note", "actor": "peer", "txid": "tx1-1", "chaincode": "a",
                           "channel": "ch1", "detail_contains": "x" } } ],
    "properties": [ "no_stream_end" ] },
  "limits": { "max_events": 1000, "horizon": "1h", "max_proposals": 10, "max_call_depth": 3 },
  "replay": { "tie_window": "0",
              "decisions": [ { "key": "latency peer->a TRANSACTION tx1-1", "value": 5,
                               "occurrence": 0, "range": 1000001 } ] }
})";

}  // namespace

TEST_CASE("the schema: draft 2020-12, only keywords the validator implements, no dangling $ref") {
  const Validator v = schema();
  CHECK(v.root()["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  // Walk every subschema: unknown keywords throw, and every $ref resolves.
  std::vector<const Json*> todo{&v.root()};
  std::size_t seen = 0;
  while (!todo.empty()) {
    const Json* s = todo.back();
    todo.pop_back();
    if (!s->is_object()) continue;
    ++seen;
    for (const auto& item : s->items()) {
      CAPTURE(item.key());
      CHECK((kKeywords.count(item.key()) == 1 || kAnnotations.count(item.key()) == 1));
      if (item.key() == "$ref") CHECK_NOTHROW(v.resolve(item.value().get<std::string>()));
      if (item.key() == "properties" || item.key() == "$defs") {
        for (const auto& sub : item.value().items())
          todo.push_back(&sub.value());
      } else if (item.key() == "oneOf" || item.key() == "anyOf") {
        for (const Json& sub : item.value())
          todo.push_back(&sub);
      } else if (item.key() == "items" || item.key() == "additionalProperties" ||
                 item.key() == "propertyNames") {
        todo.push_back(&item.value());
      }
    }
  }
  CHECK(seen > 100);
  CHECK(v.valid(Json::parse(kFull)));
  CHECK(load_error(kFull) == "(no error)");
}

TEST_CASE("the validator itself rejects what it should") {
  const Validator v = schema();
  Json s = Json::parse(kFull);
  CHECK(v.valid(s));
  s["confg"] = Json::object();
  CHECK(v.errors(s) == std::vector<std::string>{"/confg: not allowed"});
  s = Json::parse(kFull);
  s["proposals"][0]["at"] = "-1s";
  CHECK(v.errors(s) ==
        std::vector<std::string>{"/proposals/0/at: \"-1s\" does not match "
                                 "\"^(0|([0-9]+(\\\\.[0-9]+)?|\\\\.[0-9]+)(ns|us|ms|s|m|h))$\""});
  s = Json::parse(kFull);
  s["chaincodes"][0]["functions"]["f"][0] = {{"get_stat", "k"}};
  CHECK(v.errors(s) ==
        std::vector<std::string>{"/chaincodes/0/functions/f/0: matches 0 branches of oneOf"});
  s = Json::parse(kFull);
  s["limits"]["max_call_depth"] = -1;
  CHECK(v.errors(s) == std::vector<std::string>{"/limits/max_call_depth: less than 0"});
  s = Json::parse(kFull);
  s["expect"]["outcomes"]["tx1-1"]["status"] = "200";  // neither an outcome nor an array of them
  CHECK(v.errors(s) ==
        std::vector<std::string>{"/expect/outcomes/tx1-1: matches 0 branches of oneOf"});
  s = Json::parse(kFull);
  s["limits"]["max_events"] = "10";
  CHECK(v.errors(s) ==
        std::vector<std::string>{"/limits/max_events: expected type \"integer\", got \"10\""});
  s = Json::parse(kFull);
  s["faults"][0]["at"] = "1s";  // at and after
  CHECK(v.errors(s) == std::vector<std::string>{"/faults/0: matches 2 branches of oneOf"});
  s = Json::parse(kFull);
  s.erase("proposals");
  CHECK(v.errors(s) == std::vector<std::string>{": missing proposals"});
}

TEST_CASE("every bundled scenario is valid against the schema and loads") {
  const Validator v = schema();
  const std::vector<std::string> files = testing::bundled_scenarios();
  CHECK(files.size() >= 30);
  for (const std::string& file : files) {
    CAPTURE(file);
    CHECK(v.errors(read_json(file)) == std::vector<std::string>{});
    CHECK_NOTHROW(scenario::load_file(file));
  }
}

TEST_CASE("every complete example in docs/scenario-format.md is valid, loads and passes") {
  const std::string doc = testing::read_file(testing::source_path("docs/scenario-format.md"));
  const Validator v = schema();
  std::size_t complete = 0;
  std::size_t pos = 0;
  while ((pos = doc.find("```json\n", pos)) != std::string::npos) {
    const std::size_t start = pos + 8;
    const std::size_t end = doc.find("```", start);
    REQUIRE(end != std::string::npos);
    const std::string text = doc.substr(start, end - start);
    pos = end + 3;
    const Json j = Json::parse(text, nullptr, false);
    CAPTURE(text);
    REQUIRE(!j.is_discarded());  // every json block parses
    if (!j.is_object() || !j.contains("chaincodes") || !j.contains("proposals")) continue;
    ++complete;
    CHECK(v.errors(j) == std::vector<std::string>{});
    REQUIRE(load_error(text) == "(no error)");
    // And it does what it says: every expectation holds.
    const auto result = scenario::run(scenario::load_text(text, "doc.json"), {});
    CHECK(result.failures == std::vector<std::string>{});
    CHECK(result.limit_error == std::nullopt);
  }
  CHECK(complete >= 3);
}

TEST_CASE("bad corpus: the schema rejects every structural error, the rest need the loader") {
  // Errors the schema cannot see: references, uniqueness, arithmetic, regular expressions.
  const std::set<std::string> semantic = {
      "bad_regex", "call_chain_cycle", "call_chain_too_deep_in_cycle", "call_chain_too_deep",
      "duplicate_chaincode", "duplicate_txid", "duplicate_txid_repeat", "invoke_unknown_chaincode",
      "max_proposals", "message_count_and_min", "overflowing_duration",
      "private_data_before_its_release", "message_window_at_and_by",
      "outcomes_per_submission_count", "query_too_deep", "repeat_past_time",
      "step_before_its_release", "service_before_2_0", "service_with_container_start",
      "package_id_before_2x", "unknown_chaincode", "unknown_expect_txid", "unknown_function",
      "unknown_ledger_chaincode", "unknown_ledger_channel",
      // Gone once parsed: a parser keeps the last of two
      // equal keys, so a schema never sees the first.
      "duplicate_key"};
  // Not JSON objects at all: the loader's own checks.
  const std::set<std::string> unparsable = {"empty", "malformed_json", "not_utf8",
                                            "number_overflow"};
  const Validator v = schema();
  std::size_t structural = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("tests/scenario/bad"))) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    if (unparsable.count(name) != 0) {
      CHECK(Json::parse(testing::read_file(entry.path().string()), nullptr, false).is_discarded());
      continue;
    }
    const Json j = read_json(entry.path().string());
    if (semantic.count(name) != 0) {
      CHECK(v.errors(j) == std::vector<std::string>{});
    } else {
      ++structural;
      CHECK_FALSE(v.valid(j));
    }
  }
  CHECK(structural >= 20);
}

TEST_CASE("the schema's object keys equal the loader's, object by object") {
  // An unknown key far from every known one makes the loader list the keys it knows.
  const std::string probe = "zzzzzzzzzzzzzzzzzzzzzzzz";
  const Validator v = schema();
  const Json full = Json::parse(kFull);
  for (const std::string pointer : {"",
                                    "/config",
                                    "/network",
                                    "/network/peer_to_shim",
                                    "/network/peer_to_shim/latency",
                                    "/overrides",
                                    "/chaincodes/0",
                                    "/chaincodes/0/container",
                                    "/chaincodes/0/container/crash",
                                    "/chaincodes/1/container/exit_before_register",
                                    "/chaincodes/2/service",
                                    "/chaincodes/0/functions/f/0/get_state",
                                    "/chaincodes/0/functions/f/1/put_state",
                                    "/chaincodes/0/functions/f/2/del_state",
                                    "/chaincodes/0/functions/f/3/get_private_data_hash",
                                    "/chaincodes/0/functions/f/4/purge_private_data",
                                    "/chaincodes/0/functions/f/5/get_state_by_range",
                                    "/chaincodes/0/functions/f/6/get_query_result",
                                    "/chaincodes/0/functions/f/7/get_history_for_key",
                                    "/chaincodes/0/functions/f/8/get_state_metadata",
                                    "/chaincodes/0/functions/f/9/put_state_metadata",
                                    "/chaincodes/0/functions/f/10/invoke_chaincode",
                                    "/chaincodes/0/functions/f/11/set_event",
                                    "/chaincodes/0/functions/f/13/return",
                                    "/proposals/0",
                                    "/proposals/0/repeat",
                                    "/faults/0",
                                    "/faults/0/after",
                                    "/expect",
                                    "/expect/outcomes/tx1-1",
                                    "/expect/messages/0",
                                    "/limits",
                                    "/replay",
                                    "/replay/decisions/0"}) {
    CAPTURE(pointer);
    Json j = full;
    j[Json::json_pointer(pointer)][probe] = 1;
    const std::string error = load_error(j.dump());
    const Json* object = subschema(v, &v.root(), split_pointer(pointer));
    REQUIRE(object != nullptr);
    CHECK((*object)["additionalProperties"] == false);
    if (pointer == "/overrides") {
      // Switches are not keys of a fixed object: the registry lists them.
      std::set<std::string> switches;
      for (const fabric::ProfileSwitch& sw : fabric::profile_switches())
        switches.insert(sw.name);
      CHECK(keys_of(*object) == switches);
      continue;
    }
    const std::string marker = "; expected one of: ";
    const std::size_t at = error.find(marker);
    REQUIRE(at != std::string::npos);
    CHECK(error.substr(0, at) ==
          "s.json: " + pointer + "/" + probe + ": unknown key \"" + probe + "\"");
    std::set<std::string> loader_keys;
    std::istringstream words(error.substr(at + marker.size()));
    for (std::string w; words >> w;) {
      REQUIRE(w.size() >= 2);  // each key is quoted: "name"
      loader_keys.insert(w.substr(1, w.size() - 2));
    }
    CHECK(keys_of(*object) == loader_keys);
  }
}

TEST_CASE("the schema's step names equal the loader's") {
  const std::string error = load_error(
      R"({"chaincodes": [ { "name": "a", "functions": { "f": [ {} ] } } ], "proposals": []})");
  const std::string marker = "exactly one key: ";
  REQUIRE(error.find(marker) != std::string::npos);
  std::string list = error.substr(error.find(marker) + marker.size());
  list = std::regex_replace(list, std::regex(",| or "), " ");
  std::set<std::string> loader_steps;
  std::istringstream words(list);
  for (std::string w; words >> w;)
    loader_steps.insert(w);
  std::set<std::string> schema_steps;
  const Validator v = schema();
  for (const Json& branch : v.resolve("#/$defs/step")["oneOf"]) {
    REQUIRE(branch["required"].size() == 1);
    schema_steps.insert(branch["required"][0].get<std::string>());
    CHECK(branch["additionalProperties"] == false);
  }
  CHECK(schema_steps == loader_steps);
}

TEST_CASE("the schema's enumerations equal the registries") {
  const Validator v = schema();
  const auto strings = [](const Json& e) {
    std::set<std::string> out;
    for (const Json& x : e)
      out.insert(x.get<std::string>());
    return out;
  };
  const auto names = fabric::profile_names();
  CHECK(strings(v.root().at("properties").at("profile").at("enum")) ==
        std::set<std::string>(names.begin(), names.end()));
  const auto actions = fabric::fault_action_names();
  CHECK(strings(v.resolve("#/$defs/fault").at("properties").at("action").at("enum")) ==
        std::set<std::string>(actions.begin(), actions.end()));
  std::set<std::string> properties;
  for (const scenario::Property& p : scenario::properties())
    properties.insert(p.name);
  CHECK(strings(
            v.resolve("#/$defs/expect").at("properties").at("properties").at("items").at("enum")) ==
        properties);
  std::set<std::string> types;
  for (int t = 0; t < 256; ++t) {
    const auto type = static_cast<fabric::MessageType>(t);
    if (fabric::message_type_from_string(fabric::to_string(type)) == type)
      types.insert(fabric::to_string(type));
  }
  CHECK(types.size() == 23);
  CHECK(strings(v.resolve("#/$defs/message_type").at("enum")) == types);
  // The meanings of the switches are the registry's, word for word.
  for (const fabric::ProfileSwitch& sw : fabric::profile_switches()) {
    CAPTURE(sw.name);
    std::string meaning = sw.meaning;
    meaning[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(meaning[0])));
    CHECK(
        v.root().at("properties").at("overrides").at("properties").at(sw.name).at("description") ==
        meaning + ".");
  }
}

TEST_CASE("the schema's defaults are the loader's") {
  const auto s = scenario::load_text(
      R"({"chaincodes": [ { "name": "a", "functions": { "f": [] } } ],
          "proposals": [ { "chaincode": "a", "function": "f" } ]})",
      "s.json");
  const Validator v = schema();
  const Json& top = v.root().at("properties");
  const auto dur = [](const Json& d) {
    return scenario::parse_duration(d.get<std::string>(), "schema", "/").ns();
  };
  CHECK(top.at("profile").at("default") == s.profile.name);
  CHECK(top.at("seed").at("default") == s.default_seed);
  CHECK(dur(top.at("config").at("properties").at("execute_timeout").at("default")) ==
        s.config.execute_timeout.ns());
  CHECK(dur(top.at("config").at("properties").at("startup_timeout").at("default")) ==
        s.config.startup_timeout.ns());
  CHECK(top.at("config").at("properties").at("peer_id").at("default") == s.config.peer_id);
  CHECK(top.at("config").at("properties").at("network_id").at("default") == s.config.network_id);
  CHECK(dur(top.at("config").at("properties").at("keepalive").at("default")) ==
        s.config.keepalive.ns());
  CHECK(dur(top.at("config").at("properties").at("processing").at("default")) ==
        s.config.processing.ns());
  const Json& limits = v.resolve("#/$defs/limits").at("properties");
  CHECK(limits.at("max_events").at("default") == s.limits.max_events);
  CHECK(limits.at("max_proposals").at("default") == s.max_proposals);
  CHECK(limits.at("max_call_depth").at("default") == s.config.max_call_depth);
  const Json& proposal = v.resolve("#/$defs/proposal").at("properties");
  CHECK(proposal.at("channel").at("default") == s.proposals[0].proposal.channel_id);
  CHECK(v.resolve("#/$defs/chaincode").at("properties").at("version").at("default") ==
        s.chaincodes[0].version);
  const Json& service = v.resolve("#/$defs/service").at("properties");
  const fabric::ServiceBehaviour default_service;
  CHECK(dur(service.at("dial_timeout").at("default")) == default_service.dial_timeout.ns());
  CHECK(dur(service.at("listening_at").at("default")) == default_service.listening_at.ns());
  CHECK(service.at("while_down").at("default") == "refuse");
  CHECK(default_service.while_down == fabric::ServiceBehaviour::WhileDown::kRefuse);
}
