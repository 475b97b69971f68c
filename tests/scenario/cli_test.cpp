// The ccsim program as a user meets it: exit codes, one-line errors, byte-identical replays.
#include <sys/stat.h>
#include <filesystem>
#include <regex>
#include <sstream>

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace ccsim;

namespace {
std::string ccsim_cmd(const std::string& args) {
  return std::string(CCSIM_BINARY) + " " + args;
}

std::filesystem::path temp_dir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}
}  // namespace

TEST_CASE("run invoke_basic: exit 0, and two runs print identical bytes") {
  const std::string cmd = ccsim_cmd(testing::source_path("scenarios/invoke_basic.json"));
  const auto a =
      testing::run_command(ccsim_cmd("run " + testing::source_path("scenarios/invoke_basic.json")));
  const auto b =
      testing::run_command(ccsim_cmd("run " + testing::source_path("scenarios/invoke_basic.json")));
  CHECK(a.exit_code == 0);
  CHECK(a.output == b.output);
  CHECK(a.output.find("outcome tx1 at 0.507000000s status=200") != std::string::npos);
}

TEST_CASE("run --jsonl writes the trace file, --quiet prints outcomes only") {
  const auto dir = temp_dir();
  const auto out = dir / "t.jsonl";
  const auto r = testing::run_command(
      ccsim_cmd("run --quiet " + testing::source_path("scenarios/invoke_basic.json") + " --jsonl " +
                out.string()));
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("deliver") == std::string::npos);
  CHECK(r.output.rfind("outcome tx1", 0) == 0);
  const std::string jsonl = testing::read_file(out.string());
  CHECK(jsonl.find("\"event\":\"end\"") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "run --summary prints the proposals' table before the outcomes, with or without --quiet") {
  const std::string file = testing::source_path("scenarios/invoke_basic.json");
  const auto quiet = testing::run_command(ccsim_cmd("run --quiet --summary " + file));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.output.find("deliver") == std::string::npos);
  CHECK(quiet.output.rfind("summary: ", 0) == 0);
  const auto table = quiet.output.find("\n  txid ");
  const auto outcomes = quiet.output.find("\noutcome tx1 ");
  REQUIRE(table != std::string::npos);
  REQUIRE(outcomes != std::string::npos);
  CHECK(table < outcomes);
  const auto full = testing::run_command(ccsim_cmd("run --summary " + file));
  CHECK(full.exit_code == 0);
  CHECK(full.output.find("deliver") < full.output.find("\nsummary: "));
  // The digest does not depend on what is printed.
  CHECK(full.output.substr(full.output.rfind("seed ")) ==
        quiet.output.substr(quiet.output.rfind("seed ")));
}

