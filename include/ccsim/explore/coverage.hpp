// What a campaign has seen: which (peer state, shim state, message type) a message was
// delivered in, which handler state transitions happened, and how many distinct traces ran.
// All of it merges by union, so the totals do not depend on how runs were split over jobs
// or shards.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "ccsim/kernel/trace.hpp"

namespace ccsim::explore {

struct Coverage {
  /// "<peer state>/<shim state> <TYPE> to <receiver>", e.g. "ready/created TRANSACTION to shim".
  std::set<std::string> deliveries;
  /// "<actor> <from> -> <to>", e.g. "shim created -> established".
  std::set<std::string> transitions;

  void merge(const Coverage& other);
  bool operator==(const Coverage&) const = default;
};

/// Watches runs' traces and adds what they cover. reset() before each run.
class CoverageMonitor final : public kernel::TraceObserver {
 public:
  void reset() { streams_.clear(); }
  void on_event(const kernel::TraceEventView& e) override;
  const Coverage& coverage() const { return coverage_; }

 private:
  struct StreamStates {
    std::string name;
    std::string peer = "created";
    std::string shim = "created";
  };
  StreamStates& stream(std::string_view name);

  std::vector<StreamStates> streams_;
  Coverage coverage_;
  // What coverage_ already holds, as the parts its strings are made of: most events add
  // nothing new, and looking the parts up (exactly, no hashing) spares building a string.
  // (actor, from, to) and (peer state, shim state, type, receiver). They grow with coverage_
  // and never outlive it (hence no take()).
  // PartsLess compares a tuple of strings with one of string_views as views: a mixed tuple
  // comparison would need operator<=> between them, which not every compiler synthesises.
  struct PartsLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return views(a) < views(b);
    }
    template <class... T>
    static auto views(const std::tuple<T...>& t) {
      return std::apply([](const auto&... s) { return std::tuple(std::string_view(s)...); }, t);
    }
  };
  std::set<std::tuple<std::string, std::string, std::string>, PartsLess> transitions_seen_;
  std::set<std::tuple<std::string, std::string, std::string, std::string>, PartsLess>
      deliveries_seen_;
};

/// How many distinct traces ran: a HyperLogLog sketch of the traces' fingerprints (2^12
/// registers, about 1.6% standard error; exact-looking below a few thousand by linear
/// counting). Fixed memory however many runs; merging takes registers' maxima.
class DistinctTraces {
 public:
  static constexpr std::size_t kRegisters = 4096;

  void add(std::uint64_t fingerprint);
  void merge(const DistinctTraces& other);
  std::uint64_t estimate() const;

  /// The registers as hex, two digits each (report files), and back; false if malformed.
  std::string to_hex() const;
  bool from_hex(const std::string& hex);
  bool operator==(const DistinctTraces&) const = default;

 private:
  std::array<std::uint8_t, kRegisters> registers_{};
};

}  // namespace ccsim::explore
