#include "ccsim/fabric/peer_config.hpp"

namespace ccsim::fabric {

PeerConfig effective(PeerConfig config) {
  using kernel::Duration;
  if (config.execute_timeout < Duration::seconds(1)) config.execute_timeout = Duration::seconds(30);
  if (config.startup_timeout < Duration::seconds(5)) config.startup_timeout = Duration::seconds(5);
  return config;
}

}  // namespace ccsim::fabric
