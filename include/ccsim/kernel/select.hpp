// A Go `select` over several cases. The first case to become ready schedules the choice as a
// task at that instant; every case that becomes ready before that task runs (at the same
// instant) competes. With more than one ready, which one wins is a decision
// (DecisionKind::kSelect, "select <key>"). Go picks uniformly at random; the default answer
// (0) takes the first ready case in preference order: the declared order, unless prefer()
// says otherwise (where real runs are known to favour another case). Exploration may pick any.
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
  /// The order in which the default answer prefers the cases (each index once; cases left
  /// out follow in declared order). The decision's answer indexes the ready cases in this
  /// order, so a recorded answer means the same case wherever the preference is the same.
  void prefer(std::vector<std::size_t> order) { preference_ = std::move(order); }
  bool resolved() const { return resolved_; }

 private:
  void resolve();

  Simulation* sim_;
  std::string key_;
  std::vector<bool> ready_;
  std::vector<std::size_t> preference_;
  OnChosen on_chosen_;
  EventId resolution_;
  bool resolved_ = false;
};

}  // namespace ccsim::kernel
