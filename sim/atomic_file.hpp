// Writing an output file so that it is either complete or absent: the content goes to a
// temporary file beside the target, which is renamed over it only once fully written.
#pragma once

#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>

namespace ccsim::cli {

/// An output file that cannot be written: the user's path is wrong, not ccsim (exit 2).
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Calls `write` with a stream to a temporary file and renames it to `path`. Throws
/// OutputError (naming `path`) if the file cannot be written; no partial file remains.
void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace ccsim::cli
