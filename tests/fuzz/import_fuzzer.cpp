// libFuzzer target: ccsim import. Any bytes as a peer log must import or be refused with an
// ImportError, and whatever it writes must load as a scenario (ccsim import promises that);
// anything else (a crash, a sanitizer report, another exception, a hang) is a finding.
// Built with CCSIM_FUZZERS=ON (clang); see docs/testing.md.
#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "ccsim/import/importer.hpp"
#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The importer reads files: one per fuzzing process, rewritten for each input.
  static const std::string path = "/tmp/ccsim-import-fuzz-" + std::to_string(::getpid()) + ".log";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ccsim::import::ImportOptions options;
  options.peer_logs = {path};
  try {
    const ccsim::import::ImportResult result = ccsim::import::import_logs(options);
    try {
      ccsim::scenario::load_text(result.scenario, "imported.json");
    } catch (const ccsim::scenario::ScenarioError& e) {
      std::fprintf(stderr, "the imported scenario does not load: %s\n", e.what());
      std::abort();
    }
  } catch (const ccsim::import::ImportError&) {
  }
  return 0;
}
