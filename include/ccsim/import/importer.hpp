// `ccsim import`: Fabric peer logs (and chaincode container logs) -> a scenario that replays
// what they show. The logs are read line by line, once, keeping only what was learnt of each
// chaincode and transaction (memory flat in a log's size); what the logs cannot tell is
// assumed, and each assumption is listed (docs/import.md).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccsim::import {

/// A log that cannot be imported (unreadable, empty, binary, no chaincode lines): one line,
/// naming the file.
struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ImportOptions {
  std::vector<std::string> peer_logs;
  std::vector<std::string> chaincode_logs;
  /// The ccsim profile to use instead of the release the logs show ("" infers it).
  std::string profile;
  /// With several peers in the logs: the one to model (its compose/kubectl name, or the
  /// file's name); "" takes the first that shows a chaincode line.
  std::string peer;
  /// Keep, for each log line used, what it became (`--explain`).
  bool explain = false;
};

/// One log line that went into the scenario, and what it became.
struct Explained {
  std::string file;
  std::size_t line = 0;
  std::string text;    // the line, undecorated, cut at 200 bytes
  std::string became;  // e.g. "proposal tx 9006fd25 arrives at 0s"
};

struct ImportResult {
  std::string scenario;  // the scenario's JSON text
  std::string profile;
  std::string profile_reason;            // how the release was known
  std::vector<std::string> assumptions;  // what the logs did not tell, one line each
  std::vector<std::string> skipped;      // "gossip.privdata: 3 lines": outside the protocol
  std::vector<Explained> explained;      // with ImportOptions::explain
  std::uint64_t lines = 0;               // lines read
  std::uint64_t used = 0;                // lines that went into the scenario
};

/// Reads the logs and writes the scenario. Throws ImportError.
ImportResult import_logs(const ImportOptions& options);

}  // namespace ccsim::import
