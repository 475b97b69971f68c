// What `ccsim --version` prints: defined in a file cmake/write_version.cmake generates at
// build time.
#pragma once

namespace ccsim::cli {

/// The project's version (CMakeLists.txt's project(VERSION)), e.g. "0.1.0".
extern const char* const kVersion;
/// The commit built, 12 hex digits (with "-dirty" for uncommitted changes); empty when
/// built from a source tree without git and without -DCCSIM_COMMIT.
extern const char* const kCommit;

}  // namespace ccsim::cli
