#include "ccsim/fabric/ledger.hpp"

namespace ccsim::fabric {

std::optional<std::string> Ledger::get(const StateKey& k) const {
  auto it = state_.find(k);
  if (it == state_.end()) return std::nullopt;
  return it->second;
}

void Ledger::put(const StateKey& k, std::string value) {
  state_[k] = std::move(value);
}

void Ledger::del(const StateKey& k) {
  state_.erase(k);
}

std::optional<std::string> TxSimulator::get_state(const std::string& ns,
                                                  const std::string& key) const {
  return ledger_->get(StateKey{channel_, ns, key});
}

void TxSimulator::set_state(const std::string& ns, const std::string& key, std::string value) {
  writes_[{ns, key}] = std::move(value);
}

void TxSimulator::delete_state(const std::string& ns, const std::string& key) {
  writes_[{ns, key}] = std::nullopt;
}

void TxSimulator::commit_to(Ledger& ledger) const {
  for (const auto& [nk, value] : writes_) {
    const StateKey k{channel_, nk.first, nk.second};
    if (value) {
      ledger.put(k, *value);
    } else {
      ledger.del(k);
    }
  }
}

}  // namespace ccsim::fabric
