#include "ccsim/fabric/lifecycle.hpp"

namespace ccsim::fabric {

void Lifecycle::define(const std::string& name, const std::string& ccid,
                       std::set<std::string> channels) {
  definitions_[name] = Definition{ccid, std::move(channels)};
}

std::optional<std::string> Lifecycle::ccid(const std::string& name,
                                           const std::string& channel) const {
  auto it = definitions_.find(name);
  if (it == definitions_.end()) return std::nullopt;
  const Definition& d = it->second;
  if (!d.channels.empty() && d.channels.count(channel) == 0) return std::nullopt;
  return d.ccid;
}

std::string chaincode_not_found(const Profile& profile, const std::string& name,
                                const std::string& channel) {
  if (!profile.lscc_could_not_find_text) return "chaincode " + name + " not found";
  const std::string lscc = "could not find chaincode with name '" + name + "'";
  if (profile.peer_fsm) return lscc;
  return "getccdata " + channel + "/" + name + " responded with error: " + lscc;
}

std::string endorser_chaincode_not_found(const Profile& profile, const std::string& name,
                                         const std::string& channel) {
  const std::string err = chaincode_not_found(profile, name, channel);
  if (profile.definition_from_lifecycle) {
    return "make sure the chaincode " + name + " has been successfully defined on channel " +
           channel + " and try again: " + err;
  }
  const std::string advice =
      "make sure the chaincode " + name + " has been successfully instantiated and try again";
  // 1.0 wraps with fmt.Errorf("%s - %s"), 1.1 on with errors.WithMessage.
  if (!profile.lowercase_errors) return err + " - " + advice;
  return advice + ": " + err;
}

}  // namespace ccsim::fabric
