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
constexpr ProfileSwitch kSwitches[] = {
    {"stream_done_wakes_execute", &Profile::stream_done_wakes_execute,
     "a stream end fails a pending Execute at once with \"chaincode stream terminated\" "
     "(FAB-16610, 1.4.4 and 2.0)"},
    {"launch_requires_ready", &Profile::launch_requires_ready,
     "Launch returns a registered handler only once it is ready; before that the caller joins "
     "the launch (3.0)"},
    {"send_failure_ends_stream", &Profile::send_failure_ends_stream,
     "a failed send notifies the transaction's Execute and ends the stream (FAB-11487, 1.3)"},
};
}  // namespace

std::span<const ProfileSwitch> profile_switches() {
  return kSwitches;
}

const ProfileSwitch* find_profile_switch(std::string_view name) {
  for (const ProfileSwitch& s : kSwitches) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::optional<Profile> profile_by_name(std::string_view name) {
  if (name == "2.5") return v2_5();
  if (name == "3.0") return v3_0();
  return std::nullopt;
}

std::vector<std::string> profile_names() {
  return {"2.5", "3.0"};
}

}  // namespace ccsim::fabric
