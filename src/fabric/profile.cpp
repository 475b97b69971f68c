#include "ccsim/fabric/profile.hpp"

namespace ccsim::fabric {

namespace {
// Each profile is the release named, as docs/fabric-sources.md section 8 dates the changes.
Profile v2_5() {
  Profile p;
  p.name = "2.5";
  return p;
}

Profile v1_4() {  // the last 1.4 (1.4.12): 1.4.1's exit detection and 1.4.4's streamDone
  Profile p = v2_5();
  p.name = "1.4";
  p.stop_container_on_launch_failure = true;
  p.separate_build_step = false;
  p.launch_error_names_channel = true;
  p.receive_error_names_stream = false;
  p.in_tree_shim = true;
  p.purge_private_data_message = false;
  p.package_failure_strands_launch = true;
  p.chaincode_as_a_service = false;
  p.definition_from_lifecycle = false;
  p.endorser_concurrency_limit = false;
  p.serialize_container_requests = true;
  p.modern_grpc = false;
  p.shutdown_stops_containers = false;
  return p;
}

Profile v1_4_0() {  // before FAB-13238 (1.4.1) and FAB-16610 (1.4.4)
  Profile p = v1_4();
  p.name = "1.4.0";
  p.container_exit_ends_launch = false;
  p.stream_done_wakes_execute = false;
  p.private_data_hash_message = false;
  return p;
}

Profile v1_2() {  // the first P-sw release: no launch queue (1.3), no FAB-11487 (1.3)
  Profile p = v1_4_0();
  p.name = "1.2";
  p.queue_concurrent_launches = false;
  p.send_failure_ends_stream = false;
  p.wrap_launch_errors = false;
  p.launch_error_names_channel = false;
  p.startup_timeout_names_txid = true;
  p.shim_recv_error_as_send_error = true;
  p.state_metadata_messages = false;
  p.notify_log_says_handleing = true;
  p.package_failure_strands_launch = false;
  p.lscc_could_not_find_text = true;
  return p;
}

Profile v1_1() {  // P-fsm and S-fsm; FAB-5391, FAB-5591 and FAB-5921 in
  Profile p = v1_2();
  p.name = "1.1";
  p.peer_fsm = true;
  p.shim_fsm = true;
  p.startup_timeout_names_txid = false;
  p.shim_recv_error_as_send_error = false;
  p.shim_private_data = false;  // 1.1 has it only in experimental builds
  p.execute_timeout_floor_inclusive = true;
  p.notify_log_says_handleing = false;  // P-fsm has its own notify text
  p.query_error_double_cleanup = true;
  return p;
}

Profile v1_0() {  // 1.0.0: before FAB-5391 (1.0.1), FAB-5591 and FAB-5921 (1.1)
  Profile p = v1_1();
  p.name = "1.0";
  p.launch_started_flag = false;
  p.startup_timer_covers_build = false;
  p.channel_in_tx_context = false;
  p.lowercase_errors = false;
  p.shim_grpc_keepalive = false;
  p.query_error_double_cleanup = false;
  return p;
}

Profile v3_0() {
  Profile p = v2_5();
  p.name = "3.0";
  p.launch_requires_ready = true;
  return p;
}
constexpr ProfileSwitch kSwitches[] = {
    {"peer_fsm", &Profile::peer_fsm,
     "the peer handler is 1.0/1.1's looplab FSM: READY goes through the stream loop, a "
     "message the FSM cannot take ends the stream, launch uses a placeholder handler (1.0, "
     "1.1)"},
    {"launch_started_flag", &Profile::launch_started_flag,
     "a launchStarted flag covers the build phase; \"premature execution\" has two texts "
     "(FAB-5391, 1.0.1)"},
    {"startup_timer_covers_build", &Profile::startup_timer_covers_build,
     "the startup timer starts before the container launch and covers the image build "
     "(FAB-5591, 1.1)"},
    {"channel_in_tx_context", &Profile::channel_in_tx_context,
     "transaction contexts are keyed by channel and txid; READY carries channel_id (FAB-5921, "
     "1.1); false: txid alone"},
    {"lowercase_errors", &Profile::lowercase_errors,
     "peer and shim errors are spelled in lower case (1.1); false: 1.0's capitals"},
    {"in_tree_shim", &Profile::in_tree_shim,
     "the chaincode runs the 1.x in-tree shim (1.0-1.4); false: fabric-chaincode-go (2.x)"},
    {"shim_fsm", &Profile::shim_fsm,
     "the in-tree shim is the looplab FSM: results pass through the stream loop before they "
     "are sent (1.0, 1.1)"},
    {"shim_recv_error_as_send_error", &Profile::shim_recv_error_as_send_error,
     "the in-tree shim's loop reads a Recv error from its send-error channel, so a stream end "
     "reads \"error sending: EOF\" (1.2)"},
    {"shim_private_data", &Profile::shim_private_data,
     "the shim offers private data: state, range and query steps may name a collection (1.2; "
     "1.1 in experimental builds)"},
    {"state_metadata_messages", &Profile::state_metadata_messages,
     "GET_STATE_METADATA and PUT_STATE_METADATA exist (FAB-9107, 1.3)"},
    {"private_data_hash_message", &Profile::private_data_hash_message,
     "GET_PRIVATE_DATA_HASH exists (1.4.2, 2.0)"},
    {"purge_private_data_message", &Profile::purge_private_data_message,
     "PURGE_PRIVATE_DATA exists (2.5)"},
    {"stream_done_wakes_execute", &Profile::stream_done_wakes_execute,
     "a stream end fails a pending Execute at once with \"chaincode stream terminated\" "
     "(FAB-16610, 1.4.4 and 2.0)"},
    {"launch_requires_ready", &Profile::launch_requires_ready,
     "Launch returns a registered handler only once it is ready; before that the caller joins "
     "the launch (3.0)"},
    {"send_failure_ends_stream", &Profile::send_failure_ends_stream,
     "a failed send notifies the transaction's Execute and ends the stream (FAB-11487, 1.3)"},
    {"queue_concurrent_launches", &Profile::queue_concurrent_launches,
     "callers during a launch wait for it and share its outcome (FAB-10804, 1.3); false: 1.2's "
     "\"has already been launched\" error"},
    {"container_exit_ends_launch", &Profile::container_exit_ends_launch,
     "a container that exits before registering fails the launch at once (FAB-13238, 1.4.1)"},
    {"stop_container_on_launch_failure", &Profile::stop_container_on_launch_failure,
     "a failed launch stops the container (1.x; removed in 2.0 by FAB-16937)"},
    {"separate_build_step", &Profile::separate_build_step,
     "the image is built by its own Runtime.Build step before Start (2.x)"},
    {"wrap_launch_errors", &Profile::wrap_launch_errors,
     "launch errors are wrapped \"could not launch chaincode <name>: ...\" (1.3+)"},
    {"launch_error_names_channel", &Profile::launch_error_names_channel,
     "launch errors start \"[channel <ch>]\" (1.3 and 1.4)"},
    {"startup_timeout_names_txid", &Profile::startup_timeout_names_txid,
     "the startup timeout error ends with the txid (1.2)"},
    {"receive_error_names_stream", &Profile::receive_error_names_stream,
     "a Recv error ends the peer's stream with \"receive from chaincode support stream failed\" "
     "(2.x; 1.2-1.4 say \"receive failed\")"},
    {"notify_log_says_handleing", &Profile::notify_log_says_handleing,
     "Notify's debug line for a response nobody waits for spells \"handleing\" (1.2; 1.3+ "
     "\"handling\")"},
    {"package_failure_strands_launch", &Profile::package_failure_strands_launch,
     "a code-package failure returns before the launch goroutine without notifying or "
     "deregistering the launch state: every later launch of the chaincode waits forever (1.3, "
     "1.4)"},
    {"definition_from_lifecycle", &Profile::definition_from_lifecycle,
     "a chaincode's definition comes from the lifecycle: an unknown one fails CheckInvocation "
     "(\"invalid invocation: ...\") and the endorser asks for it to be defined on the channel "
     "(2.0)"},
    {"lscc_could_not_find_text", &Profile::lscc_could_not_find_text,
     "LSCC says \"could not find chaincode with name '%s'\" (1.2: inside \"getccdata %s/%s "
     "responded with error: ...\"); later \"chaincode %s not found\" (1.0-1.2)"},
    {"execute_timeout_floor_inclusive", &Profile::execute_timeout_floor_inclusive,
     "an execute timeout (chaincode.executetimeout) of 1s or less is invalid and becomes 30s "
     "(1.0, 1.1); from 1.2 only one under 1s"},
    {"endorser_concurrency_limit", &Profile::endorser_concurrency_limit,
     "the peer's gRPC server refuses an Endorser request beyond "
     "peer.limits.concurrency.endorserService at once (2.1)"},
    {"serialize_container_requests", &Profile::serialize_container_requests,
     "the launcher's container Start (its image build included) and Stop run under the "
     "container's lock: a Stop after a failed launch waits for a Start still holding it, and "
     "Launch returns after the Stop (1.2-1.4; 1.0/1.1's FSM launcher always does)"},
    {"chaincode_as_a_service", &Profile::chaincode_as_a_service,
     "a chaincode can run as a service: Runtime.Build returns its server's address and the peer "
     "dials it (FAB-16937, 2.0)"},
    {"shim_grpc_keepalive", &Profile::shim_grpc_keepalive,
     "the shim's gRPC client PINGs the peer after 1m of receiving nothing and gives up 20s later "
     "without an ACK (1.1); 1.0's never PINGs"},
    {"modern_grpc", &Profile::modern_grpc,
     "the peer and shim use grpc-go 1.66 or later, and its texts for broken connections and "
     "keepalive failures (2.5, 3.0; 1.x vendor 1.15 or older)"},
    {"shutdown_stops_containers", &Profile::shutdown_stops_containers,
     "on SIGTERM the peer stops the chaincode containers it started before it exits "
     "(Router.Shutdown, 2.2); 1.x leaves them running"},
    {"handler_recovers_panics", &Profile::handler_recovers_panics,
     "a panic while the peer handles a chaincode request is recovered and answered with ERROR "
     "\"... panic during execution\" (2.5.16, 3.1.5); false: the peer process dies"},
    {"query_error_double_cleanup", &Profile::query_error_double_cleanup,
     "a state database error during a query read cleans the query context up twice, and the "
     "second Close of the deleted iterator panics the peer (1.1; 1.2 checks for nil)"},
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
  if (name == "1.0") return v1_0();
  if (name == "1.1") return v1_1();
  if (name == "1.2") return v1_2();
  if (name == "1.4.0") return v1_4_0();
  if (name == "1.4") return v1_4();
  if (name == "2.5") return v2_5();
  if (name == "3.0") return v3_0();
  return std::nullopt;
}

std::vector<std::string> profile_names() {
  return {"1.0", "1.1", "1.2", "1.4.0", "1.4", "2.5", "3.0"};
}

}  // namespace ccsim::fabric
