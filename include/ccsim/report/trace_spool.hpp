// A run's events written as they happen to a temporary file that no directory names (made in
// the directory the caller names, ccsim run's $TMPDIR or /tmp, and unlinked at once: nothing
// is left behind, however the process ends),
// and read back from it by the renderers once the run is over. Memory stays bounded by what is
// live in the run, not by how long it ran; the file holds each event once, in a compact binary
// record that only this process reads.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include "ccsim/kernel/trace.hpp"
#include "ccsim/report/trace_source.hpp"

namespace ccsim::report {

/// The spool's file could not be made, written or read: the machine's disk, not the scenario.
struct SpoolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class TraceSpool final : public kernel::TraceObserver, public TraceSource {
 public:
  /// Makes the file in `dir`. Throws SpoolError naming `dir` if no file can be made there.
  explicit TraceSpool(const std::string& dir);
  ~TraceSpool() override;
  TraceSpool(const TraceSpool&) = delete;
  TraceSpool& operator=(const TraceSpool&) = delete;

  /// Passes each event on to `next` (not owned), if set, after spooling it.
  void set_next(kernel::TraceObserver* next) { next_ = next; }
  /// Whether to spool messages' payload fields (TraceEventView::fields; on unless set off),
  /// which only the JSON-lines trace reads: formatting them costs about as much as the rest of
  /// the record.
  void keep_fields(bool on) { keep_fields_ = on; }

  void on_event(const kernel::TraceEventView& event) override;
  /// The bytes spooled: they count against the run's kept-bytes limit, as kept events would.
  const std::uint64_t* kept_counter() const override { return &bytes_; }
  /// Reads the events back. Throws SpoolError if the spool could not be written or read (a
  /// full disk): a renderer must not write a partial output.
  void for_each(const std::function<void(const kernel::TraceEventView&)>& visit) const override;

  std::uint64_t events() const { return count_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_;  // for messages only: the file has no name once made
  std::string record_;
  std::uint64_t count_ = 0;
  std::uint64_t bytes_ = 0;  // counted against the run's kept-bytes limit
  std::optional<std::string> error_;
  kernel::TraceObserver* next_ = nullptr;
  bool keep_fields_ = true;
};

}  // namespace ccsim::report
