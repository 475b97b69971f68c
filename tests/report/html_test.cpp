// The HTML pages (`ccsim run --html`, `ccsim fuzz --html`): safe to embed any payload, and
// drawn as a reader sees them, in headless Chromium (Debian's `chromium` package; installed by
// tools/setup-debian --tests). These tests run one at a time (RUN_SERIAL): a browser starts
// several processes of its own.
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../scenario/test_support.hpp"
#include "ccsim/report/html.hpp"

using namespace ccsim;
using Json = nlohmann::json;

namespace {

std::string ccsim_cmd(const std::string& args) {
  return std::string(CCSIM_BINARY) + " " + args;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ccsim-html-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

bool have_chromium() {
  return testing::run_command("command -v chromium").exit_code == 0;
}

// The page's DOM once its script has run, as headless Chromium serialises it.
std::string rendered(const std::filesystem::path& page, const std::string& hash,
                     const std::filesystem::path& profile) {
  const auto r = testing::run_command(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-extensions --renderer-process-limit=1 --user-data-dir=" +
      profile.string() + " --dump-dom 'file://" + page.string() + hash + "' 2>/dev/null");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return r.output;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The page's data element, parsed as the page's script parses it.
Json page_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"ccsim-data\">";
  const auto start = page.find(open);
  REQUIRE(start != std::string::npos);
  const auto end = page.find("</script>", start);
  REQUIRE(end != std::string::npos);
  return Json::parse(page.substr(start + open.size(), end - start - open.size()));
}

}  // namespace

TEST_CASE("html: a payload cannot close the data element, and the data keeps it exactly") {
  CHECK(report::script_safe_json(R"({"d":"</script><!--x"})") ==
        R"({"d":"\u003c/script>\u003c!--x"})");
  const std::string nasty = "</script><script>alert(1)</script><!-- & \" '";
  const std::string text = R"({"name": "html_nasty", "network": {"latency": "1ms"},
    "chaincodes": [{"name": "mycc", "version": "1.0",
      "functions": {"f": [{"put_state": {"key": "k", "value": ")" +
                           std::string("<\\/script><script>alert(1)<\\/script><!-- & \\\" '") +
                           R"("}}]}}],
    "proposals": [{"at": "0", "txid": "</script>", "channel": "ch1", "chaincode": "mycc",
                   "function": "f"}]})";
  const auto s = scenario::load_text(text, "nasty.json");
  const auto result = scenario::run(s, {.seed = 1});
  std::ostringstream out;
  report::write_run_html(out, report::KeptEvents(result.trace), result, s);
  const std::string page = out.str();
  // The two closing tags of the two script elements, and no other.
  CHECK(count(page, "</script>") == 2);
  CHECK(page.find("<!--") == std::string::npos);
  const Json data = page_data(page);
  bool found = false;
  for (const Json& e : data["events"]) {
    if (e.value("ty", "") == "PUT_STATE" && e.value("k", "") == "deliver") {
      CHECK(e["fl"]["value"] == nasty);
      CHECK(e["tx"] == "</script>");
      found = true;
    }
  }
  CHECK(found);
  CHECK(data["events_shown"] == result.trace.events().size());
  CHECK(data["outcomes"][0]["txid"] == "</script>");
}

