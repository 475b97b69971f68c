// A 64-bit FNV-1a digest, fed field by field with length prefixes so that no two different
// field sequences hash the same bytes. Used for the run digest printed beside the seed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ccsim::kernel {

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
