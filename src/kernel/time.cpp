#include "ccsim/kernel/time.hpp"

#include <cstdio>

namespace ccsim::kernel {

std::string format_time(Time t) {
  const std::int64_t ns = t.ns();
  const char* sign = ns < 0 ? "-" : "";
  const std::uint64_t abs_ns =
      ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%09llus", sign,
                static_cast<unsigned long long>(abs_ns / 1000000000ULL),
                static_cast<unsigned long long>(abs_ns % 1000000000ULL));
  return buf;
}

std::string format_duration(Duration d) {
  const std::int64_t ns = d.ns();
  if (ns == 0) return "0";
  struct Unit {
    std::int64_t scale;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{3600LL * 1000000000LL, "h"},
                                    {60LL * 1000000000LL, "m"},
                                    {1000000000LL, "s"},
                                    {1000000LL, "ms"},
                                    {1000LL, "us"},
                                    {1LL, "ns"}};
  for (const Unit& u : kUnits) {
    if (ns % u.scale == 0) return std::to_string(ns / u.scale) + u.suffix;
  }
  return std::to_string(ns) + "ns";  // unreachable: every integer is a multiple of 1ns
}

}  // namespace ccsim::kernel
