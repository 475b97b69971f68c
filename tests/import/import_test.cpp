// ccsim import over the corpus of tests/import/logs: peer logs written from Fabric's own
// formats and messages per release (tests/import/README.md cites the source lines). Each case
// imports, loads the scenario, runs it, and checks that the run shows the errors the log shows
// (the chaincode layer's text, which ccsim's outcome holds: <case>.expected.json's
// "ccsim_error", else its "error") and that what succeeded in the log succeeds.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <doctest/doctest.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)  // clang's spelling of gcc's __SANITIZE_ADDRESS__
#define CCSIM_TEST_ASAN 1
#endif
#endif
#include <nlohmann/json.hpp>

#include "../scenario/test_support.hpp"
#include "ccsim/import/importer.hpp"
#include "ccsim/import/log_line.hpp"
#include "ccsim/scenario/loader.hpp"

using namespace ccsim;
using Json = nlohmann::json;

namespace {

std::string corpus(const std::string& name) {
  return testing::source_path("tests/import/logs/" + name);
}

struct Imported {
  import::ImportResult result;
  scenario::RunResult run;
};

Imported import_case(const std::string& name) {
  import::ImportOptions o;
  o.peer_logs = {corpus(name + ".peer.log")};
  if (std::filesystem::exists(corpus(name + ".chaincode.log")))
    o.chaincode_logs = {corpus(name + ".chaincode.log")};
  o.explain = true;
  import::ImportResult result = import::import_logs(o);
  const auto s = scenario::load_text(result.scenario, name + ".json");
  scenario::RunResult run = scenario::run(s, {.seed = 1});
  return Imported{std::move(result), std::move(run)};
}

const fabric::ProposalOutcome* outcome_of(const scenario::RunResult& r, const std::string& txid) {
  for (const auto& o : r.outcomes)
    if (o.txid == txid || (txid.size() >= 8 && o.txid.rfind(txid.substr(0, 8), 0) == 0)) return &o;
  return nullptr;
}

// Checks every transaction of <name>.expected.json with an outcome, except those listed in
// `unmodelled` (short txid -> why), and the release.
void check_case(const std::string& name, const std::set<std::string>& unmodelled = {}) {
  const Json expected = Json::parse(testing::read_file(corpus(name + ".expected.json")));
  const Imported imported = import_case(name);
  INFO(name);
  INFO(imported.result.scenario);
  CHECK(imported.result.profile == expected["release"].get<std::string>());
  CHECK(!imported.result.assumptions.empty());
  std::size_t checked = 0;
  std::set<std::string> seen;
  for (const Json& t : expected["txids"]) {
    const std::string shown = t["shown_as"];
    if (!t.contains("outcome") || t["outcome"].is_null() || unmodelled.count(shown.substr(0, 8)))
      continue;
    if (!seen.insert(shown.substr(0, 8)).second) continue;  // another peer's copy
    const fabric::ProposalOutcome* o = outcome_of(imported.run, t["txid"]);
    REQUIRE_MESSAGE(o != nullptr, shown);
    if (t["outcome"].contains("error")) {
      const std::string want = t.contains("ccsim_error") ? t["ccsim_error"] : t["outcome"]["error"];
      CHECK_MESSAGE(o->error.value_or("(none)") == want, shown);
    } else {
      CHECK_MESSAGE(!o->error.has_value(), shown);
      CHECK_MESSAGE(o->status.value_or(0) == 200, shown);
    }
    ++checked;
  }
  CHECK(checked >= 1);
  // The scenario's own expectations (the outcomes the log shows) hold, unless the log shows
  // what the model cannot do (then its expectation says so, failing).
  if (unmodelled.empty()) {
    const std::string first = imported.run.failures.empty() ? "" : imported.run.failures[0];
    CHECK_MESSAGE(imported.run.passed(), first);
  }
}

std::string import_error(const std::vector<std::string>& files) {
  import::ImportOptions o;
  o.peer_logs = files;
  try {
    import::import_logs(o);
  } catch (const import::ImportError& e) {
    return e.what();
  }
  return "(imported)";
}

// Imports `log` (written to a file of its own), loads the scenario and runs it.
struct FromText {
  import::ImportResult result;
  Json scenario;
  scenario::RunResult run;
};
FromText import_text(const std::string& log, const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-text-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / (name + ".peer.log");
  std::ofstream(file, std::ios::binary) << log;
  import::ImportOptions o;
  o.peer_logs = {file.string()};
  import::ImportResult result = import::import_logs(o);
  std::filesystem::remove_all(dir);
  const auto s = scenario::load_text(result.scenario, name + ".json");
  scenario::RunResult run = scenario::run(s, {.seed = 1});
  Json scenario = Json::parse(result.scenario);
  return FromText{std::move(result), std::move(scenario), std::move(run)};
}

bool assumed(const import::ImportResult& r, const std::string& text) {
  for (const std::string& a : r.assumptions)
    if (a.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

// Fabric 2.5 at DEBUG (common/flogging/global.go's 2.4+ layout, colours on): a launch on the
// first invoke and its success.
TEST_CASE("import: a happy 2.5 invoke at DEBUG, with its launch") {
  check_case("happy_invoke_debug.2.5");
  const Imported i = import_case("happy_invoke_debug.2.5");
  const Json s = Json::parse(i.result.scenario);
  CHECK(s["chaincodes"][0]["package_id"] ==
        "basic_1.0:ee1376e0b63f362a250b7651079967d4ae2b18236b88dd3884e3ee322c47fef8");
  // "start container" at 07.314, REGISTER handled at 08.126: sent 1ms (the latency) before,
  // so the container took 811ms to its REGISTER.
  CHECK(s["chaincodes"][0]["container"]["start"] == "811ms");
  CHECK(!i.result.explained.empty());
  // The handler's DEBUG lines: the chaincode sent GET_STATE (key asset6, HandleGetState's line)
  // and PUT_STATE (its key is not logged), handled at 08.130 and 08.132, then COMPLETED at
  // 08.134. The function sends them in that order, and the peer gets each 2ms apart as in
  // the log.
  const Json& steps = s["chaincodes"][0]["functions"]["tx_ab98d973"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[1] == Json({{"get_state", "asset6"}}));
  CHECK(steps[2]["put_state"]["key"] == "key");
  std::vector<std::int64_t> delivered;
  for (const auto* e : testing::events_of(i.run, kernel::TraceKind::kDeliver, "peer"))
    if (e->type == "GET_STATE" || e->type == "PUT_STATE" || e->type == "COMPLETED")
      delivered.push_back(e->t.ns());
  REQUIRE(delivered.size() == 3);
  CHECK(delivered[1] - delivered[0] == 2'000'000);
  CHECK(delivered[2] - delivered[1] == 2'000'000);
}

// core/chaincode/handler.go (2.5) Execute's timer: 'timeout expired while executing
// transaction', and the late COMPLETED Notify drops ("notifier ... does not exist").
TEST_CASE("import: an execute timeout with a late COMPLETED under 2.5, timeout from the config") {
  check_case("execute_timeout_late_completed.2.5");
  const Json s = Json::parse(import_case("execute_timeout_late_completed.2.5").result.scenario);
  CHECK(s["config"]["execute_timeout"] == "30s");
}

TEST_CASE("import: a startup timeout under 1.4, its value inferred from when it fired") {
  check_case("startup_timeout.1.4");
  const Imported i = import_case("startup_timeout.1.4");
  const Json s = Json::parse(i.result.scenario);
  CHECK(s["config"]["startup_timeout"] == "300s");
  CHECK(s["chaincodes"][0]["container"]["never_registers"] == true);
}

// runtime_launcher.go from 1.4.1 (FAB-13238): 'container exited with 2'.
TEST_CASE("import: a container that exits before REGISTER under 1.4") {
  check_case("container_exit_before_register.1.4");
  const Json s = Json::parse(import_case("container_exit_before_register.1.4").result.scenario);
  CHECK(s["chaincodes"][0]["container"]["exit_before_register"]["code"] == 2);
}

// chaincode_support.go Launch (1.0.x, 1.1): a proposal during a launch is refused.
TEST_CASE("import: premature execution under 1.0 and 1.1") {
  check_case("premature_execution.1.0");
  check_case("premature_execution.1.1");
}

// handler_registry.go Launching (1.2): 'chaincode mycc:1.0 has already been launched'.
TEST_CASE("import: has already been launched under 1.2") {
  check_case("already_launched.1.2");
}

TEST_CASE("import: a stream terminated under load in 1.4, as a terminate_stream fault") {
  check_case("stream_terminated_under_load.1.4");
  const Json s = Json::parse(import_case("stream_terminated_under_load.1.4").result.scenario);
  REQUIRE(s.contains("faults"));
  CHECK(s["faults"][0]["action"] == "terminate_stream");
}

// extcc (2.5): the peer dials a chaincode server. The log shows a refused dial, then, 95s
// later, one that times out: service.while_down gets a phase for each, and both replay.
TEST_CASE("import: chaincode-as-a-service dial failures under 2.5") {
  check_case("ccaas_dial_failure.2.5");
  const Imported i = import_case("ccaas_dial_failure.2.5");
  const Json s = Json::parse(i.result.scenario);
  const Json& service = s["chaincodes"][0]["service"];
  CHECK(service["address"] == "172.18.0.9:9999");
  REQUIRE(service["while_down"].is_array());
  REQUIRE(service["while_down"].size() == 2);
  CHECK(service["while_down"][0] == Json({{"from", "0"}, {"as", "refuse"}}));
  CHECK(service["while_down"][1]["as"] == "drop");
  CHECK(service["dial_timeout"] == "3s");
  bool said = false;
  for (const std::string& a : i.result.assumptions)
    said = said || a.find("failed both by refusal and by timeout") != std::string::npos;
  CHECK(said);
}

// 3.1.4, an excerpt at INFO with no version block: only the stack frames
// (fabric-protos-go-apiv2, Fabric 3.0 on) tell it from 2.5. Two launches each fail with the
// container exiting before REGISTER.
TEST_CASE("import: a 3.1 excerpt is known by its stack frames") {
  check_case("container_exit_excerpt.3.1");
  const Imported i = import_case("container_exit_excerpt.3.1");
  CHECK(i.result.profile_reason.find("fabric-protos-go-apiv2") != std::string::npos);
  const Json s = Json::parse(i.result.scenario);
  CHECK(s["chaincodes"][0]["container"]["exit_before_register"]["code"] == 1);
}

TEST_CASE("import: a log without timestamps, and interleaved peers (compose and kubectl)") {
  check_case("no_timestamps.2.5");
  const Imported untimed = import_case("no_timestamps.2.5");
  bool said = false;
  for (const std::string& a : untimed.result.assumptions)
    said = said || a.find("no timestamps") != std::string::npos;
  CHECK(said);
  // The first peer with a chaincode line is modelled; the other is listed, and --peer takes it.
  const std::pair<const char*, const char*> logs[] = {
      {"interleaved_peers.2.5", "peer0.org2.example.com"},
      {"interleaved_peers_kubectl.2.5", "peer0-org2-5f8b9c6d7-m4xtw"}};
  for (const auto& log : logs) {
    // Not a structured binding: clang 14 cannot capture one in doctest's message lambdas.
    const char* name = log.first;
    const char* other_peer = log.second;
    check_case(name);
    const Imported i = import_case(name);
    bool listed = false;
    for (const std::string& s : i.result.skipped)
      listed = listed || s.rfind(std::string("another peer, ") + other_peer + ":", 0) == 0;
    CHECK_MESSAGE(listed, name);
    import::ImportOptions o;
    o.peer_logs = {corpus(std::string(name) + ".peer.log")};
    o.peer = other_peer;
    const Json s = Json::parse(import::import_logs(o).scenario);
    // That peer took 1216ms over 1a907438 (the first one 6ms): its chaincode ran that long
    // less the two 1ms hops of TRANSACTION and COMPLETED.
    CHECK_MESSAGE(s["chaincodes"][0]["functions"]["tx_1a907438"][0]["sleep"] == "1214ms", name);
  }
}

// A log cut at both ends: the first record's header is gone, so its error's innermost text
// is not in the log; what is left still imports, and the rest runs.
TEST_CASE("import: a truncated log imports what it shows and says what it could not") {
  // The first record's outer layers name 45448fa9 ("failed to execute transaction"): it is
  // expected to fail with them, and its late COMPLETED says it timed out, so the run's error
  // is the whole text the expected file gives.
  check_case("truncated.2.5");
  const Imported i = import_case("truncated.2.5");
  CHECK(assumed(i.result, "45448fa9: the log starts inside its error's record"));
  CHECK(i.result.profile == "2.5");
  CHECK(outcome_of(i.run, "41423673") != nullptr);
  bool said = false;
  for (const std::string& a : i.result.assumptions)
    said = said || a.find("41423673: outcome not in the log") != std::string::npos;
  CHECK(said);
}

// The shapes of logs as users post them in issues (each written here from Fabric's formats and
// messages at the release named; docs/import.md lists them). A 1.4 instantiate copied from the
// IBM Blockchain Platform VS Code extension's output panel: lscc's deploy launched the new
// chaincode, and its startup timeout is the proposal's error (endorser.go simulateProposal,
// chaincode_support.go Launch, v1.4.12). The excerpt lacks lscc's Exit line: the
// ProcessProposal gRPC line after the error gives when the proposal arrived
// (common/grpclogging/server.go, grpc.call_duration).
TEST_CASE("import: a 1.4 instantiate (lscc) from the VS Code output panel") {
  const std::string p = "[8/10/2020 2:58:33 am] [INFO] 1org_peer0.org1.example.com|";
  const std::string log =
      p +
      "2020-10-07 21:22:53.473 UTC [endorser] callChaincode -> INFO 0c3 [mychannel][ed0ce65e] "
      "Entry chaincode: name:\"lscc\" \n" +
      p +
      "2020-10-07 21:28:33.159 UTC [endorser] SimulateProposal -> ERRO 0c7 "
      "[mychannel][ed0ce65e] failed to invoke chaincode name:\"lscc\" , error: timeout "
      "expired while starting chaincode yup:0.0.1 for transaction\n" +
      p + "github.com/hyperledger/fabric/core/chaincode.(*RuntimeLauncher).Launch\n" + p +
      "\t/opt/gopath/src/github.com/hyperledger/fabric/core/chaincode/runtime_launcher.go:75\n" +
      p +
      "2020-10-07 21:28:33.160 UTC [comm.grpc.server] 1 -> INFO 0c8 unary call completed "
      "grpc.service=protos.Endorser grpc.method=ProcessProposal "
      "grpc.peer_address=172.19.0.1:46704 grpc.code=OK grpc.call_duration=5m39.687201s\n";
  const FromText i = import_text(log, "vscode");
  REQUIRE(i.scenario["proposals"].size() == 1);
  const Json& proposal = i.scenario["proposals"][0];
  CHECK(proposal["init"] == true);
  CHECK(proposal["chaincode"] == "yup");
  CHECK(i.scenario["chaincodes"][0]["version"] == "0.0.1");
  // Arrived 5m39.687s before the gRPC line: 21:22:53.473, as the Entry line shows.
  CHECK(proposal["at"] == "0");
  CHECK(i.scenario["expect"]["outcomes"]["ed0ce65e"]["error_contains"] ==
        "timeout expired while starting chaincode yup:0.0.1 for transaction");
  CHECK(i.run.passed());
}

// microfab prefixes "[ org1peer] " before each line; a 1.x line without a timestamp starts
// "[module] " and keeps it. 2.0-2.3 (the module-first layout) name no transaction in the
// error line, and a %+v copied from a web page indents its frames with spaces; the excerpt
// ends before the "failed to execute transaction" layer.
TEST_CASE("import: a 2.2 launch failure from microfab, its record cut") {
  const std::string p = "[ org1peer] ";
  const std::string hash = std::string(64, 'a');
  const std::string log =
      p +
      "2020-10-26 09:44:02.047 UTC [endorser] callChaincode -> INFO 099 finished chaincode: "
      "emissions duration: 2420ms channel=utilities txID=d6c2483d\n" +
      p +
      "2020-10-26 09:44:02.048 UTC [endorser] SimulateProposal -> ERRO 09a failed to invoke "
      "chaincode emissions, error: container exited with 1\n" +
      p + "github.com/hyperledger/fabric/core/chaincode.(*RuntimeLauncher).Launch.func1\n" + p +
      "        /go/src/github.com/hyperledger/fabric/core/chaincode/runtime_launcher.go:118\n" + p +
      "runtime.goexit\n" + p + "        /usr/local/go/src/runtime/asm_amd64.s:1373\n" + p +
      "chaincode registration failed\n" + p + "could not launch chaincode emissions_1.0:" + hash +
      "\n" + p + "github.com/hyperledger/fabric/core/chaincode.(*ChaincodeSupport).Launch\n";
  const FromText i = import_text(log, "microfab");
  CHECK(i.result.profile == "2.5");
  const Json& cc = i.scenario["chaincodes"][0];
  CHECK(cc["package_id"] == "emissions_1.0:" + hash);
  CHECK(cc["version"] == "1.0");
  CHECK(cc["container"]["exit_before_register"]["code"] == 1);
  CHECK(i.scenario["proposals"][0]["txid"] == "d6c2483d");
  CHECK(i.scenario["expect"]["outcomes"]["d6c2483d"]["error_contains"] ==
        "could not launch chaincode emissions_1.0:" + hash +
            ": chaincode registration failed: container exited with 1");
  CHECK(assumed(i.result, "d6c2483d: its error line names no transaction"));
  CHECK(i.run.passed());

  import::LogLineReader reader;
  const auto line = reader.parse(p + "2021-01-25 08:02:05.741 UTC [chaincode] x -> ERRO 17d m", 1);
  REQUIRE(line.has_value());
  CHECK(line->source == "org1peer");
  const auto bare = reader.parse("[endorser] callChaincode -> INFO 4c1 message", 1);
  REQUIRE(bare.has_value());
  CHECK(bare->module == "endorser");
  CHECK(bare->source.empty());
}

// 1.1's launch timeout names the chaincode with the peer's network and peer IDs and the
// transaction (chaincode_support.go launchAndWaitForRegister, v1.1.0): the scenario takes
// them into config, so the run's error has the log's text.
TEST_CASE("import: a 1.1 launch timeout, its peer named in the error") {
  const std::string text =
      "timeout expired while starting chaincode certs:0.0.1(networkid:dev,peerid:peer0.org1."
      "example.com,tx:202f18c582cad272d1487cb4648bcdc984429751793bed46fac288f981c9d629)";
  const FromText i = import_text(
      "2018-04-22 14:18:26.646 UTC [chaincode] "
      "launchAndWaitForRegister -> DEBU 4b4 stopping due to error "
      "while launching: " +
          text + "\n",
      "v11");
  CHECK(i.result.profile == "1.1");
  CHECK(i.scenario["config"]["peer_id"] == "peer0.org1.example.com");
  CHECK(i.scenario["chaincodes"][0]["version"] == "0.0.1");
  REQUIRE(i.run.outcomes.size() == 1);
  CHECK(i.run.outcomes[0].error.value_or("").find(text) != std::string::npos);
  CHECK(i.run.passed());
}

// 1.2's "has already been launched" with the launch that was under way not in the log: the
// scenario starts one just before, so the run refuses the proposal the same way.
TEST_CASE("import: has already been launched, the other launch not in the log") {
  const FromText i = import_text(
      "2020-06-17 10:20:17.851 UTC [endorser] SimulateProposal -> ERRO 2398 "
      "[mychannel][2efe9dbc] failed to invoke chaincode name:\"simple\" , error: chaincode "
      "simple:v0 has already been launched\n"
      "github.com/hyperledger/fabric/core/chaincode.(*HandlerRegistry).Launching\n",
      "v12");
  CHECK(i.result.profile == "1.2");
  CHECK(i.scenario["chaincodes"][0]["version"] == "v0");
  CHECK(i.scenario["chaincodes"][0].contains("launch_at"));
  REQUIRE(i.run.outcomes.size() == 1);
  CHECK(i.run.outcomes[0].error.value_or("").find(
            "chaincode simple:v0 has already been launched") != std::string::npos);
  CHECK(i.run.passed());
}

// 2.x launches a chaincode after its install or commit with no proposal
// (core/chaincode/lifecycle/custodian.go Work, v2.5.12) and logs a failure as a WARN; a process
// the user started registers outside dev mode and is refused (handler.go notifyRegistry).
// Neither has an outcome: the scenario expects the notes, and the run has them. The log is
// quoted as in a GitHub comment ("> ").
TEST_CASE("import: launches with no proposal: lifecycle's, and a process started by hand") {
  const std::string hash(64, 'd');
  const FromText i = import_text(
      "> 2020-12-22 17:23:20.155 CST [lifecycle] Work -> WARN 089 could not launch chaincode "
      "'supermap:" +
          hash +
          "': chaincode registration failed: container exited with 0\n"
          "> 2020-12-22 17:23:25.741 CST [chaincode] notifyRegistry -> ERRO 17d failed to start "
          "bk:0.0.4 -- peer will not accept external chaincode connection bk:0.0.4 (except in "
          "dev mode)\n",
      "nolaunch");
  CHECK(i.result.profile == "2.5");
  const Json& ccs = i.scenario["chaincodes"];
  REQUIRE(ccs.size() == 2);
  CHECK(ccs[0]["name"] == "bk");
  CHECK(ccs[0]["user_starts"] == Json::array({"5585ms"}));
  CHECK(ccs[1]["name"] == "supermap");
  CHECK(ccs[1]["package_id"] == "supermap:" + hash);
  CHECK(ccs[1]["container"]["exit_before_register"]["code"] == 0);
  const Json& notes = i.scenario["expect"]["notes"];
  REQUIRE(notes.size() == 2);
  CHECK(notes[0]["contains"] ==
        "peer will not accept external chaincode connection bk:0.0.4 (except in dev mode)");
  CHECK(notes[1]["contains"] == "could not launch chaincode supermap:" + hash +
                                    ": chaincode registration failed: container exited with 0");
  CHECK(i.run.passed());
}

// 1.4 at INFO: the first invoke launches the chaincode, and the launch builds its image
// (platforms/golang/platform.go GenerateDockerBuild logs "building chaincode with ldflagsOpt"
// at INFO, v1.4.12); nothing else of the launch is logged. The build is the launch's time, not
// the chaincode's: the first proposal is answered when the log says, the second 2ms after it
// arrives.
TEST_CASE("import: a 1.4 launch whose image build is in the log") {
  const FromText i = import_text(
      "2019-08-01 23:48:58.203 UTC [endorser] callChaincode -> INFO 065 [mychannel][0182fe24] "
      "Entry chaincode: name:\"mycc\" \n"
      "2019-08-01 23:48:58.213 UTC [chaincode.platform.golang] GenerateDockerBuild -> INFO 066 "
      "building chaincode with ldflagsOpt: '-ldflags \"-linkmode external -extldflags "
      "'-static'\"'\n"
      "2019-08-01 23:49:15.836 UTC [endorser] callChaincode -> INFO 067 [mychannel][0182fe24] "
      "Exit chaincode: name:\"mycc\"  (17633ms)\n"
      "2019-08-01 23:49:15.948 UTC [endorser] callChaincode -> INFO 069 [mychannel][6735edc9] "
      "Entry chaincode: name:\"mycc\" \n"
      "2019-08-01 23:49:15.950 UTC [endorser] callChaincode -> INFO 06a [mychannel][6735edc9] "
      "Exit chaincode: name:\"mycc\"  (2ms)\n",
      "build");
  const Json& cc = i.scenario["chaincodes"][0];
  CHECK(cc["container"]["build"] == "17630ms");
  CHECK(cc["functions"]["tx_0182fe24"].empty());
  REQUIRE(i.run.outcomes.size() == 2);
  // Times from the log's first line (58.203).
  CHECK(i.run.outcomes[0].completed.ns() == 17'633'000'000);
  CHECK(i.run.outcomes[1].completed.ns() == 17'747'000'000);
  CHECK(!assumed(i.result, "no image build in the log"));
  CHECK(i.run.passed());
}

TEST_CASE("import: bad input gets one line naming the file, never a crash") {
  const std::string bad = testing::source_path("tests/import/bad/");
  CHECK(import_error({bad + "binary.peer.log.gz"}).find("binary.peer.log.gz: gzip-compressed") !=
        std::string::npos);
  CHECK(import_error({bad + "empty.peer.log"}) == bad + "empty.peer.log: empty");
  CHECK(import_error({bad + "no_chaincode_lines.2.5.peer.log"})
            .find("no_chaincode_lines.2.5.peer.log: no chaincode or endorser lines") !=
        std::string::npos);
  CHECK(import_error({bad + "missing.log"}) == bad + "missing.log: cannot be read");
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "nul.log", std::ios::binary) << std::string("abc\0def\n", 8); }
  CHECK(import_error({(dir / "nul.log").string()}).find("binary data (a NUL byte at offset 3)") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

// Chaincode as a service came with Fabric 2.0 (core/chaincode/extcc, 2.0.0): a log that shows
// the peer dialling a chaincode cannot be a 1.x peer's, whether --profile or the log itself
// says 1.x. The libFuzzer target found the second: a 1.x version line spliced into a 2.x log.
TEST_CASE("import: chaincode as a service under a 1.x profile is refused, naming where") {
  const std::string log = testing::source_path("tests/import/logs/ccaas_dial_failure.2.5.peer.log");
  import::ImportOptions o;
  o.peer_logs = {log};
  o.profile = "1.4";
  std::string said;
  try {
    import::import_logs(o);
  } catch (const import::ImportError& e) {
    said = e.what();
  }
  CHECK(said.rfind(log + ":1: chaincode basic runs as a service", 0) == 0);
  CHECK(said.find("the profile is 1.4 (--profile 1.4)") != std::string::npos);

  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-1x-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "spliced.log", std::ios::binary);
    out << "2025-05-12 08:31:40.000 UTC 0001 INFO [nodeCmd] serve -> Starting peer:\n"
           " Version: 1.4.12\n"
        << std::ifstream(log, std::ios::binary).rdbuf();
  }
  const std::string spliced = import_error({(dir / "spliced.log").string()});
  CHECK(spliced.rfind((dir / "spliced.log").string() + ":3: chaincode basic runs as a service",
                      0) == 0);
  CHECK(spliced.find("the profile is 1.4 (the peer's version line \"Version: 1.4.12\")") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
  // Without the contradiction the same log imports, as 2.5.
  CHECK(import_error({log}) == "(imported)");
}

// The peak resident size of `command` alone (wait4 reports that child's own).
long peak_kib(const std::string& command, const std::string& stderr_to = "/dev/null") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string line = "{ " + command + "; } >/dev/null 2>" + stderr_to;
    ::execl("/bin/sh", "sh", "-c", line.c_str(), nullptr);
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return usage.ru_maxrss;
}

// A large log: 64 MB of lines outside the protocol and one line of 16 MB with no newline
// before a proposal's line. The import reads them in bounded memory: its peak resident size
// is that of a small log's import plus far less than the log, and it still finds the proposal.
TEST_CASE("import: memory stays flat in the log's size") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-big-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string proposal =
      "2025-04-02 09:14:11.000 UTC 1d67 INFO [endorser] callChaincode -> finished "
      "chaincode: basic duration: 5ms channel=mychannel txID=ab98d973\n";
  const auto small = dir / "small.peer.log";
  const auto big = dir / "big.peer.log";
  std::ofstream(small, std::ios::binary) << proposal;
  {
    std::ofstream out(big, std::ios::binary);
    const std::string gossip =
        "2025-04-02 09:14:10.177 UTC 1d65 INFO [gossip.privdata] StoreBlock -> Received block "
        "[7] from buffer channel=mychannel\n";
    for (std::size_t n = 0; n < (64u << 20) / gossip.size(); ++n)
      out << gossip;
    out << "2025-04-02 09:14:10.178 UTC 1d66 INFO [gossip] x -> " << std::string(16u << 20, 'x')
        << "\n"
        << proposal;
  }
  const std::string ccsim = std::string(CCSIM_BINARY) + " import ";
  const long base = peak_kib(ccsim + small.string() + " --out " + (dir / "s.json").string());
  const long large = peak_kib(ccsim + big.string() + " --out " + (dir / "b.json").string());
  MESSAGE("peak resident: " << base << " KiB for a one-line log, " << large
                            << " KiB for an 80 MB one");
#if defined(__SANITIZE_ADDRESS__) || defined(CCSIM_TEST_ASAN)
  // AddressSanitizer keeps freed memory in quarantine (256 MB by default) and adds shadow
  // memory: its resident size says nothing of the program's. The plain builds check it.
  MESSAGE("not checked under AddressSanitizer");
#else
  CHECK(large - base < 16 * 1024);
#endif
  CHECK(testing::read_file((dir / "b.json").string()).find("\"txid\": \"ab98d973\"") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

// A 1 GiB log, as a stream (nothing of that size is written to disk): 8.7M lines of block
// commits and one proposal. The import reads it through in flat memory, lists what it skipped
// and writes the proposal. About 10 s in an optimised build; the unoptimised and sanitizer
// builds take the 80 MB case above instead.
TEST_CASE("import: a 1 GiB log streams through in flat memory") {
#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__) || defined(CCSIM_TEST_ASAN)
  MESSAGE("only in an optimised build without sanitizers (the ci preset)");
#else
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-1g-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string gossip =
      "2025-04-02 09:14:10.177 UTC 1d65 INFO [gossip.privdata] StoreBlock -> Received block "
      "[7] from buffer channel=mychannel";
  const std::size_t lines = (std::size_t{1} << 30) / (gossip.size() + 1) + 1;
  const std::string out = (dir / "g.json").string();
  const std::string command =
      "{ yes '" + gossip + "' | head -n " + std::to_string(lines) +
      "; echo '2025-04-02 09:14:11.000 UTC 1d67 INFO [endorser] callChaincode -> finished "
      "chaincode: basic duration: 5ms channel=mychannel txID=ab98d973'; } | " +
      std::string(CCSIM_BINARY) + " import /dev/stdin --out " + out;
  const long base = peak_kib(std::string(CCSIM_BINARY) + " import " +
                             testing::source_path("tests/import/logs/truncated.2.5.peer.log") +
                             " --out " + (dir / "small.json").string());
  const long peak = peak_kib(command, (dir / "stderr").string());
  MESSAGE("peak resident: " << peak << " KiB for 1 GiB, " << base << " KiB for a small log");
  CHECK(peak - base < 16 * 1024);
  CHECK(testing::read_file(out).find("\"txid\": \"ab98d973\"") != std::string::npos);
  CHECK(testing::read_file((dir / "stderr").string())
            .find("skipped: gossip.privdata: " + std::to_string(lines) + " lines") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
#endif
}

TEST_CASE("ccsim import: writes the scenario, lists assumptions, --explain, and it replays") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "s.json").string();
  const std::string cmd =
      std::string(CCSIM_BINARY) + " import " +
      corpus("container_exit_before_register.1.4.peer.log") + " --chaincode-log " +
      corpus("container_exit_before_register.1.4.chaincode.log") + " --out " + out + " --explain";
  const auto r = testing::run_command(cmd);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("ccsim import: " + out + ": profile 1.4") != std::string::npos);
  CHECK(r.output.find("  assumed: ") != std::string::npos);
  CHECK(r.output.find("container_exit_before_register.1.4.peer.log:1: [mychannel][9006fd25] "
                      "Entry chaincode") != std::string::npos);
  CHECK(r.output.find("    -> proposal 9006fd25 reaches the peer") != std::string::npos);
  const auto run = testing::run_command(std::string(CCSIM_BINARY) + " run -q " + out);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("chaincode registration failed: container exited with 2") !=
        std::string::npos);
  // Bad input: exit 2, one line; no output file.
  const auto bad = testing::run_command(std::string(CCSIM_BINARY) + " import " +
                                        testing::source_path("tests/import/bad/empty.peer.log") +
                                        " --out " + (dir / "b.json").string());
  CHECK(bad.exit_code == 2);
  CHECK(bad.output == testing::source_path("tests/import/bad/empty.peer.log") + ": empty\n");
  CHECK(!std::filesystem::exists(dir / "b.json"));
  std::filesystem::remove_all(dir);
}

// Found by ccsim_import_fuzzer: times years apart made durations no scenario can hold, and a
// 2.x package ID in a log read under a 1.x profile made a scenario 1.x refuses.
TEST_CASE("import: times far apart are refused, a package ID under 1.x is left out") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ccsim-import-found-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto far = dir / "far.peer.log";
  std::ofstream(far, std::ios::binary)
      << "2025-04-02 09:14:11.000 UTC 1d67 INFO [endorser] callChaincode -> finished chaincode: "
         "basic duration: 5ms channel=mychannel txID=ab98d973\n"
      << "2025-05-12 09:14:11.000 UTC 1d68 INFO [endorser] callChaincode -> finished chaincode: "
         "basic duration: 5ms channel=mychannel txID=cd98d973\n";
  // The message quotes the line's first 60 bytes.
  CHECK(import_error({far.string()}) ==
        far.string() +
            ":2: a time more than 30 days from the log's first (finished chaincode: "
            "basic duration: 5ms channel=mychannel tx...): import one "
            "incident's excerpt");
  import::ImportOptions o;
  o.peer_logs = {corpus("happy_invoke_debug.2.5.peer.log")};
  o.profile = "1.4";
  const import::ImportResult r = import::import_logs(o);
  CHECK(r.scenario.find("package_id") == std::string::npos);
  CHECK(scenario::load_text(r.scenario, "s.json").profile.name == "1.4");
  bool said = false;
  for (const std::string& a : r.assumptions)
    said = said || a.find("left out: profile 1.4 has none") != std::string::npos;
  CHECK(said);
  std::filesystem::remove_all(dir);
}

