#include "ccsim/scenario/loader.hpp"

#include <sys/stat.h>
#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "json_positions.hpp"
#include "readers.hpp"
#include "suggest.hpp"

namespace ccsim::scenario {

using detail::duration_of;
using detail::Json;
using detail::Node;
using detail::read_chaincode;
using detail::read_expect;
using detail::read_strings;
using fabric::Step;
using kernel::Duration;

namespace {

constexpr std::int64_t kMaxNs = INT64_MAX;
// Bounds on a file before anything reads it (docs/scenario-format.md, "Limits").
constexpr std::size_t kMaxFileBytes = 64u << 20;
using detail::kMaxJsonDepth;
// Wide enough that parsing can detect overflow before it happens (GCC/Clang extension).
__extension__ using Wide = __int128;

// --- Durations ---------------------------------------------------------------------------

struct DurationUnit {
  const char* suffix;
  std::int64_t ns;
};
constexpr DurationUnit kDurationUnits[] = {{"ns", 1},          {"us", 1000},
                                           {"ms", 1000000},    {"s", 1000000000},
                                           {"m", 60000000000}, {"h", 3600000000000}};

std::string known_profiles() {
  std::string known;
  for (const std::string& name : fabric::profile_names())
    known += " \"" + name + "\"";
  return known;
}

}  // namespace

Duration parse_duration(const std::string& text, const std::string& file,
                        const std::string& pointer) {
  static constexpr const char* kTooLarge = "too large: the largest is 9223372036.854775807s";
  const auto bad = [&](const std::string& why) {
    throw ScenarioError(file, pointer,
                        "bad duration \"" + text + "\": " + why +
                            " (expected a number and a unit: ns, us, ms, s, m, h, e.g. \"150ms\")");
  };
  if (text == "0") return Duration();
  if (!text.empty() && text[0] == '-') bad("durations cannot be negative");
  std::size_t i = 0;
  std::string whole;
  std::string fraction;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    whole += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      fraction += text[i++];
    }
    if (fraction.empty()) bad("no digits after the decimal point");
  }
  if (whole.empty() && fraction.empty()) bad("no number");
  const std::string unit = text.substr(i);
  const DurationUnit* found = nullptr;
  for (const DurationUnit& u : kDurationUnits) {
    if (unit == u.suffix) found = &u;
  }
  if (found == nullptr) bad(unit.empty() ? "no unit" : "unknown unit \"" + unit + "\"");

  // Exact integer arithmetic: whole * unit + fraction * unit / 10^digits.
  Wide ns = 0;
  for (char c : whole) {
    ns = ns * 10 + (c - '0');
    if (ns > kMaxNs) bad(kTooLarge);
  }
  ns *= found->ns;
  if (ns > kMaxNs) bad(kTooLarge);
  Wide frac_num = 0;
  Wide frac_den = 1;
  for (char c : fraction) {
    if (frac_den > kMaxNs) bad("too many decimals");
    frac_num = frac_num * 10 + (c - '0');
    frac_den *= 10;
  }
  const Wide frac_ns = frac_num * found->ns;
  if (frac_ns % frac_den != 0) bad("finer than a nanosecond");
  ns += frac_ns / frac_den;
  if (ns > kMaxNs) bad(kTooLarge);
  return Duration::nanoseconds(static_cast<std::int64_t>(ns));
}

