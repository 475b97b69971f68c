// Always-on invariant checks. A broken invariant is a bug in ccsim, not bad input: it prints
// where it happened (and the virtual time, when the caller has one) and exits with code 3.
#pragma once

#include <cstdint>

namespace ccsim::kernel {

[[noreturn]] void check_failed(const char* expr, const char* message, const char* file, int line);
[[noreturn]] void check_failed_at(std::int64_t now_ns, const char* expr, const char* message,
                                  const char* file, int line);

}  // namespace ccsim::kernel

#define CCSIM_CHECK(cond, message)                                                  \
  do {                                                                              \
    if (!(cond)) ::ccsim::kernel::check_failed(#cond, message, __FILE__, __LINE__); \
  } while (0)

/// Like CCSIM_CHECK, with the virtual time (a kernel::Time) in the report.
#define CCSIM_CHECK_AT(now, cond, message)                                                         \
  do {                                                                                             \
    if (!(cond)) ::ccsim::kernel::check_failed_at((now).ns(), #cond, message, __FILE__, __LINE__); \
  } while (0)
