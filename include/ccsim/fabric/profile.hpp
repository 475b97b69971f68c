// Fabric version profiles: behaviour that changed between releases, as named switches
// (docs/architecture.md, "Fabric": behaviour that differs between releases is a switch). A scenario
// names a profile and may override switches; handlers consult switches, never version numbers, so
// there is one code path.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim::fabric {

struct Profile {
  std::string name;  // "1.0", "2.5", "3.0", ...

  // --- 1.0 / 1.1: the looplab-FSM era (docs/fabric-sources.md 2.1, 3.2, 4.1, 4.2) --------------
  /// The peer handler is 1.0/1.1's looplab FSM (created/established/ready): READY goes
  /// through the stream loop from the launcher's sendReady, COMPLETED/ERROR take a fast path
  /// in ready, a message the FSM cannot take ends the stream, and a registered handler counts
  /// as running in every state. Launch marks the chaincode with a placeholder handler inserted
  /// just before StartContainer (2.1, 4.1, 7.1'). false: P-sw (1.2+).
  bool peer_fsm = false;
  /// FAB-5391 (1.0.1): a launchStarted flag covers the build phase, and a concurrent Launch
  /// fails "premature execution - chaincode (%s) is being launched" while it is set and
  /// "... launched and waiting for registration" once the placeholder is in (4.1).
  bool launch_started_flag = true;
  /// FAB-5591 (1.1): the startup timer starts before the container launch, so it covers
  /// image build + create + start + REGISTER; 1.0 starts it after VMCProcess returns (4.2).
  bool startup_timer_covers_build = true;
  /// FAB-5921 (1.1): transaction contexts and shim response channels are keyed by
  /// channel + txid and READY carries channel_id; 1.0 keys by txid alone (4.2).
  bool channel_in_tx_context = true;
  /// 1.1+ spell the peer's and shim's errors in lower case ("timeout expired while executing
  /// transaction"); 1.0 capitalises them ("Timeout expired while executing transaction").
  bool lowercase_errors = true;
  /// The chaincode runs the 1.x in-tree shim (S-fsm 1.0/1.1, S-sw 1.2-1.4): async
  /// sendReceive, KEEPALIVE echoed, "cannot handle message ... with payload size" errors sent
  /// without channel_id, a RESPONSE with no waiting channel is an error (3.2, 3.3). false:
  /// fabric-chaincode-go (S-go, 2.x).
  bool in_tree_shim = false;
  /// The in-tree shim is 1.0/1.1's looplab FSM: transaction results are handed to the stream
  /// loop over an unbuffered nextState channel and pass through the FSM before they are sent
  /// (3.2). Only with in_tree_shim.
  bool shim_fsm = false;
  /// 1.2's in-tree shim (S-sw): the Recv goroutine hands its error to the loop on the channel
  /// that carries send results before it delivers the message, so a stream end reads "error
  /// sending: EOF" ("error sending: <err>"), not 1.3's "received EOF, ending chaincode
  /// stream: EOF" / "receive failed: <err>" (3.3; v1.2.0 chaincode.go chatWithPeer).
  bool shim_recv_error_as_send_error = false;

  // --- Stub APIs and message types, by the release that added them (1.1, 8) ---------------
  // A scenario step that needs one the profile lacks is a load error (scenario-format.md).

  /// stub.GetPrivateData / PutPrivateData / DelPrivateData and private ranges and queries:
  /// GET_STATE, PUT_STATE, DEL_STATE, GET_STATE_BY_RANGE, GET_QUERY_RESULT with a collection
  /// (1.2; in 1.1 only in experimental builds).
  bool shim_private_data = true;
  /// GET_STATE_METADATA and PUT_STATE_METADATA, key-level metadata (FAB-9107, 1.3).
  bool state_metadata_messages = true;
  /// GET_PRIVATE_DATA_HASH (commit be6101e0f, 1.4.2 and 2.0).
  bool private_data_hash_message = true;
  /// PURGE_PRIVATE_DATA (peer commit 8fa218d80, 2.5).
  bool purge_private_data_message = true;

  // --- 1.2 onwards ------------------------------------------------------------------------

