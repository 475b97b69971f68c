// Two hashes. word_hash: what the run digest printed beside the seed and the fuzzing
// fingerprint are made of, fed field by field, a number as one 64-bit word, a text as its
// length and then its bytes as little-endian 64-bit words (the last zero-padded), so no two
// different field sequences feed the same words and a trace has one digest on every platform.
// Digest: FNV-1a over length-prefixed fields, for short texts named by a hash (artifact
// folders, a campaign's identity), which must not move when the trace's digest does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ccsim::kernel {

namespace word_hash {
constexpr std::uint64_t kP1 = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kP2 = 0xc2b2ae3d27d4eb4fULL;

/// One 64-bit word into the state: multiply and rotate, in the manner of xxhash's round.
inline std::uint64_t fold(std::uint64_t h, std::uint64_t word) {
  const std::uint64_t x = h ^ (word * kP2);
  return ((x << 31) | (x >> 33)) * kP1;
}
/// A text: its length, then its bytes eight at a time.
std::uint64_t fold(std::uint64_t h, std::string_view bytes);
/// The state, avalanched (murmur3's finaliser) so that every bit of a printed digest depends
/// on every word fed.
std::uint64_t avalanche(std::uint64_t h);
}  // namespace word_hash

class Digest {
 public:
  void add(std::string_view bytes);
  void add(std::uint64_t value);
  std::uint64_t value() const { return h_; }

 private:
  void mix(unsigned char byte) { h_ = (h_ ^ byte) * 0x100000001b3ULL; }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

/// 16 lowercase hex digits.
std::string format_digest(std::uint64_t digest);

}  // namespace ccsim::kernel
