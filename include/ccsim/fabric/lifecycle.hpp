// The chaincode definitions a peer knows, per channel: what the lifecycle (2.x, _lifecycle and
// its legacy LSCC fallback) or 1.x's LSCC answers when the endorser, or a chaincode calling
// another, asks for a chaincode by name, and the texts each release gives when it has none.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "ccsim/fabric/profile.hpp"

namespace ccsim::fabric {

class Lifecycle {
 public:
  /// Defines chaincode `name`, run as `ccid`, on `channels` (empty: on every channel).
  void define(const std::string& name, const std::string& ccid, std::set<std::string> channels);
  /// The ccid of a chaincode defined on `channel`, or nullopt.
  std::optional<std::string> ccid(const std::string& name, const std::string& channel) const;

 private:
  struct Definition {
    std::string ccid;
    std::set<std::string> channels;
  };
  std::map<std::string, Definition> definitions_;
};

/// The definition lookup's error for a chaincode `name` not defined on `channel`, as each
/// release spells it: 1.0/1.1 LSCC "could not find chaincode with name 'X'" (lscc.go
/// NotFoundErr); 1.2 "getccdata <channel>/X responded with error: could not find chaincode
/// with name 'X'" (lifecycle.go GetChaincodeDefinition); 1.3+ "chaincode X not found"
/// (lscc.go ChaincodeDefinition, 2.x ChaincodeEndorsementInfo).
std::string chaincode_not_found(const Profile& profile, const std::string& name,
                                const std::string& channel);

/// What the endorser answers a proposal for such a chaincode: 1.0 "<err> - make sure the
/// chaincode X has been successfully instantiated and try again", 1.1-1.4 "make sure ...
/// instantiated and try again: <err>", 2.x "make sure the chaincode X has been successfully
/// defined on channel <channel> and try again: <err>" (endorser.go simulateProposal,
/// ProcessProposalSuccessfullyOrError).
std::string endorser_chaincode_not_found(const Profile& profile, const std::string& name,
                                         const std::string& channel);

}  // namespace ccsim::fabric