  /// Execute's select also waits on the stream's done channel, so a stream end fails a
  /// pending Execute at once with "chaincode stream terminated" (FAB-16610: 1.4.4, 2.0).
  bool stream_done_wakes_execute = true;
  /// ChaincodeSupport.Launch returns a registered handler only once it is Ready; before
  /// that the caller joins the launch (PR #4932, v3.0.0; docs/fabric-sources.md 4.5, 6.4 #1).
  bool launch_requires_ready = false;
  /// P-sw 1.3+: a failed async send notifies the txid's Execute and ends the stream
  /// (FAB-11487, docs/fabric-sources.md 2.3).
  bool send_failure_ends_stream = true;
  /// 1.3+: callers during a launch queue on its LaunchState and share its outcome
  /// (FAB-10804); 1.2 fails them with "failed to register %s as launching: chaincode %s has
  /// already been launched" (docs/fabric-sources.md 4.3, 4.4, 7.8).
  bool queue_concurrent_launches = true;
  /// 1.4.1+/2.0: Runtime.Wait notifies the launch "container exited with %d", so a
  /// container that dies before REGISTER fails the launch at once (FAB-13238, 4.4).
  bool container_exit_ends_launch = true;
  /// 1.x: a failed launch stops the container (Runtime.Stop); 2.0 removed it (FAB-16937).
  bool stop_container_on_launch_failure = false;
  /// 2.x: Runtime.Build is its own step ("error building chaincode: ..."); in 1.x the image is
  /// built inside Runtime.Start.
  bool separate_build_step = true;
  /// 1.3+: ChaincodeSupport.Launch wraps launcher errors ("could not launch chaincode %s:");
  /// 1.2 returns them as they are.
  bool wrap_launch_errors = true;
  /// 1.3/1.4 spell launch errors "[channel %s] could not launch chaincode %s: ..."; 2.x drops
  /// the channel (4.4, 4.5).
  bool launch_error_names_channel = false;
  /// 1.2: "timeout expired while starting chaincode %s for transaction %s" names the txid;
  /// 1.3+ ends with "for transaction" (4.3, 4.4).
  bool startup_timeout_names_txid = false;
  /// 2.x: a Recv error ends the peer's stream with "receive from chaincode support stream
  /// failed: <err>"; 1.2-1.4 say "receive failed: <err>" (docs/fabric-sources.md 2.7).
  bool receive_error_names_stream = true;
  /// 1.2: Notify's debug line for a COMPLETED/ERROR nobody waits for spells "handleing":
  /// "notifier Txid:%s, channelID:%s does not exist for handleing message %s"; 1.3+ say
  /// "handling" (docs/fabric-sources.md 2.2 Notify).
  bool notify_log_says_handleing = false;
  /// 1.3/1.4: the first launcher reads the code package after Launching created the launch
  /// state and, when the read fails, returns "failed to get chaincode package: <err>" without
  /// Notify or Deregister: the state stays in the launching map un-notified and every later
  /// launch of the chaincode waits on it forever (docs/fabric-sources.md 4.4, 6.4 #11). 1.2 reads
  /// the package before Launching; 2.0 reads it inside Runtime.Build (FAB-16158, 21c9cf0c4).
  bool package_failure_strands_launch = false;
  /// 2.0+: a chaincode's definition comes from the lifecycle, asked by the endorser and by
  /// ChaincodeSupport.CheckInvocation for a cc2cc call ("invalid invocation: [channel %s]
  /// failed to get chaincode container info for %s: ..."; "... successfully defined on
  /// channel %s ..."). 1.x: LSCC, asked by the handler before the call ("... successfully
  /// instantiated ...").
  bool definition_from_lifecycle = true;
  /// 1.0-1.2: LSCC says "could not find chaincode with name '%s'" (1.2 wrapped "getccdata
  /// %s/%s responded with error: %s"); 1.3+ "chaincode %s not found".
  bool lscc_could_not_find_text = false;
  /// chaincode.executetimeout of 1s or less is invalid and becomes 30s (1.0/1.1: "eto <=
  /// time.Duration(1)*time.Second"); from 1.2 only a value under 1s (config.go).
  bool execute_timeout_floor_inclusive = false;
  /// The peer's gRPC server limits concurrent Endorser requests (peer.limits.concurrency.
  /// endorserService; internal/peer/node/grpc_limiters.go, 2.1): one over the limit is refused
  /// at once, "too many requests for /protos.Endorser, exceeding concurrency limit (%d)".
  bool endorser_concurrency_limit = true;
  /// 1.2-1.4: RuntimeLauncher's Start (the image build included) and Stop of a container run
  /// under VMController's per-container lock (core/container/controller.go Process): the
  /// Stop after a failed launch waits for a Start still holding it, then stops what it
  /// started, and Launch returns only after the Stop. 2.0 removed VMController. (1.0/1.1's
  /// P-fsm launcher always serialises them.)
  bool serialize_container_requests = false;
  /// 2.0+: Runtime.Build may return a chaincode server's connection info (an external
  /// builder's connection.json), and the launcher dials the chaincode instead of starting it
  /// (chaincode as a service, FAB-16937, 1b8be065d; docs/fabric-sources.md 4.5).
  bool chaincode_as_a_service = true;
  /// 1.1+: the shim's gRPC client has keepalive parameters (Time 1m, Timeout 20s,
  /// PermitWithoutStream; fabric-chaincode-go internal/client.go, 1.x core/comm): it PINGs
  /// the peer after a minute of receiving nothing and gives up 20s later without an ACK. 1.0's
  /// shim sets none: it never PINGs.
  bool shim_grpc_keepalive = true;
  /// The peer and the shim are built with grpc-go 1.66 or later (2.5: 1.79, 3.0.0: 1.66,
  /// 3.1.4: 1.72, fabric-chaincode-go v2.3.0: 1.70; every 1.x release vendors 1.15 or older):
  /// connection and keepalive errors are spelled as those versions spell them.
  bool modern_grpc = true;
  /// 2.2+: on SIGTERM the peer stops the containers it started before it exits
  /// (containerRouter.Shutdown(5s), internal/peer/node/start.go); 1.x leaves them running.
  bool shutdown_stops_containers = true;
  /// 2.5.16 and 3.1.5: HandleTransaction recovers a panic in a request's handling (a nil
  /// ChaincodeId, the iterator race of fabric#5048) and answers ERROR "... panic during
  /// execution" (c748fd8b3); before, the panic kills the peer process. The profiles "2.5" and
  /// "3.0" are the releases before it: set the switch for 2.5.16+.
  bool handler_recovers_panics = false;
  /// 1.1: a state database error during a query read cleans the query context up twice
  /// (getQueryResponse, then the caller's errHandler), and the second cleanupQueryContext
  /// calls Close on the deleted map entry: the request goroutine panics. 1.0 closes the
  /// iterator itself twice (harmless); 1.2's CleanupQueryContext checks for nil.
  bool query_error_double_cleanup = false;
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
