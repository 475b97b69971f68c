// Reading container behaviour (chaincodes[i].container) and faults (the top-level "faults").
#include <algorithm>

#include "readers.hpp"

namespace ccsim::scenario::detail {

namespace {

// A service's while_down phases: a timeline of an address's states, not a run's events.
constexpr std::size_t kMaxWhileDownPhases = 1000;

int exit_code_of(const Node& n) {
  return static_cast<int>(n.as_int(0, 255));
}

fabric::Side side_of(const Node& n) {
  const std::string s = n.as_string();
  if (s == "peer") return fabric::Side::kPeer;
  if (s == "shim") return fabric::Side::kShim;
  n.fail("expected \"peer\" or \"shim\", got \"" + s + "\"");
}

fabric::ContainerBehaviour::Crash read_crash(const Node& n) {
  n.require_keys({"at", "after_messages", "exit_code"});
  const bool has_at = n.get("at").has_value();
  const bool has_after = n.get("after_messages").has_value();
  if (has_at && has_after) n.fail("a crash has either \"at\" or \"after_messages\", not both");
  if (!has_at && !has_after) {
    n.fail(
        "a crash needs \"at\" (a time after the container started) or \"after_messages\" (a "
        "number of messages the shim sent or received)");
  }
  fabric::ContainerBehaviour::Crash c;
  if (has_at) c.at = duration_of(n.child("at"));
  if (has_after)
    c.after_messages = static_cast<std::uint64_t>(n.child("after_messages").as_int(1, INT64_MAX));
  if (auto e = n.get("exit_code")) c.exit_code = exit_code_of(*e);
  return c;
}

// inject's message: every field a ChaincodeMessage of its type carries, so that a scripted
// peer or chaincode sends what a real one would (or what a broken one does).
fabric::ChaincodeMessage read_injected_message(const Node& n) {
  n.require_keys({"type",      "txid",    "channel",  "chaincode_id", "args",     "proposal",
                  "chaincode", "key",     "value",    "collection",   "start",    "end",
                  "query",     "metakey", "iterator", "results",      "has_more", "metadata",
                  "payload",   "status",  "message",  "event"});
  fabric::ChaincodeMessage m;
  const Node t = n.require("type");
  auto type = fabric::message_type_from_string(t.as_string());
  if (!type)
    t.fail("unknown message type \"" + t.as_string() + "\" (spell it as in the protobuf enum)");
  m.type = *type;
  const auto text = [&](const char* key, std::string& into) {
    if (auto v = n.get(key)) into = v->as_string();
  };
  text("txid", m.txid);
  text("channel", m.channel_id);
  text("chaincode_id", m.chaincode_id);
  if (auto c = n.get("chaincode"); c && c->json().is_null()) {
    m.nil_chaincode_id = true;  // a ChaincodeSpec without its ChaincodeId
  } else {
    text("chaincode", m.target);
  }
  text("key", m.key);
  text("value", m.value);
  text("collection", m.collection);
  text("start", m.start_key);
  text("end", m.end_key);
  text("query", m.query);
  text("metakey", m.metakey);
  text("iterator", m.iterator_id);
  if (auto v = n.get("args")) m.args = read_strings(*v);
  // A real peer's INIT and TRANSACTION carry the signed proposal.
  m.has_proposal =
      m.type == fabric::MessageType::INIT || m.type == fabric::MessageType::TRANSACTION;
  if (auto v = n.get("proposal")) m.has_proposal = v->as_bool();
  if (auto v = n.get("payload")) m.text = m.response.payload = v->as_string();
  if (auto v = n.get("status")) m.response.status = static_cast<std::int32_t>(v->as_int(0, 999));
  if (auto v = n.get("message")) m.response.message = v->as_string();
  if (auto v = n.get("results")) {
    for (const Node& r : v->elements()) {
      r.require_keys({"key", "value", "txid", "delete"});
      fabric::QueryResult q;
      q.key = r.require("key").as_string();
      if (auto x = r.get("value")) q.value = x->as_string();
      if (auto x = r.get("txid")) q.txid = x->as_string();
      if (auto x = r.get("delete")) q.is_delete = x->as_bool();
      m.results.push_back(std::move(q));
    }
    m.is_query_response = true;
  }
  if (auto v = n.get("has_more")) {
    m.has_more = v->as_bool();
    m.is_query_response = true;
  }
  if (!m.iterator_id.empty() && m.type == fabric::MessageType::RESPONSE) m.is_query_response = true;
  if (auto v = n.get("metadata")) {
    v->require_object();
    for (const auto& item : v->json().items())
      m.metadata[item.key()] = v->child(item.key()).as_string();
    m.is_metadata_response = true;
  }
  if (auto v = n.get("event")) {
    v->require_keys({"name", "payload"});
    fabric::ChaincodeEvent e;
    e.name = v->require("name").as_string();
    if (auto p = v->get("payload")) e.payload = p->as_string();
    m.event = e;
  }
  return m;
}

}  // namespace

fabric::ContainerBehaviour read_container(const Node& n) {
  n.require_keys({"build", "start", "build_failure", "start_failure", "exit_before_register",
                  "never_registers", "before_register", "crash", "exit_code", "package_failure",
                  "cores", "reconnect"});
  fabric::ContainerBehaviour c;
  if (auto k = n.get("cores")) c.cores = static_cast<std::uint32_t>(k->as_int(1, 1024));
  if (auto r = n.get("reconnect")) {
    r->require_keys({"after"});
    c.reconnect = duration_of(r->require("after"));
    if (c.reconnect->ns() <= 0) r->child("after").fail("a redial delay must be positive");
  }
  if (auto b = n.get("build")) c.build_delay = duration_of(*b);
  if (auto s = n.get("start")) c.start_delay = duration_of(*s);
  if (auto f = n.get("build_failure")) c.build_failure = f->as_string();
  if (auto f = n.get("start_failure")) {
    if (f->json().is_object()) {
      f->require_keys({"error", "after"});
      c.start_failure = f->require("error").as_string();
      c.start_failure_after = duration_of(f->require("after"));
    } else if (f->json().is_string()) {
      c.start_failure = f->as_string();
    } else {
      f->fail("expected an error text, or an object {\"error\", \"after\"}, got " +
              type_name(f->json()));
    }
  }
  if (auto f = n.get("package_failure")) c.package_failure = f->as_string();
  if (auto e = n.get("exit_before_register")) {
    e->require_keys({"after", "code"});
    c.exit_before_register = fabric::ContainerBehaviour::ExitBeforeRegister{
        duration_of(e->require("after")), exit_code_of(e->require("code"))};
  }
  if (auto r = n.get("never_registers")) c.never_registers = r->as_bool();
  if (auto b = n.get("before_register")) {
    for (const Node& m : b->elements())
      c.before_register.push_back(read_injected_message(m));
    if (c.exit_before_register || c.never_registers) {
      b->fail(std::string("\"before_register\" and \"") +
              (c.never_registers ? "never_registers" : "exit_before_register") +
              "\" exclude each other (the process never dials the peer)");
    }
  }
  if (auto cr = n.get("crash")) c.crash = read_crash(*cr);
  if (auto e = n.get("exit_code")) c.exit_code = exit_code_of(*e);
  if (c.exit_before_register && c.never_registers) {
    n.child("never_registers")
        .fail("\"exit_before_register\" and \"never_registers\" exclude each other");
  }
  if (c.exit_before_register && c.crash) {
    n.child("crash").fail(
        "\"exit_before_register\" and \"crash\" exclude each other (the process exits before "
        "it could crash)");
  }
  return c;
}

fabric::ServiceBehaviour read_service(const Node& n) {
  n.require_keys({"address", "dial_timeout", "listening_at", "while_down", "keepalive"});
  fabric::ServiceBehaviour svc;
  const Node address = n.require("address");
  svc.address = address.as_string();
  const std::size_t colon = svc.address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == svc.address.size()) {
    address.fail("expected host:port, got \"" + svc.address + "\"");
  }
  if (auto d = n.get("dial_timeout")) svc.dial_timeout = duration_of(*d);
  if (auto l = n.get("listening_at")) svc.listening_at = duration_of(*l);
  if (auto k = n.get("keepalive")) {
    k->require_keys({"time", "timeout"});
    svc.keepalive_given = true;
    if (auto t = k->get("time")) svc.keepalive_time = duration_of(*t);
    if (auto t = k->get("timeout")) svc.keepalive_timeout = duration_of(*t);
    for (const char* key : {"time", "timeout"}) {
      if (auto v = k->get(key); v && duration_of(*v).ns() <= 0) {
        v->fail("must be positive");
      }
    }
  }
  const auto behaviour = [](const Node& w) -> fabric::ServiceBehaviour::WhileDown {
    const std::string v = w.as_string();
    if (v == "refuse") return fabric::ServiceBehaviour::WhileDown::kRefuse;
    if (v == "drop") return fabric::ServiceBehaviour::WhileDown::kDrop;
    w.fail("expected \"refuse\" or \"drop\", got \"" + v + "\"");
  };
  if (auto w = n.get("while_down"); w && w->json().is_array()) {
    // Phases: [{"from": "0", "as": "refuse"}, {"from": "90s", "as": "drop"}].
    const std::vector<Node> phases = w->elements();
    if (phases.empty()) w->fail("expected at least one phase {\"from\", \"as\"}");
    if (phases.size() > kMaxWhileDownPhases) {
      w->fail("more than " + std::to_string(kMaxWhileDownPhases) + " phases");
    }
    for (const Node& phase : phases) {
      phase.require_keys({"from", "as"});
      const Node from = phase.require("from");
      const fabric::ServiceBehaviour::Phase p{duration_of(from), behaviour(phase.require("as"))};
      if (!svc.while_down_phases.empty() && p.from <= svc.while_down_phases.back().from) {
        from.fail("phases must start in order, each later than the one before");
      }
      svc.while_down_phases.push_back(p);
    }
  } else if (w) {
    svc.while_down = behaviour(*w);
  }
  return svc;
}