TEST_CASE("html run page in Chromium: lanes, filters from the URL, outcomes and timers") {
  if (!have_chromium()) {
    MESSAGE("skipped: no chromium (tools/setup-debian --tests installs it)");
    return;
  }
  const auto dir = temp_dir("run");
  // An execute timeout: a timer fires, tx1 fails, the late COMPLETED is still delivered.
  const std::string file =
      testing::source_path("scenarios/bugs/execute_timeout_late_completed.affected-2.5.json");
  const auto r =
      testing::run_command(ccsim_cmd("run -q " + file + " --html " + (dir / "run.html").string() +
                                     " --jsonl " + (dir / "run.jsonl").string()));
  REQUIRE(r.exit_code == 0);
  // What the page must show, counted from the JSON-lines trace of the same run.
  std::size_t all = 0, tx1_messages = 0, timers = 0;
  std::string error;
  std::istringstream lines(testing::read_file((dir / "run.jsonl").string()));
  for (std::string line; std::getline(lines, line);) {
    const Json e = Json::parse(line);
    if (e["event"] == "end") continue;
    ++all;
    const bool message = e["event"] == "send" || e["event"] == "deliver";
    if (message && e["txid"] == "tx1") ++tx1_messages;
    if (e["event"] == "timer") ++timers;
    if (e["event"] == "outcome" && e["txid"] == "tx1") error = e["error"];
  }
  REQUIRE(timers >= 1);
  REQUIRE(!error.empty());

  const std::string whole = rendered(dir / "run.html", "", dir / "profile");
  CHECK(whole.find("data-drawn=\"yes\"") != std::string::npos);
  CHECK(count(whole, "<g class=\"ev ") == all);
  CHECK(whole.find("events 1–" + std::to_string(all) + " of " + std::to_string(all) + "<") !=
        std::string::npos);
  // The lanes: the endorser, then mycc's peer and shim ends.
  const auto endorser = whole.find(">endorser</text>");
  const auto peer = whole.find(">peer mycc</text>");
  const auto shim = whole.find(">shim mycc</text>");
  CHECK(endorser < peer);
  CHECK(peer < shim);
  CHECK(shim != std::string::npos);
  // The outcome with its error, and the timer in its table.
  CHECK(whole.find("error=" + Json(error).dump()) != std::string::npos);
  CHECK(count(whole.substr(whole.find("id=\"timers\"")), "<tr data-i=") == timers);
  CHECK(whole.find("id=\"verdict\">expectations held<") != std::string::npos);

  // Filtered from the URL: tx1's messages only.
  const std::string filtered = rendered(
      dir / "run.html", "#txid=tx1&hide=note,outcome,state,stream_end,timer", dir / "profile");
  CHECK(count(filtered, "<g class=\"ev ") == tx1_messages);
  CHECK(count(filtered, "<g class=\"ev send") + count(filtered, "<g class=\"ev deliver") ==
        tx1_messages);
  CHECK(filtered.find("(of " + std::to_string(all) + ")") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("html campaign page in Chromium: failures with replay commands, coverage, rate") {
  if (!have_chromium()) {
    MESSAGE("skipped: no chromium (tools/setup-debian --tests installs it)");
    return;
  }
  const auto dir = temp_dir("fuzz");
  const std::string file = testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json");
  const auto r = testing::run_command(ccsim_cmd("fuzz " + file + " --runs 300 -j 2 -q --out " +
                                                (dir / "out").string() + " --html " +
                                                (dir / "fuzz.html").string()));
  REQUIRE(r.exit_code == 1);
  const Json report = Json::parse(testing::read_file((dir / "out" / "report.json").string()));
  const Json& sc = report["scenarios"][0];
  REQUIRE(sc["failures"].size() >= 2);

  const std::string page = rendered(dir / "fuzz.html", "", dir / "profile");
  CHECK(page.find("data-drawn=\"yes\"") != std::string::npos);
  CHECK(page.find("id=\"verdict\">FAILED<") != std::string::npos);
  CHECK(count(page, "<tr class=\"failure\"") == sc["failures"].size());
  for (const Json& f : sc["failures"]) {
    // The replay command, as the browser escapes text.
    std::string replay = f["replay"];
    CHECK(page.find("<code>" + replay + "</code>") != std::string::npos);
  }
  // A coverage cell marked seen for every (states, message) the report lists delivered (to
  // either end), and no other.
  std::set<std::string> cells;
  for (const Json& d : sc["coverage"]["deliveries"]) {
    const std::string text = d;
    cells.insert(text.substr(0, text.rfind(" to ")));
  }
  CHECK(count(page, "<td class=\"hit\"") == cells.size());
  for (const std::string& cell : cells) {
    CHECK_MESSAGE(page.find("<td class=\"hit\" data-cell=\"" + cell + "\"") != std::string::npos,
                  cell);
  }
  CHECK(page.find("id=\"rate-chart\"") != std::string::npos);
  std::filesystem::remove_all(dir);
}
