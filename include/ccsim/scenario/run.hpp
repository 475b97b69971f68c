// Running a scenario: build the world (simulation + peer) from the Scenario value, submit
// the proposals at their times, run to the end, and check the scenario's expectations.
// A run is a pure function of (scenario, seed, replayed decisions).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/fabric/left_behind.hpp"
#include "ccsim/fabric/peer.hpp"
#include "ccsim/kernel/decision_source.hpp"
#include "ccsim/kernel/trace.hpp"
#include "ccsim/scenario/scenario.hpp"

namespace ccsim::scenario {

struct RunOptions {
  std::uint64_t seed = 1;
  /// Answer decisions from this list instead of the seeded source (see ReplayDecisionSource).
  /// Ties are explored when the list holds a tie decision. Without it, a scenario's own
  /// "replay" answers them.
  std::optional<std::vector<kernel::Decision>> replay;
  /// With `replay`: the tie window its tie decisions were taken under.
  kernel::Duration tie_window;
  /// false keeps only the digest: trace events are not stored.
  bool keep_trace = true;

  // --- For fuzzing (explore layer) ---
  /// Answers every decision (not owned); overrides seed, replay and the scenario's "replay".
  kernel::DecisionSource* source = nullptr;
  /// Record the decision log (RunResult::decisions). A campaign runs without it and reruns
  /// a failing run with it.
  bool log_decisions = true;
  /// With keep_trace false: a fast fingerprint instead of the digest, and payload details
  /// formatted only if the scenario's expectations read them (kernel::TraceMode).
  bool fingerprint = false;
  /// Sees every trace event as it is recorded (not owned).
  kernel::TraceObserver* observer = nullptr;
  /// Set from outside (a signal handler) to stop the run between events (not owned); the
  /// result then says it was interrupted (RunResult::limit_error).
  const std::atomic<bool>* interrupt = nullptr;

  // --- For tests ---
  /// Tests only: run the handlers with this mutant (fabric/mutation.hpp). No scenario file or
  /// command-line flag sets it.
  fabric::Mutation mutation = fabric::Mutation::kNone;
};

/// What expectations and built-in properties read of a run's trace, gathered while it is
/// recorded, so that they hold the same whether or not the run keeps its events.
struct TraceFacts {
  /// For each txid of expect.delivered: the message types delivered for it, in order.
  std::map<std::string, std::vector<std::string>> delivered;
  /// For each expect.messages entry, in order: how many message events matched it.
  std::vector<std::uint64_t> message_counts;
  /// For each expect.notes entry: how many notes matched it.
  std::vector<std::uint64_t> note_counts;
  /// For each expect.order entry: the first event each side selects, if any.
  struct Order {
    std::optional<kernel::TraceEvent> first;
    std::optional<std::uint64_t> first_position;  // the event's position in the trace
    std::optional<kernel::TraceEvent> then;
    std::optional<std::uint64_t> then_position;
  };
  std::vector<Order> order;
  /// The first stream end observed by either end.
  std::optional<kernel::TraceEvent> first_stream_end;
  /// The first ERROR message the peer sent.
  std::optional<kernel::TraceEvent> first_peer_error;
  /// The first message an end sent on a stream after it had recorded that stream's end.
  std::optional<kernel::TraceEvent> first_send_after_end;
  /// The first COMPLETED or ERROR a shim sent as a result beyond one per INIT/TRANSACTION
  /// delivered to it for that txid on that stream (see one_result_per_transaction).
  std::optional<kernel::TraceEvent> first_extra_result;
};

struct RunResult {
  std::uint64_t seed = 0;
  kernel::Trace trace;
  std::vector<fabric::ProposalOutcome> outcomes;
  std::vector<kernel::Decision> decisions;
  std::map<fabric::StateKey, std::string> ledger;
  kernel::StopReason stop = kernel::StopReason::kDrained;
  kernel::Time end_time;
  std::uint64_t events = 0;
  /// Set when the run was cut by a limit: what was reached, and when.
  std::optional<std::string> limit_error;
  /// One line per expectation that did not hold.
  std::vector<std::string> failures;
  TraceFacts facts;
  /// What the peer's handlers still held at the end.
  fabric::LeftBehind left_behind;

  bool passed() const { return !limit_error && failures.empty(); }
  std::uint64_t digest() const { return trace.digest(); }
};

RunResult run(const Scenario& scenario, const RunOptions& options);

/// The expectations of `scenario` that `result` breaks, one line each.
std::vector<std::string> check_expectations(const Scenario& scenario, const RunResult& result);

/// Gathers TraceFacts for `scenario` from events as they are recorded.
class TraceFactsGatherer final : public kernel::TraceObserver {
 public:
  /// `next` (optional, not owned) sees every event after this one.
  explicit TraceFactsGatherer(const Scenario& scenario, kernel::TraceObserver* next = nullptr);
  void on_event(const kernel::TraceEventView& event) override;
  const std::uint64_t* kept_counter() const override {
    return next_ != nullptr ? next_->kept_counter() : nullptr;
  }
  /// The facts, once the last event has been seen.
  TraceFacts take();

 private:
  void result_sent(const kernel::TraceEventView& e);
  void settle_pending_error(const kernel::TraceEventView* next);

  const Scenario* scenario_;
  kernel::TraceObserver* next_;
  TraceFacts facts_;
  // (actor, stream) pairs whose actor recorded the stream's end.
  std::vector<std::pair<std::string, std::string>> ended_;
  // Per stream since its REGISTER, per txid: INIT/TRANSACTION delivered to the shim less its
  // results (entries at zero are dropped).
  using OpenByTxid = std::map<std::string, std::int64_t, std::less<>>;
  std::map<std::string, OpenByTxid, std::less<>> unanswered_;
  // An ERROR the shim sent, told apart by the event after it: a rejection of an unexpected
  // message is followed at once by the shim's own stream end (it exits), a result is not.
  std::optional<kernel::TraceEvent> pending_error_;
  std::uint64_t position_ = 0;  // of the next event in the trace
};

/// The facts of a finished trace that kept its events.
TraceFacts gather_facts(const Scenario& scenario, const std::vector<kernel::TraceEvent>& events);

/// Whether checking `scenario`'s expectations reads the trace's detail strings.
bool expectations_read_details(const Scenario& scenario);

/// How long a proposal may wait for its outcome: the launch bound of its chaincode plus the
/// execute timeout (the peer's effective values). See docs/fuzzing.md, "answered in time".
kernel::Duration answer_bound(const Scenario& scenario, const fabric::Proposal& proposal);

/// A built-in property of a finished run, by the name `expect.properties` uses. Properties
/// read the run's outcomes, its TraceFacts and what it left behind, so they hold the same on
/// runs that keep no trace events.
struct Property {
  const char* name;     // e.g. "one_outcome_per_proposal"
  const char* meaning;  // one line: what holds
  /// nullopt when the property holds, else what broke it (one line, e.g. "tx1 has 2 outcomes").
  std::optional<std::string> (*violation)(const Scenario& scenario, const RunResult& result);
};

/// Every built-in property, in a fixed order.
std::span<const Property> properties();
/// The property called `name`, or nullptr.
const Property* find_property(std::string_view name);

}  // namespace ccsim::scenario
