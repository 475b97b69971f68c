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
#include "ccsim/fabric/peer.hpp"
#include "ccsim/fabric/peer_config.hpp"
#include "ccsim/fabric/profile.hpp"
#include "ccsim/kernel/simulation.hpp"

namespace ccsim::scenario {

struct ScheduledProposal {
  kernel::Time at;
  fabric::Proposal proposal;
};

/// What must hold of one proposal's outcome. Unset members are not checked.
struct OutcomeExpectation {
  std::optional<std::int64_t> status;
  bool expect_no_status = false;  // "status": null
  std::optional<std::string> payload;
  std::optional<std::string> error;  // exact text
  bool expect_no_error = false;      // "error": null
  std::optional<std::string> error_contains;
};

struct Expectations {
  std::map<std::string, OutcomeExpectation> outcomes;  // by txid
  /// The exact sequence of message types delivered (either direction) for a txid.
  std::map<std::string, std::vector<std::string>> delivered;
  /// The final committed state: channel -> chaincode -> key -> value (absent keys listed as
  /// nullopt must be absent).
  std::map<std::string, std::map<std::string, std::map<std::string, std::optional<std::string>>>>
      ledger;
};

struct Scenario {
  std::string file;  // where it was loaded from, for messages
  std::string name;
  std::string description;
  fabric::Profile profile;
  fabric::PeerConfig config;
  fabric::DelayModel network;
  std::vector<fabric::ChaincodeDefinition> chaincodes;
  std::vector<ScheduledProposal> proposals;
  Expectations expect;
  kernel::RunLimits limits;
  std::uint64_t default_seed = 1;
};

}  // namespace ccsim::scenario
