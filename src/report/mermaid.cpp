#include "ccsim/report/mermaid.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccsim/kernel/time.hpp"

namespace ccsim::report {

namespace {
using kernel::TraceEvent;
using kernel::TraceEventView;
using kernel::TraceKind;

constexpr const char* kIndent = "    ";

/// Text Mermaid shows verbatim in a label, note or alias: one line, none of the characters
/// that end a statement (';', newline) or start an entity code ('#'), no double quotes.
std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case ';':
        out += ',';
        break;
      case '#':
        out += "no.";
        break;
      case '"':
        out += '\'';
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
        break;
    }
  }
  const std::size_t end = out.find_last_not_of(' ');
  out.erase(end == std::string::npos ? 0 : end + 1);
  return out;
}

/// A participant identifier: letters, digits and '_' only.
std::string identifier(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += keep ? c : '_';
  }
  return out;
}

bool is_side(const std::string& actor) {
  return actor == "peer" || actor == "shim";
}

/// Which participant an event's actor is drawn as: the actor's name, or for the peer and
/// shim handlers the actor and its stream.
using Key = std::pair<std::string, std::string>;

Key key_of(const std::string& actor, const std::string& stream) {
  return is_side(actor) ? Key{actor, stream} : Key{actor, ""};
}

class Participants {
 public:
  explicit Participants(const TraceSource& events) {
    std::set<std::string> fixed_seen;
    std::vector<std::string> streams;
    std::vector<std::string> others;
    std::set<std::string> streams_seen;
    std::set<std::string> others_seen;
    events.for_each([&](const TraceEventView& view) {
      const kernel::TraceEvent e(view);
      if (e.kind == TraceKind::kSend) return;  // not drawn
      if (is_side(e.actor) || e.kind == TraceKind::kDeliver) {
        if (streams_seen.insert(e.stream).second) streams.push_back(e.stream);
      } else if (is_fixed(e.actor)) {
        fixed_seen.insert(e.actor);
      } else if (others_seen.insert(e.actor).second) {
        others.push_back(e.actor);
      }
    });
    for (const char* name : {"endorser", "launcher", "runtime"}) {
      if (fixed_seen.count(name) != 0) add(Key{name, ""}, name, "");
    }
    for (const std::string& stream : streams) {
      // Both ids of a pair share one suffix, so that peer_x and shim_x stay a visible pair.
      const std::string base = identifier(stream);
      std::string peer_id = "peer_" + base;
      std::string shim_id = "shim_" + base;
      for (int n = 2; used_.count(peer_id) != 0 || used_.count(shim_id) != 0; ++n) {
        peer_id = "peer_" + base + "_" + std::to_string(n);
        shim_id = "shim_" + base + "_" + std::to_string(n);
      }
      const std::string label = sanitize(stream);
      add(Key{"peer", stream}, peer_id, label.empty() ? "peer" : "peer (" + label + ")");
      add(Key{"shim", stream}, shim_id, label.empty() ? "shim" : "shim (" + label + ")");
    }
    if (fixed_seen.count("ledger") != 0) add(Key{"ledger", ""}, "ledger", "");
    for (const std::string& actor : others) {
      std::string id = "actor_" + identifier(actor);
      for (int n = 2; used_.count(id) != 0; ++n)
        id = "actor_" + identifier(actor) + "_" + std::to_string(n);
      const std::string label = sanitize(actor);
      add(Key{actor, ""}, id, label.empty() ? "actor" : label);
    }
  }

  void declare(std::ostream& out) const {
    for (const auto& [id, alias] : declarations_) {
      out << kIndent << "participant " << id;
      if (!alias.empty()) out << " as " << alias;
      out << "\n";
    }
  }

  const std::string& id(const std::string& actor, const std::string& stream) const {
    return ids_.at(key_of(actor, stream));
  }

 private:
  static bool is_fixed(const std::string& actor) {
    return actor == "endorser" || actor == "launcher" || actor == "runtime" || actor == "ledger";
  }

  void add(Key key, const std::string& id, const std::string& alias) {
    used_.insert(id);
    ids_.emplace(std::move(key), id);
    declarations_.emplace_back(id, alias);
  }

  std::map<Key, std::string> ids_;
  std::set<std::string> used_;
  std::vector<std::pair<std::string, std::string>> declarations_;  // id, alias ("": none)
};

void note(std::ostream& out, const std::string& over, const std::string& text) {
  const std::string body = sanitize(text);
  out << kIndent << "Note over " << over << ":" << (body.empty() ? "" : " ") << body << "\n";
}

std::string outcome_text(const TraceEvent& e) {
  std::string s = e.txid + " status=" + (e.status ? std::to_string(*e.status) : std::string("-"));
  if (e.error) s += " error=" + *e.error;
  return s;
}
}  // namespace

void write_mermaid(std::ostream& out, const scenario::RunResult& result) {
  write_mermaid(out, KeptEvents(result.trace), result);
}

void write_mermaid(std::ostream& out, const TraceSource& events,
                   const scenario::RunResult& /*result*/) {
  const Participants participants(events);
  out << "sequenceDiagram\n";
  participants.declare(out);
  events.for_each([&](const TraceEventView& view) {
    const kernel::TraceEvent e(view);
    switch (e.kind) {
      case TraceKind::kSend:
        break;  // drawn once, when delivered
      case TraceKind::kDeliver: {
        const bool from_peer = e.from == "peer";
        const std::string label = sanitize(e.txid.empty() ? e.type : e.type + " " + e.txid);
        out << kIndent << participants.id(from_peer ? "peer" : "shim", e.stream) << "->>"
            << participants.id(from_peer ? "shim" : "peer", e.stream) << ":"
            << (label.empty() ? "" : " ") << label << "\n";
        break;
      }
      case TraceKind::kState:
      case TraceKind::kNote:
        note(out, participants.id(e.actor, e.stream), e.detail);
        break;
      case TraceKind::kTimer:
        note(out, participants.id(e.actor, e.stream),
             kernel::format_time(e.t) + " " + e.detail + (e.txid.empty() ? "" : " " + e.txid));
        break;
      case TraceKind::kStreamEnd:
        note(out, participants.id(e.actor, e.stream), "stream end: " + e.detail);
        break;
      case TraceKind::kOutcome:
        note(out, participants.id(e.actor, e.stream), outcome_text(e));
        break;
    }
  });
}

}  // namespace ccsim::report
