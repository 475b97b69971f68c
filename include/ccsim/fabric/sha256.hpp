// SHA-256, for GET_PRIVATE_DATA_HASH: the peer answers with the hash of the private value.
#pragma once

#include <string>
#include <string_view>

namespace ccsim::fabric {

/// The SHA-256 digest of `data` as 64 lowercase hex digits (the trace shows payloads as text).
std::string sha256_hex(std::string_view data);

}  // namespace ccsim::fabric
