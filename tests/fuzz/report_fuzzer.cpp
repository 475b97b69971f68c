// libFuzzer target: `ccsim merge`'s reader of fuzz reports. Any text must be read or refused
// with std::invalid_argument; a report read is merged with itself (refused: the same shard
// twice) and written back in every form.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ccsim::explore::CampaignReport r = ccsim::explore::parse_report(text, "r.json");
    std::ostringstream out;
    out << ccsim::explore::report_json(r);
    ccsim::explore::write_summary(out, r);
    ccsim::explore::write_junit(out, r);
    ccsim::explore::merge_reports({r});
    ccsim::explore::merge_reports({r, r});
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
