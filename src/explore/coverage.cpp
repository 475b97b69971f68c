#include "ccsim/explore/coverage.hpp"

#include <bit>
#include <cmath>
#include <string_view>
#include <tuple>

namespace ccsim::explore {

void Coverage::merge(const Coverage& other) {
  deliveries.insert(other.deliveries.begin(), other.deliveries.end());
  transitions.insert(other.transitions.begin(), other.transitions.end());
}

CoverageMonitor::StreamStates& CoverageMonitor::stream(std::string_view name) {
  for (StreamStates& s : streams_) {
    if (s.name == name) return s;
  }
  streams_.push_back(StreamStates{std::string(name)});
  return streams_.back();
}

void CoverageMonitor::on_event(const kernel::TraceEventView& e) {
  // Handler states move only by state events (a new stream's start at "created"), and only
  // deliveries are counted: the rest of the trace is skipped at once.
  using namespace std::string_view_literals;  // sized comparisons: every event passes here
  const bool register_sent = e.kind == kernel::TraceKind::kSend && e.type == "REGISTER"sv;
  if (e.kind != kernel::TraceKind::kState && e.kind != kernel::TraceKind::kDeliver &&
      !register_sent) {
    return;
  }
  const bool peer = e.actor == "peer"sv;
  if ((!peer && e.actor != "shim"sv) || e.stream.empty()) return;
  StreamStates& s = stream(e.stream);
  std::string& mine = peer ? s.peer : s.shim;
  // A REGISTER sent opens a new stream under the chaincode's name: both ends start again.
  if (register_sent) {
    if (!peer) {
      s.peer = "created";
      s.shim = "created";
    }
    return;
  }
  if (e.kind == kernel::TraceKind::kState) {
    if (mine != e.state) {
      const auto parts =
          std::tuple<std::string_view, std::string_view, std::string_view>(e.actor, mine, e.state);
      if (auto it = transitions_seen_.lower_bound(parts);
          it == transitions_seen_.end() || transitions_seen_.key_comp()(parts, *it)) {
        transitions_seen_.emplace_hint(it, e.actor, mine, e.state);
        std::string transition(e.actor);
        transition += ' ';
        transition += mine;
        transition += " -> ";
        transition += e.state;
        coverage_.transitions.insert(std::move(transition));
      }
    }
    mine = e.state;
    return;
  }
  const auto parts =
      std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>(
          s.peer, s.shim, e.type, e.actor);
  if (auto it = deliveries_seen_.lower_bound(parts);
      it == deliveries_seen_.end() || deliveries_seen_.key_comp()(parts, *it)) {
    deliveries_seen_.emplace_hint(it, s.peer, s.shim, e.type, e.actor);
    std::string delivery = s.peer + "/" + s.shim + " ";
    delivery += e.type;
    delivery += " to ";
    delivery += e.actor;
    coverage_.deliveries.insert(std::move(delivery));
  }
}

void DistinctTraces::add(std::uint64_t fingerprint) {
  // One more mixing round: fingerprints of similar traces share low bits.
  std::uint64_t h = fingerprint;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  const std::size_t index = h & (kRegisters - 1);
  const std::uint64_t rest = h >> 12;
  const auto rank = static_cast<std::uint8_t>(rest == 0 ? 53 : std::countr_zero(rest) + 1);
  if (rank > registers_[index]) registers_[index] = rank;
}

void DistinctTraces::merge(const DistinctTraces& other) {
  for (std::size_t i = 0; i < kRegisters; ++i) {
    if (other.registers_[i] > registers_[i]) registers_[i] = other.registers_[i];
  }
}

std::uint64_t DistinctTraces::estimate() const {
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  std::size_t zeros = 0;
  for (std::uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    if (r == 0) ++zeros;
  }
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  double e = alpha * m * m / sum;
  if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));
  return static_cast<std::uint64_t>(std::llround(e));
}

std::string DistinctTraces::to_hex() const {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kRegisters);
  for (std::uint8_t r : registers_) {
    out += kDigits[r >> 4];
    out += kDigits[r & 15];
  }
  return out;
}

bool DistinctTraces::from_hex(const std::string& hex) {
  if (hex.size() != 2 * kRegisters) return false;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < kRegisters; ++i) {
    const int hi = digit(hex[2 * i]);
    const int lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    registers_[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace ccsim::explore
