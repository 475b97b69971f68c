// Helpers shared by the scenario-level tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ccsim/report/jsonl_trace.hpp"
#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"

namespace ccsim::testing {

inline std::string source_path(const std::string& relative) {
  return std::string(CCSIM_SOURCE_DIR) + "/" + relative;
}

/// Every bundled scenario file (scenarios/, recursively), sorted: the same order everywhere.
inline std::vector<std::string> bundled_scenarios() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(source_path("scenarios"))) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline kernel::Time at_ms(std::int64_t ms) {
  return kernel::Time::zero() + kernel::Duration::milliseconds(ms);
}
inline kernel::Time at_us(std::int64_t us) {
  return kernel::Time::zero() + kernel::Duration::microseconds(us);
}

/// The outcome of `txid`; fails the test if the run has none.
inline const fabric::ProposalOutcome& outcome(const scenario::RunResult& r,
                                              const std::string& txid) {
  for (const auto& o : r.outcomes) {
    if (o.txid == txid) return o;
  }
  FAIL("no outcome for " << txid);
  return r.outcomes.front();
}

/// What loading scenario `text`, as file `file`, throws, without its line and column
/// ("FILE: /pointer: message"); "(no error)" if it loads. The places are checked on their own
/// (loader_test.cpp, "positions"; json_positions_test.cpp).
inline std::string load_error(const std::string& text, const std::string& file = "s.json") {
  try {
    scenario::load_text(text, file);
  } catch (const scenario::ScenarioError& e) {
    if (!e.positioned()) return e.what();
    return e.file() + ": " + (e.pointer().empty() ? "" : e.pointer() + ": ") + e.message();
  }
  return "(no error)";
}

inline std::string jsonl_of(const scenario::RunResult& result) {
  std::ostringstream out;
  report::write_jsonl(out, result);
  return out.str();
}

/// The trace events of `kind`, narrowed to an actor and a message type when given.
inline std::vector<const kernel::TraceEvent*> events_of(const scenario::RunResult& r,
                                                        kernel::TraceKind kind,
                                                        const std::string& actor = "",
                                                        const std::string& type = "") {
  std::vector<const kernel::TraceEvent*> out;
  for (const auto& e : r.trace.events()) {
    if (e.kind != kind) continue;
    if (!actor.empty() && e.actor != actor) continue;
    if (!type.empty() && e.type != type) continue;
    out.push_back(&e);
  }
  return out;
}

/// Runs a shell command; returns its exit status and what it printed on stdout and stderr.
struct CommandResult {
  int exit_code;
  std::string output;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r{-1, {}};
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
    r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace ccsim::testing
