// A self-contained HTML view of a run or a fuzz campaign: one file, no network. The data is
// embedded as JSON in the page; the page's own script draws it (docs/outputs.md, "HTML").
//   run:      the messages per stream on a virtual-time axis, filters by txid and chaincode
//             (also from the URL: PAGE.html#txid=tx1&chaincode=mycc), payloads on hover
//             and click, outcomes and timers;
//   campaign: the failures with their replay commands, coverage as a (peer state x shim
//             state x message) table, runs/s over time.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/report/trace_source.hpp"
#include "ccsim/scenario/run.hpp"
#include "ccsim/scenario/scenario.hpp"

namespace ccsim::report {

/// The most events a run's page embeds; past them it says how many it left out (the page
/// of a million-proposal run would be too large for a browser).
inline constexpr std::uint64_t kHtmlMaxEvents = 200'000;

/// The page of one run of `scenario`, reading its events from `events` (once).
void write_run_html(std::ostream& out, const TraceSource& events, const scenario::RunResult& result,
                    const scenario::Scenario& scenario);

/// `s` as text or an attribute value of HTML or XML: & < > " ' as entities, and the control
/// characters XML 1.0 forbids (all below 0x20 but tab, newline and carriage return) as "?".
/// The HTML pages and the JUnit XML share it.
std::string markup_escaped(std::string_view s);

/// `text` as the inside of a <script type="application/json"> element: JSON text in which
/// no "<" can end the element or open a comment (each is written as \u003c).
std::string script_safe_json(std::string text);

/// A page: the shared shell (style and script), `kind` ("run" or "campaign") telling the
/// script what to draw, and the data element's JSON written by `write_data`, whose text is
/// passed through script_safe_json piece by piece.
void write_html_page(
    std::ostream& out, const std::string& title, const std::string& kind,
    const std::function<void(const std::function<void(std::string)>&)>& write_data);

}  // namespace ccsim::report
