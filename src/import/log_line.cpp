#include "ccsim/import/log_line.hpp"
#include "re2_options.hpp"

#include <re2/re2.h>

#include <array>
#include <charconv>

namespace ccsim::import {

namespace {

using detail::latin1;

}  // namespace

// Each pattern is matched against a whole line (FullMatch), in time linear in its length.
struct LogLineReader::Patterns {
  // docker-compose: "peer0.org1.example.com  | <line>" (the name padded to the longest).
  re2::RE2 compose{R"(([A-Za-z0-9][A-Za-z0-9_.-]*) +\| ?(.*))", latin1()};
  // kubectl logs --prefix: "[pod/peer0-org1-5d8c/peer] <line>".
  re2::RE2 kubectl{R"(\[pod/([^/\] ]+)(?:/[^\] ]+)?\] (.*))", latin1()};
  // docker logs -t, kubectl --timestamps: RFC 3339 before the line.
  re2::RE2 rfc3339{
      R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|[+-]\d\d:?\d\d) (.*))",
      latin1()};
  // Fabric's %{time:2006-01-02 15:04:05.000 MST}.
  re2::RE2 fabric_time{R"((\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) \S+ (.*))", latin1()};
  // Through 2.3: "[module] func -> LEVL id message".
  re2::RE2 module_first{R"(\[([^\]]+)\] (\S+) -> ([A-Z]{4}) ([0-9a-f]+) ?(.*))", latin1()};
  // 2.4 on: "id LEVL [module] func -> message".
  re2::RE2 level_first{R"(([0-9a-f]{3,}) ([A-Z]{4}) \[([^\]]+)\] (\S+) -> ?(.*))", latin1()};
};

namespace {

bool known_level(const std::string& level) {
  static constexpr std::array<std::string_view, 7> kLevels = {"DEBU", "INFO", "WARN", "ERRO",
                                                              "CRIT", "PANI", "FATA"};
  for (std::string_view l : kLevels)
    if (level == l) return true;
  return false;
}

int number(const std::string& digits) {
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

std::int64_t to_ms(const std::string& y, const std::string& mo, const std::string& d,
                   const std::string& h, const std::string& mi, const std::string& s,
                   const std::string& fraction) {
  const std::int64_t days = days_from_civil(number(y), static_cast<unsigned>(number(mo)),
                                            static_cast<unsigned>(number(d)));
  std::string ms = fraction.substr(0, 3);
  while (ms.size() < 3)
    ms += '0';
  return ((days * 24 + number(h)) * 60 + number(mi)) * 60000 + number(s) * 1000 + number(ms);
}

std::string without_colours(std::string_view raw) {
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
  const Patterns& p = *patterns_;
  std::string line = without_colours(raw);
  std::string name, rest;
  if (re2::RE2::FullMatch(line, p.compose, &name, &rest) ||
      re2::RE2::FullMatch(line, p.kubectl, &name, &rest)) {
    if (source != nullptr) *source = name;
    line = rest;
  }
  return line;
}

std::optional<LogLine> LogLineReader::parse(std::string_view raw, std::size_t line_number) const {
  const Patterns& p = *patterns_;
  LogLine out;
  out.number = line_number;
  std::string line = undecorated(raw, &out.source);
  std::string y, mo, d, h, mi, s, frac, rest;
  // A shipper's timestamp, then Fabric's own: Fabric's wins when both are there.
  if (re2::RE2::FullMatch(line, p.rfc3339, &y, &mo, &d, &h, &mi, &s, &frac, &rest)) {
    out.time_ms = to_ms(y, mo, d, h, mi, s, frac);
    line = rest;
  }
  if (re2::RE2::FullMatch(line, p.fabric_time, &y, &mo, &d, &h, &mi, &s, &frac, &rest)) {
    out.time_ms = to_ms(y, mo, d, h, mi, s, frac);
    line = rest;
  }
  std::string id;
  if (re2::RE2::FullMatch(line, p.module_first, &out.module, &out.function, &out.level, &id,
                          &out.message) &&
      known_level(out.level)) {
    out.format = LineFormat::kModuleFirst;
    return out;
  }
  if (re2::RE2::FullMatch(line, p.level_first, &id, &out.level, &out.module, &out.function,
                          &out.message) &&
      known_level(out.level)) {
    out.format = LineFormat::kLevelFirst;
    return out;
  }
  return std::nullopt;
}

}  // namespace ccsim::import
