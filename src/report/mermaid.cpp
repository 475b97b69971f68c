#include "ccsim/report/mermaid.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/rng.hpp"
#include "ccsim/kernel/time.hpp"
#include "in_flight.hpp"

namespace ccsim::report {

namespace {
using kernel::TraceEvent;
using kernel::TraceEventView;
using kernel::TraceKind;

constexpr std::string_view kIndent = "    ";
constexpr std::string_view kHeader = "sequenceDiagram\n";
// A part's title line is written once the parts are counted; its room is kept in every part
// from the start, so that counting and writing split at the same statements.
constexpr std::size_t kTitleRoom = 200;
constexpr std::size_t kAliasText = 60;  // bytes of a participant's name from the run

// --- Text -------------------------------------------------------------------------------

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

/// `raw` cut to at most `max` bytes (at a character's start), saying how much was left out.
std::string cut(std::string_view raw, std::size_t max) {
  if (raw.size() <= max) return std::string(raw);
  std::size_t end = max;
  while (end > 0 && continuation(raw[end]))
    --end;
  return std::string(raw.substr(0, end)) + " … (" + std::to_string(raw.size() - end) +
         " more bytes)";
}

/// Text from the run as Mermaid shows it verbatim, whatever it holds. Mermaid replaces
/// `#name;` and `#123;` by entities before it parses anything (mermaid's encodeEntities), so:
/// - the characters the grammar reads are written as entity codes: '#' (a comment, and what
///   starts a code), ';' (ends a statement), '"', '<' and '>' (markup: "<br/>" would break the
///   line), '&' (so that "&lt;" stays those four characters), '%' ("%%{" starts a directive);
///   in a participant's name also ',', ':' and '@', which the name's token stops at;
/// - the 's' of "style" and the 'c' of "classDef": encodeEntities strips the last ';' of a line
///   matching /style.*:\S*#.*;/ or /classDef.*:\S*#.*;/ first, which would break an entity code;
/// - U+FB02 and U+00B6, which Mermaid's placeholders for entity codes are made of;
/// - control characters as \n, \r, \t and \xNN: one statement is one line.
std::string escape(std::string_view raw, bool name) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 4);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    const auto starts = [&](std::string_view word) { return raw.substr(i, word.size()) == word; };
    switch (c) {
      case '"':
        out += "#quot;";
        continue;
      case '#':
        out += "#35;";
        continue;
      case ';':
        out += "#59;";
        continue;
      case '<':
        out += "#lt;";
        continue;
      case '>':
        out += "#gt;";
        continue;
      case '&':
        out += "#amp;";
        continue;
      case '%':
        out += "#37;";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (name && (c == ',' || c == ':' || c == '@')) {
      out += "#" + std::to_string(static_cast<int>(c)) + ";";
    } else if (starts("style") || starts("classDef")) {
      out += "#" + std::to_string(static_cast<int>(c)) + ";";
    } else if (starts("\xEF\xAC\x82")) {  // U+FB02
      out += "#64258;";
      i += 2;
    } else if (starts("\xC2\xB6")) {  // U+00B6
      out += "#182;";
      i += 1;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

/// `raw` broken into lines of at most `width` bytes, at spaces where it has them (a word
/// longer than a line is broken where the line ends), each escaped, joined by Mermaid's line
/// break.
std::string label(std::string_view raw, std::size_t width) {
  std::string out;
  std::size_t i = 0;
  while (true) {
    if (raw.size() - i <= width) {
      out += escape(raw.substr(i), false);
      return out;
    }
    std::size_t end = raw.rfind(' ', i + width);
    std::size_t next = end + 1;
    if (end == std::string_view::npos || end <= i) {
      end = i + width;
      while (end > i && continuation(raw[end]))
        --end;
      if (end == i) {  // one character wider than a line: keep it whole
        end = i + 1;
        while (end < raw.size() && continuation(raw[end]))
          ++end;
      }
      next = end;
    }
    out += escape(raw.substr(i, end - i), false);
    out += "<br/>";
    i = next;
  }
}

// --- Participants ---------------------------------------------------------------------------

/// A participant identifier: letters, digits and '_' only, and never containing "style" or
/// "classDef" (see escape()).
std::string identifier(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += keep ? c : '_';
  }
  for (const auto& [word, safe] :
       {std::pair{"style", "Style"}, std::pair{"classDef", "ClassDef"}}) {
    for (auto at = out.find(word); at != std::string::npos; at = out.find(word, at + 1))
      out.replace(at, std::string_view(word).size(), safe);
  }
  return out;
}

bool is_side(std::string_view actor) {
  return actor == "peer" || actor == "shim";
}

/// Which participant an actor is drawn as: the actor's name, or for the peer and shim
/// handlers the actor and its stream.
using Key = std::pair<std::string, std::string>;

Key key_of(std::string_view actor, std::string_view stream) {
  return is_side(actor) ? Key{std::string(actor), std::string(stream)}
                        : Key{std::string(actor), std::string()};
}

class Participants {
 public:
  explicit Participants(const TraceSource& events) {
    std::set<std::string> fixed_seen;
    std::vector<std::string> streams;
    std::vector<std::string> others;
    std::set<std::string> streams_seen;
    std::set<std::string> others_seen;
    const auto actor = [&](std::string_view a) {
      if (is_fixed(a)) {
        fixed_seen.emplace(a);
      } else if (others_seen.emplace(a).second) {
        others.emplace_back(a);
      }
    };
    events.for_each([&](const TraceEventView& e) {
      const bool message = e.kind == TraceKind::kSend || e.kind == TraceKind::kDeliver;
      if (is_side(e.actor) || message) {
        if (streams_seen.emplace(e.stream).second) streams.emplace_back(e.stream);
        if (!is_side(e.actor)) actor(e.actor);
        if (message && !e.from.empty() && !is_side(e.from)) actor(e.from);
      } else {
        actor(e.actor);
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
      const std::string shown = cut(stream, kAliasText);
      add(Key{"peer", stream}, peer_id, stream.empty() ? "peer" : "peer (" + shown + ")");
      add(Key{"shim", stream}, shim_id, stream.empty() ? "shim" : "shim (" + shown + ")");
    }
    if (fixed_seen.count("ledger") != 0) add(Key{"ledger", ""}, "ledger", "");
    for (const std::string& a : others) {
      std::string id = "actor_" + identifier(a);
      for (int n = 2; used_.count(id) != 0; ++n)
        id = "actor_" + identifier(a) + "_" + std::to_string(n);
      add(Key{a, ""}, id, a.empty() ? "actor" : cut(a, kAliasText));
    }
  }

  std::size_t size() const { return declarations_.size(); }
  const std::string& declaration(std::size_t i) const { return declarations_[i]; }
  const std::string& id(std::size_t i) const { return ids_[i]; }
  std::size_t index(std::string_view actor, std::string_view stream) const {
    return index_.at(key_of(actor, stream));
  }

 private:
  static bool is_fixed(std::string_view actor) {
    return actor == "endorser" || actor == "launcher" || actor == "runtime" || actor == "ledger";
  }

  void add(Key key, const std::string& id, const std::string& alias) {
    used_.insert(id);
    index_.emplace(std::move(key), ids_.size());
    ids_.push_back(id);
    std::string line = std::string(kIndent) + "participant " + id;
    if (!alias.empty()) line += " as " + escape(alias, true);
    declarations_.push_back(line + "\n");
  }

  std::map<Key, std::size_t> index_;
  std::set<std::string> used_;
  std::vector<std::string> ids_;
  std::vector<std::string> declarations_;  // "    participant ID[ as ALIAS]\n"
};

// --- Parts ------------------------------------------------------------------------------

/// A part once it is whole: its statements, which participants it uses, its time range.
struct Part {
  const std::string* body = nullptr;
  const std::vector<bool>* used = nullptr;
  kernel::Time first;
  kernel::Time last;
};

/// Gathers statements into parts, each closed before a statement would take it past the
/// limits. Holds one part.
class Parts {
 public:
  Parts(const Participants& participants, const MermaidLimits& limits,
        std::function<void(const Part&)> close)
      : participants_(&participants),
        limits_(&limits),
        close_(std::move(close)),
        used_(participants.size(), false) {}

  /// One statement (a line, with its newline) at `t`, drawing on participants `a` and `b`.
  void add(kernel::Time t, const std::string& line, std::size_t a, std::size_t b, bool arrow) {
    std::size_t more = line.size();
    if (!used_[a]) more += participants_->declaration(a).size();
    if (b != a && !used_[b]) more += participants_->declaration(b).size();
    const bool full =
        kHeader.size() + kTitleRoom + declared_ + body_.size() + more > limits_->max_bytes ||
        (arrow && arrows_ + 1 > limits_->max_arrows);
    if (!body_.empty() && full) close();
    if (body_.empty()) first_ = t;
    last_ = t;
    for (const std::size_t p : {a, b}) {
      if (used_[p]) continue;
      used_[p] = true;
      declared_ += participants_->declaration(p).size();
    }
    body_ += line;
    if (arrow) ++arrows_;
  }

  /// Closes the last part (an empty run is one part with nothing in it).
  void finish() {
    if (!body_.empty() || closed_ == 0) close();
  }

 private:
  void close() {
    close_(Part{&body_, &used_, first_, last_});
    ++closed_;
    body_.clear();
    used_.assign(used_.size(), false);
    declared_ = 0;
    arrows_ = 0;
  }

  const Participants* participants_;
  const MermaidLimits* limits_;
  std::function<void(const Part&)> close_;
  std::string body_;
  std::vector<bool> used_;
  std::size_t declared_ = 0;
  std::size_t arrows_ = 0;
  std::size_t closed_ = 0;
  kernel::Time first_;
  kernel::Time last_;
};

// --- Statements -------------------------------------------------------------------------

std::string outcome_text(const TraceEvent& e) {
  std::string s = "status=" + (e.status ? std::to_string(*e.status) : std::string("-"));
  if (e.error) s += " error=" + *e.error;
  if (e.payload && !e.payload->empty()) s += " payload=" + *e.payload;
  return s;
}

/// What one pass over the events draws, statement by statement, into `parts`.
class Renderer {
 public:
  Renderer(const Participants& participants, const MermaidLimits& limits, Parts& parts)
      : participants_(&participants), limits_(&limits), parts_(&parts) {}

  void event(const TraceEventView& view) {
    const TraceEvent e(view);
    switch (e.kind) {
      case TraceKind::kSend: {
        const std::uint64_t id = in_flight_.sent(e, {});
        unmarked_.push_back(id);
        unmarked_sends_.emplace(id, e);
        break;
      }
      case TraceKind::kDeliver: {
        auto delivery = in_flight_.delivered(e);
        for (const Message& lost : delivery.lost)
          draw_lost(lost, e.t, "a later message on its stream was delivered first");
        draw_delivery(delivery.send, e);
        break;
      }
      case TraceKind::kStreamEnd:
        for (const Message& lost : in_flight_.ended(e.actor, e.stream))
          draw_lost(lost, e.t, e.actor + "'s end of the stream ended");
        note(e, "stream end: " + cut(e.detail, limits_->max_text));
        break;
      case TraceKind::kState:
        note(e, cut(e.detail, limits_->max_text));
        break;
      case TraceKind::kNote:
        note(e, (e.txid.empty() ? "" : e.txid + ": ") + cut(e.detail, limits_->max_text));
        break;
      case TraceKind::kTimer:
        note(e, "timer" + (e.txid.empty() ? "" : " " + e.txid) + ": " +
                    cut(e.detail, limits_->max_text));
        break;
      case TraceKind::kOutcome:
        note(e, e.txid + " outcome: " + cut(outcome_text(e), limits_->max_text));
        break;
    }
  }

  void finish(kernel::Time end) {
    for (const Message& lost : in_flight_.drain())
      draw_lost(lost, std::max(end, lost.sent), "not delivered by the end of the run");
    flush_marks(std::nullopt);
    parts_->finish();
  }

 private:
  struct Unused {};
  using Message = detail::InFlight<Unused>::Message;

  std::size_t participant(std::string_view actor, std::string_view stream) const {
    return participants_->index(actor, stream);
  }

  std::string statement_label(const std::string& raw) const { return label(raw, limits_->wrap); }

  /// What is drawn for a message's send and type: "TYPE txid[ [mN]]".
  static std::string what(const Message& m, bool marked) {
    std::string s = m.type + (m.txid.empty() ? "" : " " + m.txid);
    if (marked) s += " [m" + std::to_string(m.id) + "]";
    return s;
  }

  /// Before a statement is drawn: the sends recorded since the last statement get their mark
  /// where they happened (here, as nothing was drawn since), unless the statement is the
  /// arrow of the last of them: then nothing is drawn between that send and its arrow.
  void flush_marks(std::optional<std::uint64_t> own) {
    if (unmarked_.empty()) return;
    const bool skip_last = own && unmarked_.back() == *own;
    for (std::size_t i = 0; i + (skip_last ? 1 : 0) < unmarked_.size(); ++i) {
      const std::uint64_t id = unmarked_[i];
      const auto it = unmarked_sends_.find(id);
      const TraceEvent& send = it->second;
      const std::size_t sender = participant(send.actor, send.stream);
      std::string text = detail::short_time(send.t) + " sends " + send.type +
                         (send.txid.empty() ? "" : " " + send.txid) + " [m" + std::to_string(id) +
                         "]";
      parts_->add(send.t,
                  std::string(kIndent) + "Note over " + participants_->id(sender) + ": " +
                      statement_label(text) + "\n",
                  sender, sender, false);
      marked_.insert(id);
    }
    unmarked_.clear();
    unmarked_sends_.clear();
  }

  void note(const TraceEvent& e, const std::string& text) {
    flush_marks(std::nullopt);
    const std::size_t over = participant(e.actor, e.stream);
    parts_->add(e.t,
                std::string(kIndent) + "Note over " + participants_->id(over) + ": " +
                    statement_label(detail::short_time(e.t) + " " + text) + "\n",
                over, over, false);
  }

  void arrow(kernel::Time t, std::size_t from, std::size_t to, std::string_view head,
             const std::string& text) {
    parts_->add(t,
                std::string(kIndent) + participants_->id(from) + std::string(head) +
                    participants_->id(to) + ": " + statement_label(text) + "\n",
                from, to, true);
  }

  void draw_delivery(const std::optional<Message>& send, const TraceEvent& e) {
    const std::string from_end = e.from.empty() ? std::string(detail::other_end(e.actor)) : e.from;
    const std::size_t to = participant(e.actor, e.stream);
    const std::size_t from = participant(from_end, e.stream);
    const std::string payload = e.detail.empty() ? "" : " " + cut(e.detail, limits_->max_text);
    if (!send) {
      flush_marks(std::nullopt);
      arrow(e.t, from, to, "->>",
            "? → " + detail::short_time(e.t) + " " + e.type + (e.txid.empty() ? "" : " " + e.txid) +
                payload + " (its send is not in the trace)");
      return;
    }
    flush_marks(send->id);
    const bool marked = marked_.erase(send->id) != 0;
    arrow(e.t, from, to, marked ? "-->>" : "->>",
          detail::short_time(send->sent) + " → " + detail::short_time(e.t) + " " +
              what(*send, marked) + payload);
  }

  void draw_lost(const Message& m, kernel::Time t, const std::string& why) {
    flush_marks(m.id);
    const bool marked = marked_.erase(m.id) != 0;
    const std::size_t from = participant(m.from, m.stream);
    const std::size_t to = participant(detail::other_end(m.from), m.stream);
    arrow(t, from, to, marked ? "--x" : "-x",
          detail::short_time(m.sent) + " → never delivered: " + what(m, marked) +
              (m.detail.empty() ? "" : " " + cut(m.detail, limits_->max_text)) + " (" + why + ", " +
              detail::short_time(t) + ")");
  }

  const Participants* participants_;
  const MermaidLimits* limits_;
  Parts* parts_;
  detail::InFlight<Unused> in_flight_;
  // Sends recorded since the last statement was drawn, oldest first, with their events.
  std::vector<std::uint64_t> unmarked_;
  std::map<std::uint64_t, TraceEvent> unmarked_sends_;
  // Messages in flight whose send has its mark (their arrows are dotted and name them).
  std::set<std::uint64_t> marked_;
};

}  // namespace

struct MermaidDiagram::Impl {
  Impl(const TraceSource& source, const scenario::RunResult& run, MermaidLimits l)
      : events(&source), result(&run), limits(l), participants(source) {}

  /// One pass: each part, whole, to `close`.
  void render(const std::function<void(const Part&)>& close) const {
    Parts split(participants, limits, close);
    Renderer renderer(participants, limits, split);
    kernel::Time end = result->end_time;
    events->for_each([&](const TraceEventView& e) {
      end = std::max(end, e.t);
      renderer.event(e);
    });
    renderer.finish(end);
  }

  const TraceSource* events;
  const scenario::RunResult* result;
  MermaidLimits limits;
  Participants participants;
  std::size_t parts = 0;
};

MermaidDiagram::MermaidDiagram(const TraceSource& events, const scenario::RunResult& result,
                               MermaidLimits limits)
    : impl_(std::make_unique<Impl>(events, result, limits)) {
  impl_->render([this](const Part&) { ++impl_->parts; });
}

MermaidDiagram::~MermaidDiagram() = default;

std::size_t MermaidDiagram::parts() const {
  return impl_->parts;
}

void MermaidDiagram::write(
    const std::function<void(std::size_t part, const std::string& text)>& part) const {
  const Impl& d = *impl_;
  std::size_t n = 0;
  std::string text;
  d.render([&](const Part& p) {
    ++n;
    text.assign(kHeader);
    if (d.parts > 1) {
      const std::string which = "part " + std::to_string(n) + " of " + std::to_string(d.parts);
      text += std::string(kIndent) + "%% ccsim run, seed " + kernel::seed_text(d.result->seed) +
              " digest " + kernel::format_digest(d.result->digest()) + ": " + which + "\n";
      text += std::string(kIndent) + "title " + which + ": " + detail::short_time(p.first) +
              " to " + detail::short_time(p.last) + "\n";
    }
    for (std::size_t i = 0; i < p.used->size(); ++i) {
      if ((*p.used)[i]) text += d.participants.declaration(i);
    }
    text += *p.body;
    part(n, text);
  });
}

std::string mermaid_part_path(const std::string& path, std::size_t part) {
  if (part <= 1) return path;
  const std::size_t slash = path.rfind('/');
  const std::size_t name = slash == std::string::npos ? 0 : slash + 1;
  std::size_t dot = path.rfind('.');
  // No extension: a dot only at the name's start (".mmd") or none in the name at all.
  if (dot == std::string::npos || dot <= name) dot = path.size();
  return path.substr(0, dot) + "." + std::to_string(part) + path.substr(dot);
}

void write_mermaid(std::ostream& out, const TraceSource& events, const scenario::RunResult& result,
                   const MermaidLimits& limits) {
  const MermaidDiagram diagram(events, result, limits);
  diagram.write([&out](std::size_t, const std::string& text) { out << text; });
}

void write_mermaid(std::ostream& out, const scenario::RunResult& result) {
  write_mermaid(out, KeptEvents(result.trace), result);
}

}  // namespace ccsim::report
