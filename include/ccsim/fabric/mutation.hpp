// Test-only mutants of the handlers: each is a realistic bug a Fabric developer could write,
// switched on for one run so that tests can check the fuzzer's properties catch it
// (docs/fuzzing.md, "Mutants: how we know the properties bite").
//
// FOR TESTS ONLY. A mutation is reachable from scenario::RunOptions and the fuzzer's
// explore::CampaignOptions, never from a scenario file or a ccsim command-line flag: a
// mutated run is not Fabric, and its trace and repro artifacts do not replay without it.
// With Mutation::kNone (the default) every site costs one predictable branch and changes
// nothing: no trace event, no decision, no digest.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ccsim::fabric {

enum class Mutation : std::uint8_t {
  kNone,
  /// The peer handler swallows its stream's end (docs/fabric-sources.md 2.7): the receive loop
  /// takes the EOF or Recv error off the stream -- the trace records that stream end as the
  /// real handler does -- and then carries on as if nothing happened, instead of returning
  /// from ProcessStream. So none of ProcessStream's deferred work runs: no ticker.Stop (the
  /// keepalive goes on), no close(streamDone) (a pending Execute is not woken, 1.4.4+/2.x),
  /// no CloseSend, no Registry.Deregister (Launch keeps handing out the dead handler, and new
  /// TRANSACTIONs go out on the dead stream). The Go bug: `continue` where `return err` was,
  /// in ProcessStream's msgAvail case. P-sw (1.2-2.5) and P-fsm (1.0/1.1, 2.1 processStream).
  kSwallowStreamEnd,
  /// Execute returns without deleting its transaction context (2.2 Execute, step 3: the
  /// `defer TXContexts.Delete(channel, txid)` is missing), so every answered or timed-out
  /// transaction leaves its context -- and its simulator -- in the handler, and a txid can
  /// never be executed on that handler again ("txid: %s(%s) exists"). P-sw (1.2-2.5) only;
  /// the P-fsm Execute (4.1, deleteTxContext) is not mutated.
  kContextNeverDeleted,
  /// The peer hands the shim's KEEPALIVE echo to its state machine instead of dropping it
  /// first: P-sw's handleMessage without step 1 ("KEEPALIVE -> return nil, in any state",
  /// 2.2), P-fsm's processStream without its KEEPALIVE `continue` (2.1 case (b): "never
  /// reaches the FSM"). No state of either machine has a KEEPALIVE case, so the echo that
  /// arrives in `ready` is rejected with Fabric's own text ("[] Fabric side handler cannot
  /// handle message (KEEPALIVE) while in ready state"; 1.0/1.1 "[]Chaincode handler validator
  /// FSM cannot handle message (KEEPALIVE) ... while in state: ready") and a healthy stream
  /// is torn down at its first keepalive (2.6). Real handlers never do this: both peers drop
  /// KEEPALIVE before looking at their state, and every shim echoes it in every state (3.2-3.4;
  /// v1.0.0 shim handler.go returns nil for KEEPALIVE before its FSM check). Keepalive is off
  /// by default (core.yaml, 5), which is how such a regression could ship unnoticed.
  kKeepaliveInWrongState,
  /// The shim sends its COMPLETED twice for one transaction (3.1 result rules: one result per
  /// INIT/TRANSACTION): e.g. an explicit send on the success path plus the deferred
  /// triggerNextState of 1.x's "goroutine dance" (6.3). The peer's Notify drops the second if
  /// Execute has already deleted the context, and blocks its receive loop for good if the
  /// second arrives first (ResponseNotifier capacity 1, 2.2 Notify, 6.4 #8). Every shim
  /// (S-go, S-sw, S-fsm); an ERROR result is sent once.
  kDoubleCompleted,
};

/// The mutation's name in tests and reports: "none", "swallow_stream_end",
/// "context_never_deleted", "keepalive_in_wrong_state", "double_completed".
const char* to_string(Mutation mutation);
/// The mutation called `name`, or nullopt.
std::optional<Mutation> mutation_from_string(std::string_view name);
/// Every mutant (kNone excluded), in declaration order.
std::span<const Mutation> mutants();

}  // namespace ccsim::fabric