TEST_CASE("bad input: one line naming the file, exit 2, no output file") {
  const auto dir = temp_dir();
  const auto out = dir / "out.jsonl";
  const auto bad_json = dir / "bad.json";
  write(bad_json, "{ \"chaincodes\": [ }");
  const auto unknown_cc = dir / "unknown.json";
  write(unknown_cc,
        R"({"chaincodes": [ { "name": "cc", "functions": { "f": [ { "get_stat": "k" } ] } } ],
            "proposals": [ { "chaincode": "cc", "function": "f" } ]})");

  struct Case {
    std::string file;
    std::string expected;
  };
  const Case cases[] = {
      {(dir / "missing.json").string(), (dir / "missing.json").string() + ": no such file\n"},
      {dir.string(), dir.string() + ": is a directory, not a scenario file\n"},
      // Column 19 is the "}" that cannot end an array.
      {bad_json.string(), bad_json.string() + ":1:19: invalid JSON: "},
      // Column 58 is where the key "get_stat" begins.
      {unknown_cc.string(), unknown_cc.string() +
                                ":1:58: /chaincodes/0/functions/f/0/get_stat: unknown key "
                                "\"get_stat\" (did you mean \"get_state\"?)\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const auto r = testing::run_command(ccsim_cmd("run " + c.file + " --jsonl " + out.string()));
    CHECK(r.exit_code == 2);
    CHECK(r.output.rfind(c.expected, 0) == 0);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK(!std::filesystem::exists(out));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("usage errors exit 2, a failed expectation exits 1") {
  CHECK(testing::run_command(ccsim_cmd("")).exit_code == 2);
  CHECK(testing::run_command(ccsim_cmd("frobnicate")).exit_code == 2);
  CHECK(testing::run_command(ccsim_cmd("run")).exit_code == 2);
  CHECK(testing::run_command(
            ccsim_cmd("run --seed=x " + testing::source_path("scenarios/invoke_basic.json")))
            .exit_code == 2);

  const auto dir = temp_dir();
  const auto wrong = dir / "wrong.json";
  write(wrong, R"({"chaincodes": [ { "name": "mycc", "functions": { "f": [] } } ],
                   "proposals": [ { "chaincode": "mycc", "function": "f" } ],
                   "expect": { "outcomes": { "tx1": { "status": 500 } } }})");
  const auto r = testing::run_command(ccsim_cmd("run " + wrong.string()));
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("FAILED expect /expect/outcomes/tx1/status: expected 500, got 200") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("--seed takes a decimal integer from 0 to 2^64 - 1 and nothing else") {
  const std::string file = testing::source_path("scenarios/invoke_basic.json");
  for (const char* bad : {"-1", "18446744073709551616", "1e3", "+5", "0x10"}) {
    CAPTURE(bad);
    for (const char* command : {"run --quiet ", "fuzz --runs 1 --quiet --out /nonexistent/x "}) {
      const auto r = testing::run_command(ccsim_cmd(command + file + " --seed " + bad));
      CHECK(r.exit_code == 2);
      CHECK(r.output.rfind("ccsim: --seed takes an integer from 0 to 18446744073709551615, got \"" +
                               std::string(bad) + "\"\n",
                           0) == 0);
    }
  }
  const auto top =
      testing::run_command(ccsim_cmd("run --quiet " + file + " --seed 18446744073709551615"));
  CHECK(top.exit_code == 0);
  CHECK(top.output.find("seed 18446744073709551615 digest ") != std::string::npos);
}

TEST_CASE("run --quiet keeps no trace but prints the same outcomes, seed and digest") {
  for (const char* name : {"scenarios/invoke_basic.json", "scenarios/bench/ten_proposals.json",
                           "scenarios/handlers/keepalive.json"}) {
    CAPTURE(name);
    const std::string file = testing::source_path(name);
    const auto loud = testing::run_command(ccsim_cmd("run " + file + " --seed 7"));
    const auto quiet = testing::run_command(ccsim_cmd("run --quiet " + file + " --seed 7"));
    CHECK(loud.exit_code == quiet.exit_code);
    // The text after the trace's blank line is what --quiet prints.
    const auto tail = loud.output.substr(loud.output.find("\n\noutcome ") + 2);
    CHECK(tail == quiet.output);
  }
}

TEST_CASE(
    "outputs: a FIFO or device is written in place, a link followed, two flags one file refused") {
  const auto dir = temp_dir();
  const std::string scenario = testing::source_path("scenarios/invoke_basic.json");
  const std::string run = "run --quiet " + scenario;
  // A symbolic link to a regular file: the file gets the trace, the link stays a link.
  const auto target = dir / "target.jsonl";
  write(target, "old");
  std::filesystem::create_symlink(target, dir / "link.jsonl");
  CHECK(testing::run_command(ccsim_cmd(run + " --jsonl " + (dir / "link.jsonl").string()))
            .exit_code == 0);
  CHECK(std::filesystem::is_symlink(dir / "link.jsonl"));
  CHECK(testing::read_file(target.string()).find("\"event\":\"end\"") != std::string::npos);
  // A link to /dev/null: written through, the device is left alone (renaming over it as root
  // made /dev/null a regular file).
  std::filesystem::create_symlink("/dev/null", dir / "null");
  CHECK(testing::run_command(ccsim_cmd(run + " --jsonl " + (dir / "null").string())).exit_code ==
        0);
  CHECK(std::filesystem::is_symlink(dir / "null"));
  CHECK(std::filesystem::is_character_file("/dev/null"));
  // A FIFO: the reader gets the whole trace, and the FIFO stays one.
  const auto fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto r =
      testing::run_command("(cat " + fifo.string() + " > " + (dir / "read").string() + " &) ; " +
                           ccsim_cmd(run + " --mermaid " + fifo.string()) + " && wait");
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::is_fifo(fifo));
  // A directory is refused before the run, and so is one file named twice.
  const struct {
    std::string flags;
    std::string message;
  } refused[] = {
      {" --jsonl " + dir.string(),
       "ccsim: " + dir.string() + ": cannot be the --jsonl output: is a directory\n"},
      {" --jsonl " + (dir / "a").string() + " --perfetto " + dir.string() + "/./a",
       "ccsim: " + dir.string() +
           "/./a: named by both --jsonl and --perfetto; give each output "
           "its own file\n"},
      {" --mermaid " + (dir / "none" / "x").string(),
       "ccsim: " + (dir / "none" / "x").string() +
           ": cannot be the --mermaid output: no such directory: " + (dir / "none").string() +
           "\n"},
  };
  for (const auto& c : refused) {
    CAPTURE(c.flags);
    const auto bad = testing::run_command(ccsim_cmd(run + c.flags));
    CHECK(bad.exit_code == 2);
    CHECK(bad.output == c.message);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "a"));
  // No temporary file is left beside any output.
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("run: SIGTERM during a long run stops it, writes its outputs whole, exits 143") {
  const auto dir = temp_dir();
  const auto file = dir / "long.json";
  // A KEEPALIVE and its echo every second until a proposal a billion seconds later (until a
  // billion events): the ticker alone would not keep the run going.
  write(file, R"({ "config": { "keepalive": "1s" }, "limits": { "max_events": 1000000000 },
                   "chaincodes": [ { "name": "cc", "functions": { "f": [] } } ],
                   "proposals": [ { "chaincode": "cc", "function": "f" },
                                  { "txid": "late", "chaincode": "cc", "function": "f",
                                    "at": "1000000000s" } ] })");
  const auto out = dir / "t.jsonl";
  const auto r =
      testing::run_command("timeout --preserve-status -s TERM 1 " +
                           ccsim_cmd("run --quiet " + file.string() + " --jsonl " + out.string()) +
                           "; echo \"exit=$?\"");
  CAPTURE(r.output);
  CHECK(r.output.find("limit: run interrupted after ") != std::string::npos);
  CHECK(r.output.find("exit=143") != std::string::npos);
  CHECK(testing::read_file(out.string()).find("\"event\":\"end\"") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("check validates without running") {
  const auto r = testing::run_command(
      ccsim_cmd("check " + testing::source_path("scenarios/invoke_basic.json")));
  CHECK(r.exit_code == 0);
  CHECK(r.output.find(": ok") != std::string::npos);
}

namespace {
// The long options of `ccsim COMMAND --help`, e.g. {"--seed", "--quiet"}.
std::vector<std::string> long_options_of(const std::string& command) {
  const auto help = testing::run_command(ccsim_cmd(command + " --help"));
  REQUIRE(help.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream lines(help.output);
  for (std::string line; std::getline(lines, line);) {
    const auto dash = line.find("--");
    // Option lines start "  --name" or "  -h [ --help ]" (program_options' layout).
    if (dash == std::string::npos || line.find_first_not_of(' ') != line.find('-')) continue;
    const auto end = line.find_first_of(" ]=", dash);
    out.push_back(line.substr(dash, end - dash));
  }
  return out;
}
}  // namespace

TEST_CASE("--version prints the CMake project version, and the commit when built from git") {
  const auto r = testing::run_command(ccsim_cmd("--version"));
  CHECK(r.exit_code == 0);
  const std::regex shape(R"(ccsim [0-9]+\.[0-9]+\.[0-9]+( \(commit [0-9a-f]{12}(-dirty)?\))?\n)");
  CHECK_MESSAGE(std::regex_match(r.output, shape), r.output);
  // The version CMakeLists.txt declares, read from it, not from the program.
  const std::string cmake = testing::read_file(testing::source_path("CMakeLists.txt"));
  std::smatch m;
  REQUIRE(std::regex_search(cmake, m, std::regex(R"(project\(ccsim VERSION ([0-9.]+))")));
  CHECK(r.output.rfind("ccsim " + m[1].str(), 0) == 0);
  // The man page's header names the same version.
  const std::string man = testing::read_file(testing::source_path("docs/ccsim.1"));
  CHECK(man.find(".TH CCSIM 1 \"") != std::string::npos);
  CHECK(man.find("\"ccsim " + m[1].str() + "\"") != std::string::npos);
}

TEST_CASE("the man page and the bash and zsh completions name every option of every command") {
  const std::string man = testing::read_file(testing::source_path("docs/ccsim.1"));
  const std::string bash = testing::read_file(testing::source_path("sim/completions/ccsim.bash"));
  const std::string zsh = testing::read_file(testing::source_path("sim/completions/_ccsim"));
  std::size_t options = 0;
  for (const std::string command : {"run", "check", "fuzz", "merge", "shrink", "import"}) {
    const std::vector<std::string> names = long_options_of(command);
    CHECK_MESSAGE(names.size() >= 2, command);  // --help and at least one more
    for (const std::string& name : names) {
      ++options;
      // roff writes a dash as \-.
      std::string roff;
      for (char c : name)
        roff += c == '-' ? std::string("\\-") : std::string(1, c);
      CHECK_MESSAGE(man.find(roff) != std::string::npos, command << " " << name << " in ccsim.1");
      CHECK_MESSAGE(bash.find(name) != std::string::npos, command << " " << name << " in bash");
      const bool in_zsh = zsh.find("'" + name) != std::string::npos ||
                          zsh.find("\"" + name) != std::string::npos ||
                          zsh.find("," + name) != std::string::npos ||
                          zsh.find("'*" + name) != std::string::npos;  // a repeatable one
      CHECK_MESSAGE(in_zsh, command << " " << name << " in zsh");
    }
  }
  CHECK(options >= 39);  // run 9, check 2, fuzz 16, merge 3, shrink 3, import 6 today
}

// Fabric 1.0's Launch refuses a proposal that arrives while its chaincode registers with
// "premature execution" (core/chaincode/chaincode_support.go, v1.0.0); 1.4 queues it on the
// launch (docs/protocol.md 4.4). --profile reads the same file under another release.
TEST_CASE("run --profile reads the scenario under another Fabric release") {
  const std::string file = testing::source_path("scenarios/fuzz/cold_start_during_launch.1.4.json");
  const auto own = testing::run_command(ccsim_cmd("run --quiet " + file));
  CHECK(own.exit_code == 0);
  CHECK(own.output.find("premature execution") == std::string::npos);
  // The file's latencies are random (1-5ms): seed 1 (unlike the file's seed 2) has tx2 reach
  // the peer before the container's REGISTER, so 1.1 refuses it.
  const auto v11 = testing::run_command(ccsim_cmd("run --quiet --profile 1.1 --seed 1 " + file));
  const auto v14 = testing::run_command(ccsim_cmd("run --quiet --seed 1 " + file));
  CHECK(v14.exit_code == 0);
  INFO(v11.output);
  CHECK(v11.exit_code == 1);
  CHECK(v11.output.find("error=\"premature execution - chaincode (mycc:1.0) launched and "
                        "waiting for registration\"") != std::string::npos);
  const auto bad = testing::run_command(ccsim_cmd("run --quiet --profile 2.0 " + file));
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("ccsim: --profile: unknown profile \"2.0\"; known: 1.0 1.1 1.2 1.4.0 "
                        "1.4 2.5 3.0\n") == 0);
  // check takes it too, and refuses what the release cannot run: 1.0's shim has no private
  // data API (it came in 1.2).
  const std::string calls = testing::source_path("scenarios/handlers/all_state_calls.json");
  CHECK(testing::run_command(ccsim_cmd("check " + calls)).exit_code == 0);
  const auto check = testing::run_command(ccsim_cmd("check --profile 1.0 " + calls));
  CHECK(check.exit_code == 2);
  CHECK(check.output.find("all_state_calls.json:73:38: /chaincodes/0/functions/forget/0/"
                          "del_state/collection: the shim's private data API") !=
        std::string::npos);
  CHECK(check.output.find("profile \"1.0\" does not have it") != std::string::npos);
}
