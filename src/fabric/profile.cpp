#include "ccsim/fabric/profile.hpp"

namespace ccsim::fabric {

namespace {
Profile v2_5() {
  Profile p;
  p.name = "2.5";
  return p;
}

Profile v3_0() {
  Profile p = v2_5();
  p.name = "3.0";
  p.launch_requires_ready = true;
  return p;
}
}  // namespace

std::optional<Profile> profile_by_name(std::string_view name) {
  if (name == "2.5") return v2_5();
  if (name == "3.0") return v3_0();
  return std::nullopt;
}

std::vector<std::string> profile_names() {
  return {"2.5", "3.0"};
}

}  // namespace ccsim::fabric
