// One line of a Fabric log as users post it: the decorations around Fabric's own format taken
// off (terminal colours, a docker-compose or kubectl prefix naming the container, a
// `docker logs -t` timestamp), then Fabric's fields read. Fabric's default line format
// (common/flogging, defaultFormat) is, through 2.3:
//     2019-09-09 07:52:09.915 UTC [chaincode] Launch -> DEBU 098 message
// and from 2.4 on:
//     2022-03-04 10:11:12.123 UTC 0042 DEBU [chaincode] Launch -> message
// either one with or without its timestamp. docs/import.md lists what is recognised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ccsim::import {

/// Which of Fabric's two default line formats a line is in.
enum class LineFormat : std::uint8_t {
  kModuleFirst,  // Fabric 1.0 - 2.3: "[module] func -> LEVL id message"
  kLevelFirst,   // Fabric 2.4 on:    "id LEVL [module] func -> message"
};

struct LogLine {
  std::size_t number = 0;  // 1-based, in its file
  /// The container or pod a compose or kubectl prefix names ("peer0.org1.example.com"), or
  /// empty.
  std::string source;
  /// A microfab-style "[ org1peer] " prefix, as written, when the line had one: the lines of a
  /// multi-line record after it carry it too (and no timestamp to recognise it by).
  std::string bracket_prefix;
  /// Milliseconds since 1970-01-01 of Fabric's timestamp (its zone is taken as written,
  /// the same for every line), else of a `docker logs -t` timestamp; nullopt without either.
  std::optional<std::int64_t> time_ms;
  LineFormat format = LineFormat::kModuleFirst;
  std::string level;     // "DEBU", "INFO", "WARN", "ERRO", "CRIT", "PANI", "FATA"
  std::string module;    // "chaincode", "endorser", "peer.chaincode.mycc-1.0", ...
  std::string function;  // "Launch", "HandleRegister", ...
  std::string message;
};

/// Reads log lines. Holds its compiled patterns (RE2: time linear in a line's length, no
/// recursion), so one reader serves a whole import.
class LogLineReader {
 public:
  LogLineReader();
  ~LogLineReader();
  LogLineReader(const LogLineReader&) = delete;
  LogLineReader& operator=(const LogLineReader&) = delete;

  /// Reads `raw` (one line, without its newline). nullopt when it is not a Fabric log line
  /// (a continuation line, a chaincode's own output, a line cut before its message).
  std::optional<LogLine> parse(std::string_view raw, std::size_t number) const;

  /// `raw` without terminal colour sequences and without a compose/kubectl prefix, with the
  /// prefix's name in `source`: what is left of a line that is not Fabric's (a chaincode's
  /// own output, a continuation line) for the caller to read.
  std::string undecorated(std::string_view raw, std::string* source = nullptr) const;

 private:
  struct Patterns;
  std::unique_ptr<const Patterns> patterns_;
};

}  // namespace ccsim::import
