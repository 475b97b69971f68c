// Virtual time: integer nanoseconds in strong types. A run never reads a wall clock; every
// instant and interval in ccsim is one of these two types.
#pragma once

#include <climits>
#include <compare>
#include <cstdint>
#include <string>

namespace ccsim::kernel {

/// a + b and a - b clamped to [INT64_MIN, INT64_MAX] instead of overflowing.
constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? INT64_MAX : INT64_MIN;
}
constexpr std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (!__builtin_sub_overflow(a, b, &r)) return r;
  return b < 0 ? INT64_MAX : INT64_MIN;
}

/// An interval of virtual time, in nanoseconds. May be zero; negative only as an intermediate.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration nanoseconds(std::int64_t n) { return Duration(n); }
  static constexpr Duration microseconds(std::int64_t n) { return Duration(n) * 1000; }
  static constexpr Duration milliseconds(std::int64_t n) { return Duration(n) * 1000000; }
  static constexpr Duration seconds(std::int64_t n) { return Duration(n) * 1000000000; }

  /// The longest representable interval, 9223372036.854775807s.
  static constexpr Duration max() { return Duration(INT64_MAX); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr auto operator<=>(const Duration&) const = default;
  // Sums and products saturate at the ends of the range: a scenario may use durations up to
  // max(), and "that long after that" is then the end of virtual time, never a wrap.
  constexpr Duration operator+(Duration o) const { return Duration(saturating_add(ns_, o.ns_)); }
  constexpr Duration operator-(Duration o) const { return Duration(saturating_sub(ns_, o.ns_)); }
  constexpr Duration operator*(std::int64_t k) const {
    std::int64_t r = 0;
    if (!__builtin_mul_overflow(ns_, k, &r)) return Duration(r);
    return (ns_ < 0) != (k < 0) ? Duration(INT64_MIN) : Duration(INT64_MAX);
  }

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

  /// The last instant of virtual time, 9223372036.854775807s: where saturated sums end.
  static constexpr Time max() { return Time(INT64_MAX); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr auto operator<=>(const Time&) const = default;
  /// Saturates at max() (and at the lowest instant for negative intervals).
  constexpr Time operator+(Duration d) const { return Time(saturating_add(ns_, d.ns())); }
  constexpr Duration operator-(Time o) const {
    return Duration::nanoseconds(saturating_sub(ns_, o.ns_));
  }

 private:
  constexpr explicit Time(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

/// "12.000150000s": seconds with all nine decimals, so equal strings mean equal instants.
std::string format_time(Time t);

/// The shortest exact spelling in the scenario format's units: "30s", "150ms", "2500us", "0".
std::string format_duration(Duration d);

}  // namespace ccsim::kernel