void check_containers(const Node& chaincodes, const Scenario& s) {
  for (std::size_t i = 0; i < s.chaincodes.size(); ++i) {
    const Node cc = chaincodes.element(i);
    const fabric::ChaincodeDefinition& def = s.chaincodes[i];
    if (def.container.package_failure && s.profile.peer_fsm) {
      cc.child("container")
          .child("package_failure")
          .fail(
              "\"package_failure\" is not modelled for the 1.0/1.1 launcher (peer_fsm); it "
              "applies to profiles 1.2 and later");
    }
    if (!def.user_starts.empty() && def.service) {
      cc.child("user_starts")
          .fail(
              "a chaincode run as a service is dialed by the peer; the user starts its server "
              "(service.listening_at), not a process that dials the peer");
    }
    if (!def.service) continue;
    if (!s.profile.chaincode_as_a_service) {
      cc.child("service").fail("profile \"" + s.profile.name +
                               "\" has no chaincode as a service (it came with Fabric 2.0: "
                               "switch chaincode_as_a_service)");
    }
    // The peer starts no container for a service: what only a started process does has no
    // meaning, nor has Wait's exit code.
    const std::optional<Node> container = cc.get("container");
    if (!container) continue;
    for (const char* key :
         {"start", "start_failure", "exit_before_register", "never_registers", "exit_code"}) {
      if (container->get(key)) {
        container->child(key).fail(std::string("\"") + key +
                                   "\" does not apply to a chaincode run as a service (the peer "
                                   "starts no container; it dials the service)");
      }
    }
    if (auto crash = container->get("crash"); crash && crash->get("exit_code")) {
      crash->child("exit_code")
          .fail(
              "\"exit_code\" does not apply to a chaincode run as a service (nobody waits for "
              "its process)");
    }
  }
}