// Durations a log states (a config dump's timeouts, a gRPC call's duration) longer than an
// incident's span are garbled values: not used, so the scenario still loads (the import
// fuzzer's finding: a timeout past the largest duration a scenario holds).
TEST_CASE("import: durations longer than any incident are not used") {
  const FromText i = import_text(
      "2025-04-02 09:14:07.000 UTC 0001 INFO [peer] serve -> config:\n"
      "    executetimeout: 99999999999999s\n"
      "    startuptimeout: 721h\n"
      "2025-04-02 09:14:11.000 UTC 1d67 INFO [endorser] callChaincode -> finished chaincode: "
      "basic duration: 5ms channel=mychannel txID=ab98d973\n"
      "2025-04-02 09:14:12.000 UTC 1d68 ERRO [endorser] simulateProposal -> failed to invoke "
      "chaincode basic, error: timeout expired while starting chaincode basic:1.0 for "
      "transaction\n"
      "failed to execute transaction cd98d973aa\n"
      "2025-04-02 09:14:12.001 UTC 1d69 INFO [comm.grpc.server] 1 -> unary call completed "
      "grpc.service=protos.Endorser grpc.method=ProcessProposal grpc.call_duration=9000000h\n",
      "durations");
  // Not the dump's: the startup timeout comes from when it fired (Fabric's default assumed for
  // the arrival, as the gRPC line's duration is not used either).
  CHECK(!i.scenario["config"].contains("execute_timeout"));
  CHECK(i.scenario["config"]["startup_timeout"] == "300s");
  CHECK(i.scenario["proposals"].size() == 2);
}