namespace {

fabric::DelayRange read_latency(const Node& n) {
  if (n.json().is_string()) {
    const Duration d = duration_of(n);
    return {d, d};
  }
  if (!n.json().is_object()) {
    n.fail("expected a duration string or {\"min\": ..., \"max\": ...}, got " +
           detail::type_name(n.json()));
  }
  n.require_keys({"min", "max"});
  fabric::DelayRange r{duration_of(n.require("min")), duration_of(n.require("max"))};
  if (r.max < r.min) n.child("max").fail("max is less than min");
  return r;
}

void read_direction(const Node& n, fabric::DirectionDelays& dir) {
  n.require_keys({"latency", "by_type"});
  if (auto l = n.get("latency")) dir.all = read_latency(*l);
  if (auto bt = n.get("by_type")) {
    bt->require_object();
    for (const auto& item : bt->json().items()) {
      const Node t = bt->child(item.key());
      auto type = fabric::message_type_from_string(item.key());
      if (!type)
        t.fail("unknown message type \"" + item.key() +
               "\" (spell it as in the protobuf enum, e.g. \"GET_STATE\")");
      dir.by_type[*type] = read_latency(t);
    }
  }
}

fabric::Middlebox read_middlebox(const Node& n) {
  n.require_keys({"idle_timeout", "counts", "cut"});
  fabric::Middlebox box;
  box.idle_timeout = duration_of(n.require("idle_timeout"));
  if (box.idle_timeout.ns() <= 0) n.child("idle_timeout").fail("an idle timeout must be positive");
  if (auto c = n.get("counts")) {
    const std::string v = c->as_string();
    if (v == "bytes") {
      box.counts = fabric::Middlebox::Counts::kBytes;
    } else if (v == "messages") {
      box.counts = fabric::Middlebox::Counts::kMessages;
    } else {
      c->fail("expected \"bytes\" or \"messages\", got \"" + v + "\"");
    }
  }
  if (auto c = n.get("cut")) {
    const std::string v = c->as_string();
    if (v == "reset") {
      box.cut = fabric::Middlebox::Cut::kReset;
    } else if (v == "drop") {
      box.cut = fabric::Middlebox::Cut::kDrop;
    } else {
      c->fail("expected \"reset\" or \"drop\", got \"" + v + "\"");
    }
  }
  return box;
}

fabric::GrpcKeepalive read_grpc_keepalive(const Node& n) {
  n.require_keys({"time", "timeout", "min_time"});
  fabric::GrpcKeepalive k;
  const auto positive = [](const Node& v) {
    const Duration d = duration_of(v);
    if (d.ns() <= 0) v.fail("must be positive");
    return d;
  };
  if (auto v = n.get("time")) k.time = positive(*v);
  if (auto v = n.get("timeout")) k.timeout = positive(*v);
  if (auto v = n.get("min_time")) k.min_time = positive(*v);
  return k;
}

fabric::DelayModel read_network(const Node& n) {
  n.require_keys(
      {"latency", "peer_to_shim", "shim_to_peer", "unsafe_reorder", "middlebox", "grpc_keepalive"});
  fabric::DelayModel m;
  if (auto l = n.get("latency")) m.peer_to_shim.all = m.shim_to_peer.all = read_latency(*l);
  if (auto d = n.get("peer_to_shim")) read_direction(*d, m.peer_to_shim);
  if (auto d = n.get("shim_to_peer")) read_direction(*d, m.shim_to_peer);
  if (auto u = n.get("unsafe_reorder")) m.unsafe_reorder = u->as_bool();
  if (auto b = n.get("middlebox")) m.middlebox = read_middlebox(*b);
  if (auto k = n.get("grpc_keepalive")) m.grpc_keepalive = read_grpc_keepalive(*k);
  return m;
}

fabric::PeerConfig read_config(const Node& n) {
  n.require_keys({"execute_timeout", "startup_timeout", "keepalive", "processing", "query_read",
                  "state_database", "endorser_concurrency", "dev_mode", "peer_id", "network_id"});
  fabric::PeerConfig c;
  // peer.id and peer.networkId: 1.0 and 1.1 name them in launch errors and container names.
  for (const auto& [key, field] :
       {std::pair{"peer_id", &c.peer_id}, {"network_id", &c.network_id}}) {
    if (auto v = n.get(key)) {
      *field = v->as_string();
      if (field->empty() || field->size() > 255) v->fail("expected 1 to 255 characters");
    }
  }
  if (auto v = n.get("dev_mode")) c.dev_mode = v->as_bool();
  if (auto v = n.get("execute_timeout")) c.execute_timeout = duration_of(*v);
  if (auto v = n.get("startup_timeout")) c.startup_timeout = duration_of(*v);
  if (auto v = n.get("keepalive")) c.keepalive = duration_of(*v);
  if (auto v = n.get("processing")) c.processing = duration_of(*v);
  if (auto v = n.get("query_read")) c.query_read = duration_of(*v);
  if (auto v = n.get("endorser_concurrency"))
    c.endorser_concurrency = static_cast<std::uint64_t>(v->as_int(0, INT64_MAX));
  if (auto v = n.get("state_database")) {
    const std::string db = v->as_string();
    if (db == "goleveldb") {
      c.state_database = fabric::StateDatabase::kGoLevelDB;
    } else if (db == "CouchDB") {
      c.state_database = fabric::StateDatabase::kCouchDB;
    } else {
      v->fail("unknown state database \"" + db + "\"" +
              detail::suggest(db, {"goleveldb", "CouchDB"}));
    }
  }
  return c;
}

void read_overrides(const Node& n, Scenario& s) {
  n.require_object();
  std::vector<std::string> names;
  for (const fabric::ProfileSwitch& sw : fabric::profile_switches())
    names.emplace_back(sw.name);
  for (const auto& item : n.json().items()) {
    const Node v = n.child(item.key());
    const fabric::ProfileSwitch* sw = fabric::find_profile_switch(item.key());
    if (sw == nullptr) {
      v.fail("unknown profile switch \"" + item.key() + "\"" + detail::suggest(item.key(), names));
    }
    const bool on = v.as_bool();
    s.profile.*(sw->member) = on;
    s.overrides[item.key()] = on;
  }
}

// Ceilings of the limits a scenario may set, so that the largest allowed run still fits in
// 4 GB of memory and ends in minutes (docs/scenario-format.md, "limits").
constexpr std::int64_t kMaxProposalsCeiling = 1'000'000;
constexpr std::int64_t kMaxEventsCeiling = 1'000'000'000;
constexpr std::int64_t kMaxKeptBytesCeiling = 2LL << 30;
constexpr std::int64_t kMaxExpandedBytesCeiling = 1LL << 30;

void read_limits(const Node& n, Scenario& s) {
  n.require_keys({"max_events", "horizon", "max_proposals", "max_call_depth", "max_kept_bytes",
                  "max_expanded_bytes"});
  if (auto e = n.get("max_events"))
    s.limits.max_events = static_cast<std::uint64_t>(e->as_int(1, kMaxEventsCeiling));
  if (auto h = n.get("horizon")) s.limits.horizon = kernel::Time::zero() + duration_of(*h);
  if (auto p = n.get("max_proposals"))
    s.max_proposals = static_cast<std::uint64_t>(p->as_int(1, kMaxProposalsCeiling));
  if (auto d = n.get("max_call_depth"))
    s.config.max_call_depth = static_cast<std::uint64_t>(d->as_int(0, INT64_MAX));
  if (auto b = n.get("max_kept_bytes"))
    s.limits.max_kept_bytes = static_cast<std::uint64_t>(b->as_int(1, kMaxKeptBytesCeiling));
  if (auto b = n.get("max_expanded_bytes"))
    s.max_expanded_bytes = static_cast<std::uint64_t>(b->as_int(1, kMaxExpandedBytesCeiling));
}

// --- Chaincode-to-chaincode call chains ------------------------------------------------------

// A function that can start or continue a call chain: a chaincode's Init or one of its
// functions, with the invoke_chaincode steps it reaches (those before a step that ends it).
struct CallSite {
  std::string name;             // "cc.f", or "cc.Init"
  std::uint64_t own_bytes = 0;  // what its own steps can copy into the run (step_bytes)
  struct Call {
    Node step;             // the invoke_chaincode step, for the error's pointer
    std::size_t target;    // index into the sites
    bool reentry = false;  // calls back into a function on the chain: Fabric refuses it
  };
  std::vector<Call> calls;
};

// What a step can copy into a run when it runs once: its strings (keys, values, queries,
// payloads, messages, a callee's args) and a message's worth of overhead. The loader bounds
// the scenario's expanded size with it (limits.max_expanded_bytes).
std::uint64_t step_bytes(const Step& step) {
  std::uint64_t n =
      64 + step.key.size() + step.value.size() + step.collection.size() + step.start_key.size() +
      step.end_key.size() + step.query.size() + step.metakey.size() + step.target_chaincode.size() +
      step.target_channel.size() + step.response.payload.size() + step.response.message.size();
  for (const std::string& a : step.args)
    n += a.size();
  return n;
}

std::uint64_t saturating_sum(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

// What one call of each function (by chaincode and name) and of each Init (by chaincode)
// can copy into a run, callees included.
struct CallBytes {
  std::map<std::pair<std::string, std::string>, std::uint64_t> functions;
  std::map<std::string, std::uint64_t> init;

  /// What a proposal for `chaincode` calling `function` (or Init) runs: 0 for what it does not
  /// know (the peer refuses it, or the chaincode's default answers it).
  std::uint64_t of(const std::string& chaincode, bool is_init, const std::string& function) const {
    if (is_init) {
      auto it = init.find(chaincode);
      return it == init.end() ? 0 : it->second;
    }
    auto it = functions.find({chaincode, function});
    if (it == functions.end()) it = functions.find({chaincode, fabric::kAnyFunction});
    return it == functions.end() ? 0 : it->second;
  }
};

bool ends_function(Step::Op op) {
  return op == Step::Op::kReturn || op == Step::Op::kFail || op == Step::Op::kPanic ||
         op == Step::Op::kHang;
}

// Follows every invoke_chaincode step. A chain of more than limits.max_call_depth nested calls is
// an error at the step that makes the call too many. A call back into a function already on the
// chain is not a loop: Fabric refuses to re-enter a chaincode that is running the transaction
// on the same channel ("txid: %s(%s) exists", docs/fabric-sources.md 2.5 step 8), so the chain ends
// there. (A cycle that changes channel can go round once per channel; the run-time limit in
// ChaincodeSupport catches what this static bound misses.) Runs in
// time linear in the number of steps (each function's longest chain is computed once) and
// without recursion, so a long chain cannot exhaust the stack.
//
// Returns, for each function and Init, how many bytes one call of it can copy into a run:
// its steps' step_bytes plus, for each call it makes, the callee's (a call that re-enters
// the chain counts nothing: Fabric refuses it). Saturates at UINT64_MAX.
CallBytes check_call_chains(const Node& chaincodes, const Scenario& s) {
  std::vector<CallSite> sites;
  std::map<std::pair<std::string, std::string>, std::size_t> by_function;  // (cc, fn) -> site
  const auto own = [](const fabric::ChaincodeFunction& fn) {
    std::uint64_t n = 0;
    fabric::for_each_step(fn.steps,
                          [&](const Step& step) { n = saturating_sum(n, step_bytes(step)); });
    return n;
  };
  for (const fabric::ChaincodeDefinition& def : s.chaincodes) {
    sites.push_back({def.name + ".Init", own(def.init), {}});
    for (const auto& item : def.functions) {
      by_function[{def.name, item.first}] = sites.size();
      sites.push_back({def.name + "." + item.first, own(item.second), {}});
    }
  }
  std::size_t site = 0;
  for (std::size_t i = 0; i < s.chaincodes.size(); ++i) {
    const fabric::ChaincodeDefinition& def = s.chaincodes[i];
    const Node cc = chaincodes.element(i);
    const auto add_calls = [&](const fabric::ChaincodeFunction& fn, const Node& steps) {
      bool reached = true;  // steps after one that ends the function never run
      visit_steps(fn.steps, steps, [&](const Step& step, const Node& step_node, std::size_t depth) {
        if (depth == 0 && ends_function(step.op)) reached = false;
        if (step.op != Step::Op::kInvokeChaincode || step.args.empty()) return;
        // The callee's function, or its "*"; a call the peer or the callee refuses at run time
        // (check_invoke_targets warns of it) goes no deeper.
        auto it = by_function.find({step.target_chaincode, step.args.front()});
        if (it == by_function.end())
          it = by_function.find({step.target_chaincode, fabric::kAnyFunction});
        if (it == by_function.end()) return;
        if (reached) sites[site].calls.push_back({step_node, it->second});
      });
      ++site;
    };
    add_calls(def.init, cc.json().contains("init") ? cc.child("init") : cc);
    for (const auto& [name, fn] : def.functions)
      add_calls(fn, cc.child("functions").child(name));
  }

  const std::uint64_t limit = s.config.max_call_depth;
  const auto too_deep = [&](const std::vector<std::size_t>& chain, const Node& step,
                            const std::string& what) {
    std::string names;
    for (std::size_t c : chain)
      names += (names.empty() ? "" : " -> ") + sites[c].name;
    step.fail("call chain " + names + " " + what + ", deeper than limits.max_call_depth (" +
              std::to_string(limit) + ")");
  };

  // Depth-first, with an explicit stack: height = the most nested calls below a site.
  enum class Mark : std::uint8_t { kNew, kOnPath, kDone };
  std::vector<Mark> mark(sites.size(), Mark::kNew);
  std::vector<std::uint64_t> height(sites.size(), 0);
  std::vector<std::uint64_t> bytes(sites.size(), 0);         // own and below
  std::vector<std::size_t> deepest(sites.size(), SIZE_MAX);  // the call that reaches it
  struct Frame {
    std::size_t site;
    std::size_t next_call;
  };
  for (std::size_t start = 0; start < sites.size(); ++start) {
    if (mark[start] != Mark::kNew) continue;
    std::vector<Frame> path{{start, 0}};
    mark[start] = Mark::kOnPath;
    while (!path.empty()) {
      Frame& top = path.back();
      const CallSite& here = sites[top.site];
      if (top.next_call < here.calls.size()) {
        CallSite::Call& call = sites[top.site].calls[top.next_call++];
        if (mark[call.target] == Mark::kOnPath) {
          call.reentry = true;  // refused by Fabric: the chain ends here
          continue;
        }
        if (mark[call.target] == Mark::kNew) {
          mark[call.target] = Mark::kOnPath;
          path.push_back({call.target, 0});
        }
        continue;
      }
      bytes[top.site] = here.own_bytes;
      for (std::size_t c = 0; c < here.calls.size(); ++c) {
        if (here.calls[c].reentry) continue;
        bytes[top.site] = saturating_sum(bytes[top.site], bytes[here.calls[c].target]);
        const std::uint64_t h = height[here.calls[c].target] + 1;
        if (h > height[top.site]) {
          height[top.site] = h;
          deepest[top.site] = c;
        }
      }
      mark[top.site] = Mark::kDone;
      path.pop_back();
    }
  }
  for (std::size_t start = 0; start < sites.size(); ++start) {
    if (height[start] <= limit) continue;
    // Follow the deepest calls to the one that goes past the limit.
    std::vector<std::size_t> chain{start};
    for (std::uint64_t depth = 0;; ++depth) {
      const CallSite::Call& call = sites[chain.back()].calls[deepest[chain.back()]];
      chain.push_back(call.target);
      if (depth == limit) {
        too_deep(
            chain, call.step,
            "makes " + std::to_string(limit + 1) + (limit == 0 ? " nested call" : " nested calls"));
      }
    }
  }
  CallBytes out;
  for (const auto& [function, index] : by_function)
    out.functions[function] = bytes[index];
  std::size_t init_site = 0;  // each chaincode's Init site comes before its functions'
  for (const fabric::ChaincodeDefinition& def : s.chaincodes) {
    out.init[def.name] = bytes[init_site];
    init_site += 1 + def.functions.size();
  }
  return out;
}

// "replay": {"tie_window": duration, "decisions": [{"key", "value", "occurrence"?, "range"?}]}.
// The kind is the key's first word, as Decisions spells keys ("latency ...", "select ...",
// "tie ...").
ReplaySpec read_replay(const Node& n) {
  n.require_keys({"tie_window", "decisions"});
  ReplaySpec spec;
  if (auto w = n.get("tie_window")) spec.tie_window = duration_of(*w);
  std::set<std::pair<std::string, std::uint32_t>> seen;
  for (const Node& d : n.require("decisions").elements()) {
    d.require_keys({"key", "value", "occurrence", "range"});
    kernel::Decision decision{kernel::DecisionKind::kLatency, d.require("key").as_string(), 0, 0};
    const std::string kind = decision.key.substr(0, decision.key.find(' '));
    bool known = false;
    for (auto k : {kernel::DecisionKind::kLatency, kernel::DecisionKind::kSelect,
                   kernel::DecisionKind::kTie}) {
      if (kind == kernel::to_string(k) && decision.key.size() > kind.size() + 1) {
        decision.kind = k;
        known = true;
      }
    }
    if (!known) {
      d.child("key").fail(
          "a decision key starts with \"latency \", \"select \" or \"tie \", got \"" +
          decision.key + "\"");
    }
    decision.value = static_cast<std::uint64_t>(d.require("value").as_int(0, INT64_MAX));
    if (auto o = d.get("occurrence"))
      decision.occurrence = static_cast<std::uint32_t>(o->as_int(0, UINT32_MAX));
    if (auto r = d.get("range"))
      decision.range = static_cast<std::uint64_t>(r->as_int(0, INT64_MAX));
    if (!seen.insert({decision.key, decision.occurrence}).second) {
      d.fail("decision \"" + decision.key + "\" occurrence " + std::to_string(decision.occurrence) +
             " is listed twice");
    }
    spec.decisions.push_back(std::move(decision));
  }
  return spec;
}

Scenario read_scenario(const Node& root, const LoadOptions& options) {
  root.require_keys({"$schema", "name", "description", "profile", "overrides", "seed", "config",
                     "network", "chaincodes", "ledger", "proposals", "faults", "expect", "limits",
                     "replay"});
  Scenario s;
  s.file = root.file();
  if (auto v = root.get("name")) s.name = v->as_string();
  if (auto v = root.get("description")) s.description = v->as_string();
  if (auto v = root.get("$schema")) v->as_string();  // for editors; ccsim ignores it
  const std::string file_profile = root.get("profile") ? root.child("profile").as_string() : "2.5";
  const std::string& profile = options.profile.empty() ? file_profile : options.profile;
  auto p = fabric::profile_by_name(profile);
  if (!p) {
    if (!options.profile.empty()) {
      throw ScenarioError(
          root.file(), "",
          "unknown profile \"" + profile + "\" (--profile); known:" + known_profiles());
    }
    root.child("profile").fail("unknown profile \"" + profile + "\"; known:" + known_profiles());
  }
  s.profile = *p;
  s.profile_flag = options.profile;
  if (auto v = root.get("overrides")) read_overrides(*v, s);
  if (auto v = root.get("seed")) s.default_seed = v->as_uint64();
  if (auto v = root.get("config")) {
    s.config = read_config(*v);
    // The run does what the peer does with these; the warning says so before it runs.
    const std::pair<const char*, std::string> readings[] = {
        {"keepalive", fabric::keepalive_reading(s.config.keepalive)},
        {"execute_timeout", fabric::execute_timeout_reading(s.config.execute_timeout, s.profile)},
        {"startup_timeout", fabric::startup_timeout_reading(s.config.startup_timeout)}};
    for (const auto& [key, reading] : readings) {
      if (!reading.empty()) detail::warn(s, v->child(key), reading);
    }
    if (auto e = v->get("endorser_concurrency"); e && !s.profile.endorser_concurrency_limit) {
      detail::warn(s, *e,
                   "profile \"" + s.profile.name +
                       "\" has no endorser concurrency limit (peer.limits.concurrency."
                       "endorserService came with Fabric 2.1): the value has no effect");
    }
  }
  if (auto v = root.get("network")) s.network = read_network(*v);
  if (auto v = root.get("limits")) read_limits(*v, s);

  const Node ccs = root.require("chaincodes");
  std::set<std::string> chaincode_names;
  for (const Node& c : ccs.elements()) {
    fabric::ChaincodeDefinition def = read_chaincode(c);
    if (!chaincode_names.insert(def.name).second) {
      c.child("name").fail("duplicate chaincode name \"" + def.name + "\"");
    }
    s.chaincodes.push_back(std::move(def));
  }
  detail::check_invoke_targets(ccs, s);
  detail::check_steps_in_profile(ccs, s);
  for (std::size_t i = 0; i < s.chaincodes.size(); ++i) {
    // Package IDs came with 2.0's _lifecycle; 1.x names a chaincode "name:version".
    if (!s.chaincodes[i].package_id.empty() && s.profile.name.rfind("1.", 0) == 0) {
      ccs.element(i)
          .child("package_id")
          .fail("profile \"" + s.profile.name +
                "\" has no package IDs (they came with Fabric "
                "2.0's _lifecycle): its chaincode ID is name:version");
    }
  }
  detail::check_containers(ccs, s);
  for (std::size_t i = 0; i < s.chaincodes.size(); ++i) {
    const fabric::ChaincodeDefinition& def = s.chaincodes[i];
    if (def.user_starts.empty() || s.config.dev_mode) continue;
    detail::warn(s, ccs.element(i).child("user_starts"),
                 "the peer is not in dev mode (config.dev_mode): it refuses a chaincode that "
                 "registers without a launch (\"peer will not accept external chaincode "
                 "connection " +
                     def.ccid() + " (except in dev mode)\")");
  }
  if (auto f = root.get("faults")) s.faults = detail::read_faults(*f, s);
  const CallBytes call_bytes = check_call_chains(ccs, s);
  std::uint64_t expanded = 0;  // bytes after repeat: see limits.max_expanded_bytes

  detail::ProposalTxids txids;
  std::set<std::pair<std::string, std::string>> channel_txids;
  std::size_t index = 0;
  for (const Node& pn : root.require("proposals").elements()) {
    ++index;
    pn.require_keys(
        {"at", "txid", "channel", "chaincode", "function", "args", "init", "duplicate", "repeat"});
    const kernel::Time at =
        kernel::Time::zero() + (pn.get("at") ? duration_of(pn.child("at")) : Duration());
    fabric::Proposal prop;
    const std::optional<Node> txid_node = pn.get("txid");
    prop.txid = txid_node ? txid_node->as_string() : "tx" + std::to_string(index);
    if (prop.txid.empty()) txid_node->fail("a txid cannot be empty");
    prop.channel_id = pn.get("channel") ? pn.child("channel").as_string() : "mychannel";
    if (prop.channel_id.empty()) pn.child("channel").fail("a channel name cannot be empty");
    prop.chaincode = pn.require("chaincode").as_string();
    const fabric::ChaincodeDefinition* def = nullptr;
    for (const auto& d : s.chaincodes) {
      if (d.name == prop.chaincode) def = &d;
    }
    prop.is_init = pn.get("init") ? pn.child("init").as_bool() : false;
    // A chaincode or function the peer or the chaincode does not know is the run's outcome,
    // as in Fabric, not a load error; but a warning names the nearest one (a typo?).
    if (def == nullptr) {
      std::vector<std::string> defined;
      for (const auto& d : s.chaincodes)
        defined.push_back(d.name);
      detail::warn(s, pn.child("chaincode"),
                   "no chaincode is named \"" + prop.chaincode + "\"" +
                       detail::did_you_mean(prop.chaincode, defined) +
                       ": the endorser will refuse the proposal");
    } else if (!def->channels.empty() && def->channels.count(prop.channel_id) == 0) {
      detail::warn(s, pn.get("channel") ? pn.child("channel") : pn,
                   "chaincode \"" + def->name + "\" is not defined on channel \"" +
                       prop.channel_id + "\" (its channels: " + detail::quoted_list(def->channels) +
                       "): the endorser will refuse the proposal");
    }
    // The function is the first of ChaincodeInput.args; without one, args are all there is.
    std::vector<std::string> args;
    std::optional<std::string> function;
    if (auto f = pn.get("function")) {
      function = f->as_string();
      args.push_back(*function);
    }
    if (auto a = pn.get("args")) {
      for (std::string& arg : read_strings(*a))
        args.push_back(std::move(arg));
    }
    const std::string dispatched = args.empty() ? "" : args.front();
    if (def != nullptr && !prop.is_init && def->functions.count(dispatched) == 0 &&
        def->functions.count(fabric::kAnyFunction) == 0) {
      std::vector<std::string> function_names;
      for (const auto& [name, fn] : def->functions)
        function_names.push_back(name);
      detail::warn(s, pn.get("function") ? pn.child("function") : pn,
                   "chaincode \"" + def->name + "\" has no function \"" + dispatched + "\"" +
                       detail::did_you_mean(dispatched, function_names) +
                       " and no \"*\": its Invoke returns " + "shim.Error(\"" +
                       fabric::kUnknownFunctionMessage + "\")");
    }
    prop.args = std::move(args);  // shared by the entry's repetitions
    const bool duplicate = pn.get("duplicate") ? pn.child("duplicate").as_bool() : false;

    // "repeat": count proposals at at, at + interval, ..., txids "<txid>-1", "<txid>-2", ...
    std::uint64_t count = 1;
    Duration interval;
    const std::optional<Node> repeat = pn.get("repeat");
    if (repeat) {
      repeat->require_keys({"count", "interval"});
      count = static_cast<std::uint64_t>(repeat->require("count").as_int(1, INT64_MAX));
      if (auto iv = repeat->get("interval")) interval = duration_of(*iv);
      const Wide last = static_cast<Wide>(at.ns()) +
                        static_cast<Wide>(interval.ns()) * static_cast<Wide>(count - 1);
      if (last > kMaxNs) {
        repeat->child("interval")
            .fail("the last of " + std::to_string(count) +
                  " repetitions would come after the largest virtual time (" +
                  kernel::format_time(kernel::Time::from_ns(kMaxNs)) + ")");
      }
    }
    // count <= INT64_MAX and the total so far <= max_proposals <= INT64_MAX: no overflow.
    if (s.proposals.size() + count > s.max_proposals) {
      (repeat ? repeat->child("count") : pn)
          .fail("this makes " + std::to_string(s.proposals.size() + count) +
                " proposals, more than limits.max_proposals (" + std::to_string(s.max_proposals) +
                ")");
    }
    // Checked before anything is expanded: what each of these proposals can copy into the
    // run (its own strings and what the functions it runs copy), times how many there are.
    std::uint64_t each =
        64 + prop.txid.size() + 21 + prop.channel_id.size() + prop.chaincode.size();
    for (const std::string& arg : prop.args.get())
      each += arg.size();
    each = saturating_sum(each, call_bytes.of(prop.chaincode, prop.is_init, dispatched));
    const Wide total = static_cast<Wide>(expanded) + static_cast<Wide>(each) * count;
    if (total > static_cast<Wide>(s.max_expanded_bytes)) {
      (repeat ? repeat->child("count") : pn)
          .fail("this makes the scenario's expanded size more than limits.max_expanded_bytes (" +
                std::to_string(s.max_expanded_bytes) + " bytes): " + std::to_string(count) +
                (count == 1 ? " proposal" : " proposals") + " of up to " + std::to_string(each) +
                " bytes each (its txid, args, and the keys, values and payloads of the steps it "
                "runs)");
    }
    expanded = static_cast<std::uint64_t>(total);
    if (repeat) txids.repeated.try_emplace(prop.txid, pn.pointer(), count);
    for (std::uint64_t k = 1; k <= count; ++k) {
      ScheduledProposal sp;
      sp.at = at + interval * static_cast<std::int64_t>(k - 1);
      sp.proposal = prop;
      if (repeat) sp.proposal.txid += "-" + std::to_string(k);
      if (!channel_txids.insert({prop.channel_id, sp.proposal.txid}).second && !duplicate) {
        (txid_node ? *txid_node : pn)
            .fail("duplicate txid \"" + sp.proposal.txid + "\" on channel \"" + prop.channel_id +
                  "\" (set \"duplicate\": true to submit it again on purpose)");
      }
      txids.txids.insert(sp.proposal.txid);
      sp.proposal.ordinal = s.proposals.size();
      s.proposals.push_back(std::move(sp));
    }
  }
  if (auto l = root.get("ledger")) s.initial_ledger = detail::read_initial_ledger(*l, s);
  if (auto e = root.get("expect")) read_expect(*e, s, txids);
  if (auto r = root.get("replay")) s.replay = read_replay(*r);
  return s;
}

bool valid_utf8(const std::string& s, std::size_t& bad_offset) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80) {
      n = 0;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      bad_offset = i;
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        bad_offset = i;
        return false;
      }
    }
    i += n + 1;
  }
  return true;
}

