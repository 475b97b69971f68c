// Where a renderer reads a run's events: the trace the run kept in memory, or a spool on disk
// that a long run wrote as it went and keeps nothing of in memory (trace_spool.hpp). A
// renderer that needs two passes (column widths, a diagram's participants) reads twice.
#pragma once

#include <functional>

#include "ccsim/kernel/trace.hpp"

namespace ccsim::report {

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  /// Calls `visit` with each event, in the order they happened.
  virtual void for_each(const std::function<void(const kernel::TraceEventView&)>& visit) const = 0;
};

/// The events a trace kept (TraceMode::kEvents).
class KeptEvents final : public TraceSource {
 public:
  explicit KeptEvents(const kernel::Trace& trace) : trace_(&trace) {}
  void for_each(const std::function<void(const kernel::TraceEventView&)>& visit) const override {
    for (const kernel::TraceEvent& e : trace_->events())
      visit(e.view());
  }

 private:
  const kernel::Trace* trace_;
};

}  // namespace ccsim::report
