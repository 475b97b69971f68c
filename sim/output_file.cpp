#include "output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace ccsim::cli {

namespace fs = std::filesystem;

namespace {

std::string reason(int error) {
  return std::strerror(error);
}

// The file `path` names once symbolic links are followed ("" when it cannot be resolved).
std::string resolved(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? std::string() : p.string();
}

enum class Kind { kNew, kRegular, kStream, kRefused };

// What is at `path` (following links), and for kRefused why not.
Kind kind_of(const std::string& path, std::string& why) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      why = reason(errno);
      return Kind::kRefused;
    }
    const fs::path parent = fs::path(path).parent_path();
    struct stat dir {};
    if (!parent.empty() && (::stat(parent.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode))) {
      why = "no such directory: " + parent.string();
      return Kind::kRefused;
    }
    return Kind::kNew;
  }
  if (S_ISREG(st.st_mode)) return Kind::kRegular;
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) return Kind::kStream;
  why = S_ISDIR(st.st_mode)    ? "is a directory"
        : S_ISSOCK(st.st_mode) ? "is a socket"
                               : "is not a regular file, a FIFO or a character device";
  return Kind::kRefused;
}

// "dir/.name.tmp.<pid>": hidden, beside the target, ours by the pid.
std::string temporary_beside(const fs::path& target) {
  return (target.parent_path() /
          ("." + target.filename().string() + ".tmp." + std::to_string(::getpid())))
      .string();
}

void write_stream(const std::string& path, const std::string& shown,
                  const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw OutputError(shown + ": cannot write output file: " + reason(errno));
  write(out);
  out.flush();
  if (!out) throw OutputError(shown + ": error while writing output file: " + reason(errno));
}

}  // namespace

void OutputPaths::add(const std::string& flag, const std::string& path) {
  std::string why;
  if (kind_of(path, why) == Kind::kRefused)
    throw OutputError(path + ": cannot be the " + flag + " output: " + why);
  const std::string file = resolved(path);
  if (file.empty() || file == "/dev/null") return;
  const auto [it, added] = by_file_.emplace(file, flag);
  if (!added) {
    throw OutputError(path + ": named by both " + it->second + " and " + flag +
                      "; give each output its own file");
  }
}

void write_output(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::string why;
  const Kind kind = kind_of(path, why);
  if (kind == Kind::kRefused) throw OutputError(path + ": cannot write output file: " + why);
  if (kind == Kind::kStream) {
    write_stream(path, path, write);
    return;
  }
  // A regular file, or none yet: whole or not at all, beside the file the path resolves to
  // (so that a symbolic link stays one).
  const std::string target = resolved(path).empty() ? path : resolved(path);
  const std::string tmp = temporary_beside(target);
  try {
    write_stream(tmp, path, write);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    const int error = errno;
    std::remove(tmp.c_str());
    throw OutputError(path + ": cannot write output file: " + reason(error));
  }
}

void write_folder(const std::string& dir,
                  const std::vector<std::pair<std::string, std::string>>& files) {
  const fs::path target(dir);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw OutputError(target.parent_path().string() + ": cannot create directory: " + ec.message());
  }
  const fs::path tmp = temporary_beside(target);
  fs::remove_all(tmp, ec);
  const auto fail = [&](const std::string& what) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw OutputError(what);
  };
  if (!fs::create_directory(tmp, ec))
    fail(tmp.string() + ": cannot create directory: " + ec.message());
  for (const auto& [name, content] : files) {
    const fs::path file = tmp / name;
    std::ofstream out(file, std::ios::binary);
    out << content;
    out.flush();
    if (!out)
      fail((target / name).string() + ": error while writing output file: " + reason(errno));
  }
  // Into place in one step; an existing folder (the failure found again at an earlier run) is
  // exchanged with the new one atomically, then removed.
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno == EEXIST &&
      ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(tmp, ec);  // the old folder, now at the temporary name
    return;
  }
  if (errno == EINVAL) {  // a file system without renameat2's flags: replace in two steps
    fs::remove_all(target, ec);
    if (std::rename(tmp.c_str(), target.c_str()) == 0) return;
  }
  fail(dir + ": cannot write output folder: " + reason(errno));
}

void remove_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto at = name.rfind(".tmp.");
    if (name.empty() || name[0] != '.' || at == std::string::npos) continue;
    const std::string digits = name.substr(at + 5);
    pid_t pid = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) continue;
    // kill(pid, 0) fails with ESRCH only when no such process exists.
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

}  // namespace ccsim::cli
