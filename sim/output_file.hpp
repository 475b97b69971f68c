// Writing outputs so that each is complete or absent, and never lands where the user did not
// mean: a file is written to a hidden temporary file beside it and renamed over it once whole;
// a FIFO or a character device (/dev/null, /dev/stdout) is written directly, as it cannot be
// replaced; a symbolic link is followed (the link stays); a directory, socket or block device
// is refused. Artifact folders are written the same way, whole.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ccsim::cli {

/// An output that cannot be written: the user's path or disk, not ccsim (exit 2). The message
/// names the path.
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The outputs of one command, checked before anything runs: each path must be writable as
/// described above, and no file may be named by two outputs (/dev/null may).
class OutputPaths {
 public:
  /// Throws OutputError naming `path` (and `flag`, e.g. "--jsonl") if it cannot be an output,
  /// or if an earlier output names the same file.
  void add(const std::string& flag, const std::string& path);

 private:
  std::map<std::string, std::string> by_file_;  // resolved path -> flag
};

/// Calls `write` with a stream to `path` (see above). Throws OutputError (naming `path`, with
/// the system's reason) if it cannot be written; no partial file remains.
void write_output(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Writes `files` (name, content) as the folder `dir`, whole: into a hidden temporary folder
/// beside it, renamed into place, atomically exchanged with an existing `dir`. The parent
/// is created if needed. Throws OutputError naming the path that failed.
void write_folder(const std::string& dir,
                  const std::vector<std::pair<std::string, std::string>>& files);

/// Removes from `dir` the temporary files and folders ("." NAME ".tmp." PID) of ccsim
/// processes that no longer run (one killed before it could rename them).
void remove_stale_temporaries(const std::string& dir);

}  // namespace ccsim::cli
