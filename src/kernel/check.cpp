#include "ccsim/kernel/check.hpp"

#include <cstdio>
#include <cstdlib>

// Exit code 3 is the CLI contract for "internal error" (docs/scenario-format.md, "Errors"); _Exit
// skips destructors of a world whose invariants no longer hold.

namespace ccsim::kernel {

void check_failed(const char* expr, const char* message, const char* file, int line) {
  std::fprintf(stderr, "ccsim: internal error: %s (%s) at %s:%d\n", message, expr, file, line);
  std::fflush(stderr);
  std::_Exit(3);
}

void check_failed_at(std::int64_t now_ns, const char* expr, const char* message, const char* file,
                     int line) {
  std::fprintf(stderr, "ccsim: internal error at virtual time %lldns: %s (%s) at %s:%d\n",
               static_cast<long long>(now_ns), message, expr, file, line);
  std::fflush(stderr);
  std::_Exit(3);
}

}  // namespace ccsim::kernel
