// ccsim import: peer logs -> a scenario (src/import), checked by loading it before it is kept.
#include <iostream>

#include "ccsim/fabric/profile.hpp"
#include "ccsim/import/importer.hpp"
#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"
#include "cli.hpp"
#include "output_file.hpp"

namespace ccsim::cli {

int cmd_import(const std::vector<std::string>& args) {
  po::options_description opts("ccsim import PEER_LOG... --out SCENARIO.json [options]");
  opts.add_options()("help,h", "show this help")("out,o", po::value<std::string>(),
                                                 "write the scenario here (required)")(
      "chaincode-log", po::value<std::vector<std::string>>(),
      "a chaincode container's log (docker logs of the dev-peer... container); repeatable")(
      "profile", po::value<std::string>(),
      "the Fabric release to model (1.0, 1.1, 1.2, 1.4.0, 1.4, 2.5, 3.0) instead of the one "
      "the logs show")(
      "peer", po::value<std::string>(),
      "with several peers in the logs: the one to model (its docker-compose or kubectl name, "
      "or its log file); default: the first with a chaincode line")(
      "explain", "print each log line used and what it became in the scenario");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  const po::variables_map& vm = parsed.vm;
  if (parsed.files.empty()) throw UsageError("import takes one or more peer log files");
  if (vm.count("out") == 0) throw UsageError("import needs --out SCENARIO.json");
  import::ImportOptions options;
  options.peer_logs = parsed.files;
  if (vm.count("chaincode-log") != 0)
    options.chaincode_logs = vm["chaincode-log"].as<std::vector<std::string>>();
  options.profile = load_options_of(vm).profile;  // checked as run's --profile is
  if (vm.count("peer") != 0) options.peer = vm["peer"].as<std::string>();
  options.explain = vm.count("explain") != 0;
  const std::string out = vm["out"].as<std::string>();
  OutputPaths().add("--out", out);

  import::ImportResult result;
  try {
    result = import::import_logs(options);
  } catch (const import::ImportError& e) {
    throw BadInput(e.what());
  }
  // What is written must load: a scenario ccsim cannot read is ccsim's bug, not the log's.
  try {
    scenario::load_text(result.scenario, out);
  } catch (const scenario::ScenarioError& e) {
    std::cerr << "ccsim: internal error: the imported scenario does not load: " << e.what() << "\n";
    return kExitInternal;
  }
  write_output(out, [&](std::ostream& o) { o << result.scenario; });
  if (options.explain) {
    for (const import::Explained& e : result.explained)
      std::cout << e.file << ":" << e.line << ": " << e.text << "\n    -> " << e.became << "\n";
  }
  std::cerr << "ccsim import: " << out << ": profile " << result.profile << " ("
            << result.profile_reason << "); " << result.used << " of " << result.lines
            << " log lines used\n";
  for (const std::string& a : result.assumptions)
    std::cerr << "  assumed: " << a << "\n";
  for (const std::string& s : result.skipped)
    std::cerr << "  skipped: " << s << "\n";
  return kExitPassed;
}

}  // namespace ccsim::cli
