// Reading chaincodes and their functions' steps.
#include "readers.hpp"

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

Step read_step(const Node& n) {
  n.require_object();
  if (n.json().size() != 1) {
    n.fail(
        "a step is an object with exactly one key: get_state, put_state, del_state, sleep, "
        "return or fail");
  }
  n.require_keys({"get_state", "put_state", "del_state", "sleep", "return", "fail"});
  const std::string op = n.json().begin().key();
  const Node arg = n.child(op);
  Step s;
  if (op == "get_state") {
    s.op = Step::Op::kGetState;
    s.key = arg.as_string();
  } else if (op == "del_state") {
    s.op = Step::Op::kDelState;
    s.key = arg.as_string();
  } else if (op == "put_state") {
    s.op = Step::Op::kPutState;
    arg.require_keys({"key", "value"});
    s.key = arg.require("key").as_string();
    s.value = arg.require("value").as_string();
  } else if (op == "sleep") {
    s.op = Step::Op::kSleep;
    s.duration = duration_of(arg);
  } else if (op == "return") {
    s.op = Step::Op::kReturn;
    s.response = read_response(arg);
  } else {
    s.op = Step::Op::kFail;
    s.response.status = fabric::Response::kError;
    s.response.message = arg.as_string();
  }
  return s;
}

fabric::ChaincodeFunction read_function(const Node& n) {
  fabric::ChaincodeFunction f;
  for (const Node& step : n.elements())
    f.steps.push_back(read_step(step));
  return f;
}

}  // namespace

fabric::ChaincodeDefinition read_chaincode(const Node& n) {
  n.require_keys({"name", "version", "container", "init", "functions"});
  fabric::ChaincodeDefinition cc;
  cc.name = n.require("name").as_string();
  if (cc.name.empty()) n.child("name").fail("a chaincode name cannot be empty");
  cc.version = n.get("version") ? n.child("version").as_string() : "1.0";
  if (auto c = n.get("container")) cc.container = read_container(*c);
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

}  // namespace ccsim::scenario::detail
