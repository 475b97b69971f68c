// Virtual time: integer nanoseconds in strong types. A run never reads a wall clock; every
// instant and interval in ccsim is one of these two types.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace ccsim::kernel {

/// An interval of virtual time, in nanoseconds. May be zero; negative only as an intermediate.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration nanoseconds(std::int64_t n) { return Duration(n); }
  static constexpr Duration microseconds(std::int64_t n) { return Duration(n * 1000); }
  static constexpr Duration milliseconds(std::int64_t n) { return Duration(n * 1000000); }
  static constexpr Duration seconds(std::int64_t n) { return Duration(n * 1000000000); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(ns_ * k); }

 private:
  constexpr explicit Duration(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

/// An instant of virtual time: nanoseconds since the start of the run (time zero).
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ns(std::int64_t n) { return Time(n); }
  static constexpr Time zero() { return Time(0); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return Time(ns_ + d.ns()); }
  constexpr Duration operator-(Time o) const { return Duration::nanoseconds(ns_ - o.ns_); }

 private:
  constexpr explicit Time(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

/// "12.000150000s": seconds with all nine decimals, so equal strings mean equal instants.
std::string format_time(Time t);

/// The shortest exact spelling in the scenario format's units: "30s", "150ms", "2500us", "0".
std::string format_duration(Duration d);

}  // namespace ccsim::kernel