namespace {

fabric::Fault::AfterMessage read_after(const Node& n) {
  n.require_keys({"type", "from", "count"});
  fabric::Fault::AfterMessage a;
  const Node t = n.require("type");
  const std::string name = t.as_string();
  auto type = fabric::message_type_from_string(name);
  if (!type) {
    t.fail("unknown message type \"" + name +
           "\" (spell it as in the protobuf enum, e.g. \"TRANSACTION\")");
  }
  a.type = *type;
  a.from = side_of(n.require("from"));
  if (auto c = n.get("count")) a.count = static_cast<std::uint64_t>(c->as_int(1, INT64_MAX));
  return a;
}

// withhold / delay: {"chaincode", "message": "REGISTERED" | "READY", "by" (delay)}, the
// peer's first such message to the chaincode; standing rules, with no "at" or "after".
fabric::Fault read_handshake_rule(const Node& n, fabric::Fault& f, const Scenario& s) {
  const bool delay = f.action == fabric::Fault::Action::kDelay;
  for (const char* key : {"at", "after", "error", "exit_code"}) {
    if (auto v = n.get(key)) {
      v->fail(std::string("\"") + key + "\" does not apply to " + fabric::to_string(f.action) +
              ": it applies to the peer's first such message to the chaincode");
    }
  }
  if (auto v = n.get("side"); v && v->as_string() != "peer") {
    v->fail(std::string(fabric::to_string(f.action)) +
            " scripts the peer's handshake: \"side\" can only be \"peer\"");
  }
  f.side = fabric::Side::kPeer;
  f.chaincode = n.require("chaincode").as_string();
  chaincode_named(n.child("chaincode"), s, f.chaincode);
  const Node m = n.require("message");
  const std::string type = m.as_string();
  if (type == "REGISTERED") {
    f.message.type = fabric::MessageType::REGISTERED;
  } else if (type == "READY") {
    f.message.type = fabric::MessageType::READY;
  } else {
    m.fail("expected \"REGISTERED\" or \"READY\" (the peer's half of the handshake), got \"" +
           type + "\"");
  }
  if (delay) {
    f.delay = duration_of(n.require("by"));
  } else if (auto b = n.get("by")) {
    b->fail("\"by\" applies only to delay");
  }
  return f;
}

fabric::Fault read_fault(const Node& n, const Scenario& s) {
  using Action = fabric::Fault::Action;
  n.require_keys({"at", "after", "chaincode", "action", "side", "error", "exit_code", "message",
                  "by", "down_for", "graceful"});
  fabric::Fault f;

  const Node action = n.require("action");
  const std::string action_name = action.as_string();
  auto a = fabric::fault_action_from_string(action_name);
  if (!a) {
    std::string known;
    for (const std::string& name : fabric::fault_action_names())
      known += (known.empty() ? "" : ", ") + name;
    action.fail("unknown action \"" + action_name + "\"; expected one of: " + known);
  }
  f.action = *a;

  if (f.action == Action::kWithhold || f.action == Action::kDelay)
    return read_handshake_rule(n, f, s);
  const bool has_at = n.get("at").has_value();
  const bool has_after = n.get("after").has_value();
  if (has_at && has_after) n.fail("a fault has either \"at\" or \"after\", not both");
  if (!has_at && !has_after) {
    n.fail("a fault needs \"at\" (a time) or \"after\" (a message on the chaincode's stream)");
  }
  if (auto b = n.get("by")) b->fail("\"by\" applies only to delay");
  if (has_at) f.at = kernel::Time::zero() + duration_of(n.child("at"));
  if (has_after) f.after = read_after(n.child("after"));

  if (auto c = n.get("chaincode")) {
    f.chaincode = c->as_string();
    chaincode_named(*c, s, f.chaincode);
  } else if (f.action != Action::kRestartPeer || has_after) {
    n.fail(has_after ? "missing required key \"chaincode\" (\"after\" counts the messages of a "
                       "chaincode's stream)"
                     : "missing required key \"chaincode\"");
  }

  const bool sided = f.action == Action::kHalfClose || f.action == Action::kFailNextSend ||
                     f.action == Action::kInject;
  if (sided) {
    f.side = side_of(n.require("side"));
  } else if (n.get("side")) {
    n.child("side").fail("\"side\" applies only to half_close, fail_next_send and inject");
  }
  if (f.action == Action::kInject) {
    f.message = read_injected_message(n.require("message"));
  } else if (n.get("message")) {
    n.child("message").fail("\"message\" applies only to inject");
  }
  if (f.action == Action::kFailNextQueryRead) {
    f.error = n.require("error").as_string();
  } else if (auto e = n.get("error")) {
    if (f.action != Action::kFailNextSend) {
      e->fail("\"error\" applies only to fail_next_send and fail_next_query_read");
    }
    f.error = e->as_string();
  }
  if (auto e = n.get("exit_code")) {
    if (f.action != Action::kCrashContainer && f.action != Action::kRestartContainer) {
      e->fail("\"exit_code\" applies only to crash_container and restart_container");
    }
    f.exit_code = exit_code_of(*e);
  }
  for (const char* key : {"down_for", "graceful"}) {
    if (n.get(key) && f.action != Action::kRestartPeer) {
      n.child(key).fail(std::string("\"") + key + "\" applies only to restart_peer");
    }
  }
  if (auto d = n.get("down_for")) f.down_for = duration_of(*d);
  if (auto g = n.get("graceful")) f.graceful = g->as_bool();
  return f;
}

}  // namespace

std::vector<fabric::Fault> read_faults(const Node& n, const Scenario& s) {
  std::vector<fabric::Fault> faults;
  for (const Node& f : n.elements())
    faults.push_back(read_fault(f, s));
  return faults;
}

}  // namespace ccsim::scenario::detail
