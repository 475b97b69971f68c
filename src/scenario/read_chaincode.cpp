// Reading chaincodes and their functions' steps.
#include "readers.hpp"

#include "ccsim/fabric/template.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <variant>

namespace ccsim::scenario::detail {

using fabric::Step;

namespace {

fabric::Response read_response(const Node& n) {
  n.require_keys({"status", "payload", "message"});
  fabric::Response r;
  if (auto s = n.get("status")) r.status = static_cast<std::int32_t>(s->as_int(0, 999));
  if (auto p = n.get("payload")) r.payload = p->as_string();
  if (auto m = n.get("message")) r.message = m->as_string();
  return r;
}

// A stub call's object also takes "as" (its result's name for later steps) and "on_error".
void require_call_keys(const Node& arg, std::initializer_list<const char*> keys) {
  std::vector<const char*> all(keys);
  all.push_back("as");
  all.push_back("on_error");
  arg.require_keys(all);
}

// Names a built-in reference takes: a step's "as" may not be one of them.
constexpr const char* kBuiltinNames[] = {"channel", "txid", "function", "args", "error"};

void read_call_modifiers(const Node& arg, Step& s) {
  if (!arg.json().is_object()) return;
  if (auto a = arg.get("as")) {
    s.bind = a->as_string();
    const bool identifier =
        !s.bind.empty() &&
        (std::isalpha(static_cast<unsigned char>(s.bind[0])) || s.bind[0] == '_') &&
        std::all_of(s.bind.begin(), s.bind.end(),
                    [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!identifier) a->fail("a result's name is a letter or \"_\", then letters, digits or \"_\"");
    for (const char* builtin : kBuiltinNames) {
      if (s.bind == builtin)
        a->fail("\"" + s.bind + "\" is a built-in reference; choose another name");
    }
  }
  if (auto e = arg.get("on_error")) {
    if (e->json().is_string()) {
      const std::string what = e->as_string();
      if (what == "stop") {
        s.on_error = Step::OnError::kStop;
      } else if (what == "ignore") {
        s.on_error = Step::OnError::kIgnore;
      } else {
        e->fail(
            "expected \"stop\", \"ignore\" or a response {\"status\", \"message\", "
            "\"payload\"}, got \"" +
            what + "\"");
      }
    } else {
      s.on_error = Step::OnError::kRespond;
      s.on_error_response = read_response(*e);
      if (!e->json().contains("status")) s.on_error_response.status = fabric::Response::kError;
    }
  }
}

// A step's argument that may be a bare key string or an object with "key" and more.
void read_key_or_object(const Node& arg, Step& s, std::initializer_list<const char*> keys) {
  if (arg.json().is_string()) {
    s.key = arg.as_string();
    return;
  }
  require_call_keys(arg, keys);
  s.key = arg.require("key").as_string();
  if (auto c = arg.get("collection")) s.collection = c->as_string();
}

// limit / close of an iterating step (range, query, history).
void read_iteration(const Node& arg, Step& s) {
  if (auto l = arg.get("limit")) s.limit = static_cast<std::size_t>(l->as_int(0, 1000000000));
  if (auto c = arg.get("close")) s.close = c->as_bool();
}

constexpr const char* kStepNames =
    "get_state, put_state, del_state, get_private_data_hash, purge_private_data, "
    "get_state_by_range, get_query_result, get_history_for_key, get_state_metadata, "
    "put_state_metadata, invoke_chaincode, set_event, sleep, cpu, parallel, go, return, return_if, "
    "fail, panic or hang";

std::vector<Step> read_steps(const Node& n, bool in_branch);

Step read_step(const Node& n, bool in_branch) {
  n.require_object();
  if (n.json().size() != 1) {
    // "as" and "on_error" belong to the call they modify, not beside it.
    for (const char* modifier : {"as", "on_error"}) {
      if (!n.json().contains(modifier)) continue;
      for (const auto& item : n.json().items()) {
        if (item.key() == "as" || item.key() == "on_error") continue;
        n.child(modifier).fail(std::string("\"") + modifier + "\" goes inside the call: {\"" +
                               item.key() + "\": {..., \"" + modifier + "\": ...}}");
      }
    }
    n.fail(std::string("a step is an object with exactly one key: ") + kStepNames);
  }
  n.require_keys({"get_state",
                  "put_state",
                  "del_state",
                  "get_private_data_hash",
                  "purge_private_data",
                  "get_state_by_range",
                  "get_query_result",
                  "get_history_for_key",
                  "get_state_metadata",
                  "put_state_metadata",
                  "invoke_chaincode",
                  "set_event",
                  "sleep",
                  "cpu",
                  "parallel",
                  "go",
                  "return",
                  "return_if",
                  "fail",
                  "panic",
                  "hang"});
  const std::string op = n.json().begin().key();
  const Node arg = n.child(op);
  Step s;
  if (op == "get_state") {
    s.op = Step::Op::kGetState;
    read_key_or_object(arg, s, {"key", "collection"});
  } else if (op == "del_state") {
    s.op = Step::Op::kDelState;
    read_key_or_object(arg, s, {"key", "collection"});
  } else if (op == "put_state") {
    s.op = Step::Op::kPutState;
    require_call_keys(arg, {"key", "value", "collection"});
    s.key = arg.require("key").as_string();
    s.value = arg.require("value").as_string();
    if (auto c = arg.get("collection")) s.collection = c->as_string();
  } else if (op == "get_private_data_hash" || op == "purge_private_data") {
    s.op =
        op == "get_private_data_hash" ? Step::Op::kGetPrivateDataHash : Step::Op::kPurgePrivateData;
    require_call_keys(arg, {"collection", "key"});
    s.collection = arg.require("collection").as_string();
    s.key = arg.require("key").as_string();
  } else if (op == "get_state_by_range") {
    s.op = Step::Op::kGetStateByRange;
    require_call_keys(arg, {"start", "end", "collection", "limit", "close"});
    if (auto v = arg.get("start")) s.start_key = v->as_string();
    if (auto v = arg.get("end")) s.end_key = v->as_string();
    if (auto c = arg.get("collection")) s.collection = c->as_string();
    read_iteration(arg, s);
  } else if (op == "get_query_result") {
    s.op = Step::Op::kGetQueryResult;
    require_call_keys(arg, {"query", "collection", "limit", "close"});
    s.query = arg.require("query").as_string();
    if (auto at = nesting_too_deep(s.query)) {
      arg.child("query").fail("the query nests arrays and objects deeper than " +
                              std::to_string(kMaxJsonDepth) + " levels (at offset " +
                              std::to_string(*at) + "), more than rich queries take");
    }
    if (auto c = arg.get("collection")) s.collection = c->as_string();
    read_iteration(arg, s);
  } else if (op == "get_history_for_key") {
    s.op = Step::Op::kGetHistoryForKey;
    if (arg.json().is_string()) {
      s.key = arg.as_string();
    } else {
      require_call_keys(arg, {"key", "limit", "close"});
      s.key = arg.require("key").as_string();
      read_iteration(arg, s);
    }
  } else if (op == "get_state_metadata") {
    s.op = Step::Op::kGetStateMetadata;
    read_key_or_object(arg, s, {"key", "collection"});
  } else if (op == "put_state_metadata") {
    s.op = Step::Op::kPutStateMetadata;
    require_call_keys(arg, {"key", "metakey", "value", "collection"});
    s.key = arg.require("key").as_string();
    s.metakey = arg.require("metakey").as_string();
    s.value = arg.require("value").as_string();
    if (auto c = arg.get("collection")) s.collection = c->as_string();
  } else if (op == "invoke_chaincode") {
    s.op = Step::Op::kInvokeChaincode;
    require_call_keys(arg, {"chaincode", "function", "args", "channel"});
    s.target_chaincode = arg.require("chaincode").as_string();
    s.args.push_back(arg.require("function").as_string());
    if (auto a = arg.get("args")) {
      for (std::string& v : read_strings(*a))
        s.args.push_back(std::move(v));
    }
    if (auto c = arg.get("channel")) s.target_channel = c->as_string();
  } else if (op == "set_event") {
    s.op = Step::Op::kSetEvent;
    require_call_keys(arg, {"name", "payload"});
    s.key = arg.require("name").as_string();
    if (auto p = arg.get("payload")) s.value = p->as_string();
  } else if (op == "sleep" || op == "cpu") {
    s.op = op == "sleep" ? Step::Op::kSleep : Step::Op::kCpu;
    s.duration = duration_of(arg);
  } else if (op == "parallel") {
    s.op = Step::Op::kParallel;
    const std::vector<Node> branches = arg.elements();
    if (branches.empty()) arg.fail("expected at least one branch: an array of steps");
    for (const Node& b : branches)
      s.branches.push_back(read_steps(b, true));
  } else if (op == "go") {
    s.op = Step::Op::kGo;
    s.branches.push_back(read_steps(arg, true));
  } else if (op == "return") {
    s.op = Step::Op::kReturn;
    s.response = read_response(arg);
  } else if (op == "return_if") {
    // {"equals" | "not_equals": [left, right], "status"?, "payload"?, "message"?}
    s.op = Step::Op::kReturnIf;
    arg.require_keys({"equals", "not_equals", "status", "payload", "message"});
    const bool eq = arg.get("equals").has_value();
    if (eq == arg.get("not_equals").has_value()) {
      arg.fail("return_if compares with either \"equals\" or \"not_equals\": [left, right]");
    }
    const Node pair = arg.child(eq ? "equals" : "not_equals");
    const std::vector<Node> sides = pair.elements();
    if (sides.size() != 2)
      pair.fail("expected two texts to compare, got " + std::to_string(sides.size()));
    s.equals = eq;
    s.left = sides[0].as_string();
    s.right = sides[1].as_string();
    fabric::Response r;
    if (auto st = arg.get("status")) r.status = static_cast<std::int32_t>(st->as_int(0, 999));
    if (auto p = arg.get("payload")) r.payload = p->as_string();
    if (auto m = arg.get("message")) r.message = m->as_string();
    s.response = r;
  } else if (op == "fail" || op == "panic") {
    s.op = op == "fail" ? Step::Op::kFail : Step::Op::kPanic;
    s.response.status = fabric::Response::kError;
    s.response.message = arg.as_string();
  } else {
    s.op = Step::Op::kHang;
    if (!arg.json().is_boolean() || !arg.as_bool()) arg.fail("expected true");
  }
  read_call_modifiers(arg, s);
  if (in_branch) {
    // Only the function's own goroutine returns its response; a goroutine's code can only
    // end (and a branch's error reaches the function through the join).
    if (s.op == Step::Op::kReturn || s.op == Step::Op::kReturnIf || s.op == Step::Op::kFail) {
      n.child(op).fail("\"" + op +
                       "\" returns the function's response, which a goroutine cannot do: a "
                       "branch of \"parallel\" or \"go\" ends by falling off its end, or at a "
                       "failed call");
    }
    if (s.on_error == Step::OnError::kRespond) {
      arg.child("on_error")
          .fail(
              "a goroutine cannot answer for the function: on_error in a branch of \"parallel\" or "
              "\"go\" is \"stop\" (the branch ends with the error) or \"ignore\"");
    }
  }
  return s;
}

std::vector<Step> read_steps(const Node& n, bool in_branch) {
  std::vector<Step> steps;
  const std::vector<Node> elements = n.elements();
  if (in_branch && elements.empty()) n.fail("expected a branch's steps, got an empty array");
  for (const Node& step : elements)
    steps.push_back(read_step(step, in_branch));
  return steps;
}

// --- Templates in steps --------------------------------------------------------------------

// The fields of a bound result, by the step that made it ("" means any name: metadata keys).
std::vector<std::string> result_fields(Step::Op op) {
  switch (op) {
    case Step::Op::kGetState:
    case Step::Op::kGetPrivateDataHash:
      return {"found", "error"};
    case Step::Op::kGetStateByRange:
    case Step::Op::kGetQueryResult:
    case Step::Op::kGetHistoryForKey:
      return {"keys", "values", "error"};
    case Step::Op::kInvokeChaincode:
      return {"status", "payload", "message", "error"};
    case Step::Op::kGetStateMetadata:
      return {""};
    default:
      return {"error"};
  }
}

// Checks the references of template text `n` against what is known at its step: the
// built-ins, the results of earlier steps (`bound`), and ${error} in an on_error answer.
void check_references(const Node& n, const std::map<std::string, Step::Op>& bound,
                      bool in_on_error) {
  if (!n.json().is_string()) return;
  const std::string text = n.as_string();
  if (!fabric::may_reference(text)) return;
  auto parsed = fabric::template_refs(text);
  if (auto* error = std::get_if<std::string>(&parsed)) n.fail(*error);
  for (const fabric::TemplateRef& ref : std::get<std::vector<fabric::TemplateRef>>(parsed)) {
    const std::string spelled = ref.spelling();
    const bool builtin = ref.name == "channel" || ref.name == "txid" || ref.name == "function";
    if (builtin || ref.name == "error") {
      if (!ref.field.empty() || ref.index) n.fail(spelled + ": ${" + ref.name + "} has no fields");
      if (ref.name == "error" && !in_on_error)
        n.fail(spelled + " is known only in a step's on_error answer");
      continue;
    }
    if (ref.name == "args") {
      if (!ref.index)
        n.fail(spelled + ": args takes an index, as in ${args[1]} (args[0] is the function)");
      continue;
    }
    if (ref.index) n.fail(spelled + ": only args takes an index");
    auto it = bound.find(ref.name);
    if (it == bound.end()) {
      std::vector<std::string> names;
      std::string listed;
      for (const auto& [name, op] : bound) {
        names.push_back(name);
        listed += (listed.empty() ? "" : ", ") + name;
      }
      n.fail("unknown reference " + spelled + did_you_mean(ref.name, names) +
             " (earlier steps' results: " + (listed.empty() ? "none" : listed) +
             "; built in: ${channel}, ${txid}, ${function}, ${args[N]})");
    }
    if (ref.field.empty()) continue;
    const std::vector<std::string> fields = result_fields(it->second);
    if (fields.front().empty() || std::count(fields.begin(), fields.end(), ref.field) != 0)
      continue;
    std::string known;
    for (const std::string& f : fields)
      known += (known.empty() ? "" : ", ") + f;
    n.fail(spelled + ": the result of " + fabric::to_string(it->second) + " has the fields " +
           known + did_you_mean(ref.field, fields));
  }
}

// The texts of step `n` that may be templates: in its argument, "key", "value", "start",
// "end", "query", "metakey", "name", "payload" and "message", each of "args", both sides of
// return_if, and on_error's answer (where ${error} is the failure and the step's own result
// is known too); a bare string argument.
void check_step_templates(const Node& n, const Step& step,
                          const std::map<std::string, Step::Op>& bound) {
  const Node arg = n.child(n.json().begin().key());
  if (arg.json().is_string()) return check_references(arg, bound, false);
  if (!arg.json().is_object()) return;
  for (const char* key :
       {"key", "value", "start", "end", "query", "metakey", "name", "payload", "message"}) {
    if (auto v = arg.get(key)) check_references(*v, bound, false);
  }
  for (const char* list : {"args", "equals", "not_equals"}) {
    if (auto v = arg.get(list); v && v->json().is_array()) {
      for (const Node& e : v->elements())
        check_references(e, bound, false);
    }
  }
  if (auto e = arg.get("on_error"); e && e->json().is_object()) {
    std::map<std::string, Step::Op> with_own = bound;
    if (!step.bind.empty()) with_own[step.bind] = step.op;
    for (const char* key : {"payload", "message"}) {
      if (auto v = e->get(key)) check_references(*v, with_own, true);
    }
  }
}

// Checks the templates of `steps` (at `n`) in order, `bound` growing with each result named.
// A branch sees what was named before its step and in its own earlier steps; after a
// `parallel` step every branch's results are known (wg.Wait() has returned), after a `go`
// step none of its goroutine's (it may not have run yet).
void check_templates(const Node& n, const std::vector<Step>& steps,
                     std::map<std::string, Step::Op>& bound) {
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const Step& step = steps[k];
    const Node at = n.element(k);
    if (step.op == Step::Op::kParallel || step.op == Step::Op::kGo) {
      const Node arg = at.child(fabric::to_string(step.op));
      std::map<std::string, Step::Op> after = bound;
      for (std::size_t b = 0; b < step.branches.size(); ++b) {
        std::map<std::string, Step::Op> inside = bound;
        check_templates(step.op == Step::Op::kGo ? arg : arg.element(b), step.branches[b], inside);
        if (step.op == Step::Op::kParallel) after.insert(inside.begin(), inside.end());
      }
      bound = std::move(after);
      continue;
    }
    check_step_templates(at, step, bound);
    if (!step.bind.empty()) bound[step.bind] = step.op;
  }
}

fabric::ChaincodeFunction read_function(const Node& n) {
  fabric::ChaincodeFunction f;
  f.steps = read_steps(n, false);
  std::map<std::string, Step::Op> bound;  // results named so far, by the steps above
  check_templates(n, f.steps, bound);
  return f;
}

}  // namespace

fabric::ChaincodeDefinition read_chaincode(const Node& n) {
  n.require_keys({"name", "version", "package_id", "channels", "launch_at", "user_starts",
                  "container", "service", "init", "functions"});
  fabric::ChaincodeDefinition cc;
  cc.name = n.require("name").as_string();
  if (cc.name.empty()) n.child("name").fail("a chaincode name cannot be empty");
  cc.version = n.get("version") ? n.child("version").as_string() : "1.0";
  if (auto p = n.get("package_id")) {
    cc.package_id = p->as_string();
    // _lifecycle's package ID is "<label>:<hash>" (core/chaincode/persistence, 2.x).
    const auto colon = cc.package_id.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == cc.package_id.size()) {
      p->fail("a package ID is \"<label>:<hash>\", e.g. \"basic_1.0:ee1376e0...\", got \"" +
              cc.package_id + "\"");
    }
  }
  if (auto chs = n.get("channels")) {
    for (const Node& ch : chs->elements()) {
      const std::string name = ch.as_string();
      if (name.empty()) ch.fail("a channel name cannot be empty");
      if (!cc.channels.insert(name).second) ch.fail("channel \"" + name + "\" is listed twice");
    }
    if (cc.channels.empty()) chs->fail("a chaincode defined on no channel cannot be called");
  }
  if (auto l = n.get("launch_at")) cc.launch_at = duration_of(*l);
  if (auto u = n.get("user_starts")) {
    for (const Node& at : u->elements())
      cc.user_starts.push_back(duration_of(at));
    if (cc.user_starts.empty()) u->fail("expected at least one time: when the user starts it");
  }
  if (auto c = n.get("container")) cc.container = read_container(*c);
  if (auto sv = n.get("service")) cc.service = read_service(*sv);
  if (auto i = n.get("init")) cc.init = read_function(*i);
  if (auto fs = n.get("functions")) {
    fs->require_object();
    for (const auto& item : fs->json().items()) {
      if (item.key().empty()) fs->child("").fail("a function name cannot be empty");
      cc.functions[item.key()] = read_function(fs->child(item.key()));
    }
  }
  return cc;
}

