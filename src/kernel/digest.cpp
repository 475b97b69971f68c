#include "ccsim/kernel/digest.hpp"

#include <bit>
#include <cstdio>
#include <cstring>

namespace ccsim::kernel {

namespace word_hash {
namespace {
// Up to eight bytes as a little-endian word. Each size is its own fixed-size copy, which
// compilers inline, rather than a call to memcpy.
template <std::size_t N>
inline std::uint64_t load_n(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, N);
  return word;
}
inline std::uint64_t load_le(const char* p, std::size_t n) {
  std::uint64_t word = 0;
  switch (n) {
    case 8:
      word = load_n<8>(p);
      break;
    case 7:
      word = load_n<7>(p);
      break;
    case 6:
      word = load_n<6>(p);
      break;
    case 5:
      word = load_n<5>(p);
      break;
    case 4:
      word = load_n<4>(p);
      break;
    case 3:
      word = load_n<3>(p);
      break;
    case 2:
      word = load_n<2>(p);
      break;
    default:
      word = load_n<1>(p);
      break;
  }
  if constexpr (std::endian::native == std::endian::big) {
    std::uint64_t swapped = 0;
    for (int i = 0; i < 8; ++i)
      swapped |= ((word >> (8 * i)) & 0xff) << (8 * (7 - i));
    word = swapped;  // the copied bytes sat at the top, so the zeros are now above them
  }
  return word;
}
}  // namespace

std::uint64_t fold(std::uint64_t h, std::string_view bytes) {
  h = fold(h, bytes.size());
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 8; p += 8, n -= 8)
    h = fold(h, load_le(p, 8));
  if (n > 0) h = fold(h, load_le(p, n));
  return h;
}
std::uint64_t avalanche(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}
}  // namespace word_hash

void Digest::add(std::uint64_t value) {
  for (int i = 0; i < 8; ++i)
    mix(static_cast<unsigned char>(value >> (8 * i)));
}

void Digest::add(std::string_view bytes) {
  add(static_cast<std::uint64_t>(bytes.size()));
  for (char c : bytes)
    mix(static_cast<unsigned char>(c));
}

std::string format_digest(std::uint64_t digest) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
  return buf;
}

}  // namespace ccsim::kernel
