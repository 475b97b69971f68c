// The campaigns of the bundled fuzz scenarios, pinned: a fixed seed and budget give the same
// report, byte for byte, with every compiler and build (g++ and clang, debug, release and
// sanitized). A change of what a campaign explores (an RNG draw moved, a decision site added
// or renamed, an expression whose order of evaluation the language leaves open) moves a
// digest here; a change meant to move it updates the table, and says why, in one commit.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "../scenario/test_support.hpp"
#include "ccsim/explore/campaign.hpp"
#include "ccsim/explore/report.hpp"
#include "ccsim/fabric/sha256.hpp"

using namespace ccsim;

namespace {

struct Pinned {
  std::size_t failures;  // distinct failures found: read off the summary, and plausible
  const char* digest;    // the first 16 hex digits of the SHA-256 of the report's JSON
                         // (report_json without timing), made by g++ 12 and clang 14 alike
};

// 400 runs, seed 1, the default portfolio, one job (any number gives the same report).
const std::map<std::string, Pinned> kPinned = {
    // Benign under 2.5: the chaincode's half-close and a keepalive break nothing.
    {"chaincode_closes_stream.2.5.json", {0, "39d78e748db82661"}},
    {"keepalive_during_transaction.2.5.json", {0, "a0a5c15705a5b9e8"}},
    // 1.1's premature execution (one distinct failure); fixed by 1.4's launch queueing.
    {"cold_start_during_launch.1.1.json", {1, "776af6aa5d9a2d04"}},
    {"cold_start_during_launch.1.4.json", {0, "6804cbaa31bcba19"}},
    // 2.5's TRANSACTION before READY: no_handler_error and the broken expect; fixed in 3.0.
    {"cold_start_two_proposals.2.5.json", {2, "be04b1f1db0039b3"}},
    {"cold_start_two_proposals.3.0.json", {0, "e68d331ac16624d7"}},
};

}  // namespace

TEST_CASE("pinned campaigns: every bundled fuzz scenario's report digest, on every compiler") {
  std::size_t seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("scenarios/fuzz"))) {
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    const auto pinned = kPinned.find(name);
    REQUIRE_MESSAGE(pinned != kPinned.end(), "a new fuzz scenario: pin its campaign here");
    ++seen;
    // Named by its path in the repo, so the report does not depend on where the checkout is.
    const auto s =
        scenario::load_text(testing::read_file(entry.path().string()), "scenarios/fuzz/" + name);
    explore::CampaignOptions o;
    o.runs = 400;
    const auto report = explore::run_campaign({&s}, o);
    const std::string json = explore::report_json(report, /*timing=*/false);
    CHECK(report.scenarios[0].failures.size() == pinned->second.failures);
    CHECK(fabric::sha256_hex(json).substr(0, 16) == pinned->second.digest);
  }
  CHECK(seen == kPinned.size());
}
