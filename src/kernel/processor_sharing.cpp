#include "ccsim/kernel/processor_sharing.hpp"

namespace ccsim::kernel {

namespace {

__extension__ using Wide = __int128;

std::int64_t clamp(Wide v) {
  return v > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(v);
}

}  // namespace

// Brings the shared service up to now: each of k jobs got min(1, cores/k) of the time since.
void ProcessorSharing::advance() {
  const Time now = sim_->now();
  const std::int64_t elapsed = (now - last_).ns();
  last_ = now;
  if (jobs_.empty() || elapsed <= 0) return;
  const std::uint64_t k = jobs_.size();
  const Wide gained = k <= cores_ ? Wide(elapsed) : Wide(elapsed) * Wide(cores_) / Wide(k);
  service_ = clamp(Wide(service_) + gained);
}

void ProcessorSharing::run(Duration work, std::function<void()> done) {
  advance();
  const std::uint64_t seq = next_seq_++;
  jobs_.insert(Job{clamp(Wide(service_) + Wide(work.ns() < 0 ? 0 : work.ns())), seq});
  done_.emplace(seq, std::move(done));
  reschedule();
}

// The next end: the job with the least service to go, at the speed the jobs have now
// (rounded up, so that it has received all of it then).
void ProcessorSharing::reschedule() {
  if (next_end_) sim_->cancel(*next_end_);
  next_end_.reset();
  if (jobs_.empty()) return;
  const std::uint64_t k = jobs_.size();
  const Wide to_go = Wide(jobs_.begin()->ends_at_service) - Wide(service_);
  const Wide wait = to_go <= 0    ? Wide(0)
                    : k <= cores_ ? to_go
                                  : (to_go * Wide(k) + Wide(cores_) - 1) / Wide(cores_);
  next_end_ = sim_->after(
      Duration::nanoseconds(clamp(wait)), [this] { on_end(); }, [this] { return label_; });
}

// Every job whose service is complete ends; each continues as its own task, in the order of
// their ends (then of arrival), as goroutines that become runnable together.
void ProcessorSharing::on_end() {
  next_end_.reset();
  advance();
  while (!jobs_.empty() && jobs_.begin()->ends_at_service <= service_) {
    const std::uint64_t seq = jobs_.begin()->seq;
    jobs_.erase(jobs_.begin());
    auto it = done_.find(seq);
    std::function<void()> done = std::move(it->second);
    done_.erase(it);
    sim_->spawn(std::move(done), [this] { return label_ + " done"; });
  }
  reschedule();
}

void ProcessorSharing::clear() {
  if (next_end_) sim_->cancel(*next_end_);
  next_end_.reset();
  jobs_.clear();
  done_.clear();
}

}  // namespace ccsim::kernel
