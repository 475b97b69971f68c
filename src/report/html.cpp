#include "ccsim/report/html.hpp"

#include <nlohmann/json.hpp>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/rng.hpp"
#include "ccsim/kernel/time.hpp"
#include "html_assets.hpp"

namespace ccsim::report {

namespace {
using Json = nlohmann::ordered_json;

std::string dump(const Json& j) {
  // Invalid UTF-8 in a payload is shown as U+FFFD rather than failing the page.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json optional_text(const std::optional<std::string>& s) {
  return s ? Json(*s) : Json(nullptr);
}

}  // namespace

std::string markup_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string script_safe_json(std::string text) {
  // "<" appears in JSON text only inside strings, where \u003c means the same character.
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

void write_html_page(
    std::ostream& out, const std::string& title, const std::string& kind,
    const std::function<void(const std::function<void(std::string)>&)>& write_data) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"generator\" content=\"ccsim\">\n"
      << "<title>" << markup_escaped(title) << "</title>\n<style>\n"
      << detail::kHtmlStyle << "</style>\n</head>\n<body data-kind=\"" << markup_escaped(kind)
      << "\">\n<noscript>This page draws its content with JavaScript.</noscript>\n"
      << "<main id=\"app\"></main>\n<script type=\"application/json\" id=\"ccsim-data\">";
  write_data([&out](std::string piece) { out << script_safe_json(std::move(piece)); });
  out << "</script>\n<script>\n" << detail::kHtmlScript << "</script>\n</body>\n</html>\n";
}

void write_run_html(std::ostream& out, const TraceSource& events, const scenario::RunResult& result,
                    const scenario::Scenario& scenario) {
  const std::string title = "ccsim: " + (scenario.name.empty() ? scenario.file : scenario.name) +
                            " (seed " + kernel::seed_text(result.seed) + ")";
  write_html_page(out, title, "run", [&](const std::function<void(std::string)>& put) {
    Json head;
    head["kind"] = "run";
    head["name"] = scenario.name;
    head["file"] = scenario.file;
    head["description"] = scenario.description;
    head["profile"] = scenario.profile.name;
    head["seed"] = kernel::seed_text(result.seed);
    head["digest"] = kernel::format_digest(result.digest());
    head["end"] = kernel::format_time(result.end_time);
    head["events_total"] = result.events;
    head["passed"] = result.passed();
    head["failures"] = result.failures;
    head["limit_error"] = optional_text(result.limit_error);
    Json outcomes = Json::array();
    for (const fabric::ProposalOutcome& o : result.outcomes) {
      outcomes.push_back({{"txid", o.txid},
                          {"channel", o.channel_id},
                          {"submitted", kernel::format_time(o.submitted)},
                          {"completed", kernel::format_time(o.completed)},
                          {"status", o.status ? Json(*o.status) : Json(nullptr)},
                          {"error", optional_text(o.error)},
                          {"payload", optional_text(o.payload)}});
    }
    head["outcomes"] = std::move(outcomes);
    std::string text = dump(head);
    text.pop_back();  // the closing brace: the events follow
    put(std::move(text));
    put(",\"events\":[");
    std::uint64_t shown = 0;
    std::uint64_t seen = 0;
    events.for_each([&](const kernel::TraceEventView& e) {
      ++seen;
      if (shown == kHtmlMaxEvents) return;
      Json j;
      j["t"] = e.t.ns();
      j["ts"] = kernel::format_time(e.t);
      j["k"] = kernel::to_string(e.kind);
      j["a"] = e.actor;
      j["s"] = e.stream;
      j["st"] = e.state;
      j["f"] = e.from;
      j["ty"] = e.type;
      j["tx"] = e.txid;
      j["ch"] = e.channel;
      j["d"] = e.detail.text();
      if (e.kind == kernel::TraceKind::kOutcome) {
        j["status"] = e.status ? Json(*e.status) : Json(nullptr);
        j["error"] = e.error ? Json(*e.error) : Json(nullptr);
      }
      if (const std::string_view fields = e.fields.text(); !fields.empty()) {
        Json parsed = Json::parse(fields, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_discarded()) j["fl"] = std::move(parsed);
      }
      put((shown == 0 ? "" : ",\n") + dump(j));
      ++shown;
    });
    put("],\"events_shown\":" + std::to_string(shown) + ",\"events_seen\":" + std::to_string(seen) +
        "}");
  });
}

}  // namespace ccsim::report
