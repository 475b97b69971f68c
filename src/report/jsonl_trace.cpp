#include "ccsim/report/jsonl_trace.hpp"

#include <nlohmann/json.hpp>

#include "ccsim/kernel/digest.hpp"
#include "ccsim/kernel/rng.hpp"

namespace ccsim::report {

namespace {
using Json = nlohmann::ordered_json;

Json optional_string(const std::optional<std::string_view>& s) {
  return s ? Json(*s) : Json(nullptr);
}
}  // namespace

void write_jsonl(std::ostream& out, const scenario::RunResult& result) {
  write_jsonl(out, KeptEvents(result.trace), result);
}

void write_jsonl(std::ostream& out, const TraceSource& events, const scenario::RunResult& result) {
  events.for_each([&out](const kernel::TraceEventView& e) {
    Json j;
    j["t_ns"] = e.t.ns();
    j["event"] = kernel::to_string(e.kind);
    switch (e.kind) {
      case kernel::TraceKind::kSend:
      case kernel::TraceKind::kDeliver:
        j["stream"] = e.stream;
        j["from"] = e.from;
        j["type"] = e.type;
        j["txid"] = e.txid;
        j["channel"] = e.channel;
        j["actor"] = e.actor;
        j["state"] = e.state;
        j["detail"] = e.detail.text();
        if (const std::string_view fields = e.fields.text(); !fields.empty()) {
          Json parsed = Json::parse(fields, nullptr, /*allow_exceptions=*/false);
          if (!parsed.is_discarded()) j["fields"] = std::move(parsed);
        }
        break;
      case kernel::TraceKind::kOutcome:
        j["txid"] = e.txid;
        j["status"] = e.status ? Json(*e.status) : Json(nullptr);
        j["error"] = optional_string(e.error);
        j["payload"] = optional_string(e.payload);
        j["channel"] = e.channel;
        break;
      default:
        j["actor"] = e.actor;
        j["stream"] = e.stream;
        j["state"] = e.state;
        j["txid"] = e.txid;
        j["channel"] = e.channel;
        j["detail"] = e.detail.text();
        break;
    }
    out << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  });
  Json end;
  end["event"] = "end";
  end["t_ns"] = result.end_time.ns();
  end["seed"] = kernel::seed_text(result.seed);  // a string: jq and Node round numbers > 2^53
  end["digest"] = kernel::format_digest(result.digest());
  out << end.dump() << "\n";
}

}  // namespace ccsim::report
