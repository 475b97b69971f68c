#include "ccsim/scenario/loader.hpp"

#include <sys/stat.h>
#include <fstream>
#include <set>
#include <sstream>

#include "readers.hpp"

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

}  // namespace

Duration parse_duration(const std::string& text, const std::string& file,
                        const std::string& pointer) {
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
    if (ns > kMaxNs) bad("too large");
  }
  ns *= found->ns;
  if (ns > kMaxNs) bad("too large");
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
  if (ns > kMaxNs) bad("too large");
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

fabric::DelayModel read_network(const Node& n) {
  n.require_keys({"latency", "peer_to_shim", "shim_to_peer", "unsafe_reorder"});
  fabric::DelayModel m;
  if (auto l = n.get("latency")) m.peer_to_shim.all = m.shim_to_peer.all = read_latency(*l);
  if (auto d = n.get("peer_to_shim")) read_direction(*d, m.peer_to_shim);
  if (auto d = n.get("shim_to_peer")) read_direction(*d, m.shim_to_peer);
  if (auto u = n.get("unsafe_reorder")) m.unsafe_reorder = u->as_bool();
  return m;
}

fabric::PeerConfig read_config(const Node& n) {
  n.require_keys({"execute_timeout", "startup_timeout", "keepalive", "processing"});
  fabric::PeerConfig c;
  if (auto v = n.get("execute_timeout")) c.execute_timeout = duration_of(*v);
  if (auto v = n.get("startup_timeout")) c.startup_timeout = duration_of(*v);
  if (auto v = n.get("keepalive")) c.keepalive = duration_of(*v);
  if (auto v = n.get("processing")) c.processing = duration_of(*v);
  return c;
}

Scenario read_scenario(const Node& root) {
  root.require_keys({"name", "description", "profile", "seed", "config", "network", "chaincodes",
                     "proposals", "expect", "limits"});
  Scenario s;
  s.file = root.file();
  if (auto v = root.get("name")) s.name = v->as_string();
  if (auto v = root.get("description")) s.description = v->as_string();
  const std::string profile = root.get("profile") ? root.child("profile").as_string() : "2.5";
  auto p = fabric::profile_by_name(profile);
  if (!p) {
    std::string known;
    for (const std::string& name : fabric::profile_names())
      known += " \"" + name + "\"";
    root.child("profile").fail("unknown profile \"" + profile + "\"; known:" + known);
  }
  s.profile = *p;
  if (auto v = root.get("seed"))
    s.default_seed = static_cast<std::uint64_t>(v->as_int(0, INT64_MAX));
  if (auto v = root.get("config")) s.config = read_config(*v);
  if (auto v = root.get("network")) s.network = read_network(*v);
  if (auto v = root.get("limits")) {
    v->require_keys({"max_events", "horizon"});
    if (auto e = v->get("max_events"))
      s.limits.max_events = static_cast<std::uint64_t>(e->as_int(1, INT64_MAX));
    if (auto h = v->get("horizon")) s.limits.horizon = kernel::Time::zero() + duration_of(*h);
  }

  const Node ccs = root.require("chaincodes");
  std::set<std::string> names;
  for (const Node& c : ccs.elements()) {
    fabric::ChaincodeDefinition def = read_chaincode(c);
    if (!names.insert(def.name).second) {
      c.child("name").fail("duplicate chaincode name \"" + def.name + "\"");
    }
    s.chaincodes.push_back(std::move(def));
  }

  std::set<std::string> txids;
  std::set<std::pair<std::string, std::string>> channel_txids;
  std::size_t index = 0;
  for (const Node& pn : root.require("proposals").elements()) {
    ++index;
    pn.require_keys(
        {"at", "txid", "channel", "chaincode", "function", "args", "init", "duplicate"});
    ScheduledProposal sp;
    sp.at = kernel::Time::zero() + (pn.get("at") ? duration_of(pn.child("at")) : Duration());
    fabric::Proposal& prop = sp.proposal;
    prop.txid = pn.get("txid") ? pn.child("txid").as_string() : "tx" + std::to_string(index);
    if (prop.txid.empty()) pn.child("txid").fail("a txid cannot be empty");
    prop.channel_id = pn.get("channel") ? pn.child("channel").as_string() : "mychannel";
    prop.chaincode = pn.require("chaincode").as_string();
    const fabric::ChaincodeDefinition* def = nullptr;
    for (const auto& d : s.chaincodes) {
      if (d.name == prop.chaincode) def = &d;
    }
    if (def == nullptr)
      pn.child("chaincode").fail("no chaincode is named \"" + prop.chaincode + "\"");
    prop.is_init = pn.get("init") ? pn.child("init").as_bool() : false;
    const std::string function = pn.require("function").as_string();
    if (!prop.is_init && def->functions.count(function) == 0) {
      std::string known;
      for (const auto& [name, fn] : def->functions)
        known += " \"" + name + "\"";
      pn.child("function")
          .fail("chaincode \"" + def->name + "\" has no function \"" + function +
                "\"; it has:" + (known.empty() ? " none" : known));
    }
    prop.args.push_back(function);
    if (auto a = pn.get("args")) {
      for (std::string& arg : read_strings(*a))
        prop.args.push_back(std::move(arg));
    }
    const bool duplicate = pn.get("duplicate") ? pn.child("duplicate").as_bool() : false;
    if (!channel_txids.insert({prop.channel_id, prop.txid}).second && !duplicate) {
      pn.child("txid").fail("duplicate txid \"" + prop.txid + "\" on channel \"" + prop.channel_id +
                            "\" (set \"duplicate\": true to submit it again on purpose)");
    }
    txids.insert(prop.txid);
    s.proposals.push_back(std::move(sp));
  }
  if (auto e = root.get("expect")) read_expect(*e, s, txids);
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

}  // namespace

Scenario load_text(const std::string& text, const std::string& file) {
  std::size_t bad = 0;
  if (!valid_utf8(text, bad)) {
    throw ScenarioError(file, "", "not UTF-8 (invalid byte at offset " + std::to_string(bad) + ")");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ScenarioError(file, "", "empty file (expected a JSON object)");
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // Report line and column of the byte where parsing stopped.
    std::size_t line = 1;
    std::size_t column = 1;
    const std::size_t stop = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    for (std::size_t i = 0; i < stop; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    if (auto pos = what.find("syntax error while parsing value - "); pos != std::string::npos) {
      what = what.substr(pos + 35);
    } else if (auto pos2 = what.find("parse error"); pos2 != std::string::npos) {
      if (auto colon = what.find(": ", pos2); colon != std::string::npos)
        what = what.substr(colon + 2);
    }
    throw ScenarioError(file, "",
                        "invalid JSON at line " + std::to_string(line) + ", column " +
                            std::to_string(column) + ": " + what);
  }
  if (!doc.is_object()) {
    throw ScenarioError(file, "/",
                        "expected the scenario to be a JSON object, got " + detail::type_name(doc));
  }
  return read_scenario(Node(doc, "", file));
}

Scenario load_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw ScenarioError(path, "", "no such file");
  if (S_ISDIR(st.st_mode)) throw ScenarioError(path, "", "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path, "", "cannot be read");
  std::ostringstream buf;
  buf << in.rdbuf();
  return load_text(buf.str(), path);
}

namespace detail {

Duration duration_of(const Node& n) {
  return parse_duration(n.as_string(), n.file(), n.pointer());
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