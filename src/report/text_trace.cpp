#include "ccsim/report/text_trace.hpp"

#include <algorithm>

#include "ccsim/kernel/digest.hpp"

namespace ccsim::report {

namespace {
const std::string& or_dash(const std::string& s) {
  static const std::string kDash = "-";
  return s.empty() ? kDash : s;
}

std::string outcome_text(const fabric::ProposalOutcome& o) {
  std::string s = "status=" + (o.status ? std::to_string(*o.status) : std::string("-"));
  if (o.payload && !o.payload->empty()) s += " payload=\"" + *o.payload + "\"";
  if (o.error) s += " error=\"" + *o.error + "\"";
  return s;
}
}  // namespace

void write_text(std::ostream& out, const scenario::Scenario& scenario,
                const scenario::RunResult& result, const TextOptions& options) {
  write_text(out, scenario, KeptEvents(result.trace), result, options);
}

void write_text(std::ostream& out, const scenario::Scenario& scenario, const TraceSource& events,
                const scenario::RunResult& result, const TextOptions& options) {
  if (options.events) {
    std::size_t w_actor = 5, w_stream = 6, w_state = 5, w_type = 4, w_txid = 4;
    events.for_each([&](const kernel::TraceEventView& view) {
      const kernel::TraceEvent e(view);
      w_actor = std::max(w_actor, e.actor.size());
      w_stream = std::max(w_stream, or_dash(e.stream).size());
      w_state = std::max(w_state, or_dash(e.state).size());
      w_type = std::max(w_type, or_dash(e.type).size());
      w_txid = std::max(w_txid, or_dash(e.txid).size());
    });
    std::string line;
    const auto col = [&line](const std::string& s, std::size_t w) {
      line += s;
      line.append(w + 2 - std::min(w, s.size()), ' ');
    };
    const auto end_line = [&out, &line] {
      line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks
      out << line << "\n";
      line.clear();
    };
    col(std::string(16 - 4, ' ') + "time", 16);
    col("actor", w_actor);
    col("stream", w_stream);
    col("state", w_state);
    col("event", 10);
    col("type", w_type);
    col("txid", w_txid);
    line += "detail";
    end_line();
    events.for_each([&](const kernel::TraceEventView& view) {
      const kernel::TraceEvent e(view);
      const std::string t = kernel::format_time(e.t);
      col(std::string(16 - std::min<std::size_t>(16, t.size()), ' ') + t, 16);
      col(e.actor, w_actor);
      col(or_dash(e.stream), w_stream);
      col(or_dash(e.state), w_state);
      col(kernel::to_string(e.kind), 10);
      col(or_dash(e.type), w_type);
      col(or_dash(e.txid), w_txid);
      if (e.kind == kernel::TraceKind::kOutcome) {
        fabric::ProposalOutcome o;
        o.status = e.status;
        o.error = e.error;
        o.payload = e.payload;
        line += outcome_text(o);
      } else {
        line += e.detail;
      }
      end_line();
    });
    out << "\n";
  }
  if (options.before_outcomes) options.before_outcomes(out);
  // Each proposal's last outcome, found by its ordinal (a scan per proposal is quadratic).
  std::vector<const fabric::ProposalOutcome*> last(scenario.proposals.size(), nullptr);
  for (const auto& o : result.outcomes) {
    if (o.ordinal < last.size()) last[o.ordinal] = &o;
  }
  for (const auto& sp : scenario.proposals) {
    const fabric::ProposalOutcome* found = last[sp.proposal.ordinal];
    out << "outcome " << sp.proposal.txid << " ";
    if (found == nullptr) {
      out << "none (no outcome by the end of the run)\n";
    } else {
      out << "at " << kernel::format_time(found->completed) << " " << outcome_text(*found) << "\n";
    }
  }
  if (result.limit_error) out << "limit: " << *result.limit_error << "\n";
  for (const std::string& f : result.failures)
    out << "FAILED " << f << "\n";
  out << "seed " << result.seed << " digest " << kernel::format_digest(result.digest()) << "\n";
}

}  // namespace ccsim::report
