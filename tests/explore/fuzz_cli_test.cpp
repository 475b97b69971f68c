// ccsim fuzz and ccsim merge as CI meets them: exit codes, artifacts that `ccsim run`
// replays, reports, JUnit, sharded campaigns, and bad flags.
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "../scenario/test_support.hpp"

using namespace ccsim;

namespace {

std::string ccsim_cmd(const std::string& args) {
  return std::string(CCSIM_BINARY) + " " + args;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ccsim-fuzz-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const std::string kBenign25 =
    testing::source_path("scenarios/fuzz/cold_start_two_proposals.2.5.json");
const std::string kBenign30 =
    testing::source_path("scenarios/fuzz/cold_start_two_proposals.3.0.json");

}  // namespace

TEST_CASE("fuzz: a failure exits 1, and its artifact replays with ccsim run to the same failure") {
  const auto dir = temp_dir("artifact");
  const auto r =
      testing::run_command(ccsim_cmd("fuzz " + kBenign25 + " --runs 300 -j 2 -q --out " +
                                     dir.string() + " --junit " + (dir / "junit.xml").string()));
  CHECK(r.exit_code == 1);
  // The summary names the failure and prints its replay command.
  const std::regex replay_line("replay: (.*/no_handler_error-[0-9a-f]{8}/repro\\.json)");
  std::smatch m;
  REQUIRE(std::regex_search(r.output, m, replay_line));
  const std::string command = m[1].str();
  CHECK(command.rfind(CCSIM_BINARY, 0) == 0);
  const std::filesystem::path folder =
      std::filesystem::path(command.substr(command.rfind(' ') + 1)).parent_path();
  for (const char* file : {"failure.json", "decisions.json", "shrunk.json", "repro.json"})
    CHECK(std::filesystem::exists(folder / file));
  CHECK(std::filesystem::exists(dir / "report.json"));
  CHECK(testing::read_file((dir / "junit.xml").string()).find("replay: " + command) !=
        std::string::npos);

  // The replay: no randomness, the same failure; any seed gives the same trace and digest.
  const auto a = testing::run_command(command);
  const auto b = testing::run_command(command + " --seed 12345");
  CHECK(a.exit_code == 1);
  const std::regex seed("seed [0-9]+ digest");
  CHECK(std::regex_replace(a.output, seed, "digest") ==
        std::regex_replace(b.output, seed, "digest"));
  CHECK(a.output.find("FAILED expect /expect/properties/0: expected no_handler_error") !=
        std::string::npos);
  CHECK(a.output.find("cannot handle message (TRANSACTION) while in state: created") !=
        std::string::npos);
  const std::string failure = testing::read_file((folder / "failure.json").string());
  CHECK(failure.find("\"property\": \"no_handler_error\"") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz: nothing found exits 0, the summary reports runs, traces and coverage") {
  const auto dir = temp_dir("pass");
  const auto r = testing::run_command(ccsim_cmd("fuzz " + kBenign30 +
                                                " --runs 200 -q --strategy random,pct:2 --out " +
                                                dir.string() + " --check-determinism 4"));
  CHECK(r.exit_code == 0);
  CHECK(r.output.find(kBenign30 + ": 200 runs (random,pct:2, seed 1)") != std::string::npos);
  CHECK(r.output.find("distinct traces") != std::string::npos);
  CHECK(r.output.find("handler transitions") != std::string::npos);
  CHECK(r.output.find("determinism: 4 runs rerun twice, identical") != std::string::npos);
  CHECK(r.output.find("FAILED") == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz --shard and merge: the merged report equals the unsharded one") {
  const auto dir = temp_dir("shards");
  const std::string base = "fuzz " + kBenign25 + " --runs 240 -q --seed 3 ";
  const auto whole =
      testing::run_command(ccsim_cmd(base + "-j 2 --out " + (dir / "whole").string()));
  CHECK(whole.exit_code == 1);
  std::string reports;
  for (int k = 1; k <= 2; ++k) {
    const std::string out = (dir / ("part" + std::to_string(k))).string();
    const auto part = testing::run_command(
        ccsim_cmd(base + "-j 1 --shard " + std::to_string(k) + "/2 --out " + out));
    CHECK(part.exit_code <= 1);
    reports += " " + out + "/report.json";
  }
  const auto merged = testing::run_command(
      ccsim_cmd("merge" + reports + " --report " + (dir / "merged.json").string()));
  CHECK(merged.exit_code == 1);
  // Equal but for where artifacts were written and the timing.
  const auto normalise = [&](std::string text) {
    text = std::regex_replace(text, std::regex("\"elapsed_seconds\": [0-9.e+-]+"), "");
    text = std::regex_replace(text, std::regex("\"runs_per_second\": ([0-9]+|null),?"), "");
    text = std::regex_replace(text, std::regex(dir.string() + "/(whole|part[12])"), "OUT");
    return text;
  };
  CHECK(normalise(testing::read_file((dir / "merged.json").string())) ==
        normalise(testing::read_file((dir / "whole" / "report.json").string())));
  // A missing shard is bad input.
  const auto missing =
      testing::run_command(ccsim_cmd("merge " + (dir / "part1" / "report.json").string()));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("cannot merge: shards missing: 2/2") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz: bad flags and bad files exit 2 with a clear message") {
  const auto dir = temp_dir("bad");
  const std::string out = " -q --out " + dir.string();
  const struct {
    std::string args;
    std::string message;
  } cases[] = {
      {"fuzz", "ccsim: fuzz takes one or more scenario files"},
      {"fuzz " + kBenign30 + " --runs 0" + out, "ccsim: --runs must be at least 1, got 0"},
      {"fuzz " + kBenign30 + " --runs many" + out,
       "ccsim: the argument ('many') for option '--runs' is invalid"},
      {"fuzz " + kBenign30 + " --jobs 0" + out, "ccsim: --jobs must be at least 1, got 0"},
      {"fuzz " + kBenign30 + " --shard 3/2" + out,
       "ccsim: bad shard \"3/2\": expected K/N with 1 <= K <= N"},
      {"fuzz " + kBenign30 + " --strategy chaos" + out,
       "ccsim: bad strategy \"chaos\": unknown strategy (expected portfolio, random, pct, pct:D, "
       "tie-window or tie-window:DURATION, comma-separated)"},
      {"fuzz " + kBenign30 + " --strategy pct:0" + out,
       "ccsim: bad strategy \"pct:0\": the depth is an integer from 1 to 64"},
      {"fuzz " + kBenign30 + " --check-determinism 0" + out,
       "ccsim: --check-determinism must be at least 1, got 0"},
      {"fuzz " + kBenign30 + " --frobnicate" + out, "ccsim: unrecognised option '--frobnicate'"},
      {"fuzz " + (dir / "absent.json").string() + out,
       (dir / "absent.json").string() + ": no such file"},
      {"merge", "ccsim: merge takes the report.json of every shard"},
      {"merge " + kBenign30,
       kBenign30 + ": not a ccsim fuzz report (no \"ccsim_fuzz_report\" key)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    const auto r = testing::run_command(ccsim_cmd(c.args));
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.message) != std::string::npos);
    CAPTURE(r.output);
  }
  // Nothing ran: no report was written.
  CHECK_FALSE(std::filesystem::exists(dir / "report.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz progress, not a terminal: a percentage, never 0 runs/s, the last line at 100%") {
  const auto dir = temp_dir("progress");
  // stderr (a pipe here) with stdout: the progress lines are the ones that begin "fuzz ".
  const auto r = testing::run_command(
      ccsim_cmd("fuzz " + kBenign30 + " --runs 300 -j 1 --out " + dir.string()));
  CHECK(r.exit_code == 0);
  std::vector<std::string> progress;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("fuzz ", 0) == 0) progress.push_back(line);
  }
  REQUIRE(!progress.empty());
  for (const std::string& line : progress) {
    CAPTURE(line);
    CHECK(line.find(" runs (") != std::string::npos);
    CHECK(line.find(" 0 runs/s") == std::string::npos);
  }
  // A short campaign under CI: at most a first line and the last one.
  CHECK(progress.size() <= 2);
  CHECK(progress.back().find("300/300 runs (100%), 0 distinct failures, ") != std::string::npos);
  CHECK(progress.back().find(" runs/s") != std::string::npos);
  CHECK(progress.back().find("ETA") == std::string::npos);
  if (progress.size() == 2) CHECK(progress.front().find(", starting") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz: SIGINT, SIGTERM and SIGHUP stop cleanly, keep the artifacts, write the report") {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    CAPTURE(sig);
    const auto dir = temp_dir("signal");
    const std::string err = (dir / "stderr.txt").string();
    // A campaign far too long to finish; its stderr (not a terminal) gets plain progress
    // lines, the first once the handlers are installed.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const std::string out = dir.string();
      std::freopen(err.c_str(), "w", stderr);
      std::freopen("/dev/null", "w", stdout);
      ::execl(CCSIM_BINARY, CCSIM_BINARY, "fuzz", kBenign25.c_str(), "--runs", "100000000", "-j",
              "1", "--out", out.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    // Wait (without bound on time: tests never time anything) for the first progress line.
    while (testing::read_file(err).find(" runs (") == std::string::npos) {
      int status = 0;
      REQUIRE(::waitpid(child, &status, WNOHANG) == 0);  // still running
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(child, sig);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    // Its own exit code, 128 + the signal, whatever it found: an interrupted CI job must not
    // read as passed.
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + sig);
    const std::string report = testing::read_file((dir / "report.json").string());
    CHECK(report.find("\"interrupted\": true") != std::string::npos);
    CHECK(testing::read_file(err).find("ccsim: fuzz interrupted by SIG") != std::string::npos);
    // Every artifact folder is whole; no temporary file or folder is left.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      CAPTURE(name);
      CHECK(name.find(".tmp.") == std::string::npos);
      if (entry.is_directory() && name.rfind("no_handler_error-", 0) == 0) {
        CHECK(std::filesystem::exists(entry.path() / "repro.json"));
      }
    }
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("fuzz --jobs: capped at the hardware threads, more with --oversubscribe, at most 256") {
  const auto dir = temp_dir("jobs");
  const std::string base = "fuzz " + kBenign30 + " --runs 20 -q --out " + dir.string();
  const unsigned hardware = std::max(1U, std::thread::hardware_concurrency());
  const auto capped = testing::run_command(ccsim_cmd(base + " --jobs 100000 --oversubscribe"));
  CHECK(capped.exit_code == 2);
  CHECK(capped.output.rfind("ccsim: --jobs takes at most 256 (with --oversubscribe), got 100000\n",
                            0) == 0);
  const auto many = testing::run_command(ccsim_cmd(base + " --jobs 100000"));
  CHECK(many.exit_code == 0);
  CHECK(many.output.rfind("ccsim: --jobs 100000 capped at " + std::to_string(hardware) +
                              ", this machine's hardware threads (--oversubscribe allows up to "
                              "256)\n",
                          0) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz: threads the system refuses leave a smaller pool, never a hang") {
  // As an unprivileged user whose process limit allows three threads (root has none): the
  // campaign asks for 64 and runs on the ones it gets. Needs root to switch users.
  const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  if (::geteuid() != 0 || testing::run_command("command -v setpriv").exit_code != 0 ||
      testing::run_command(as_nobody + "test -x " CCSIM_BINARY).exit_code != 0) {
    MESSAGE("skipped: needs root, setpriv, and a build the unprivileged user can run");
    return;
  }
  const auto dir = temp_dir("nproc");
  std::filesystem::permissions(dir, std::filesystem::perms::all);
  const auto r = testing::run_command(as_nobody + "bash -c 'ulimit -u 3 && " +
                                      ccsim_cmd("fuzz " + kBenign30 +
                                                " --runs 200 --jobs 64 --oversubscribe -q --out " +
                                                dir.string()) +
                                      "'");
  CAPTURE(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find(" of 64 worker threads ran: the system refused to start more\n") !=
        std::string::npos);
  CHECK(r.output.find("200 runs") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "fuzz: same-named scenarios get their own artifact folders, each repro its own scenario") {
  const auto dir = temp_dir("names");
  // Two different scenarios with one "name": the second gets "<name>-2".
  const std::string text = testing::read_file(kBenign25);
  const auto a = dir / "a.json";
  const auto b = dir / "b.json";
  std::ofstream(a) << text;
  std::string other = text;
  other.insert(other.rfind('}'), ", \"seed\": 1");
  std::ofstream(b) << other;
  const auto r = testing::run_command(ccsim_cmd("fuzz " + a.string() + " " + b.string() +
                                                " --runs 300 -q --out " + (dir / "out").string()));
  CHECK(r.exit_code == 1);
  const auto first = dir / "out" / "cold_start_two_proposals.2.5";
  const auto second = dir / "out" / "cold_start_two_proposals.2.5-2";
  REQUIRE(std::filesystem::is_directory(first));
  REQUIRE(std::filesystem::is_directory(second));
  for (const auto& [folder, file] : {std::pair{first, a}, std::pair{second, b}}) {
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      const std::string repro = testing::read_file((entry.path() / "repro.json").string());
      CHECK(repro.find("Fuzzing repro of " + file.string() + ":") != std::string::npos);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz: two outputs naming one file are refused, stale temporaries are cleared") {
  const auto dir = temp_dir("outputs");
  const auto same =
      testing::run_command(ccsim_cmd("fuzz " + kBenign30 + " --runs 5 -q --out " + dir.string() +
                                     " --junit " + (dir / "report.json").string()));
  CHECK(same.exit_code == 2);
  CHECK(same.output == "ccsim: " + (dir / "report.json").string() +
                           ": named by both --report and --junit; give each output its own "
                           "file\n");
  // Left by a ccsim killed while writing (no such process now), and one of a live process.
  const auto stale = dir / "cold_start_two_proposals.3.0" / ".expect-12345678.tmp.2147483646";
  const auto live = dir / (".report.json.tmp." + std::to_string(::getpid()));
  std::filesystem::create_directories(stale);
  std::ofstream(live) << "x";
  CHECK(testing::run_command(ccsim_cmd("fuzz " + kBenign30 + " --runs 5 -q --out " + dir.string()))
            .exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz: a full disk stops the campaign with a message naming the path, exit 2") {
  const auto dir = temp_dir("full");
  // A file size limit of 1 KiB: the first artifact's files do not fit, nor does the report.
  const auto r = testing::run_command(
      "ulimit -f 1 && " +
      ccsim_cmd("fuzz " + kBenign25 + " --runs 100000000 -j 1 -q --out " + dir.string()));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("ccsim: fuzz stopped: " + dir.string() + "/cold_start_two_proposals.2.5/") !=
        std::string::npos);
  CHECK(r.output.find(": error while writing output file: File too large\n") != std::string::npos);
  CHECK(r.output.find("ccsim: " + dir.string() +
                      "/report.json: error while writing output file: File too large\n") !=
        std::string::npos);
  CHECK(r.output.find("interrupted: the report covers the runs done so far") != std::string::npos);
  // Nothing partial is left: no artifact folder, no temporary.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    CAPTURE(entry.path());
    CHECK(entry.path().parent_path() == dir);  // only the scenario's (empty) folder
  }
  // With room for the report but not for the JUnit file (a device that is always full).
  const auto junit = testing::run_command(ccsim_cmd("fuzz " + kBenign30 + " --runs 20 -q --out " +
                                                    dir.string() + " --junit /dev/full"));
  CHECK(junit.exit_code == 2);
  CHECK(junit.output.find(
            "ccsim: /dev/full: error while writing output file: No space left on device\n") !=
        std::string::npos);
  CHECK(testing::read_file((dir / "report.json").string()).find("\"runs\": 20") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("shrink: a repro with its whole decision log shrinks to the artifact's shrunk list") {
  const auto dir = temp_dir("shrink");
  const auto r = testing::run_command(
      ccsim_cmd("fuzz " + kBenign25 + " --runs 300 -q --strategy random --out " + dir.string()));
  REQUIRE(r.exit_code == 1);
  std::filesystem::path folder;
  for (const auto& e : std::filesystem::directory_iterator(dir / "cold_start_two_proposals.2.5")) {
    if (e.path().filename().string().rfind("no_handler_error-", 0) == 0) folder = e.path();
  }
  REQUIRE(!folder.empty());
  // The repro, with its replay section replaced by the whole log (decisions.json).
  const std::string repro = testing::read_file((folder / "repro.json").string());
  const std::size_t at = repro.find("\"replay\": ");
  REQUIRE(at != std::string::npos);
  const std::string whole = repro.substr(0, at) + "\"replay\": " +
                            testing::read_file((folder / "decisions.json").string()) + "}\n";
  const auto whole_path = dir / "whole.json";
  std::ofstream(whole_path) << whole;
  const auto out = dir / "reshrunk.json";
  const auto shrunk = testing::run_command(ccsim_cmd(
      "shrink " + whole_path.string() + " --property no_handler_error --out " + out.string()));
  CHECK(shrunk.exit_code == 1);
  CHECK(shrunk.output.find("no_handler_error: ") != std::string::npos);
  // The same 1-minimal list as the campaign's: shrinking is deterministic.
  const auto count_keys = [](const std::string& text) {
    std::size_t n = 0;
    for (std::size_t p = text.find("\"key\""); p != std::string::npos;
         p = text.find("\"key\"", p + 1))
      ++n;
    return n;
  };
  const std::string again = testing::read_file(out.string());
  REQUIRE(again.find("\"replay\": ") != std::string::npos);
  CHECK(count_keys(again.substr(again.find("\"replay\": "))) ==
        count_keys(testing::read_file((folder / "shrunk.json").string())));
  CHECK(again.find("(repro: no_handler_error) (repro:") == std::string::npos);
  const auto replayed = testing::run_command(ccsim_cmd("run --quiet " + out.string()));
  CHECK(replayed.exit_code == 1);
  CHECK(replayed.output.find("expected no_handler_error") != std::string::npos);
  // A scenario without a replay section is bad usage.
  const auto none = testing::run_command(ccsim_cmd("shrink " + kBenign30));
  CHECK(none.exit_code == 2);
  CHECK(none.output.find("has no \"replay\" section to shrink") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz --save-failures: each new repro saved once, an existing file kept, both replay") {
  const auto dir = temp_dir("save");
  const auto saved_dir = dir / "regressions";
  const std::string cmd = "fuzz " + kBenign25 + " --runs 300 -j 2 -q --out " +
                          (dir / "out").string() + " --save-failures " + saved_dir.string();
  const auto first = testing::run_command(ccsim_cmd(cmd));
  CHECK(first.exit_code == 1);
  // 2.5's TRANSACTION before READY, in created and in established, and the broken expect
  // (tests/explore/pinned_campaigns_test.cpp reads the same campaign at 400 runs).
  std::vector<std::filesystem::path> saved;
  for (const auto& e : std::filesystem::directory_iterator(saved_dir))
    saved.push_back(e.path());
  std::sort(saved.begin(), saved.end());
  REQUIRE(saved.size() >= 2);
  for (const auto& path : saved) {
    const std::string name = path.filename().string();
    INFO(name);
    // <scenario folder>.<property>-<8 hex>.json, the artifact folder's name flattened.
    CHECK(std::regex_match(
        name, std::regex(R"(cold_start_two_proposals\.2\.5\.[a-z_]+-[0-9a-f]{8}\.json)")));
    CHECK(first.output.find("saved: " + path.string() + "\n") != std::string::npos);
    // The same bytes as the artifact's repro.json.
    std::string folder = name.substr(std::string("cold_start_two_proposals.2.5.").size());
    folder.erase(folder.size() - 5);
    CHECK(testing::read_file(path.string()) ==
          testing::read_file(
              (dir / "out" / "cold_start_two_proposals.2.5" / folder / "repro.json").string()));
    // Replayed, it fails as the campaign's run did.
    const auto replay = testing::run_command(ccsim_cmd("run -q " + path.string()));
    CHECK(replay.exit_code == 1);
    CHECK(replay.output.find("FAILED expect") != std::string::npos);
  }
  // A second campaign finds the same failures: it keeps the files (one edited by the user
  // here) and lists none as saved.
  write_file(saved.front().string(), testing::read_file(saved.front().string()) + "\n");
  const std::string edited = testing::read_file(saved.front().string());
  const auto second = testing::run_command(ccsim_cmd(cmd));
  CHECK(second.exit_code == 1);
  CHECK(second.output.find("saved: ") == std::string::npos);
  CHECK(testing::read_file(saved.front().string()) == edited);
  std::size_t after = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(saved_dir))
    ++after;
  CHECK(after == saved.size());
  // A file where the directory should be: exit 2 before anything runs.
  const auto blocked = testing::run_command(ccsim_cmd("fuzz " + kBenign25 + " --runs 10 -q --out " +
                                                      (dir / "o2").string() + " --save-failures " +
                                                      saved.front().string()));
  CHECK(blocked.exit_code == 2);
  CHECK(blocked.output.find(saved.front().string() + ": cannot create directory") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("fuzz --profile: a repro names the release it failed under, and replays under it") {
  const auto dir = temp_dir("profile");
  // 1.4 queues a proposal that arrives during the launch; 1.1 refuses it (premature execution).
  const std::string file = testing::source_path("scenarios/fuzz/cold_start_during_launch.1.4.json");
  const auto own = testing::run_command(
      ccsim_cmd("fuzz " + file + " --runs 200 -j 1 -q --out " + (dir / "a").string()));
  CHECK(own.exit_code == 0);
  const auto v11 = testing::run_command(ccsim_cmd(
      "fuzz " + file + " --profile 1.1 --runs 200 -j 1 -q --out " + (dir / "b").string()));
  CHECK(v11.exit_code == 1);
  std::smatch m;
  REQUIRE(std::regex_search(v11.output, m, std::regex("replay: (.*)\n")));
  const std::string repro = m[1].str().substr(m[1].str().rfind(' ') + 1);
  CHECK(testing::read_file(repro).find("\"profile\": \"1.1\"") != std::string::npos);
  const auto replay = testing::run_command(ccsim_cmd("run -q " + repro));
  CHECK(replay.exit_code == 1);
  CHECK(replay.output.find("premature execution") != std::string::npos);
  // Two campaigns of one file under two releases are not shards of one campaign.
  const std::string a = testing::read_file((dir / "a" / "report.json").string());
  const std::string b = testing::read_file((dir / "b" / "report.json").string());
  const std::regex sha("\"scenario_sha256\": \"([0-9a-f]{64})\"");
  std::smatch ma, mb;
  REQUIRE(std::regex_search(a, ma, sha));
  REQUIRE(std::regex_search(b, mb, sha));
  CHECK(ma[1].str() != mb[1].str());
  std::filesystem::remove_all(dir);
}
