#include "ccsim/import/log_line.hpp"
#include "re2_options.hpp"

#include <re2/re2.h>

#include <array>
#include <charconv>

namespace ccsim::import {

namespace {

using detail::latin1;

}  // namespace

// Each pattern is a prefix, consumed from the start of what is left of a line (RE2::Consume):
// its cost is that of the header it reads, never of the message after it, and its captures
// are views into the line (no copies until a field is kept).
struct LogLineReader::Patterns {
  // docker-compose: "peer0.org1.example.com  | <line>" (the name padded to the longest); the
  // IBM Blockchain Platform VS Code extension's output panel: "[8/10/2020 2:53:34 am] [INFO]
  // 1org_peer0.org1.example.com|<line>".
  re2::RE2 compose{R"((?:\[[0-9/.-]+ [0-9:]+(?: [AaPp][Mm])?\] \[[A-Z]+\] )?)"
                   R"(([A-Za-z0-9][A-Za-z0-9_.-]*) *\| ?)",
                   latin1()};
  // microfab's "[ org1peer] <line>": taken off only before a timestamp (a 1.x line without
  // one starts "[module] ").
  re2::RE2 bracketed{R"(\[ *([A-Za-z0-9][A-Za-z0-9_.-]*)\] )", latin1()};
  re2::RE2 date{R"(\d{4}-\d\d-\d\d)", latin1()};
  // A log quoted in a GitHub comment or an e-mail reply: "> " before each line.
  re2::RE2 quote{R"((?:> ?)+)", latin1()};
  // kubectl logs --prefix: "[pod/peer0-org1-5d8c/peer] <line>".
  re2::RE2 kubectl{R"(\[pod/([^/\] ]+)(?:/[^\] ]+)?\] )", latin1()};
  // docker logs -t, kubectl --timestamps: RFC 3339 before the line.
  re2::RE2 rfc3339{
      R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|[+-]\d\d:?\d\d) )",
      latin1()};
  // Fabric's %{time:2006-01-02 15:04:05.000 MST}.
  re2::RE2 fabric_time{R"((\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) \S+ )", latin1()};
  // Through 2.3: "[module] func -> LEVL id message".
  re2::RE2 module_first{R"(\[([^\]]+)\] (\S+) -> ([A-Z]{4}) [0-9a-f]+ ?)", latin1()};
  // 2.4 on: "id LEVL [module] func -> message".
  re2::RE2 level_first{R"([0-9a-f]{3,} ([A-Z]{4}) \[([^\]]+)\] (\S+) -> ?)", latin1()};

  // Takes a quote, then a compose, VS Code, kubectl or microfab prefix off `line` (a view into
  // a line without colours).
  void strip_prefix(re2::StringPiece& line, std::string* source,
                    std::string* bracket_prefix = nullptr) const {
    re2::RE2::Consume(&line, quote);
    re2::StringPiece name;
    const re2::StringPiece whole = line;
    bool prefixed =
        re2::RE2::Consume(&line, compose, &name) || re2::RE2::Consume(&line, kubectl, &name);
    if (!prefixed && re2::RE2::Consume(&line, bracketed, &name)) {
      re2::StringPiece rest = line;
      prefixed = re2::RE2::Consume(&rest, date);
      if (!prefixed) {
        line = whole;
      } else if (bracket_prefix != nullptr) {
        bracket_prefix->assign(whole.data(), static_cast<std::size_t>(line.data() - whole.data()));
      }
    }
    if (prefixed && source != nullptr) source->assign(name.data(), name.size());
  }
};

namespace {

bool known_level(re2::StringPiece level) {
  static constexpr std::array<std::string_view, 7> kLevels = {"DEBU", "INFO", "WARN", "ERRO",
                                                              "CRIT", "PANI", "FATA"};
  for (std::string_view l : kLevels)
    if (level == re2::StringPiece(l.data(), l.size())) return true;
  return false;
}

int number(re2::StringPiece digits) {
  int v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

// Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t to_ms(re2::StringPiece y, re2::StringPiece mo, re2::StringPiece d, re2::StringPiece h,
                   re2::StringPiece mi, re2::StringPiece s, re2::StringPiece fraction) {
  const std::int64_t days = days_from_civil(number(y), static_cast<unsigned>(number(mo)),
                                            static_cast<unsigned>(number(d)));
  std::string ms(fraction.substr(0, 3));
  while (ms.size() < 3)
    ms += '0';
  return ((days * 24 + number(h)) * 60 + number(mi)) * 60000 + number(s) * 1000 + number(ms);
}

std::string without_colours(std::string_view raw) {
  // Most lines have neither: copy them whole.
  if (raw.find('\x1b') == std::string_view::npos && raw.find('\r') == std::string_view::npos)
    return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    // ESC [ parameters final-byte: the colour codes of %{color} and of terminals.
    if (raw[i] == '\x1b' && i + 1 < raw.size() && raw[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < raw.size() && ((raw[j] >= '0' && raw[j] <= '9') || raw[j] == ';'))
        ++j;
      if (j < raw.size()) {
        i = j;
        continue;
      }
    }
    if (raw[i] == '\r') continue;
    out += raw[i];
  }
  return out;
}

}  // namespace

LogLineReader::LogLineReader() : patterns_(std::make_unique<const Patterns>()) {}
LogLineReader::~LogLineReader() = default;

std::string LogLineReader::undecorated(std::string_view raw, std::string* source) const {
  const std::string line = without_colours(raw);
  re2::StringPiece rest(line);
  patterns_->strip_prefix(rest, source);
  return std::string(rest.data(), rest.size());
}

std::optional<LogLine> LogLineReader::parse(std::string_view raw, std::size_t line_number) const {
  const Patterns& p = *patterns_;
  LogLine out;
  out.number = line_number;
  const std::string line = without_colours(raw);
  re2::StringPiece rest(line);
  p.strip_prefix(rest, &out.source, &out.bracket_prefix);
  re2::StringPiece y, mo, d, h, mi, s, frac;
  // A shipper's timestamp, then Fabric's own: Fabric's wins when both are there.
  if (re2::RE2::Consume(&rest, p.rfc3339, &y, &mo, &d, &h, &mi, &s, &frac))
    out.time_ms = to_ms(y, mo, d, h, mi, s, frac);
  if (re2::RE2::Consume(&rest, p.fabric_time, &y, &mo, &d, &h, &mi, &s, &frac))
    out.time_ms = to_ms(y, mo, d, h, mi, s, frac);
  re2::StringPiece level, module, function;
  const auto keep = [&](LineFormat format) {
    out.format = format;
    out.level.assign(level.data(), level.size());
    out.module.assign(module.data(), module.size());
    out.function.assign(function.data(), function.size());
    out.message.assign(rest.data(), rest.size());
    return out;
  };
  re2::StringPiece header = rest;
  if (re2::RE2::Consume(&rest, p.module_first, &module, &function, &level) && known_level(level))
    return keep(LineFormat::kModuleFirst);
  rest = header;
  if (re2::RE2::Consume(&rest, p.level_first, &level, &module, &function) && known_level(level))
    return keep(LineFormat::kLevelFirst);
  return std::nullopt;
}

}  // namespace ccsim::import
