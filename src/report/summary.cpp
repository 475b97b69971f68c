#include "ccsim/report/summary.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

namespace ccsim::report {

namespace {

// A launcher note's path token: "launch b:1.0" or "wait-launch b:1.0" (the launch under way
// that a proposal or a cc2cc call waits for).
std::string launch_token(const std::string& detail) {
  constexpr std::string_view kLaunch = "launch ";
  constexpr std::string_view kStarting = ": starting";
  constexpr std::string_view kWaiting = ": waiting for the launch under way";
  if (detail.rfind(kLaunch, 0) != 0) return "";
  const auto ends_with = [&](std::string_view tail) {
    return detail.size() >= tail.size() &&
           detail.compare(detail.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (ends_with(kStarting)) {
    return "launch " +
           detail.substr(kLaunch.size(), detail.size() - kLaunch.size() - kStarting.size());
  }
  if (ends_with(kWaiting)) {
    return "wait-launch " +
           detail.substr(kLaunch.size(), detail.size() - kLaunch.size() - kWaiting.size());
  }
  return "";
}

// What a proposal's txid went through, in trace order: launches it started or waited for,
// every message delivered for it (prefixed "stream:" off the proposal's own chaincode's
// stream: a cc2cc callee), its timers, and "[answered]" where its outcome was
// recorded; what follows happened after the client had its answer.
std::map<std::string, std::vector<std::string>> paths_by_txid(const scenario::Scenario& scenario,
                                                              const TraceSource& events) {
  std::map<std::string, std::vector<std::string>> paths;
  std::map<std::string, std::string> own_chaincode;
  for (const auto& sp : scenario.proposals) {
    paths.try_emplace(sp.proposal.txid);
    own_chaincode.try_emplace(sp.proposal.txid, sp.proposal.chaincode);
  }
  events.for_each([&](const kernel::TraceEventView& view) {
    const kernel::TraceEvent e(view);
    if (e.txid.empty()) return;
    const auto it = paths.find(e.txid);
    if (it == paths.end()) return;
    const std::string& own = own_chaincode[e.txid];
    const std::string prefix = e.stream.empty() || e.stream == own ? "" : e.stream + ":";
    switch (e.kind) {
      case kernel::TraceKind::kDeliver:
        it->second.push_back(prefix + e.type);
        break;
      case kernel::TraceKind::kTimer:
        it->second.push_back(prefix + e.detail);
        break;
      case kernel::TraceKind::kOutcome:
        it->second.push_back("[answered]");
        break;
      case kernel::TraceKind::kNote:
        if (e.actor == "launcher") {
          if (std::string t = launch_token(e.detail); !t.empty()) it->second.push_back(t);
        }
        break;
      default:
        break;
    }
  });
  return paths;
}

std::string joined(const std::vector<std::string>& tokens) {
  std::string s;
  for (const std::string& t : tokens)
    s += (s.empty() ? "" : " ") + t;
  return s.empty() ? "-" : s;
}

// "200", "500", "error", or "none" (never answered).
std::string result_of(const fabric::ProposalOutcome* o) {
  if (o == nullptr) return "none";
  if (o->status) return std::to_string(*o->status);
  return "error";
}

// The outcome in full, with the proposal's txid written <txid>, so that proposals that failed
// the same way group together.
std::string result_in_full(const fabric::ProposalOutcome* o, const std::string& txid) {
  if (o == nullptr) return "no outcome by the end of the run";
  std::string s = o->status ? "status " + std::to_string(*o->status) : "no status";
  if (o->error) {
    constexpr std::string_view kTxid = "<txid>";
    std::string error = *o->error;
    for (std::size_t at = error.find(txid); !txid.empty() && at != std::string::npos;
         at = error.find(txid, at + kTxid.size())) {
      error.replace(at, txid.size(), kTxid);
    }
    s += ", error \"" + error + "\"";
  }
  return s;
}

}  // namespace

void write_summary(std::ostream& out, const scenario::Scenario& scenario,
                   const scenario::RunResult& result) {
  write_summary(out, scenario, KeptEvents(result.trace), result);
}

void write_summary(std::ostream& out, const scenario::Scenario& scenario, const TraceSource& events,
                   const scenario::RunResult& result) {
  std::vector<const fabric::ProposalOutcome*> first(scenario.proposals.size(), nullptr);
  for (const auto& o : result.outcomes) {
    if (o.ordinal < first.size() && first[o.ordinal] == nullptr) first[o.ordinal] = &o;
  }
  const auto paths = paths_by_txid(scenario, events);

  struct Row {
    std::vector<std::string> cells;
    std::string path;
  };
  std::vector<Row> rows;
  rows.push_back(
      {{"txid", "channel", "chaincode", "function", "submitted", "answered", "took", "result"},
       "path"});
  // Distinct (path, result) pairs in the order first seen, with how many proposals.
  std::vector<std::pair<std::string, std::size_t>> groups;
  std::map<std::string, std::size_t> group_index;
  for (const auto& sp : scenario.proposals) {
    const fabric::Proposal& p = sp.proposal;
    const fabric::ProposalOutcome* o = first[p.ordinal];
    const std::string path = joined(paths.at(p.txid));
    const auto& args = p.args.get();
    rows.push_back({{p.txid, p.channel_id, p.chaincode,
                     p.is_init      ? "(init)"
                     : args.empty() ? "-"
                                    : args.front(),
                     kernel::format_time(sp.at), o ? kernel::format_time(o->completed) : "-",
                     o ? kernel::format_duration(o->completed - o->submitted) : "-", result_of(o)},
                    path});
    const std::string group = path + "\n" + result_in_full(o, p.txid);
    const auto [it, added] = group_index.try_emplace(group, groups.size());
    if (added) groups.emplace_back(group, 0);
    ++groups[it->second].second;
  }

  std::vector<std::size_t> width(rows.front().cells.size(), 0);
  for (const Row& r : rows) {
    for (std::size_t i = 0; i < r.cells.size(); ++i)
      width[i] = std::max(width[i], r.cells[i].size());
  }
  out << "summary: " << scenario.proposals.size()
      << (scenario.proposals.size() == 1 ? " proposal" : " proposals") << "\n";
  for (const Row& r : rows) {
    std::string line = "  ";
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      line += r.cells[i];
      line.append(width[i] + 2 - r.cells[i].size(), ' ');
    }
    out << line << r.path << "\n";
  }
  out << "paths: " << groups.size() << (groups.size() == 1 ? " path" : " distinct paths") << "\n";
  for (const auto& [group, count] : groups) {
    const std::size_t newline = group.find('\n');
    out << "  " << count << (count == 1 ? " proposal:  " : " proposals: ")
        << group.substr(0, newline) << "\n      -> " << group.substr(newline + 1) << "\n";
  }
  out << "\n";
}

}  // namespace ccsim::report
