// CPU shared by the goroutines of one process: a processor-sharing server with `cores`
// cores. While k jobs run, each progresses at min(1, cores / k) of real speed, as a
// preemptive scheduler with short time slices (Go's, 10ms) gives them on average. A job of
// `work` ends once it has received that much service; jobs arriving or ending change the
// others' speed.
//
// Exact in integer nanoseconds: the server keeps the service every running job has received
// so far (the same for all of them), and each job the service at which it ends; the next end
// is one pending event, moved whenever the number of jobs changes. Adding or ending a job
// costs O(log k).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "ccsim/kernel/simulation.hpp"

namespace ccsim::kernel {

class ProcessorSharing {
 public:
  /// `label` names the event of the next job end ("shim mycc cpu").
  ProcessorSharing(Simulation& sim, std::uint32_t cores, std::string label)
      : sim_(&sim), cores_(cores == 0 ? 1 : cores), label_(std::move(label)) {}
  ProcessorSharing(const ProcessorSharing&) = delete;
  ProcessorSharing& operator=(const ProcessorSharing&) = delete;

  /// Starts a job of `work`; `done` runs as its own task when it ends.
  void run(Duration work, std::function<void()> done);
  /// The process died: every job is dropped, unfinished.
  void clear();
  std::size_t running() const { return jobs_.size(); }

 private:
  struct Job {
    std::int64_t ends_at_service;  // the service at which it ends
    std::uint64_t seq;             // arrival order breaks ties
    bool operator<(const Job& o) const {
      return std::pair(ends_at_service, seq) < std::pair(o.ends_at_service, o.seq);
    }
  };
  void advance();
  void reschedule();
  void on_end();

  Simulation* sim_;
  std::uint64_t cores_;
  std::string label_;
  std::int64_t service_ = 0;  // what each running job has received since the server started
  Time last_ = Time::zero();  // when service_ was last brought up to date
  std::uint64_t next_seq_ = 0;
  std::set<Job> jobs_;
  std::map<std::uint64_t, std::function<void()>> done_;  // by Job::seq
  std::optional<EventId> next_end_;
};

}  // namespace ccsim::kernel
