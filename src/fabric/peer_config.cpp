#include "ccsim/fabric/peer_config.hpp"

#include "ccsim/fabric/profile.hpp"

namespace ccsim::fabric {

namespace {
using kernel::Duration;

// core.yaml's chaincode.keepalive is an integer of seconds, read with strconv.Atoi in every
// release (1.0/1.1 chaincode_support.go NewChaincodeSupport, 1.2+ config.go toSeconds): a
// duration that is not a whole number of seconds has no such spelling ("500ms", "1.5" fail
// Atoi) and the peer turns keepalive off.
bool whole_seconds(Duration d) {
  return d.ns() % Duration::seconds(1).ns() == 0;
}

// 1.0/1.1: "eto <= 1s" is invalid; 1.2+: "ExecuteTimeout < time.Second" is.
bool execute_timeout_invalid(Duration timeout, const Profile& profile) {
  return profile.execute_timeout_floor_inclusive ? timeout <= Duration::seconds(1)
                                                 : timeout < Duration::seconds(1);
}
}  // namespace

PeerConfig effective(PeerConfig config, const Profile& profile) {
  if (!whole_seconds(config.keepalive)) config.keepalive = Duration();
  if (execute_timeout_invalid(config.execute_timeout, profile))
    config.execute_timeout = Duration::seconds(30);
  if (config.startup_timeout < Duration::seconds(5)) config.startup_timeout = Duration::seconds(5);
  return config;
}

std::string keepalive_reading(Duration keepalive) {
  if (whole_seconds(keepalive)) return "";
  return "the peer reads chaincode.keepalive in whole seconds (strconv.Atoi): " +
         kernel::format_duration(keepalive) +
         " has no such spelling, and keepalive is off; give a whole number of seconds";
}

std::string execute_timeout_reading(Duration timeout, const Profile& profile) {
  if (!execute_timeout_invalid(timeout, profile)) return "";
  return std::string("the peer replaces chaincode.executetimeout ") +
         kernel::format_duration(timeout) + " with 30s: " +
         (profile.execute_timeout_floor_inclusive ? "it must be more than 1s"
                                                  : "it must be at least 1s");
}

std::string startup_timeout_reading(Duration timeout) {
  if (timeout >= Duration::seconds(5)) return "";
  return "the peer raises chaincode.startuptimeout " + kernel::format_duration(timeout) +
         " to 5s, its minimum";
}

}  // namespace ccsim::fabric
