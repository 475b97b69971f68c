// gRPC's transport under one chaincode stream, where a scenario asks for it (a middlebox, or
// keepalive values of its own; DelayModel::transport_modelled): HTTP/2 keepalive PINGs with
// the server's enforcement, and a middlebox that cuts an idle connection. Sources: the
// vendored grpc-go of each release (internal/transport http2_client.go, http2_server.go,
// keepalive), Fabric's internal/peer/node/start.go createChaincodeServer (the chaincode
// listener's static options) and fabric-chaincode-go internal/client.go.
//
// - The client PINGs after `time` without receiving anything, and gives up when no ACK comes
//   within `timeout`: its stream breaks, the server learns nothing.
// - The server PINGs after its own `time` without receiving, and counts a client PING that
//   comes sooner than min_time after the previous one, with no data sent by the server
//   between, as a strike: after the third (maxPingStrikes 2) it sends GOAWAY
//   ENHANCE_YOUR_CALM "too_many_pings" and closes the connection.
// - A container's shim dials the peer's chaincode listener (ServerInterval 2h, ServerTimeout
//   20s, ServerMinInterval 1m, fixed from 1.1 to 3.x). For a chaincode server the peer dials
//   (comm.DefaultKeepaliveOptions: 1m, 20s; core/container/externalbuilder instance.go, 2.x)
//   and fabric-chaincode-go's ChaincodeServer answers (KaOpts, by default Time 1m and Timeout
//   20s; MinTime 1m: shim/internal/server.go).
// - The middlebox cuts a connection idle for its timeout: a reset both ends see, or silently
//   (everything sent afterwards is lost until an end gives up by itself).
#pragma once

#include <optional>
#include <string>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/delay_model.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/kernel/stream.hpp"

namespace ccsim::fabric {

/// One connection's keepalive: what each end does.
struct KeepaliveSettings {
  std::optional<kernel::Duration> client_time;  // none: the client never PINGs
  kernel::Duration client_timeout = kernel::Duration::seconds(20);
  kernel::Duration server_time = kernel::Duration::seconds(2 * 3600);
  kernel::Duration server_timeout = kernel::Duration::seconds(20);
  kernel::Duration server_min_time = kernel::Duration::seconds(60);
};

/// A container's connection: its shim dials the peer's chaincode listener. The release's
/// values, then the scenario's grpc_keepalive.
KeepaliveSettings container_keepalive(const Profile& profile, const DelayModel& network);
/// A chaincode server's connection: the peer dials the ChaincodeServer at `service`.
KeepaliveSettings service_keepalive(const DelayModel& network, const ServiceBehaviour& service);

class Transport {
 public:
  /// `stream` carries chaincode messages between `client` (which dialed) and the server, at
  /// `server_address` (what the client's read error names after a reset).
  Transport(kernel::Simulation& sim, const Profile& profile, const DelayModel& network,
            kernel::Stream<MessagePtr>& stream, std::string name, kernel::End client,
            Side client_side, const KeepaliveSettings& keepalive, std::string server_address);
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// A chaincode message was sent by `from` (the stream's observer).
  void on_send(kernel::End from);
  /// A chaincode message reached `to` (the stream's delivery observer).
  void on_deliver(kernel::End to);
  /// `from` half-closed (its side of the connection is done): its timers stop.
  void on_close(kernel::End from);
  /// The stream broke: every timer stops.
  void stop();

 private:
  kernel::End server() const { return kernel::other(client_); }
  bool gone() const;
  void activity(bool message);
  void received(kernel::End to);
  void arm_client_ping();
  void arm_server_ping();
  void arm_idle();
  void client_ping();
  void server_ping();
  void ping_reaches_server();
  void idle_check();
  void give_up(kernel::End end, kernel::Time deadline);
  void note(const std::string& actor, const std::string& detail);
  void cancel(std::optional<kernel::EventId>& timer);
  /// Breaks the connection, each end reading its own error.
  void abort(const std::string& client_error, const std::string& server_error);
  kernel::Duration one_way(Side from) const;

  kernel::Simulation* sim_;
  const Profile* profile_;
  const DelayModel* network_;
  kernel::Stream<MessagePtr>* stream_;
  std::string name_;
  kernel::End client_;
  Side client_side_;
  Side server_side_;
  std::string server_address_;

  std::optional<kernel::Duration> client_time_;  // none: the client never PINGs
  kernel::Duration client_timeout_;
  kernel::Duration server_min_time_;
  kernel::Duration server_time_;
  kernel::Duration server_timeout_;

  kernel::Time last_received_[2];  // by end
  kernel::Time last_activity_;     // what the middlebox counts
  std::optional<kernel::Time> last_client_ping_at_server_;
  bool server_sent_since_ping_ = false;
  int strikes_ = 0;
  std::optional<kernel::EventId> client_ping_timer_;
  std::optional<kernel::EventId> server_ping_timer_;
  std::optional<kernel::EventId> idle_timer_;
  std::optional<kernel::EventId> give_up_timer_[2];
};

}  // namespace ccsim::fabric
