// Internal: the readers of each section of a scenario file, shared by the loader's files.
// Each reads one JSON value (with its pointer, for errors) into the Scenario's types.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ccsim/scenario/scenario.hpp"
#include "json_reader.hpp"
#include "suggest.hpp"

namespace ccsim::scenario::detail {

kernel::Duration duration_of(const Node& n);
/// Adds "FILE: /pointer: warning: `message`" to the scenario's warnings: something that loads
/// and runs, but is likely not what was meant (a typo in a name the run will refuse).
void warn(Scenario& s, const Node& n, const std::string& message);

/// How deep arrays and objects may nest in a scenario file, and in a rich query's JSON.
inline constexpr std::size_t kMaxJsonDepth = 100;
/// The offset of the first array or object in JSON `text` nested deeper than kMaxJsonDepth.
/// A scan of the text, without parsing, so that nothing that recurses meets such a depth.
std::optional<std::size_t> nesting_too_deep(const std::string& text);
std::vector<std::string> read_strings(const Node& n);

/// Calls visit(step, node, depth) for every step of `steps` (whose array is at `n`) and, depth
/// first, of the branches of its `parallel` and `go` steps (depth 1 and more).
template <class Visit>
void visit_steps(const std::vector<fabric::Step>& steps, const Node& n, Visit&& visit,
                 std::size_t depth = 0) {
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const fabric::Step& step = steps[k];
    const Node at = n.element(k);
    visit(step, at, depth);
    if (step.branches.empty()) continue;
    const Node arg = at.child(fabric::to_string(step.op));
    for (std::size_t b = 0; b < step.branches.size(); ++b) {
      visit_steps(step.branches[b], step.op == fabric::Step::Op::kGo ? arg : arg.element(b), visit,
                  depth + 1);
    }
  }
}

/// chaincodes[i] (read_chaincode.cpp): name, version, container, init, functions.
fabric::ChaincodeDefinition read_chaincode(const Node& n);
/// Warns of each invoke_chaincode step whose chaincode, channel or function the run will
/// refuse (read_chaincode.cpp): Fabric refuses them at run time, so they load.
void check_invoke_targets(const Node& chaincodes, Scenario& s);
/// Every step uses only stub APIs and message types the profile has (read_chaincode.cpp):
/// metadata (1.3), the private data hash (1.4.2), purge (2.5), private data (1.2).
void check_steps_in_profile(const Node& chaincodes, const Scenario& s);
/// chaincodes[i].container (read_faults.cpp).
fabric::ContainerBehaviour read_container(const Node& n);
/// chaincodes[i].service (read_faults.cpp).
fabric::ServiceBehaviour read_service(const Node& n);
/// Container behaviours and services the scenario's profile cannot run, and container keys
/// that mean nothing for a service (read_faults.cpp).
void check_containers(const Node& chaincodes, const Scenario& s);
/// faults (read_faults.cpp); each names one of `s.chaincodes`.
std::vector<fabric::Fault> read_faults(const Node& n, const Scenario& s);

/// The txid of the one history entry of a key that "ledger" gives only a value.
inline constexpr const char* kInitialTxid = "initial";
/// "ledger" (read_ledger.cpp): the committed state at the start.
fabric::Ledger read_initial_ledger(const Node& n, const Scenario& s);
/// The channels a proposal or a chaincode-to-chaincode call can touch (read_ledger.cpp).
std::set<std::string> known_channels(const Scenario& s);
/// "a" "b" ..., or none (read_ledger.cpp).
std::string quoted_list(const std::set<std::string>& names);
/// Fails at `n` unless `name` is one of `channels` (known_channels), listing them.
void channel_named(const Node& n, const std::set<std::string>& channels, const std::string& name);
/// The chaincode called `name`; fails at `n` (with the nearest name) if there is none.
const fabric::ChaincodeDefinition& chaincode_named(const Node& n, const Scenario& s,
                                                   const std::string& name);

/// The proposals' txids, for expect to check its txids against.
struct ProposalTxids {
  std::set<std::string> txids;
  /// A repeated entry's own txid -> where it is ("/proposals/2") and how many times, so that
  /// an expectation naming it is told the txids it expands to.
  std::map<std::string, std::pair<std::string, std::uint64_t>> repeated;
};

/// expect (read_expect.cpp).
void read_expect(const Node& n, Scenario& s, const ProposalTxids& txids);

}  // namespace ccsim::scenario::detail
