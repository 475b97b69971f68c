// Reading container behaviour (and, later, faults).
#include "readers.hpp"

namespace ccsim::scenario::detail {

fabric::ContainerBehaviour read_container(const Node& n) {
  n.require_keys({"build", "start"});
  fabric::ContainerBehaviour c;
  if (auto b = n.get("build")) c.build_delay = duration_of(*b);
  if (auto s = n.get("start")) c.start_delay = duration_of(*s);
  return c;
}

}  // namespace ccsim::scenario::detail
