#include "ccsim/fabric/mutation.hpp"

namespace ccsim::fabric {

namespace {
constexpr Mutation kMutants[] = {Mutation::kSwallowStreamEnd, Mutation::kContextNeverDeleted,
                                 Mutation::kKeepaliveInWrongState, Mutation::kDoubleCompleted};
}  // namespace

const char* to_string(Mutation mutation) {
  switch (mutation) {
    case Mutation::kNone:
      return "none";
    case Mutation::kSwallowStreamEnd:
      return "swallow_stream_end";
    case Mutation::kContextNeverDeleted:
      return "context_never_deleted";
    case Mutation::kKeepaliveInWrongState:
      return "keepalive_in_wrong_state";
    case Mutation::kDoubleCompleted:
      return "double_completed";
  }
  return "unknown";
}

std::optional<Mutation> mutation_from_string(std::string_view name) {
  if (name == to_string(Mutation::kNone)) return Mutation::kNone;
  for (Mutation m : kMutants) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
}

std::span<const Mutation> mutants() {
  return kMutants;
}

}  // namespace ccsim::fabric
