#include "ccsim/kernel/digest.hpp"

#include <cstdio>

namespace ccsim::kernel {

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
