// A Go `select` over several cases. The first case to become ready schedules the choice as a
// task at that instant; every case that becomes ready before that task runs (at the same
// instant) competes. With more than one ready, which one wins is a decision
// (DecisionKind::kSelect, "select <key>"); the default rule takes the lowest case index, so
// declare cases in the order the fixed rule should prefer them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ccsim/kernel/simulation.hpp"

namespace ccsim::kernel {

class Select {
 public:
  using OnChosen = std::function<void(std::size_t chosen_case)>;

  /// The owner must keep the Select alive until it has resolved or been abandoned.
  Select(Simulation& sim, std::string key, std::size_t cases, OnChosen on_chosen)
      : sim_(&sim), key_(std::move(key)), ready_(cases, false), on_chosen_(std::move(on_chosen)) {}
  Select(const Select&) = delete;
  Select& operator=(const Select&) = delete;
  ~Select() { sim_->cancel(resolution_); }

  /// Marks a case ready. Ignored once the select has resolved.
  void ready(std::size_t case_index);
  bool resolved() const { return resolved_; }

 private:
  void resolve();

  Simulation* sim_;
  std::string key_;
  std::vector<bool> ready_;
  OnChosen on_chosen_;
  EventId resolution_;
  bool resolved_ = false;
};

}  // namespace ccsim::kernel
