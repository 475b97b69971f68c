// The peer's chaincode settings (core.yaml `chaincode.*`, fabric-protocol.md section 5) and
// the simulator's own timing knobs. Defaults are Fabric's sampleconfig defaults.
#pragma once

#include <cstdint>
#include <string>

#include "ccsim/kernel/time.hpp"

namespace ccsim::fabric {

/// ledger.state.stateDatabase: LevelDB (the default) has no rich queries; CouchDB has.
enum class StateDatabase : std::uint8_t { kGoLevelDB, kCouchDB };

struct PeerConfig {
  /// chaincode.executetimeout. 1.2+: a value under 1s becomes 30s.
  kernel::Duration execute_timeout = kernel::Duration::seconds(30);
  /// chaincode.startuptimeout. 1.2+: clamped to at least 5s.
  kernel::Duration startup_timeout = kernel::Duration::seconds(300);
  /// chaincode.keepalive; zero is off (the default). P-sw sends KEEPALIVE on a fixed ticker.
  kernel::Duration keepalive = kernel::Duration();
  /// Virtual time each handler loop spends on one inbound message (simulator knob; zero
  /// by default). Widens the windows in which real machines race.
  kernel::Duration processing = kernel::Duration();
  /// Simulator limit (scenario `limits.max_call_depth`): the most nested INVOKE_CHAINCODE
  /// calls one transaction may make. Fabric itself bounds cycles by refusing re-entry.
  std::uint64_t max_call_depth = 8;
  /// ledger.state.stateDatabase: "goleveldb" (default) or "CouchDB".
  StateDatabase state_database = StateDatabase::kGoLevelDB;
  /// peer.networkId and peer.id (sampleconfig: "dev", "jdoe"). 1.0/1.1 name them in launch
  /// errors: "... starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)".
  std::string network_id = "dev";
  std::string peer_id = "jdoe";
};

/// The values the peer actually uses after its own clamping (section 5).
PeerConfig effective(PeerConfig config);

}  // namespace ccsim::fabric
