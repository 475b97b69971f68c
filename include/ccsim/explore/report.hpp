// A campaign's report in three forms: JSON (the file shards write and `ccsim merge` reads),
// a summary for people, and JUnit XML for CI (a test case per scenario, the replay command
// in each failure). Times and rates come from the caller's elapsed_seconds.
#pragma once

#include <ostream>
#include <string>

#include "ccsim/explore/campaign.hpp"

namespace ccsim::explore {

/// The report as JSON. With `timing` false, elapsed time and rates are left out, so that two
/// reports of the same campaign compare equal as text (jobs independence).
std::string report_json(const CampaignReport& report, bool timing = true);

/// Reads a report written by report_json. Throws std::invalid_argument ("FILE: what is
/// wrong") if `text` is not one.
CampaignReport parse_report(const std::string& text, const std::string& file);

/// The summary: per scenario, runs, runs per second, distinct traces, coverage, and each
/// distinct failure with its replay command.
void write_summary(std::ostream& out, const CampaignReport& report);

/// JUnit XML: one <testcase> per scenario, a <failure> listing its distinct failures and
/// their replay commands.
void write_junit(std::ostream& out, const CampaignReport& report);

/// A campaign's progress as the caller sampled it: wall-clock seconds since the start, and
/// runs done by then (all scenarios). For the HTML report's runs/s chart.
struct ProgressSample {
  double seconds = 0;
  std::uint64_t runs = 0;
};

/// The campaign as one self-contained HTML page (report/html.hpp): the report, its failures
/// with their replay commands, coverage tables, and runs/s over `progress`.
void write_campaign_html(std::ostream& out, const CampaignReport& report,
                         const std::vector<ProgressSample>& progress);

}  // namespace ccsim::explore
