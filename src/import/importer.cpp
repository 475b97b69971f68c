#include "ccsim/import/importer.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "ccsim/import/log_line.hpp"
#include "re2_options.hpp"

namespace ccsim::import {

namespace {

using Json = nlohmann::ordered_json;

// Bounds that keep an import's memory flat whatever the log: a line past kMaxLine bytes is
// read only that far; a record keeps at most kMaxContinuation lines of its stack trace.
constexpr std::size_t kMaxLine = 64 * 1024;
constexpr std::size_t kMaxContinuation = 400;
constexpr std::size_t kMaxTransactions = 100'000;
constexpr std::size_t kMaxExplained = 10'000;
constexpr std::size_t kMaxSkippedModules = 1'000;
constexpr std::size_t kMaxSent = 1'000;  // messages kept per proposal
constexpr std::int64_t kMaxSpanMs = 30LL * 24 * 3600 * 1000;

using detail::latin1;

// One log record: a Fabric line and the lines after it that are not Fabric lines (a stack
// trace, the wrapped messages of a %+v error, a config dump).
struct Record {
  const std::string* file = nullptr;
  LogLine line;
  std::vector<std::string> more;
};

// Reads a file line by line in blocks: no line, however long, is held past kMaxLine.
class LineSource {
 public:
  explicit LineSource(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw ImportError(path + ": cannot be read");
  }