void check_invoke_targets(const Node& chaincodes, Scenario& s) {
  std::map<std::string, const fabric::ChaincodeDefinition*> by_name;
  std::vector<std::string> names;
  for (const auto& d : s.chaincodes) {
    by_name[d.name] = &d;
    names.push_back(d.name);
  }
  const auto check = [&](const fabric::ChaincodeFunction& fn, const Node& steps) {
    visit_steps(fn.steps, steps, [&](const Step& step, const Node& step_node, std::size_t) {
      if (step.op != Step::Op::kInvokeChaincode) return;
      const Node at = step_node.child("invoke_chaincode");
      auto target = by_name.find(step.target_chaincode);
      if (target == by_name.end()) {
        warn(s, at.child("chaincode"),
             "no chaincode is named \"" + step.target_chaincode + "\"" +
                 did_you_mean(step.target_chaincode, names) + ": the peer will refuse the call");
        return;
      }
      const fabric::ChaincodeDefinition& callee = *target->second;
      if (!step.target_channel.empty() && !callee.channels.empty() &&
          callee.channels.count(step.target_channel) == 0) {
        warn(s, at.child("channel"),
             "chaincode \"" + callee.name + "\" is not defined on channel \"" +
                 step.target_channel + "\" (its channels: " + quoted_list(callee.channels) +
                 "): the peer will refuse the call");
      }
      if (callee.functions.count(step.args.front()) == 0 &&
          callee.functions.count(fabric::kAnyFunction) == 0) {
        std::vector<std::string> functions;
        for (const auto& [name, f] : callee.functions)
          functions.push_back(name);
        warn(s, at.child("function"),
             "chaincode \"" + callee.name + "\" has no function \"" + step.args.front() + "\"" +
                 did_you_mean(step.args.front(), functions) + " and no \"*\": its Invoke returns " +
                 "shim.Error(\"" + fabric::kUnknownFunctionMessage + "\")");
      }
    });
  };
  for (std::size_t i = 0; i < s.chaincodes.size(); ++i) {
    const Node cc = chaincodes.element(i);
    const fabric::ChaincodeDefinition& def = s.chaincodes[i];
    if (cc.json().contains("init")) check(def.init, cc.child("init"));
    for (const auto& [name, fn] : def.functions)
      check(fn, cc.child("functions").child(name));
  }
}

