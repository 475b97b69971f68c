// A scenario: the validated, immutable description of one simulated situation. Parsed once
// from JSON (see loader.hpp and docs/scenario-format.md); every run builds its world from
// this value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ccsim/fabric/chaincode_definition.hpp"
#include "ccsim/fabric/delay_model.hpp"
#include "ccsim/fabric/fault.hpp"
#include "ccsim/fabric/ledger.hpp"
#include "ccsim/fabric/peer.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/simulation.hpp"
#include "ccsim/scenario/regex.hpp"

namespace ccsim::scenario {

struct ScheduledProposal {
  kernel::Time at;
  fabric::Proposal proposal;
};

/// What must hold of one proposal's outcome. Unset members are not checked.
struct OutcomeExpectation {
  /// "outcomes": {"<txid>": null}: the proposal has no outcome by the end of the run (it was
  /// never answered); nothing else is checked.
  bool expect_none = false;
  std::optional<std::int64_t> status;
  bool expect_no_status = false;  // "status": null
  std::optional<std::string> payload;
  std::optional<std::string> error;  // exact text
  bool expect_no_error = false;      // "error": null
  std::optional<std::string> error_contains;
  /// A regular expression (RE2 syntax) that must match part of the error; compiled at load.
  std::optional<Regex> error_matches;
  /// The outcome is recorded no later than submission + within.
  std::optional<kernel::Duration> within;
  /// The outcome is recorded no later than this virtual instant.
  std::optional<kernel::Time> completed_by;
  /// The outcome is recorded no earlier than this virtual instant.
  std::optional<kernel::Time> not_before;
  /// The name of the chaincode event the proposal's response carries.
  std::optional<std::string> event;
};

/// The instants a trace event must fall in to count: "at" sets both bounds, "not_before" and
/// "by" one each (inclusive).
struct TimeWindow {
  std::optional<kernel::Time> not_before;
  std::optional<kernel::Time> by;
  bool contains(kernel::Time t) const {
    return (!not_before || t >= *not_before) && (!by || t <= *by);
  }
  bool empty() const { return !not_before && !by; }
};

/// A trace assertion (expect.messages[i]): how many message events match the filters.
struct MessageExpectation {
  enum class Event : std::uint8_t { kSend, kDeliver };
  std::string type;  // protobuf enum name, e.g. "ERROR"
  Event event = Event::kDeliver;
  std::optional<std::string> from;       // "peer" or "shim": the sending end
  std::optional<std::string> txid;       // the message's txid
  std::optional<std::string> chaincode;  // the stream's name (the chaincode's name)
  std::optional<std::string> channel;    // the message's channel_id ("" = none)
  /// A substring of the event's detail: the payload as the trace shows it (ERROR text,
  /// key, status, ...).
  std::optional<std::string> detail_contains;
  /// Inclusive bounds on the number of matching events; with neither given, at least one
  /// ("count": n sets both to n, "present": false sets max to 0).
  std::uint64_t min = 1;
  std::optional<std::uint64_t> max;
  TimeWindow window;  // only events in it count
};

/// expect.notes[i]: how many trace notes (launcher, runtime, peer, shim, endorser, fault: the
/// log lines a bug report quotes) match.
struct NoteExpectation {
  std::optional<std::string> actor;
  std::string contains;  // a substring of the note's text
  std::optional<std::string> txid;
  std::optional<std::string> chaincode;  // the note's stream (the chaincode's name)
  std::uint64_t min = 1;                 // as MessageExpectation's
  std::optional<std::uint64_t> max;
  TimeWindow window;
};

/// One side of expect.order: which trace events it means (unset members match anything).
struct EventSelector {
  kernel::TraceKind kind = kernel::TraceKind::kNote;
  std::optional<std::string> actor;
  std::optional<std::string> type;
  std::optional<std::string> from;
  std::optional<std::string> txid;
  std::optional<std::string> chaincode;
  std::optional<std::string> channel;
  std::optional<std::string> detail_contains;
  bool matches(const kernel::TraceEventView& e) const;
};

/// expect.order[i]: the first event `then` selects comes after the first `first` selects
/// (later in the trace: a later instant, or later at the same instant). Both must happen.
struct OrderExpectation {
  EventSelector first;
  EventSelector then;
};

struct Expectations {
  /// By txid; a txid submitted more than once ("duplicate"): its first submission's outcome.
  std::map<std::string, OutcomeExpectation> outcomes;
  /// "outcomes": {"<txid>": [...]}: one expectation per submission of the txid, in the order
  /// of the proposals (an unanswered submission: expect_none).
  std::map<std::string, std::vector<OutcomeExpectation>> submissions;
  /// The exact sequence of message types delivered (either direction) for a txid.
  std::map<std::string, std::vector<std::string>> delivered;
  /// The final committed state: channel -> chaincode -> key -> value (absent keys listed as
  /// nullopt must be absent).
  std::map<std::string, std::map<std::string, std::map<std::string, std::optional<std::string>>>>
      ledger;
  /// Trace assertions, in file order (failures name /expect/messages/<index>).
  std::vector<MessageExpectation> messages;
  std::vector<NoteExpectation> notes;
  std::vector<OrderExpectation> order;
  /// Built-in properties that must hold at the end (see scenario::properties()).
  std::vector<std::string> properties;
};

/// "replay": recorded decisions that answer the run's decision sites instead of the seeded
/// source (a fuzzing artifact replays its failure with no randomness; docs/fuzzing.md).
struct ReplaySpec {
  /// The tie window the recorded tie decisions were taken under ("0": same instant only).
  kernel::Duration tie_window;
  std::vector<kernel::Decision> decisions;
};

struct Scenario {
  std::string file;    // where it was loaded from, for messages
  std::string source;  // the file's JSON text, from which derived scenarios are written
  std::string name;
  std::string description;
  fabric::Profile profile;
  /// The profile the command line chose over the file's (LoadOptions::profile), or empty;
  /// a derived scenario (a fuzzing repro) is written with it.
  std::string profile_flag;
  /// "overrides": the profile switches the scenario sets, by name (already applied to
  /// `profile`; kept so a derived scenario can be written back).
  std::map<std::string, bool> overrides;
  fabric::PeerConfig config;
  fabric::DelayModel network;
  std::vector<fabric::ChaincodeDefinition> chaincodes;
  /// "ledger": the committed world state at the start of the run (values, private data,
  /// metadata, and the history GET_HISTORY_FOR_KEY reads).
  fabric::Ledger initial_ledger;
  std::vector<ScheduledProposal> proposals;
  std::vector<fabric::Fault> faults;
  Expectations expect;
  kernel::RunLimits limits;  // limits.max_events, .horizon, .max_kept_bytes
  /// limits.max_proposals: the most proposals a scenario may have after "repeat" expands.
  std::uint64_t max_proposals = 100'000;
  /// limits.max_expanded_bytes: the most bytes the proposals after "repeat" may copy into a
  /// run (their txids and args, and the strings of the steps their functions run).
  std::uint64_t max_expanded_bytes = 256ULL << 20;
  std::uint64_t default_seed = 1;
  /// "replay": when set, runs answer decisions from it and the seed has no effect.
  std::optional<ReplaySpec> replay;
  /// What loads and runs but is likely not what was meant (a name the run will refuse), one
  /// line each: "FILE: /json/pointer: warning: ...". `ccsim check` and `ccsim run` print them.
  std::vector<std::string> warnings;
};

}  // namespace ccsim::scenario