// The error at the place in `text` where the byte at `offset` is.
ScenarioError at_offset(const ScenarioError& e, const std::string& text, std::size_t offset) {
  const detail::TextPosition p = detail::position_at(text, offset);
  return ScenarioError(e, p.line, p.column);
}

}  // namespace

Scenario load_text(const std::string& text, const std::string& file, const LoadOptions& options) {
  if (text.size() > kMaxFileBytes) {
    throw ScenarioError(
        file, "",
        "larger than the largest scenario file (" + std::to_string(kMaxFileBytes) + " bytes)");
  }
  std::size_t bad = 0;
  if (!valid_utf8(text, bad)) {
    throw ScenarioError(file, "", "not UTF-8 (invalid byte at offset " + std::to_string(bad) + ")");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ScenarioError(file, "", "empty file (expected a JSON object)");
  }
  if (const auto at = detail::nesting_too_deep(text)) {
    throw at_offset(
        ScenarioError(file, "",
                      "arrays and objects nested deeper than " + std::to_string(kMaxJsonDepth) +
                          " levels (no scenario needs that many)"),
        text, *at);
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // Report line and column of the byte where parsing stopped.
    std::string what = e.what();
    if (auto pos = what.find("syntax error while parsing value - "); pos != std::string::npos) {
      what = what.substr(pos + 35);
    } else if (auto pos2 = what.find("parse error"); pos2 != std::string::npos) {
      if (auto colon = what.find(": ", pos2); colon != std::string::npos)
        what = what.substr(colon + 2);
    }
    throw at_offset(ScenarioError(file, "", "invalid JSON: " + what), text,
                    e.byte == 0 ? 0 : e.byte - 1);
  } catch (const Json::out_of_range& e) {
    // A number too large for a double (1e999): nlohmann names the token, not its place.
    std::string what = e.what();
    std::optional<std::size_t> at;
    if (auto q = what.find('\''); q != std::string::npos && what.back() == '\'') {
      const std::string token = what.substr(q + 1, what.size() - q - 2);
      if (auto found = text.find(token); found != std::string::npos) at = found;
      what = "the number " + token + " is out of range";
    }
    const ScenarioError error(file, "", "invalid JSON: " + what);
    if (at) throw at_offset(error, text, *at);
    throw error;
  }
  // nlohmann keeps the last of two equal keys: the scenario would lose the first unseen.
  if (const auto dup = detail::find_duplicate_key(text)) {
    throw ScenarioError(ScenarioError(file, dup->pointer,
                                      "duplicate key (first at " + detail::to_string(dup->first) +
                                          "): a JSON object names each key once"),
                        dup->second.line, dup->second.column);
  }
  try {
    if (!doc.is_object()) {
      throw ScenarioError(
          file, "/", "expected the scenario to be a JSON object, got " + detail::type_name(doc));
    }
    Scenario s = read_scenario(Node(doc, "", file), options);
    s.source = text;
    return s;
  } catch (const ScenarioError& e) {
    if (e.positioned() || e.file() != file || e.pointer().empty()) throw;
    // The place of the value the error names ("/" is the document).
    const detail::TextPosition p =
        detail::position_of(text, e.pointer() == "/" ? std::string() : e.pointer());
    throw ScenarioError(e, p.line, p.column);
  }
}