namespace {

// A step's need that a profile may lack: the switch that grants it and the release that
// brought it (docs/fabric-sources.md 1.1, 8).
struct Need {
  bool fabric::Profile::*member;
  const char* switch_name;
  std::string what;     // "GET_STATE_METADATA", "private data (stub.GetPrivateData, ...)"
  const char* release;  // "Fabric 1.3 (FAB-9107)"
  bool at_collection;   // the error points at the step's "collection"
};

std::optional<Need> need_of(const Step& step) {
  switch (step.op) {
    case Step::Op::kGetStateMetadata:
    case Step::Op::kPutStateMetadata: {
      const bool get = step.op == Step::Op::kGetStateMetadata;
      return Need{&fabric::Profile::state_metadata_messages, "state_metadata_messages",
                  get ? "GET_STATE_METADATA" : "PUT_STATE_METADATA", "Fabric 1.3 (FAB-9107)",
                  false};
    }
    case Step::Op::kGetPrivateDataHash:
      return Need{&fabric::Profile::private_data_hash_message, "private_data_hash_message",
                  "GET_PRIVATE_DATA_HASH", "Fabric 1.4.2", false};
    case Step::Op::kPurgePrivateData:
      return Need{&fabric::Profile::purge_private_data_message, "purge_private_data_message",
                  "PURGE_PRIVATE_DATA", "Fabric 2.5", false};
    case Step::Op::kGetState:
    case Step::Op::kPutState:
    case Step::Op::kDelState:
    case Step::Op::kGetStateByRange:
    case Step::Op::kGetQueryResult:
      if (step.collection.empty()) return std::nullopt;
      return Need{&fabric::Profile::shim_private_data, "shim_private_data",
                  "the shim's private data API (stub.GetPrivateData and the like)",
                  "Fabric 1.2 (1.1 only in experimental builds)", true};
    default:
      return std::nullopt;
  }
}

void check_steps(const Node& steps, const fabric::ChaincodeFunction& fn, const Scenario& s) {
  visit_steps(fn.steps, steps, [&](const Step& step, const Node& step_node, std::size_t) {
    const std::optional<Need> need = need_of(step);
    if (!need || s.profile.*(need->member)) return;
    Node at = step_node.child(fabric::to_string(step.op));
    if (need->at_collection) at = at.child("collection");
    at.fail(need->what + " came in " + need->release + "; profile \"" + s.profile.name +
            "\" does not have it (switch \"" + need->switch_name + "\")");
  });
}

}  // namespace

void check_steps_in_profile(const Node& chaincodes, const Scenario& s) {
  for (std::size_t i = 0; i < s.chaincodes.size(); ++i) {
    const Node cc = chaincodes.element(i);
    const fabric::ChaincodeDefinition& def = s.chaincodes[i];
    if (!def.init.steps.empty()) check_steps(cc.child("init"), def.init, s);
    for (const auto& [name, fn] : def.functions)
      check_steps(cc.child("functions").child(name), fn, s);
  }
}

}  // namespace ccsim::scenario::detail