  // The next line (without "\n" and "\r"); false at the end.
  bool next(std::string& line) {
    line.clear();
    bool any = false;
    for (;;) {
      if (pos_ == len_) {
        in_.read(buf_, sizeof buf_);
        len_ = static_cast<std::size_t>(in_.gcount());
        pos_ = 0;
        if (in_.bad()) throw ImportError(path_ + ": read error");
        if (len_ == 0) return any;
        if (first_block_) {
          first_block_ = false;
          check_text();
        }
      }
      any = true;
      const char* start = buf_ + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      const std::size_t n = nl != nullptr
                                ? static_cast<std::size_t>(static_cast<const char*>(nl) - start)
                                : len_ - pos_;
      if (line.size() < kMaxLine) line.append(start, std::min(n, kMaxLine - line.size()));
      pos_ += n;
      if (nl != nullptr) {
        ++pos_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
    }
  }

 private:
  // A NUL byte in the first block, or a compressed file's magic: not a text log.
  void check_text() const {
    if (len_ >= 2 && static_cast<unsigned char>(buf_[0]) == 0x1f &&
        static_cast<unsigned char>(buf_[1]) == 0x8b) {
      throw ImportError(path_ + ": gzip-compressed: decompress it first (gunzip -k " + path_ + ")");
    }
    if (const void* nul = std::memchr(buf_, '\0', len_)) {
      throw ImportError(path_ + ": binary data (a NUL byte at offset " +
                        std::to_string(static_cast<const char*>(nul) - buf_) + "), not a log");
    }
  }

  std::string path_;
  std::ifstream in_;
  char buf_[1 << 16];
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  bool first_block_ = true;
};

// A frame's function line: a Go symbol, "github.com/hyperledger/fabric/core/chaincode.
// (*RuntimeLauncher).Launch.func1" or "runtime.goexit"; a message has spaces.
bool go_symbol(const std::string& l) {
  return l.find(' ') == std::string::npos && l.find('.') != std::string::npos &&
         (l.find('/') != std::string::npos || l.rfind("runtime.", 0) == 0 ||
          l.rfind("main.", 0) == 0);
}

// What a %+v of a pkg/errors error prints: the innermost message first, each wrapper's message
// on a line of its own after the stack of what it wraps. The error's text is the messages from
// the outermost in, joined with ": ".

std::string error_text(const std::string& first, const std::vector<std::string>& more) {
  std::vector<std::string> messages{first};
  const auto indented = [](const std::string& l) {
    return !l.empty() && (l[0] == '\t' || l[0] == ' ');
  };
  for (std::size_t i = 0; i < more.size(); ++i) {
    const std::string& l = more[i];
    if (l.empty() || indented(l)) continue;  // a frame's file:line (a tab, or spaces if copied)
    if (i + 1 < more.size() && indented(more[i + 1])) continue;  // a frame's function
    if (go_symbol(l)) continue;  // a frame's function, its file line cut from the log
    messages.push_back(l);
  }
  std::string out;
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (!out.empty()) out += ": ";
    out += *it;
  }
  return out;
}

// The peer's own system chaincodes: endorsement, validation and lifecycle run through the
// endorser's lines too, but are not user chaincodes a scenario launches.
bool system_chaincode(const std::string& name) {
  static constexpr const char* kSystem[] = {"escc", "vscc", "lscc", "qscc", "cscc", "_lifecycle"};
  return std::any_of(std::begin(kSystem), std::end(kSystem),
                     [&](const char* s) { return name == s; });
}

// Prefixes the endorser or the gRPC layer adds around the chaincode layer's error, which is
// what ccsim's outcome holds: 1.0's "Error executing chaincode: " and 1.1's "error executing
// chaincode: " (chaincodeexec.go), 2.x's "error in simulation: " (endorser.go).
std::string chaincode_layer(std::string text) {
  static constexpr const char* kPrefixes[] = {
      "Error executing chaincode: ", "error executing chaincode: ", "error in simulation: "};
  for (const char* p : kPrefixes) {
    if (text.rfind(p, 0) == 0) text.erase(0, std::strlen(p));
  }
  return text;
}

// Go's time.Duration.String(): "5m0.003947359s", "1.2s", "340.5ms", "104.781µs".
std::optional<std::int64_t> go_duration_ms(const std::string& text) {
  static constexpr std::pair<const char*, double> kUnits[] = {
      {"h", 3.6e6}, {"ms", 1}, {"m", 6e4}, {"s", 1e3}, {"µs", 1e-3}, {"us", 1e-3}, {"ns", 1e-6}};
  double ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.'))
      ++i;
    if (i == start || i - start > 20) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, value);
    if (ec != std::errc() || end != text.data() + i) return std::nullopt;
    bool matched = false;
    for (const auto& [unit, factor] : kUnits) {
      const std::size_t n = std::strlen(unit);
      if (text.compare(i, n, unit) == 0) {
        ms += value * factor;
        i += n;
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  // Any duration in a log of one incident is shorter than the span it may cover.
  if (text.empty() || ms > static_cast<double>(kMaxSpanMs)) return std::nullopt;
  return static_cast<std::int64_t>(ms + 0.5);
}

// A configured timeout written as duration_of accepts it ("30s", "5m", "300000ms"), in ms.
std::int64_t ms_of(const std::string& text) {
  return go_duration_ms(text).value_or(0);
}

std::string seconds_text(std::int64_t ms) {
  if (ms <= 0) return "0";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// A configured timeout: "30s", "5m", "300000ms" as Go's time.ParseDuration writes them.
std::optional<std::string> duration_of(const std::string& text) {
  static const char* kUnits[] = {"ms", "s", "m", "h"};
  for (const char* u : kUnits) {
    const std::size_t n = std::strlen(u);
    if (text.size() > n && text.compare(text.size() - n, n, u) == 0 &&
        std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(n),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      // A timeout of more than the longest incident is not one a scenario can use.
      const std::optional<std::int64_t> ms = go_duration_ms(text);
      if (!ms) return std::nullopt;
      return text;
    }
  }
  return std::nullopt;
}

struct Tx {
  std::string id;  // the full txid when a line shows it, else the 8 characters of shorttxid
  std::string channel;
  std::string chaincode;
  std::optional<std::int64_t> arrived;
  std::optional<std::int64_t> answered;
  std::optional<std::string> error;            // the chaincode layer's error, as ccsim reports it
  std::optional<std::int64_t> late_completed;  // a COMPLETED after the peer gave up
  std::size_t order = 0;
  std::string arrival_assumption;  // how `arrived` was guessed, when no line showed it
  bool error_cut = false;          // `error` lacks its outer layers (a cut %+v record)
  bool init = false;               // a 1.x instantiate: lscc launched the chaincode for Init
  // At DEBUG the peer's handler logs each message the chaincode sent it for this proposal:
  // its type, when the peer handled it, and the key where the line names one.
  struct Sent {
    std::string type;
    std::int64_t at;
    std::string key;
  };
  std::vector<Sent> sent;
  std::string system;  // the system chaincode it was sent to, if one
};

struct Chaincode {
  std::string name;
  std::string version;
  std::string package_id;  // 2.x
  std::optional<std::int64_t> launch_started;
  std::optional<std::int64_t> registered;
  std::optional<std::int64_t> ready;
  std::optional<int> exit_code;
  std::optional<std::int64_t> failed_at;
  bool startup_timeout = false;
  std::optional<std::int64_t> stream_ended;
  bool seen_running = false;  // answered with no launch in the log: running before it
  bool launching = false;     // an error shows a launch under way
  bool service = false;       // chaincode as a service (2.x): the peer dials it
  // 2.x lifecycle's custodian launched it by itself (after install or commit) and logged the
  // launch's failure: when, and the text.
  std::optional<std::int64_t> custodian_at;
  std::string custodian_error;
  // A process the user started registered without a launch, outside dev mode, and was refused.
  std::optional<std::int64_t> user_started_at;
  std::string service_seen;  // "<file>:<line>", where the log first showed it
  bool build_seen = false;   // 1.x: its image build is in the log
  std::string address;
  std::optional<std::string> dial_failure;  // "refuse" or "drop", the first failed dial's
  struct Dial {
    std::int64_t started;
    std::string as;  // "refuse" or "drop"
  };
  std::vector<Dial> dials;  // every failed dial, in log order
  std::optional<std::int64_t> dial_failed_at;
  std::optional<std::int64_t> dial_timeout_ms;

  // The chaincode ID the peer prints: the package ID, else name:version.
  std::string ccid_shown() const {
    return package_id.empty() ? name + ":" + (version.empty() ? "1.0" : version) : package_id;
  }
};

struct Release {
  std::string profile;
  std::string reason;
  int strength = 0;  // a version line beats wording, which beats the line layout
};

class Importer {
 public:
  explicit Importer(const ImportOptions& options) : options_(options) {}

  ImportResult run() {
    if (options_.peer_logs.empty()) throw ImportError("ccsim import: no peer log given");
    for (const std::string& f : options_.peer_logs)
      read(f, /*chaincode_log=*/false);
    for (const std::string& f : options_.chaincode_logs)
      read(f, /*chaincode_log=*/true);
    if (txs_.empty() && chaincodes_.empty()) {
      std::uint64_t unread = 0;
      for (const auto& [module, n] : protocol_lines_)
        unread += n;
      if (unread > 0) {
        throw ImportError(options_.peer_logs.front() + ": " + std::to_string(unread) +
                          " lines of the chaincode protocol's modules (chaincode, endorser, "
                          "dockercontroller, container, extcc), none in a form ccsim import "
                          "knows (docs/import.md lists them): nothing to import");
      }
      throw ImportError(options_.peer_logs.front() +
                        ": no chaincode or endorser lines (modules chaincode, endorser, "
                        "dockercontroller): nothing to import");
    }
    return write();
  }

 private:
  // --- reading ----------------------------------------------------------------------------

  void read(const std::string& path, bool chaincode_log) {
    files_.push_back(std::make_unique<std::string>(path));
    const std::string* file = files_.back().get();
    LineSource source(path);
    std::string raw;
    std::optional<Record> record;
    std::vector<std::string> headless;  // lines before the first Fabric line: a cut record
    std::size_t number = 0;
    std::uint64_t fabric_lines = 0;
    while (source.next(raw)) {
      ++number;
      ++result_.lines;
      if (chaincode_log) {
        chaincode_line(*file, number, reader_.undecorated(raw));
        continue;
      }
      if (auto line = reader_.parse(raw, number)) {
        ++fabric_lines;
        if (record) handle(*record);
        if (!headless.empty()) {
          headless_record(*file, headless, *line);
          headless.clear();
        }
        record = Record{file, std::move(*line), {}};
      } else if (!record && fabric_lines == 0 && headless.size() < kMaxContinuation) {
        headless.push_back(reader_.undecorated(raw));
      } else if (record && record->more.size() < kMaxContinuation) {
        std::string text = reader_.undecorated(raw);
        const std::string& prefix = record->line.bracket_prefix;
        if (!prefix.empty() && text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
        record->more.push_back(std::move(text));
      }
    }
    if (record) handle(*record);
    if (number == 0) throw ImportError(path + ": empty");
    if (!chaincode_log && fabric_lines == 0) {
      throw ImportError(path +
                        ": no Fabric log lines (expected lines such as \"2021-06-14 "
                        "10:41:05.233 UTC [endorser] callChaincode -> INFO 51a ...\")");
    }
  }

  // A log that starts inside a %+v record: its header line (and the innermost error) is gone,
  // the outer layers are left. "failed to execute transaction <txid>" among them names the
  // proposal: it failed with an error containing them, by the time of the first whole line.
  void headless_record(const std::string& file, const std::vector<std::string>& lines,
                       const LogLine& next) {
    if (next.module != "endorser" && next.module != "chaincode") return;
    const std::string text = error_text("", lines);
    std::string id;
    if (!re2::RE2::PartialMatch(text, re_.failed_to_execute, &id)) return;
    // error_text ends with the innermost message, here the empty one.
    const std::string layers = text.size() >= 2 ? text.substr(0, text.size() - 2) : text;
    Tx& x = tx(id);
    if (x.error) return;
    x.error = chaincode_layer(layers);
    x.error_cut = true;
    if (next.time_ms && !x.answered) x.answered = *next.time_ms;
    assume("tx " + id.substr(0, 8) +
           ": the log starts inside its error's record: its outcome is expected to contain "
           "what is left (" +
           layers.substr(0, 80) + ")");
    use(file, 1, layers.substr(0, 200), "proposal " + id.substr(0, 8) + " fails (record cut)");
  }

  void chaincode_line(const std::string& file, std::size_t number, const std::string& text) {
    std::string code;
    if (re2::RE2::PartialMatch(text, re_.panic)) {
      chaincode_panicked_ = true;
      use(file, number, text,
          "the chaincode process panicked (exit code 2 if the peer shows none)");
    } else if (re2::RE2::PartialMatch(text, re_.exit_status, &code)) {
      use(file, number, text, "the chaincode process exited with " + code);
    }
  }

  void use(const std::string& file, std::size_t number, const std::string& text,
           const std::string& became) {
    ++result_.used;
    if (!options_.explain || result_.explained.size() >= kMaxExplained) return;
    result_.explained.push_back({file, number, text.substr(0, 200), became});
  }
  void use(const Record& r, const std::string& became) {
    use(*r.file, r.line.number, r.line.message, became);
  }

  std::int64_t time_of(const Record& r) {
    if (r.line.time_ms) {
      // One incident spans minutes or days, not years: a time that far from the first one
      // (a corrupted line, two logs of different months) would make durations no scenario
      // can hold.
      if (t0_ && std::llabs(*r.line.time_ms - *t0_) > kMaxSpanMs) {
        throw ImportError(*r.file + ":" + std::to_string(r.line.number) +
                          ": a time more than 30 days from the log's first (" +
                          r.line.message.substr(0, 60) + "...): import one incident's excerpt");
      }
      if (!t0_) t0_ = *r.line.time_ms;
      last_time_ = *r.line.time_ms;
      return *r.line.time_ms;
    }
    // No timestamps: a record is 1ms after the one before (an assumption, listed).
    untimed_ = true;
    last_time_ = last_time_ ? *last_time_ + 1 : 0;
    if (!t0_) t0_ = *last_time_;
    return *last_time_;
  }

  void release(const std::string& profile, const std::string& reason, int strength) {
    if (strength > release_.strength) release_ = {profile, reason, strength};
  }

  // Chaincode as a service came with Fabric 2.0 (core/container/externalbuilder, 2.0.0): a
  // 1.x profile with it is refused (write()).
  void as_service(Chaincode& c, const Record& r) {
    if (!c.service) c.service_seen = *r.file + ":" + std::to_string(r.line.number);
    c.service = true;
    // "2.0 or later" only: as weak as the line layout, so a stack frame or a version line
    // still tells 2.x from 3.x.
    release("2.5", "chaincode " + c.name + " runs as a service (Fabric 2.0 and later)", 1);
  }

  static std::string profile_of_version(int major, int minor, int patch) {
    if (major == 1 && minor == 0) return "1.0";
    if (major == 1 && minor == 1) return "1.1";
    if (major == 1 && minor == 2) return "1.2";
    if (major == 1 && (minor == 3 || (minor == 4 && patch == 0))) return "1.4.0";
    if (major == 1) return "1.4";
    if (major == 2) return "2.5";
    return "3.0";
  }

  Tx& tx(const std::string& id) {
    // A short id (shorttxid: 8 characters) and the full one are the same transaction.
    const std::string key = id.substr(0, 8);
    auto it = txs_.find(key);
    if (it == txs_.end()) {
      if (txs_.size() >= kMaxTransactions) {
        throw ImportError("ccsim import: more than " + std::to_string(kMaxTransactions) +
                          " transactions: import an excerpt");
      }
      it = txs_.emplace(key, Tx{}).first;
      it->second.id = id;
      it->second.order = txs_.size();
    }
    if (id.size() > it->second.id.size()) it->second.id = id;
    return it->second;
  }

  Chaincode& chaincode(const std::string& name) {
    auto [it, added] = chaincodes_.try_emplace(name);
    if (added) it->second.name = name;
    return it->second;
  }

  // 1.0 and 1.1 print a chaincode ID with the peer after it: "mycc:1.0(networkid:dev,peerid:
  // peer0.org1.example.com)" (core/chaincode/chaincode_support.go, v1.1.0).
  static std::string version_part(const std::string& tail) {
    return tail.substr(0, tail.find('('));
  }

  // The modules of the chaincode side of the protocol: the handler, the container runtimes.
  static bool chaincode_module(const std::string& m) {
    return m == "chaincode" || m == "dockercontroller" || m == "container" || m == "extcc";
  }

  // "container exited with <n>" in an error: the code, if it is one (0-255; anything else is a
  // cut or garbled line).
  std::optional<int> exit_code_in(const std::string& text) const {
    std::string digits;
    if (!re2::RE2::PartialMatch(text, re_.container_exited, &digits)) return std::nullopt;
    int code = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
    if (ec != std::errc() || end != digits.data() + digits.size() || code > 255)
      return std::nullopt;
    return code;
  }

  static bool package_hash(const std::string& tail) {
    const auto hex = [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); };
    return tail.size() == 64 && std::all_of(tail.begin(), tail.end(), hex);
  }

  // What a chaincode ID tells of a chaincode already known by name: its package ID, or its
  // version.
  void learn_ccid(Chaincode& c, const std::string& ccid) {
    const auto colon = ccid.find(':');
    if (colon == std::string::npos) return;
    const std::string head = ccid.substr(0, colon);
    const std::string tail = version_part(ccid.substr(colon + 1));
    if (package_hash(tail)) {
      if (c.package_id.empty()) c.package_id = ccid;
      const auto us = head.rfind('_');
      if (us != std::string::npos && c.version.empty()) c.version = head.substr(us + 1);
    } else if (c.version.empty()) {
      c.version = tail;
    }
  }

  // "mycc:1.0" (1.x), "basic_1.0:ee13..." (a 2.x package ID), or a bare name.
  Chaincode& chaincode_of_id(const std::string& ccid) {
    const auto colon = ccid.find(':');
    if (colon == std::string::npos) return chaincode(ccid);
    const std::string head = ccid.substr(0, colon);
    // A package ID's label is usually "<name>_<version>".
    const auto us = head.rfind('_');
    const bool package = package_hash(version_part(ccid.substr(colon + 1)));
    Chaincode& c = chaincode(package && us != std::string::npos ? head.substr(0, us) : head);
    learn_ccid(c, ccid);
    return c;
  }

  bool other_peer(const Record& r) {
    const std::string peer = r.line.source.empty() ? *r.file : r.line.source;
    if (!options_.peer.empty()) {
      if (peer != options_.peer && r.line.source != options_.peer) {
        ++other_peer_lines_[peer];
        return true;
      }
      return false;
    }
    const bool relevant = r.line.module == "chaincode" || r.line.module == "endorser" ||
                          r.line.module == "dockercontroller" || r.line.module == "extcc";
    if (!peer_ && relevant) peer_ = peer;
    if (peer_ && peer != *peer_) {
      ++other_peer_lines_[peer];
      return true;
    }
    return false;
  }

  void handle(const Record& r) {
    const LogLine& l = r.line;
    // The release, from any peer's lines.
    if (l.format == LineFormat::kLevelFirst) {
      release("2.5",
              "the line layout \"<time> <id> <LEVEL> [module] func -> message\" is "
              "Fabric 2.4's and later's (common/flogging/global.go)",
              1);
    }
    if (l.message.rfind("Starting peer", 0) == 0) {
      for (const std::string& m : r.more) {
        int major = 0, minor = 0, patch = 0;
        if (re2::RE2::PartialMatch(m, re_.version, &major, &minor, &patch)) {
          release(profile_of_version(major, minor, patch),
                  "the peer's version line \"" + m.substr(m.find_first_not_of(' ')) + "\"", 3);
          use(r, "release " + std::to_string(major) + "." + std::to_string(minor) + "." +
                     std::to_string(patch));
        }
      }
    }
    if (other_peer(r)) return;
    if (l.module == "endorser" || chaincode_module(l.module)) ++protocol_lines_[l.module];
    const std::int64_t t = time_of(r);
    for (const std::string& m : r.more) {
      config_line(r, m);
      stack_frame(m);
    }
    std::string a, b, c, d;
    int n = 0;
    const std::string& msg = l.message;
    if (l.module == "endorser") {
      // 1.x at DEBUG: endorsement (escc) starts once the chaincode has answered.
      if (l.function == "endorseProposal" && (re2::RE2::PartialMatch(msg, re_.tx_prefix, &a, &b) ||
                                              re2::RE2::PartialMatch(msg, re_.entry_10, &b, &a))) {
        Tx& x = tx(b);
        if (!x.answered) {
          x.answered = t;
          use(r, "proposal " + b.substr(0, 8) + " answered by its chaincode (endorsement starts)");
        }
        return;
      }
      if (re2::RE2::PartialMatch(msg, re_.entry_1x, &a, &b, &c, &d)) {
        // 1.1-1.3 at DEBUG: a system chaincode's version is the peer's own
        // (endorser.go simulateProposal: util.GetSysCCVersion(), v1.1.0).
        int major = 0, minor = 0, patch = 0;
        if (system_chaincode(c) &&
            re2::RE2::FullMatch(d, re_.plain_version, &major, &minor, &patch)) {
          release(profile_of_version(major, minor, patch),
                  "the version of system chaincode " + c + " (" + d +
                      "), which is the peer's (endorser.go, util.GetSysCCVersion)",
                  3);
        }
        if (l.level == "INFO" && l.function == "callChaincode") {
          release("1.4",
                  "\"Entry chaincode\" logged at INFO by callChaincode (1.4; 2.x logs "
                  "\"finished chaincode\")",
                  1);
        }
        arrive(r, b, a, c, t);
      } else if (re2::RE2::PartialMatch(msg, re_.entry_10, &b, &a)) {
        arrive(r, b, a, "", t);
      } else if (re2::RE2::PartialMatch(msg, re_.exit_1x, &a, &b, &n)) {
        if (re2::RE2::PartialMatch(msg, re_.quoted_name, &c)) sent_to_system(tx(b), c);
        answer(r, b, t, n);
      } else if (re2::RE2::PartialMatch(msg, re_.finished_2x, &c, &n, &a, &b)) {
        release("2.5",
                "\"finished chaincode: <name> duration: <n>ms\" (core/endorser/endorser.go "
                "callChaincode, 2.0 and later)",
                1);
        if (system_chaincode(c)) return;  // _lifecycle, cscc, qscc: not a chaincode to launch
        last_finished_[c] = {b, t};
        Tx& x = tx(b);
        x.channel = a;
        x.chaincode = c;
        chaincode(c);
        if (!x.arrived) x.arrived = t - n;
        answer(r, b, t, n);
      } else if (re2::RE2::PartialMatch(msg, re_.failed_invoke_2x, &a, &c, &d)) {
        // 2.x ProcessProposal's WARN, the client's text as a logfmt value: the only error
        // line of a proposal whose simulateProposal ERRO was cut from the log.
        std::string text;
        for (std::size_t i = 0; i < d.size(); ++i) {
          if (d[i] == '\\' && i + 1 < d.size()) ++i;
          text += d[i];
        }
        std::string id;
        if (re2::RE2::PartialMatch(text, re_.failed_to_execute, &id) && !tx(id).error) {
          Tx& x = tx(id);
          x.channel = a;
          failed(r, "name:\"" + c + "\"", chaincode_layer(text), t);
        }
      } else if (re2::RE2::PartialMatch(msg, re_.failed_invoke, &c, &d)) {
        failed(r, c, d, t);
      } else if (re2::RE2::PartialMatch(msg, re_.processing, &b)) {
        Tx& x = tx(b);
        if (!x.arrived) x.arrived = t;
      }
      return;
    }
    if (chaincode_module(l.module)) {
      chaincode_record(r, t);
      return;
    }
    if ((l.module == "chaincode.platform.golang" || l.module == "golang-platform") &&
        msg.rfind("building chaincode with", 0) == 0 && last_arrived_) {
      // 1.1-1.4 build the image in the launch (platforms/golang/platform.go
      // GenerateDockerBuild): the proposal that arrived last, with no answer yet, caused it.
      Tx& x = tx(*last_arrived_);
      if (!x.answered && !x.chaincode.empty()) {
        Chaincode& cc = chaincode(x.chaincode);
        // The launch began with the proposal (the build line is a step into it).
        if (!cc.launch_started) cc.launch_started = x.arrived.value_or(t);
        cc.build_seen = true;
        cc.launching = true;
        use(r, "the image of " + cc.name + " is built (its launch, for proposal " +
                   x.id.substr(0, 8) + ")");
      }
      ++skipped_[l.module];
      return;
    }
    if (l.module == "lifecycle" && re2::RE2::PartialMatch(msg, re_.custodian_failed, &a, &b)) {
      // core/chaincode/lifecycle/custodian.go Work (2.0 on): the chaincode launched after its
      // install or commit, with no proposal, failed.
      Chaincode& cc = chaincode_of_id(a);
      if (!cc.custodian_at) {
        cc.custodian_at = t;
        cc.custodian_error = "could not launch chaincode " + a + ": " + b;
        if (!cc.launch_started) cc.launch_started = t;
        if (!cc.failed_at) cc.failed_at = t;
        if (auto code = exit_code_in(b)) cc.exit_code = code;
      }
      release("2.5", "lifecycle's custodian launching a chaincode (2.0 and later)", 1);
      use(r, "the peer's launch of " + cc.name + " after install or commit fails: " + b);
      return;
    }
    if (l.module == "comm.grpc.server" && re2::RE2::PartialMatch(msg, re_.call_duration, &a) &&
        last_answered_ && t - last_answered_->second <= 100) {
      // common/grpclogging/server.go: the Endorser's ProcessProposal, logged as it returns
      // with how long it took: when the proposal arrived, if no other line showed it.
      Tx& x = tx(last_answered_->first);
      const std::optional<std::int64_t> took = go_duration_ms(a);
      if (took && !x.arrival_assumption.empty()) {
        x.arrived = t - *took;
        result_.assumptions.erase(std::remove(result_.assumptions.begin(),
                                              result_.assumptions.end(), x.arrival_assumption),
                                  result_.assumptions.end());
        x.arrival_assumption.clear();
        use(r, "proposal " + x.id.substr(0, 8) + " took " + a + " in ProcessProposal: arrived " +
                   std::to_string(*took) + "ms before");
      }
      ++skipped_[l.module];
      return;
    }
    // Counted per module, up to a bound: a damaged log can name a new "module" per line.
    const std::string& module = l.module.empty() ? std::string("(no module)") : l.module;
    if (skipped_.size() < kMaxSkippedModules || skipped_.count(module) > 0) {
      ++skipped_[module];
    } else {
      ++skipped_["(other modules)"];
    }
  }

  // A %+v error's stack names the packages the peer was built with. The gRPC handlers come
  // from fabric-protos-go-apiv2 from 3.0 on (go.mod, v3.0.0) and from fabric-protos-go in 2.x;
  // 1.x generated them in-tree (github.com/hyperledger/fabric/protos).
  void stack_frame(const std::string& m) {
    if (m.find("github.com/hyperledger/fabric-protos-go-apiv2/") != std::string::npos) {
      release("3.0",
              "stack frames in github.com/hyperledger/fabric-protos-go-apiv2 (Fabric 3.0 and "
              "later; 2.x vendors fabric-protos-go)",
              2);
    } else if (m.find("github.com/hyperledger/fabric-protos-go/") != std::string::npos) {
      release("2.5",
              "stack frames in github.com/hyperledger/fabric-protos-go (Fabric 2.x; 3.0 moved "
              "to fabric-protos-go-apiv2)",
              2);
    }
  }

  void config_line(const Record& r, const std::string& m) {
    std::string v;
    if (re2::RE2::FullMatch(m, re_.execute_timeout, &v) && duration_of(v)) {
      if (!execute_timeout_) use(r, "config.execute_timeout " + v + " (the peer's config)");
      execute_timeout_ = v;
    } else if (re2::RE2::FullMatch(m, re_.startup_timeout, &v) && duration_of(v)) {
      if (!startup_timeout_) use(r, "config.startup_timeout " + v + " (the peer's config)");
      startup_timeout_ = v;
    }
  }

  void arrive(const Record& r, const std::string& id, const std::string& channel,
              const std::string& cc, std::int64_t t) {
    Tx& x = tx(id);
    if (!channel.empty()) x.channel = channel;
    if (!cc.empty() && !system_chaincode(cc)) {
      x.chaincode = cc;
      chaincode(cc);
    }
    sent_to_system(x, cc);
    if (system_chaincode(cc)) return;  // endorsement (escc) of a proposal already arrived
    if (!x.arrived) {
      x.arrived = t;
      last_arrived_ = id.substr(0, 8);
      use(r, "proposal " + id.substr(0, 8) + " reaches the peer");
    }
  }

  // A proposal to lscc, cscc or qscc (escc and vscc run for every user proposal: not those).
  static void sent_to_system(Tx& x, const std::string& cc) {
    if (x.chaincode.empty() && system_chaincode(cc) && cc != "escc" && cc != "vscc") x.system = cc;
  }

  void answer(const Record& r, const std::string& id, std::int64_t t, int duration_ms) {
    if (duration_ms < 0 || duration_ms > kMaxSpanMs) duration_ms = 0;  // a garbled line
    Tx& x = tx(id);
    last_answered_ = {id.substr(0, 8), t};
    if (!x.answered) {
      x.answered = t;
      if (!x.arrived) x.arrived = t - duration_ms;
      use(r,
          "proposal " + id.substr(0, 8) + " answered after " + std::to_string(duration_ms) + "ms");
    }
  }

  void failed(const Record& r, const std::string& who, const std::string& first, std::int64_t t) {
    const std::string text = chaincode_layer(error_text(first, r.more));
    std::string id, channel, cc;
    re2::RE2::PartialMatch(r.line.message, re_.tx_prefix, &channel, &id);
    std::string full;
    if (re2::RE2::PartialMatch(text, re_.failed_to_execute, &full)) id = full;
    std::string on_transaction;
    if (re2::RE2::PartialMatch(r.line.message, re_.on_transaction, &on_transaction))
      id = on_transaction;
    if (!re2::RE2::PartialMatch(who, re_.quoted_name, &cc)) cc = who;
    if (id.empty()) {
      // 2.0-2.3's "failed to invoke chaincode <name>, error: ..." names no transaction (a cut
      // %+v loses its "failed to execute transaction <txid>"): the proposal of that chaincode
      // that callChaincode finished just before (endorser.go logs that first).
      auto it = last_finished_.find(cc);
      if (it == last_finished_.end() || t - it->second.second > 1000) {
        assume(*r.file + ":" + std::to_string(r.line.number) +
               ": an error that names no transaction, and no proposal of " + cc +
               " finished just before it: not used");
        return;
      }
      id = it->second.first;
      tx(id).error_cut = true;
      assume("tx " + id.substr(0, 8) + ": its error line names no transaction: taken as the one " +
             cc + " finished just before it");
    }
    Tx& x = tx(id);
    if (!channel.empty()) x.channel = channel;
    if (!cc.empty() && x.chaincode.empty() && !system_chaincode(cc)) {
      x.chaincode = cc;
      chaincode(cc);
    }
    sent_to_system(x, cc);
    x.error = text;
    // 1.x instantiate: lscc's deploy launches the new chaincode and runs its Init
    // (core/chaincode/chaincode_support.go ExecuteLegacyInit, v1.4.12); a launch error is that
    // chaincode's. The scenario sends it an init proposal; lscc's own layers are not modelled.
    if (cc == "lscc" && x.chaincode.empty() && launch_error(text)) {
      std::string ccid;
      if (re2::RE2::PartialMatch(text, re_.launch_timeout, &ccid) ||
          re2::RE2::PartialMatch(text, re_.could_not_launch, &ccid)) {
        x.chaincode = chaincode_of_id(ccid).name;
      } else {
        x.chaincode = "instantiated";
        chaincode(x.chaincode);
        assume("tx " + id.substr(0, 8) +
               ": an instantiate (lscc) whose chaincode the log does not name: taken as "
               "chaincode \"instantiated\"");
      }
      x.init = true;
      x.error_cut = true;
      use(r, "proposal " + id.substr(0, 8) + " instantiates " + x.chaincode +
                 " (lscc): an init proposal whose launch fails");
    }
    if (!x.answered) x.answered = t;
    if (!x.arrived) {
      // A timeout fired: the proposal came that long before (the configured value, else
      // Fabric's default); any other error: at once.
      std::int64_t before = 0;
      std::string why = "when it failed";
      if (text.find("timeout expired while starting chaincode") != std::string::npos) {
        before = ms_of(startup_timeout_.value_or("300s"));
        why = seconds_text(before) + " before it failed (the startup timeout" +
              (startup_timeout_ ? "" : ", Fabric's default") + ")";
      } else if (text.find("timeout expired while executing transaction") != std::string::npos) {
        before = ms_of(execute_timeout_.value_or("30s"));
        why = seconds_text(before) + " before it failed (the execute timeout" +
              (execute_timeout_ ? "" : ", Fabric's default") + ")";
      }
      x.arrived = t - before;
      x.arrival_assumption =
          "tx " + id.substr(0, 8) + ": when it reached the peer is not in the log: taken as " + why;
      assume(x.arrival_assumption);
    }
    last_answered_ = {id.substr(0, 8), t};
    use(r, "proposal " + id.substr(0, 8) + " fails: " + text);
    // What the error tells of the launch.
    Chaincode* c = x.chaincode.empty() ? nullptr : &chaincode(x.chaincode);
    // The launch's chaincode ID: "basic_1.0:<hash>" (2.x, a package ID the scenario must
    // carry for ccsim's errors to name it) or "mycc:1.0" (1.x).
    std::string ccid;
    if (re2::RE2::PartialMatch(text, re_.could_not_launch, &ccid) ||
        re2::RE2::PartialMatch(text, re_.already_launched, &ccid) ||
        re2::RE2::PartialMatch(text, re_.launch_timeout, &ccid)) {
      if (c == nullptr) {
        c = &chaincode_of_id(ccid);
        if (!system_chaincode(c->name)) x.chaincode = c->name;
      } else {
        learn_ccid(*c, ccid);
      }
    }
    std::string address;
    if (c != nullptr && re2::RE2::PartialMatch(text, re_.dial_address_full, &address)) {
      as_service(*c, r);
      c->address = address;
      const bool refused = text.find("connection refused") != std::string::npos;
      if (!c->dial_failure) {
        c->dial_failure = refused ? "refuse" : "drop";
        c->dial_failed_at = t;
      }
      // When this dial started (its proposal's arrival, which its launch follows at once).
      c->dials.push_back({x.arrived.value_or(t), refused ? "refuse" : "drop"});
      if (!refused && x.arrived) c->dial_timeout_ms = t - *x.arrived;
    }
    if (c != nullptr && re2::RE2::PartialMatch(text, re_.container_exited)) {
      if (auto exit_code = exit_code_in(text)) c->exit_code = exit_code;
      if (!c->failed_at) c->failed_at = t;
    }
    if (c != nullptr &&
        text.find("timeout expired while starting chaincode") != std::string::npos) {
      c->startup_timeout = true;
      if (!c->failed_at) c->failed_at = t;
    }
    if (c != nullptr && text.find("chaincode stream terminated") != std::string::npos &&
        !c->stream_ended) {
      c->stream_ended = t;
    }
    if (c != nullptr && (text.find("premature execution") != std::string::npos ||
                         text.find("has already been launched") != std::string::npos ||
                         text.find("could not launch chaincode") != std::string::npos)) {
      c->launching = true;  // refused or failed while a launch was under way
    }
    if (text.find("could not launch chaincode") != std::string::npos &&
        text.find("[channel ") != std::string::npos) {
      release("1.4",
              "the error wrapping \"[channel <ch>] could not launch chaincode\" (1.3 and "
              "1.4)",
              2);
    }
    if (text.find("premature execution") != std::string::npos) {
      release(
          text.find("launched and waiting for registration") != std::string::npos ? "1.1" : "1.0",
          "the error text \"premature execution - ...\" (1.0 and 1.1 only)", 2);
    }
    if (text.find("has already been launched") != std::string::npos) {
      release("1.2", "the error text \"... has already been launched\" (1.2 only)", 2);
    }
  }

  void chaincode_record(const Record& r, std::int64_t t) {
    const std::string& msg = r.line.message;
    std::string a, b;
    if (re2::RE2::PartialMatch(msg, re_.external, &a)) {
      Chaincode& c = chaincode_of_id(a);
      as_service(c, r);
      if (!c.launch_started) c.launch_started = t;
      use(r, c.name + " runs as a service: the peer dials it");
    } else if (re2::RE2::PartialMatch(msg, re_.start_container, &a)) {
      Chaincode& c = chaincode_of_id(a);
      if (!c.launch_started) c.launch_started = t;
      use(r, "launch of " + c.name + " starts");
    } else if (re2::RE2::PartialMatch(msg, re_.got_register, &a)) {
      Chaincode& c = chaincode_of_id(a);
      if (!c.registered) c.registered = register_handled_at_.value_or(t);
      use(r, c.name + " sends REGISTER");
    } else if (re2::RE2::PartialMatch(msg, re_.state_ready, &a)) {
      Chaincode& c = chaincode_of_id(a);
      if (!c.ready) c.ready = t;
      use(r, c.name + " is ready");
    } else if (re2::RE2::PartialMatch(msg, re_.getting_data, &b, &a)) {
      // 2.x: the first thing the peer logs of a proposal, with its short txid.
      std::string channel;
      re2::RE2::PartialMatch(msg, re_.on_channel, &channel);
      arrive(r, b, channel, a, t);
    } else if (std::string network, peer, id;
               re2::RE2::PartialMatch(msg, re_.launch_timeout_11, &a, &network, &peer, &id)) {
      // 1.0/1.1 (chaincode_support.go launchAndWaitForRegister): the chaincode ID with the
      // peer's network and peer IDs and the transaction.
      Chaincode& c = chaincode_of_id(a);
      c.startup_timeout = true;
      if (!c.failed_at) c.failed_at = t;
      if (!network.empty() && !peer.empty() && network.size() <= 255 && peer.size() <= 255) {
        network_id_ = network;
        peer_id_ = peer;
      }
      Tx& x = tx(id);
      if (x.chaincode.empty()) x.chaincode = c.name;
      if (!x.arrived) {
        x.arrived = t - ms_of(startup_timeout_.value_or("300s"));
        x.arrival_assumption = "tx " + id.substr(0, 8) +
                               ": when it reached the peer is not in the log: taken as the "
                               "startup timeout before the launch gave up";
        assume(x.arrival_assumption);
      }
      if (!x.error) {
        // The launch's error is the proposal's (wrapped by the endorser's own text).
        std::string text;
        re2::RE2::PartialMatch(msg, re_.launch_timeout_11_text, &text);
        x.error = text;
        x.error_cut = true;
      }
      release("1.1", "the launch error's \"(networkid:...,peerid:...,tx:...)\" (1.0 and 1.1)", 2);
      use(r, "the startup timeout of " + c.name + " fires for tx " + id.substr(0, 8));
    } else if (re2::RE2::PartialMatch(msg, re_.refused_external, &a)) {
      // handler.go notifyRegistry (2.x): a REGISTER with no launch under way, outside dev
      // mode: a process the user started by hand.
      Chaincode& c = chaincode_of_id(a);
      if (!c.user_started_at) c.user_started_at = t;
      release("2.5", "\"failed to start <ccid> -- ...\" (handler.go notifyRegistry, 2.0 and later)",
              1);
      use(r, "a process of " + c.name + " the user started registers and is refused");
    } else if (re2::RE2::PartialMatch(msg, re_.launch_timeout, &a)) {
      Chaincode& c = chaincode_of_id(a);
      c.startup_timeout = true;
      if (!c.failed_at) c.failed_at = t;
      use(r, "the startup timeout of " + c.name + " fires");
    } else if (re2::RE2::PartialMatch(msg, re_.notifier_missing, &a, &b) && b == "COMPLETED") {
      Tx& x = tx(a);
      if (!x.late_completed) x.late_completed = t;
      use(r, "a late COMPLETED for " + a.substr(0, 8) + " (the peer gave up on it)");
    } else if (msg.find("handling chaincode support stream") != std::string::npos) {
      stream_error_at_ = t;
      use(r, "a chaincode stream breaks");
    } else if (re2::RE2::PartialMatch(msg, re_.handling_for_tx, &b, &a)) {
      // handler.go handleMessage: "[<shorttxid>] Fabric side handling ChaincodeMessage of
      // type: <TYPE> in state ready" (1.0-1.2: "Handling", no space after the txid).
      // The peer's own (1.0-1.2's FSM logs what it sends too) and the end of the transaction
      // are not the chaincode's calls.
      static constexpr const char* kNotCalls[] = {"COMPLETED",   "ERROR",    "KEEPALIVE",
                                                  "TRANSACTION", "INIT",     "RESPONSE",
                                                  "READY",       "REGISTER", "REGISTERED"};
      const bool call = std::none_of(std::begin(kNotCalls), std::end(kNotCalls),
                                     [&](const char* type) { return a == type; });
      if (msg.find("Fabric side Handling") != std::string::npos) {
        release("1.1", "\"Fabric side Handling ChaincodeMessage\" (1.0 and 1.1's FSM handler)", 1);
      }
      Tx& x = tx(b);
      if (call && x.sent.size() < kMaxSent) {
        x.sent.push_back({a, t, ""});
        use(r, "proposal " + b + "'s chaincode sends " + a);
      }
    } else if (re2::RE2::PartialMatch(msg, re_.getting_state, &b, &a) && !tx(b).sent.empty() &&
               tx(b).sent.back().type == "GET_STATE") {
      tx(b).sent.back().key = a;  // HandleGetState (2.x): "getting state for chaincode ..., key"
    } else if (re2::RE2::PartialMatch(msg, re_.handling_type, &a)) {
      // The REGISTER's chaincode is named only on the lines after this one.
      if (a == "REGISTER") register_handled_at_ = t;
    }
  }

  // --- writing ----------------------------------------------------------------------------

  // How the service's address answered while down: one behaviour, or phases when its dials
  // failed both ways (refused, then timed out: a closed port, then a host that stopped
  // answering), each phase from the start of the first dial that failed its way.
  template <typename At>
  Json while_down(const Chaincode& c, const At& at) {
    std::vector<Chaincode::Dial> dials = c.dials;
    std::stable_sort(dials.begin(), dials.end(),
                     [](const auto& p, const auto& q) { return p.started < q.started; });
    Json phases = Json::array();
    std::string current;
    std::int64_t current_from = 0;
    for (const Chaincode::Dial& d : dials) {
      if (d.as == current) continue;
      if (!current.empty() && d.started == current_from) {
        assume("chaincode " + c.name + ": dials started at " + at(d.started) +
               " failed both ways; the scenario's phase there is the first's (" + current + ")");
        continue;
      }
      phases.push_back({{"from", phases.empty() ? "0" : at(d.started)}, {"as", d.as}});
      current = d.as;
      current_from = d.started;
    }
    if (phases.size() <= 1) return phases.empty() ? Json("refuse") : phases[0]["as"];
    assume("chaincode " + c.name +
           ": its dials failed both by refusal and by timeout: service.while_down changes "
           "at each dial that failed the other way (when the address changed between them is "
           "not in the log)");
    return phases;
  }

  void assume(std::string text) {
    if (std::find(result_.assumptions.begin(), result_.assumptions.end(), text) ==
        result_.assumptions.end()) {
      result_.assumptions.push_back(std::move(text));
    }
  }

  ImportResult write() {
    if (!options_.profile.empty()) {
      result_.profile = options_.profile;
      result_.profile_reason = "--profile " + options_.profile;
    } else if (release_.strength > 0) {
      result_.profile = release_.profile;
      result_.profile_reason = release_.reason;
    } else {
      result_.profile = "1.4";
      result_.profile_reason = "nothing in the logs names the release";
      assume("release not in the logs: profile 1.4 assumed (pass --profile)");
    }
    // A 1.x peer cannot dial a chaincode: the logs (or --profile) contradict themselves, and no
    // scenario can say both.
    if (result_.profile.rfind("1.", 0) == 0) {
      for (const auto& [name, c] : chaincodes_) {
        if (c.service) {
          throw ImportError(c.service_seen + ": chaincode " + name +
                            " runs as a service (the peer dials it), which came with Fabric "
                            "2.0, but the profile is " +
                            result_.profile + " (" + result_.profile_reason +
                            "): pass --profile 2.x if the peer is 2.x");
        }
      }
    }
    if (untimed_) assume("no timestamps in the log: each record taken as 1ms after the one before");

    // Every proposal the scenario sends has an arrival. One whose Execute failed ("error
    // sending", chaincode_support.go Invoke) while its chaincode was still at work (a late
    // COMPLETED) timed out: it arrived the execute timeout before. Else: when it failed.
    for (auto& [key, x] : txs_) {
      if (x.answered && !x.arrived && x.late_completed && x.error &&
          x.error->find("error sending") != std::string::npos) {
        const std::int64_t timeout = ms_of(execute_timeout_.value_or("30s"));
        x.arrived = *x.answered - timeout;
        x.arrival_assumption = "tx " + x.id.substr(0, 8) +
                               ": it failed in Execute with its chaincode still at work (a late "
                               "COMPLETED): taken to have timed out, arriving " +
                               seconds_text(timeout) + " before";
        assume(x.arrival_assumption);
      }
      if (x.answered && !x.arrived) {
        x.arrived = x.answered;
        x.arrival_assumption = "tx " + x.id.substr(0, 8) +
                               ": when it reached the peer is not in the log: taken as when it "
                               "was answered";
        assume(x.arrival_assumption);
      }
    }
    // A proposal seen only by the messages its chaincode sent (a DEBUG excerpt without the
    // endorser's lines): it reached the peer just before the first.
    for (auto& [key, x] : txs_) {
      if (!x.arrived && !x.answered && !x.sent.empty()) {
        x.arrived = x.sent.front().at - 3;
        x.arrival_assumption = "tx " + x.id.substr(0, 8) +
                               ": only its chaincode's messages are in the log: taken to "
                               "reach the peer 3ms before the first";
        assume(x.arrival_assumption);
      }
    }
    // ... and if no line names any chaincode (1.0-1.2's handler lines do not), a placeholder.
    if (chaincodes_.empty() && std::any_of(txs_.begin(), txs_.end(), [](const auto& kv) {
          return !kv.second.sent.empty() && kv.second.chaincode.empty() && kv.second.system.empty();
        })) {
      chaincode("unnamed");
      assume("no line names the chaincode: taken as chaincode \"unnamed\"");
    }
    // A proposal whose chaincode no line names, in a log of one chaincode: that one.
    if (chaincodes_.size() == 1) {
      for (auto& [key, x] : txs_) {
        if (x.chaincode.empty() && x.system.empty() && (x.arrived || x.answered)) {
          x.chaincode = chaincodes_.begin()->first;
          assume("tx " + x.id.substr(0, 8) + ": its chaincode is not named in the log: " +
                 x.chaincode + ", the only one there");
        }
      }
    }
    std::vector<const Tx*> order;
    for (const auto& [key, x] : txs_)
      if (x.arrived || x.answered) order.push_back(&x);
    std::sort(order.begin(), order.end(), [](const Tx* p, const Tx* q) {
      return std::pair(*p->arrived, p->order) < std::pair(*q->arrived, q->order);
    });
    std::int64_t start = t0_.value_or(0);
    for (const Tx* x : order)
      start = std::min(start, *x->arrived);
    for (const auto& [name, c] : chaincodes_)
      if (c.launch_started) start = std::min(start, *c.launch_started);
    // A chaincode that answered before any launch line was running already: the scenario
    // launches it first, and everything else comes after that handshake.
    std::int64_t lead = 0;
    for (auto& [name, c] : chaincodes_) {
      if (!c.launch_started && !c.registered && !c.failed_at && !c.launching && !c.service &&
          !c.user_started_at) {
        c.seen_running = true;
        lead = 1000;
      }
    }
    const auto at = [&](std::int64_t t) { return seconds_text(t - start + lead); };

    Json s;
    s["name"] = "imported";
    s["profile"] = result_.profile;
    Json config = Json::object();
    if (execute_timeout_) {
      config["execute_timeout"] = *execute_timeout_;
    }
    // An execute timeout seen firing: its value is when it fired, from the TRANSACTION.
    if (!execute_timeout_) {
      for (const Tx* x : order) {
        if (x->error &&
            x->error->find("timeout expired while executing transaction") != std::string::npos &&
            x->answered) {
          const std::int64_t waited = *x->answered - *x->arrived;
          const std::int64_t rounded = std::max<std::int64_t>(1, (waited + 500) / 1000) * 1000;
          execute_timeout_ = seconds_text(rounded);
          assume("config.execute_timeout " + *execute_timeout_ + ": inferred from when tx " +
                 x->id.substr(0, 8) + " timed out (" + std::to_string(waited) +
                 "ms after it arrived), not from a config line");
          config["execute_timeout"] = *execute_timeout_;
          break;
        }
      }
    }
    if (startup_timeout_) {
      config["startup_timeout"] = *startup_timeout_;
    } else {
      for (const auto& [name, c] : chaincodes_) {
        if (c.startup_timeout && c.failed_at) {
          const std::int64_t from = c.launch_started.value_or(first_arrival(name).value_or(start));
          const std::int64_t waited = *c.failed_at - from;
          const std::int64_t rounded = std::max<std::int64_t>(1, (waited + 500) / 1000) * 1000;
          startup_timeout_ = seconds_text(rounded);
          config["startup_timeout"] = *startup_timeout_;
          assume("config.startup_timeout " + *startup_timeout_ +
                 ": inferred from when the launch of " + name +
                 " timed out, not from a config line");
          break;
        }
      }
    }
    if (peer_id_) {
      config["peer_id"] = *peer_id_;
      config["network_id"] = *network_id_;
    }
    if (!config.empty()) s["config"] = config;
    s["network"] = {{"latency", "1ms"}};
    assume("network latency 1ms each way: message latencies are not in a peer log");

    Json ccs = Json::array();
    Json notes = Json::array();  // expect.notes: launch errors no proposal carries
    for (const auto& [name, c] : chaincodes_) {
      Json cj;
      cj["name"] = name;
      cj["version"] = c.version.empty() ? "1.0" : c.version;
      if (c.version.empty()) assume("chaincode " + name + ": version not in the log: 1.0 assumed");
      if (!c.package_id.empty()) {
        // Package IDs are 2.x's (_lifecycle); a 1.x profile names the chaincode name:version.
        if (result_.profile.rfind("1.", 0) != 0) {
          cj["package_id"] = c.package_id;
        } else {
          assume("chaincode " + name + ": package ID " + c.package_id.substr(0, 40) +
                 "... left out: profile " + result_.profile + " has none");
        }
      }
      Json container = Json::object();
      // When its handler is ready: a proposal's chaincode runs from then on.
      std::optional<std::int64_t> ready_at = c.ready ? c.ready : c.registered;
      const std::int64_t launched = c.launch_started.value_or(first_arrival(name).value_or(start));
      if (c.service) {
        Json service;
        service["address"] = c.address.empty() ? "chaincode:9999" : c.address;
        if (c.address.empty())
          assume("chaincode " + name +
                 ": its service address is not in "
                 "the log: chaincode:9999");
        if (c.dial_failure) {
          // Nothing listened while the dials failed: from after the last failure on, if a
          // later proposal succeeded, else never within the run.
          std::optional<std::int64_t> ok_after;
          for (const auto& [key, x] : txs_) {
            if (x.chaincode == name && !x.error && x.arrived && *x.arrived > *c.dial_failed_at &&
                (!ok_after || *x.arrived < *ok_after))
              ok_after = x.arrived;
          }
          service["listening_at"] = ok_after ? at(*ok_after - 1) : at(*last_time_ + 3'600'000);
          service["while_down"] = while_down(c, at);
          if (c.dial_timeout_ms) {
            service["dial_timeout"] =
                seconds_text(std::max<std::int64_t>(1, (*c.dial_timeout_ms + 500) / 1000) * 1000);
          }
          assume("chaincode " + name + ": its server taken as not listening until " +
                 std::string(service["listening_at"]));
        }
        cj["service"] = service;
      } else if (c.seen_running) {
        cj["launch_at"] = "0";
        assume("chaincode " + name +
               " was running before the log starts: launched at 0, and "
               "every time moved 1s later");
      } else if (c.exit_code && !c.registered) {
        const std::int64_t after = c.failed_at ? *c.failed_at - launched : 0;
        container["exit_before_register"] = {{"after", seconds_text(after)},
                                             {"code", *c.exit_code}};
      } else if (c.startup_timeout && !c.registered) {
        container["never_registers"] = true;
      } else if (c.registered) {
        // REGISTER is sent a latency (1ms) before the peer handles it.
        container["start"] = seconds_text(std::max<std::int64_t>(0, *c.registered - launched - 1));
      } else if (c.launching) {
        // The launch is not logged (INFO, or a 1.x peer's DEBUG without the chaincode
        // module): the first proposal that succeeded was answered just after REGISTER.
        std::optional<std::int64_t> first_ok;
        for (const auto& [key, x] : txs_) {
          if (x.chaincode == name && !x.error && x.answered &&
              (!first_ok || *x.answered < *first_ok))
            first_ok = x.answered;
        }
        if (first_ok && c.build_seen) {
          // 1.x builds the image in the launch: from the build line to REGISTER, taken 3ms
          // before the first proposal succeeded, is the build (and the start, not logged).
          const std::int64_t build_ms = std::max<std::int64_t>(0, *first_ok - launched - 3);
          container["build"] = seconds_text(build_ms);
          ready_at = launched + build_ms + 2;
          assume("chaincode " + name + ": its launch (an image build, as the log shows) began at " +
                 at(launched) +
                 " with the proposal; REGISTER taken 3ms before its first proposal succeeded, "
                 "the build taking all of that (its end and the container's start are not "
                 "logged at INFO)");
        } else if (first_ok) {
          const std::int64_t start_ms = std::max<std::int64_t>(0, *first_ok - launched - 3);
          container["start"] = seconds_text(start_ms);
          ready_at = launched + start_ms + 2;
          assume("chaincode " + name +
                 ": its launch is not in the log: REGISTER taken 3ms "
                 "before its first proposal succeeded");
        } else if (std::optional<std::int64_t> refused = first_refused(name)) {
          // Nothing succeeded: the launch the refusal names was started by something the log
          // does not show. The peer starts it 1ms before, and it is still starting then.
          cj["launch_at"] = at(*refused - 1);
          container["start"] = "1s";
          assume("chaincode " + name + ": the launch under way when a proposal was refused is " +
                 "not in the log: the peer starts it at " + at(*refused - 1) +
                 ", 1ms before, and it registers 1s later");
        }
      } else if (chaincode_panicked_ && c.failed_at) {
        container["exit_before_register"] = {{"after", seconds_text(*c.failed_at - launched)},
                                             {"code", 2}};
      }
      if (!c.seen_running && !c.build_seen)
        assume("chaincode " + name + ": no image build in the log: build time 0");
      if (!container.empty()) cj["container"] = container;
      if (c.user_started_at) {
        // Its REGISTER was sent a latency (1ms) before the peer handled it.
        cj["user_starts"] = Json::array({at(*c.user_started_at - 1)});
        notes.push_back({{"actor", "peer"},
                         {"contains", "peer will not accept external chaincode connection " +
                                          c.ccid_shown() + " (except in dev mode)"}});
        assume("chaincode " + name +
               ": a process started by hand (user_starts) registered outside dev mode");
      }
      if (c.custodian_at && !cj.contains("launch_at")) {
        cj["launch_at"] = at(*c.custodian_at);
        notes.push_back({{"actor", "endorser"}, {"contains", c.custodian_error}});
        assume("chaincode " + name +
               ": the peer launched it after its install or commit; when that launch began is "
               "not in the log: at " +
               at(*c.custodian_at) + ", when it failed");
      }
      Json functions = Json::object();
      for (const Tx* x : order) {
        if (x->chaincode != name) continue;
        const std::int64_t runs_from = std::max(*x->arrived, ready_at.value_or(*x->arrived));
        std::optional<std::int64_t> runs_for;
        if (x->late_completed) {
          runs_for = *x->late_completed - runs_from;
        } else if (x->error &&
                   x->error->find("timeout expired while executing") != std::string::npos) {
          runs_for = *x->answered - runs_from + 1000;
          assume("tx " + x->id.substr(0, 8) +
                 ": no late COMPLETED in the log: the chaincode "
                 "taken to run 1s past the timeout");
        } else if (x->error && x->error->find("stream terminated") != std::string::npos) {
          runs_for = *x->answered - runs_from + 1000;
        } else if (!x->error && x->answered) {
          runs_for = std::max<std::int64_t>(0, *x->answered - runs_from - 2);
        }
        functions[function_of(*x)] = steps_of(*x, runs_from, runs_for);
      }
      cj["functions"] = functions;
      ccs.push_back(cj);
    }
    s["chaincodes"] = ccs;

    Json proposals = Json::array();
    Json outcomes = Json::object();
    for (const Tx* x : order) {
      if (x->chaincode.empty()) {
        assume("tx " + x->id.substr(0, 8) +
               (x->system.empty() ? ": its chaincode is not in the log: left out"
                                  : ": a proposal to system chaincode " + x->system +
                                        ", which runs inside the peer: left out"));
        continue;
      }
      Json p;
      p["at"] = at(*x->arrived);
      p["txid"] = x->id;
      p["channel"] = x->channel.empty() ? "mychannel" : x->channel;
      if (x->channel.empty())
        assume("tx " + x->id.substr(0, 8) + ": channel not in the log: mychannel");
      p["chaincode"] = x->chaincode;
      p["function"] = function_of(*x);
      if (x->init) p["init"] = true;
      proposals.push_back(p);
      // From 1.2 on the chaincode layer wraps every Execute error in "failed to execute
      // transaction <txid>" (core/chaincode/chaincode_support.go): a text without it is the
      // inside of a record cut short.
      const bool wrapped = result_.profile != "1.0" && result_.profile != "1.1";
      const bool cut =
          x->error &&
          (x->error_cut || (wrapped && x->error->rfind("failed to execute transaction", 0) != 0));
      if (cut) {
        // The log shows the error's inner layers only: the run's must contain them.
        outcomes[x->id] = {{"error_contains", *x->error}};
        assume("tx " + x->id.substr(0, 8) +
               ": the log shows only part of its error (the outer wrapping is cut): expected "
               "to contain it");
      } else if (x->error) {
        outcomes[x->id] = {{"error", *x->error}};
      } else if (x->answered) {
        outcomes[x->id] = {{"error", nullptr}};
        assume("tx " + x->id.substr(0, 8) +
               ": answered without an error in the log: expected "
               "to succeed (the status itself is not logged)");
      } else {
        assume("tx " + x->id.substr(0, 8) + ": outcome not in the log: no expectation");
      }
    }
    s["proposals"] = proposals;
    Json faults = Json::array();
    for (const auto& [name, c] : chaincodes_) {
      if (c.stream_ended) {
        const std::int64_t when = stream_error_at_.value_or(*c.stream_ended);
        faults.push_back({{"at", at(when)}, {"chaincode", name}, {"action", "terminate_stream"}});
        assume("chaincode " + name + "'s stream ends at " + at(when) +
               ": modelled as a terminate_stream fault (the log does not say why it ended)");
      }
    }
    if (!faults.empty()) s["faults"] = faults;
    if (proposals.empty() && notes.empty()) {
      assume(
          "no proposal to a user chaincode and no launch error in the log: the scenario "
          "replays its chaincodes' launches only");
    }
    if (!outcomes.empty()) s["expect"]["outcomes"] = outcomes;
    if (!notes.empty()) s["expect"]["notes"] = notes;
    for (const auto& [module, count] : skipped_)
      result_.skipped.push_back(module + ": " + std::to_string(count) + " lines");
    for (const auto& [peer, count] : other_peer_lines_)
      result_.skipped.push_back("another peer, " + peer + ": " + std::to_string(count) +
                                " lines (ccsim models one peer; --peer " + peer + " imports it)");

    std::string files;
    for (const auto& f : files_)
      files += (files.empty() ? "" : ", ") + *f;
    std::string description = "Imported by ccsim import from " + files + ". Profile " +
                              result_.profile + ": " + result_.profile_reason + ".";
    if (!result_.assumptions.empty()) {
      description += " Assumed:";
      for (const std::string& a : result_.assumptions)
        description += " " + a + ";";
      description.back() = '.';
    }
    Json out;
    out["name"] = s["name"];
    out["description"] = description;
    for (auto it = s.begin(); it != s.end(); ++it)
      if (it.key() != "name") out[it.key()] = it.value();
    result_.scenario = out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    return std::move(result_);
  }

  std::optional<std::int64_t> first_arrival(const std::string& chaincode) const {
    std::optional<std::int64_t> first;
    for (const auto& [key, x] : txs_)
      if (x.chaincode == chaincode && x.arrived && (!first || *x.arrived < *first))
        first = x.arrived;
    return first;
  }

  // A proposal's chaincode function: the messages the peer logged it sending, each at its
  // time (a message takes 1ms each way), with sleeps between; or one sleep as long as it ran.
  Json steps_of(const Tx& x, std::int64_t runs_from, std::optional<std::int64_t> runs_for) {
    Json steps = Json::array();
    const auto sleep = [&](std::int64_t ms) {
      if (ms > 0) steps.push_back({{"sleep", seconds_text(ms)}});
    };
    const bool replayable =
        !x.sent.empty() && std::all_of(x.sent.begin(), x.sent.end(), [](const Tx::Sent& m) {
          return m.type == "GET_STATE" || m.type == "PUT_STATE" || m.type == "DEL_STATE";
        });
    if (!replayable) {
      if (!x.sent.empty()) {
        assume("tx " + x.id.substr(0, 8) + ": its chaincode sent " + x.sent.front().type +
               " and more the import does not turn into steps: its function only sleeps");
      }
      if (runs_for) sleep(*runs_for);
      return steps;
    }
    std::int64_t cursor = runs_from + 1;  // TRANSACTION reaches the chaincode
    bool unnamed = false;
    for (const Tx::Sent& m : x.sent) {
      sleep(m.at - 1 - cursor);
      const std::string key = m.key.empty() ? "key" : m.key;
      unnamed = unnamed || m.key.empty();
      if (m.type == "GET_STATE") steps.push_back({{"get_state", key}});
      if (m.type == "PUT_STATE") steps.push_back({{"put_state", {{"key", key}, {"value", "v"}}}});
      if (m.type == "DEL_STATE") steps.push_back({{"del_state", key}});
      cursor = std::max(cursor, m.at + 1);  // its RESPONSE reaches the chaincode
    }
    if (runs_for) sleep(runs_from + 1 + *runs_for - cursor);
    assume("tx " + x.id.substr(0, 8) + ": its function is the " + std::to_string(x.sent.size()) +
           " messages the peer logged its chaincode sending" +
           (unnamed ? " (keys the log does not name: \"key\"; values: \"v\")"
                    : " (values not in the log: \"v\")"));
    return steps;
  }

  // When the first proposal to `name` refused for a launch under way arrived (1.0-1.2's
  // "premature execution", "has already been launched").
  std::optional<std::int64_t> first_refused(const std::string& name) const {
    std::optional<std::int64_t> first;
    for (const auto& [key, x] : txs_) {
      if (x.chaincode != name || !x.error || !x.arrived) continue;
      if (x.error->find("premature execution") == std::string::npos &&
          x.error->find("has already been launched") == std::string::npos)
        continue;
      if (!first || *x.arrived < *first) first = x.arrived;
    }
    return first;
  }

  // An error of the launch: the chaincode container or its registration, not the chaincode.
  static bool launch_error(const std::string& text) {
    for (const char* s : {"timeout expired while starting chaincode", "container exited with",
                          "chaincode registration failed", "could not launch chaincode",
                          "error starting container"}) {
      if (text.find(s) != std::string::npos) return true;
    }
    return false;
  }

  static std::string function_of(const Tx& x) { return "tx_" + x.id.substr(0, 8); }

  struct Patterns {
    re2::RE2 version{R"re(^\s*Version: v?(\d+)\.(\d+)\.(\d+))re", latin1()};
    re2::RE2 execute_timeout{R"re(\s+executetimeout: (\S+))re", latin1()};
    re2::RE2 startup_timeout{R"re(\s+startuptimeout: (\S+))re", latin1()};
    // endorser.go, 1.2-1.4: "[ch][txid] Entry chaincode: name:"mycc" "
    re2::RE2 entry_1x{
        R"re(^\[([^\]]*)\]\[([0-9a-f]{8,64})\] Entry chaincode: name:"([^"]+)"(?:.*? version: (\S+))?)re",
        latin1()};
    // endorser.go, 1.0/1.1: "Entry - txid: <txid> channel id: <ch>"
    re2::RE2 entry_10{R"re(^Entry - txid: ([0-9a-f]{8,64}) channel id: (\S+))re", latin1()};
    re2::RE2 exit_1x{R"re(^\[([^\]]*)\]\[([0-9a-f]{8,64})\] Exit chaincode: .*\((\d+)ms\)\s*$)re",
                     latin1()};
    // endorser.go, 2.x: "finished chaincode: basic duration: 822ms channel=mychannel
    // txID=ab98d973"
    re2::RE2 finished_2x{
        R"re(^finished chaincode: (\S+) duration: (\d+)ms channel=(\S*) txID=([0-9a-f]+))re",
        latin1()};
    re2::RE2 failed_invoke{
        R"re(failed to invoke chaincode (.*?)(?: on transaction [0-9a-f]+)?, error: (.*)$)re",
        latin1()};
    re2::RE2 failed_invoke_2x{
        R"re(^Failed to invoke chaincode channel=(\S+) chaincode=(\S+) error="((?:[^"\\]|\\.)*)")re",
        latin1()};
    re2::RE2 external{R"re(^Starting external chaincode connection: (\S+))re", latin1()};
    re2::RE2 dial_address{R"re(error creating grpc connection to (\S+?)(?::|$))re", latin1()};
    re2::RE2 dial_address_full{R"re(error creating grpc connection to ([^\s:]+:\d+))re", latin1()};
    re2::RE2 processing{R"re(processing txid: ([0-9a-f]{8,64}))re", latin1()};
    re2::RE2 tx_prefix{R"re(^\[([^\]]*)\]\[([0-9a-f]{8,64})\])re", latin1()};
    re2::RE2 on_transaction{R"re( on transaction ([0-9a-f]{8,64}))re", latin1()};
    re2::RE2 failed_to_execute{R"re(failed to execute transaction ([0-9a-f]{8,64}))re", latin1()};
    re2::RE2 quoted_name{R"re(name:"([^"]+)")re", latin1()};
    // chaincode_support.go Launch: "could not launch chaincode <ccid>: ..." (1.3 on; 2.x
    // quotes it in lifecycle's custodian: 'could not launch chaincode '<ccid>'').
    re2::RE2 could_not_launch{R"re(could not launch chaincode '?([^\s:']+:[^\s:']+))re", latin1()};
    re2::RE2 plain_version{R"re(v?(\d+)\.(\d+)\.(\d+)(?:-\S*)?)re", latin1()};
    re2::RE2 refused_external{
        R"re(failed to start (\S+) -- peer will not accept external chaincode connection)re",
        latin1()};
    re2::RE2 custodian_failed{R"re(^could not launch chaincode '([^']+)': (.*)$)re", latin1()};
    re2::RE2 call_duration{R"re(grpc\.method=ProcessProposal .*grpc\.call_duration=(\S+))re",
                           latin1()};
    re2::RE2 already_launched{R"re(chaincode ([^\s:]+:[^\s:]+) has already been launched)re",
                              latin1()};
    re2::RE2 container_exited{R"re(container exited with (\d+))re", latin1()};
    re2::RE2 start_container{R"re(^start container: (\S+))re", latin1()};
    re2::RE2 got_register{R"re(^Got REGISTER for chaincodeID = (?:name:")?([^", ]+))re", latin1()};
    re2::RE2 state_ready{R"re(^Changed to state ready for chaincode (?:name:")?([^", ]+))re",
                         latin1()};
    re2::RE2 getting_data{R"re(^\[([0-9a-f]{8})\] getting chaincode data for (\S+) on channel)re",
                          latin1()};
    re2::RE2 on_channel{R"re( on channel (\S+))re", latin1()};
    re2::RE2 launch_timeout_11{
        R"re(timeout expired while starting chaincode ([^\s(]+)\(networkid:([^,]*),peerid:([^,]*),tx:([0-9a-f]+)\))re",
        latin1()};
    re2::RE2 launch_timeout_11_text{
        R"re((timeout expired while starting chaincode [^\s(]+\(networkid:[^,]*,peerid:[^,]*,tx:[0-9a-f]+\)))re",
        latin1()};
    re2::RE2 launch_timeout{R"re(timeout expired while starting chaincode (\S+) for transaction)re",
                            latin1()};
    re2::RE2 notifier_missing{
        R"re(^notifier Txid:([0-9a-f]+), channelID:\S* does not exist for handling message (\w+))re",
        latin1()};
    re2::RE2 handling_for_tx{
        R"re(^\[([0-9a-f]{8})\] ?Fabric side [Hh]andling ChaincodeMessage of type: (\w+))re",
        latin1()};
    re2::RE2 getting_state{
        R"re(^\[([0-9a-f]{8})\] getting state for chaincode \S+, key (.*), channel \S*$)re",
        latin1()};
    re2::RE2 handling_type{R"re(Fabric side handling ChaincodeMessage of type: (\w+))re", latin1()};
    re2::RE2 panic{R"re(^panic: )re", latin1()};
    re2::RE2 exit_status{R"re(exit status (\d+))re", latin1()};
  };

  const ImportOptions& options_;
  LogLineReader reader_;
  Patterns re_;
  ImportResult result_;
  std::vector<std::unique_ptr<std::string>> files_;
  std::map<std::string, Tx> txs_;  // by the first 8 characters of the txid
  std::map<std::string, Chaincode> chaincodes_;
  std::map<std::string, std::uint64_t> skipped_;
  std::map<std::string, std::uint64_t> protocol_lines_;  // records of the protocol's modules
  std::map<std::string, std::uint64_t> other_peer_lines_;
  // The last proposal answered or failed (short txid, when): the one a gRPC "unary call
  // completed" line just after it is about.
  std::optional<std::pair<std::string, std::int64_t>> last_answered_;
  std::optional<std::string> last_arrived_;  // the short txid of the last proposal to arrive
  // Per chaincode, the last proposal "finished chaincode" named (txid, when).
  std::map<std::string, std::pair<std::string, std::int64_t>> last_finished_;
  std::optional<std::string> peer_;
  Release release_;
  std::optional<std::int64_t> t0_;
  std::optional<std::int64_t> last_time_;
  std::optional<std::int64_t> stream_error_at_;
  std::optional<std::int64_t> register_handled_at_;
  std::optional<std::string> execute_timeout_;
  std::optional<std::string> startup_timeout_;
  std::optional<std::string> network_id_;  // 1.0/1.1's launch errors name them
  std::optional<std::string> peer_id_;
  bool untimed_ = false;
  bool chaincode_panicked_ = false;
};

}  // namespace

ImportResult import_logs(const ImportOptions& options) {
  return Importer(options).run();
}

}  // namespace ccsim::import
