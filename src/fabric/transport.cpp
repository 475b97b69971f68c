#include "ccsim/fabric/transport.hpp"

#include "ccsim/fabric/shim_handler.hpp"
#include "ccsim/fabric/trace_events.hpp"

namespace ccsim::fabric {

namespace {

using kernel::Duration;
using kernel::End;

// What an end's Recv returns when its connection goes. The server end of a container's stream
// is the peer's handler, whose stream context is canceled; the client end is the shim's.
constexpr const char* kOldClientError = "rpc error: code = Unavailable desc = transport is closing";
constexpr const char* kPingTimeout =
    "rpc error: code = Unavailable desc = keepalive ping failed to receive ACK within timeout";
constexpr const char* kTooManyPings =
    "rpc error: code = Unavailable desc = closing transport due to: connection error: desc = "
    "\"error reading from server: EOF\", received prior goaway: code: ENHANCE_YOUR_CALM, debug "
    "data: \"too_many_pings\"";
// grpc-go 1.79's read error after a reset; the client's address is illustrative [derived].
std::string reset_error(const std::string& client_address, const std::string& server_address) {
  return "rpc error: code = Unavailable desc = error reading from server: read tcp " +
         client_address + "->" + server_address + ": read: connection reset by peer";
}

constexpr int kMaxPingStrikes = 2;  // grpc-go internal/transport http2_server.go

}  // namespace

namespace {
// The scenario's grpc_keepalive, on top of a connection's own values: time and timeout are the
// client's, min_time the server's.
void apply_overrides(KeepaliveSettings& k, const DelayModel& network) {
  if (const auto& o = network.grpc_keepalive) {
    if (o->time) k.client_time = *o->time;
    if (o->timeout) k.client_timeout = *o->timeout;
    if (o->min_time) k.server_min_time = *o->min_time;
  }
}
}  // namespace

KeepaliveSettings container_keepalive(const Profile& profile, const DelayModel& network) {
  KeepaliveSettings k;  // the peer's chaincode listener: 2h, 20s, MinTime 1m
  if (profile.shim_grpc_keepalive) k.client_time = Duration::seconds(60);
  apply_overrides(k, network);
  return k;
}

KeepaliveSettings service_keepalive(const DelayModel& network, const ServiceBehaviour& service) {
  KeepaliveSettings k;
  k.client_time = Duration::seconds(60);  // the peer: comm.DefaultKeepaliveOptions
  k.client_timeout = Duration::seconds(20);
  k.server_time = service.keepalive_time;  // ChaincodeServer.KaOpts
  k.server_timeout = service.keepalive_timeout;
  k.server_min_time = Duration::seconds(60);  // fabric-chaincode-go's serverMinInterval
  apply_overrides(k, network);
  return k;
}

Transport::Transport(kernel::Simulation& sim, const Profile& profile, const DelayModel& network,
                     kernel::Stream<MessagePtr>& stream, std::string name, End client,
                     Side client_side, const KeepaliveSettings& keepalive,
                     std::string server_address)
    : sim_(&sim),
      profile_(&profile),
      network_(&network),
      stream_(&stream),
      name_(std::move(name)),
      client_(client),
      client_side_(client_side),
      server_side_(client_side == Side::kShim ? Side::kPeer : Side::kShim),
      server_address_(std::move(server_address)),
      client_time_(keepalive.client_time),
      client_timeout_(keepalive.client_timeout),
      server_min_time_(keepalive.server_min_time),
      server_time_(keepalive.server_time),
      server_timeout_(keepalive.server_timeout) {
  last_received_[0] = last_received_[1] = last_activity_ = sim.now();
  arm_client_ping();
  arm_server_ping();
  arm_idle();
}

void Transport::note(const std::string& actor, const std::string& detail) {
  trace_note(*sim_, actor, "", name_, "", "", detail);
}

// A PING crosses like a message without a type: the direction's least latency.
Duration Transport::one_way(Side from) const {
  const DirectionDelays& dir =
      from == Side::kPeer ? network_->peer_to_shim : network_->shim_to_peer;
  return dir.all.min;
}

bool Transport::gone() const {
  return stream_->aborted();
}

void Transport::abort(const std::string& client_error, const std::string& server_error) {
  if (client_ == End::kA) {
    stream_->abort(client_error, server_error);
  } else {
    stream_->abort(server_error, client_error);
  }
}

void Transport::cancel(std::optional<kernel::EventId>& timer) {
  if (timer) sim_->cancel(*timer);
  timer.reset();
}

void Transport::on_close(End from) {
  if (from == client_) {
    cancel(client_ping_timer_);
  } else {
    cancel(server_ping_timer_);
  }
  cancel(give_up_timer_[static_cast<int>(from)]);
  if (!stream_->can_send(client_) && !stream_->can_send(server())) cancel(idle_timer_);
}

void Transport::stop() {
  cancel(client_ping_timer_);
  cancel(server_ping_timer_);
  cancel(idle_timer_);
  cancel(give_up_timer_[0]);
  cancel(give_up_timer_[1]);
}

void Transport::activity(bool message) {
  if (network_->middlebox && network_->middlebox->counts == Middlebox::Counts::kMessages &&
      !message) {
    return;
  }
  last_activity_ = sim_->now();
}

void Transport::on_send(End from) {
  activity(true);
  if (from == server()) server_sent_since_ping_ = true;
  if (!stream_->blackholed() || !profile_->modern_grpc) return;
  // grpc-go 1.66+ sets TCP_USER_TIMEOUT to the keepalive timeout on both ends' sockets: data
  // nobody acknowledges ends the connection that long after it was sent.
  const bool client = from == client_;
  if (client && !client_time_) return;
  give_up(from, sim_->now() + (client ? client_timeout_ : server_timeout_));
}

void Transport::on_deliver(End to) {
  received(to);
  activity(true);
}

void Transport::received(End to) {
  last_received_[static_cast<int>(to)] = sim_->now();
}

void Transport::arm_client_ping() {
  if (!client_time_ || client_ping_timer_ || gone() || !stream_->can_send(client_)) return;
  const kernel::Time due = last_received_[static_cast<int>(client_)] + *client_time_;
  client_ping_timer_ = sim_->daemon_at(
      due < sim_->now() ? sim_->now() : due, [this] { client_ping(); },
      [this] { return "grpc " + name_ + " client keepalive"; });
}

void Transport::arm_server_ping() {
  if (server_ping_timer_ || gone() || !stream_->can_send(server())) return;
  const kernel::Time due = last_received_[static_cast<int>(server())] + server_time_;
  server_ping_timer_ = sim_->daemon_at(
      due < sim_->now() ? sim_->now() : due, [this] { server_ping(); },
      [this] { return "grpc " + name_ + " server keepalive"; });
}

void Transport::arm_idle() {
  if (!network_->middlebox || idle_timer_ || gone() || stream_->blackholed()) return;
  idle_timer_ = sim_->daemon_at(
      last_activity_ + network_->middlebox->idle_timeout, [this] { idle_check(); },
      [this] { return "middlebox " + name_ + " idle check"; });
}

// The client has received nothing for `time`: it PINGs and waits `timeout` for the ACK.
void Transport::client_ping() {
  client_ping_timer_.reset();
  if (gone() || !stream_->can_send(client_)) return;
  if (sim_->now() < last_received_[static_cast<int>(client_)] + *client_time_) {
    return arm_client_ping();
  }
  note("grpc", std::string(to_string(client_side_)) + " sends a keepalive PING");
  activity(false);
  if (stream_->blackholed()) {
    give_up(client_, sim_->now() + client_timeout_);
    return;
  }
  sim_->after(
      one_way(client_side_), [this] { ping_reaches_server(); },
      [this] { return "grpc " + name_ + " PING arrives"; });
}

// The server's enforcement policy (MinTime, maxPingStrikes), then the ACK.
void Transport::ping_reaches_server() {
  if (gone() || stream_->blackholed()) return;
  activity(false);
  received(server());
  const kernel::Time now = sim_->now();
  if (server_sent_since_ping_) {
    strikes_ = 0;
  } else if (last_client_ping_at_server_ && now < *last_client_ping_at_server_ + server_min_time_) {
    ++strikes_;
  }
  last_client_ping_at_server_ = now;
  server_sent_since_ping_ = false;
  if (strikes_ > kMaxPingStrikes) {
    // GOAWAY ENHANCE_YOUR_CALM "too_many_pings", then the server closes the connection.
    note("grpc", profile_->modern_grpc
                     ? std::string("the ") + to_string(server_side_) +
                           " closes the connection: got too many pings from the client "
                           "(GOAWAY ENHANCE_YOUR_CALM too_many_pings)"
                     : "transport: Got too many pings from the client, closing the connection.");
    const std::string client_error = profile_->modern_grpc ? kTooManyPings : kOldClientError;
    const std::string server_error = kProcessDiedError;
    abort(client_error, server_error);
    return;
  }
  sim_->after(
      one_way(server_side_),
      [this] {
        if (gone() || stream_->blackholed()) return;
        received(client_);
        activity(false);
        arm_client_ping();
      },
      [this] { return "grpc " + name_ + " PING ACK arrives"; });
}

// The server has received nothing for its `time`: its own PING, which a live client ACKs.
void Transport::server_ping() {
  server_ping_timer_.reset();
  if (gone() || !stream_->can_send(server())) return;
  if (sim_->now() < last_received_[static_cast<int>(server())] + server_time_) {
    return arm_server_ping();
  }
  note("grpc", std::string(to_string(server_side_)) + " sends a keepalive PING");
  activity(false);
  if (stream_->blackholed() || stream_->broken(client_)) {
    give_up(server(), sim_->now() + server_timeout_);
    return;
  }
  // The client reads the PING (any frame read restarts its own keepalive timer), then the
  // server reads the ACK.
  sim_->after(
      one_way(server_side_),
      [this] {
        if (gone() || stream_->blackholed()) return;
        received(client_);
        activity(false);
        sim_->after(
            one_way(client_side_),
            [this] {
              if (gone() || stream_->blackholed()) return;
              received(server());
              activity(false);
              arm_server_ping();
            },
            [this] { return "grpc " + name_ + " server PING ACK arrives"; });
      },
      [this] { return "grpc " + name_ + " server PING arrives"; });
}

// `end` gives up on the connection at `deadline` (no ACK, or unacknowledged data), unless it
// already has or will sooner.
void Transport::give_up(End end, kernel::Time deadline) {
  auto& timer = give_up_timer_[static_cast<int>(end)];
  if (timer || stream_->broken(end)) return;
  timer = sim_->at(
      deadline,
      [this, end] {
        if (gone() || stream_->broken(end)) return;
        const bool client = end == client_;
        std::string error = kProcessDiedError;
        if (client) error = profile_->modern_grpc ? kPingTimeout : kOldClientError;
        note("grpc", std::string(to_string(client ? client_side_ : server_side_)) +
                         " gives up on the connection: " + error);
        stream_->break_end(end, error);
      },
      [this] { return "grpc " + name_ + " gives up"; });
}

// The middlebox: nothing it counts has crossed for its idle timeout.
void Transport::idle_check() {
  idle_timer_.reset();
  if (gone() || stream_->blackholed()) return;
  if (!stream_->can_send(client_) && !stream_->can_send(server())) return;
  const Middlebox& box = *network_->middlebox;
  if (sim_->now() < last_activity_ + box.idle_timeout) return arm_idle();
  if (box.cut == Middlebox::Cut::kDrop) {
    note("middlebox", "drops the connection idle for " + kernel::format_duration(box.idle_timeout) +
                          " without telling either end: nothing crosses it from now on");
    stream_->blackhole();
    return;
  }
  note("middlebox", "resets the connection idle for " + kernel::format_duration(box.idle_timeout));
  // The client's address (a shim's container, or the peer), illustrative.
  const std::string client_address =
      client_side_ == Side::kShim ? "172.18.0.5:46358" : "172.18.0.3:46358";
  const std::string client_error =
      profile_->modern_grpc ? reset_error(client_address, server_address_) : kOldClientError;
  const std::string server_error = kProcessDiedError;
  abort(client_error, server_error);
}

}  // namespace ccsim::fabric
