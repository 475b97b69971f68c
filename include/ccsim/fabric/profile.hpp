// Fabric version profiles: behaviour that changed between releases, as named switches
// (design.md, "Version profiles"). A scenario names a profile and may override switches;
// handlers consult switches, never version numbers, so there is one code path.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim::fabric {

struct Profile {
  std::string name;  // "2.5", "3.0", ...

  /// Execute's select also waits on the stream's done channel, so a stream end fails a
  /// pending Execute at once with "chaincode stream terminated" (FAB-16610: 1.4.4, 2.0).
  bool stream_done_wakes_execute = true;
  /// ChaincodeSupport.Launch returns a registered handler only once it is Ready; before
  /// that the caller joins the launch (PR #4932, v3.0.0; fabric-protocol.md 4.5, 6.4 #1).
  bool launch_requires_ready = false;
  /// P-sw 1.3+: a failed async send notifies the txid's Execute and ends the stream
  /// (FAB-11487, fabric-protocol.md 2.3).
  bool send_failure_ends_stream = true;
};

/// One switch of Profile by name, as a scenario's "overrides" spells it.
struct ProfileSwitch {
  const char* name;       // the member's name, e.g. "launch_requires_ready"
  bool Profile::*member;  // the switch
  const char* meaning;    // one line: what true means
};

/// Every switch of Profile, in declaration order. A new switch is added here too.
std::span<const ProfileSwitch> profile_switches();
/// The switch called `name`, or nullptr.
const ProfileSwitch* find_profile_switch(std::string_view name);

/// The profiles ccsim knows, by name.
std::optional<Profile> profile_by_name(std::string_view name);
std::vector<std::string> profile_names();

}  // namespace ccsim::fabric
