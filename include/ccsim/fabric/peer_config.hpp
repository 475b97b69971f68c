// The peer's chaincode settings (core.yaml `chaincode.*`, docs/fabric-sources.md section 5) and
// the simulator's own timing knobs. Defaults are Fabric's sampleconfig defaults.
#pragma once

#include <cstdint>
#include <string>

#include "ccsim/kernel/time.hpp"

namespace ccsim::fabric {

/// ledger.state.stateDatabase: LevelDB (the default) has no rich queries; CouchDB has.
enum class StateDatabase : std::uint8_t { kGoLevelDB, kCouchDB };

struct PeerConfig {
  /// chaincode.executetimeout. A value under 1s (1.0/1.1: of at most 1s) becomes 30s.
  kernel::Duration execute_timeout = kernel::Duration::seconds(30);
  /// chaincode.startuptimeout. Raised to at least 5s (every release).
  kernel::Duration startup_timeout = kernel::Duration::seconds(300);
  /// chaincode.keepalive; zero is off (the default). Read in whole seconds: anything else is
  /// off. P-sw sends KEEPALIVE on a fixed ticker.
  kernel::Duration keepalive = kernel::Duration();
  /// Virtual time each handler loop spends on one inbound message (simulator knob; zero
  /// by default). Widens the windows in which real machines race.
  kernel::Duration processing = kernel::Duration();
  /// Virtual time the peer's request goroutine spends reading one batch of a range, rich or
  /// history query from the state database (simulator knob; zero by default): a large range,
  /// a busy disk. An iterator released under the read races it (Handler::start_query_read).
  kernel::Duration query_read = kernel::Duration();
  /// Simulator limit (scenario `limits.max_call_depth`): the most nested INVOKE_CHAINCODE
  /// calls one transaction may make. Fabric itself bounds cycles by refusing re-entry.
  std::uint64_t max_call_depth = 8;
  /// peer.limits.concurrency.endorserService (2.1+): the most proposals the peer's gRPC server
  /// lets in at once; the next is refused at once. 0: no limit. Sampleconfig: 2500.
  std::uint64_t endorser_concurrency = 2500;
  /// `peer node start --peer-chaincodedev` (1.x: chaincode.mode "dev"): the peer accepts a
  /// chaincode the user started and registered by itself, without a launch.
  bool dev_mode = false;
  /// ledger.state.stateDatabase: "goleveldb" (default) or "CouchDB".
  StateDatabase state_database = StateDatabase::kGoLevelDB;
  /// peer.networkId and peer.id (sampleconfig: "dev", "jdoe"). 1.0/1.1 name them in launch
  /// errors: "... starting chaincode mycc:1.0(networkid:dev,peerid:jdoe,tx:tx1)".
  std::string network_id = "dev";
  std::string peer_id = "jdoe";
};

struct Profile;

/// The values the peer actually uses, as it reads core.yaml: chaincode.keepalive in whole
/// seconds (strconv.Atoi: anything else, "500ms" or "1.5", is off), an execute timeout under
/// its floor replaced by 30s, a startup timeout under 5s raised to 5s (core/chaincode/config.go
/// 1.2+; chaincode_support.go and peer/node/start.go 1.0/1.1).
PeerConfig effective(PeerConfig config, const Profile& profile);

/// What the peer does to one value the scenario gives, when it is not what the scenario says:
/// "" when the value means what it says.
std::string keepalive_reading(kernel::Duration keepalive);
std::string execute_timeout_reading(kernel::Duration timeout, const Profile& profile);
std::string startup_timeout_reading(kernel::Duration timeout);

}  // namespace ccsim::fabric