Scenario load_file(const std::string& path, const LoadOptions& options) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw ScenarioError(path, "", "no such file");
  if (S_ISDIR(st.st_mode)) throw ScenarioError(path, "", "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path, "", "cannot be read");
  // Read at most one byte past the limit: a device or a pipe (/dev/stdin) may never end.
  std::string text;
  char buf[1 << 16];
  while (text.size() <= kMaxFileBytes && in.read(buf, sizeof buf).gcount() > 0)
    text.append(buf, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw ScenarioError(path, "", "cannot be read");
  if (text.size() > kMaxFileBytes) {
    throw ScenarioError(
        path, "",
        "larger than the largest scenario file (" + std::to_string(kMaxFileBytes) + " bytes)");
  }
  return load_text(text, path, options);
}

namespace detail {

std::optional<std::size_t> nesting_too_deep(const std::string& text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

Duration duration_of(const Node& n) {
  return parse_duration(n.as_string(), n.file(), n.pointer());
}

void warn(Scenario& s, const Node& n, const std::string& message) {
  s.warnings.push_back(n.file() + ": " + (n.pointer().empty() ? "/" : n.pointer()) +
                       ": warning: " + message);
}

// --- Sections ----------------------------------------------------------------------------

std::vector<std::string> read_strings(const Node& n) {
  std::vector<std::string> out;
  for (const Node& e : n.elements())
    out.push_back(e.as_string());
  return out;
}

}  // namespace detail

}  // namespace ccsim::scenario