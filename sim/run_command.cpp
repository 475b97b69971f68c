// ccsim run and ccsim check: replay one scenario, or validate files.
#include <sys/stat.h>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ccsim/report/html.hpp"
#include "ccsim/report/jsonl_trace.hpp"
#include "ccsim/report/mermaid.hpp"
#include "ccsim/report/perfetto.hpp"
#include "ccsim/report/summary.hpp"
#include "ccsim/report/text_trace.hpp"
#include "ccsim/report/trace_spool.hpp"
#include "ccsim/scenario/errors.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/scenario/run.hpp"
#include "cli.hpp"
#include "output_file.hpp"
#include "signals.hpp"

namespace ccsim::cli {

namespace {

// Where --mermaid PATH's parts go: PATH, then PATH with .2, .3, ... before its extension (each
// file a whole diagram); a FIFO or a device, which has no siblings, takes them all in turn.
std::vector<std::string> mermaid_paths(const std::string& path, std::size_t parts) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
    return {path};
  std::vector<std::string> paths;
  for (std::size_t part = 1; part <= parts; ++part)
    paths.push_back(report::mermaid_part_path(path, part));
  return paths;
}

// Each part to its own file, whole or not at all; to a single stream, one after the other.
void write_mermaid_parts(const report::MermaidDiagram& diagram,
                         const std::vector<std::string>& paths) {
  if (paths.size() == 1) {
    write_output(paths.front(), [&](std::ostream& out) {
      diagram.write([&out](std::size_t, const std::string& text) { out << text; });
    });
    return;
  }
  diagram.write([&paths](std::size_t part, const std::string& text) {
    write_output(paths[part - 1], [&text](std::ostream& out) { out << text; });
  });
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts("ccsim run FILE [options]");
  opts.add_options()("help,h", "show this help")(
      "seed", po::value<std::string>(),
      "seed of the run's decision source (default: the scenario's \"seed\", else 1)")(
      "profile", po::value<std::string>(), kProfileHelp)(
      "jsonl", po::value<std::string>(), "also write the JSON-lines trace to this file")(
      "mermaid", po::value<std::string>(),
      "also write the trace as Mermaid sequence diagrams to this file, and when one diagram "
      "would pass Mermaid's size limit, its further parts to FILE.2.ext, FILE.3.ext, ...")(
      "perfetto", po::value<std::string>(),
      "also write the trace as Chrome trace-event JSON (ui.perfetto.dev) to this file")(
      "html", po::value<std::string>(),
      "also write a self-contained HTML page of the run (messages per stream on a time axis, "
      "filters, payloads, outcomes, timers) to this file")(
      "quiet,q", "print outcomes, seed and digest only, not every event")(
      "summary", "also print a table of the proposals: times, result and the path each took");
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.size() != 1) throw UsageError("run takes exactly one scenario file");
  const po::variables_map& vm = parsed.vm;
  const std::string& file = parsed.files.front();
  const std::uint64_t seed_flag = vm.count("seed") != 0 ? seed_of(vm) : 0;
  // Every output is checked before the run: a bad path fails now, not after a long run.
  struct Output {
    const char* flag;
    void (*write)(std::ostream&, const report::TraceSource&, const scenario::RunResult&,
                  const scenario::Scenario&);
  };
  const Output outputs[] = {
      {"jsonl",
       [](std::ostream& out, const report::TraceSource& events, const scenario::RunResult& r,
          const scenario::Scenario&) { report::write_jsonl(out, events, r); }},
      {"mermaid", nullptr},  // in parts, once the run says how many: write_mermaid_parts
      {"perfetto",
       [](std::ostream& out, const report::TraceSource& events, const scenario::RunResult& r,
          const scenario::Scenario&) { report::write_perfetto(out, events, r); }},
      {"html", &report::write_run_html}};
  OutputPaths paths;
  bool any_output = false;
  for (const Output& o : outputs) {
    if (vm.count(o.flag) == 0) continue;
    paths.add(std::string("--") + o.flag, vm[o.flag].as<std::string>());
    any_output = true;
  }
  const scenario::Scenario scenario = scenario::load_file(file, load_options_of(vm));
  for (const std::string& w : scenario.warnings)
    std::cerr << w << "\n";

  scenario::RunOptions options;
  options.seed = vm.count("seed") != 0 ? seed_flag : scenario.default_seed;
  // Only what is printed or written needs the events, and they go to a spool on disk as the run
  // makes them: memory stays bounded by what is live, however long the run. The decision log
  // nothing here reads.
  const bool quiet = vm.count("quiet") != 0;
  const bool summary = vm.count("summary") != 0;
  options.keep_trace = false;
  options.log_decisions = false;
  std::optional<report::TraceSpool> spool;
  try {
    if (!quiet || any_output || summary) {
      const char* tmp = std::getenv("TMPDIR");
      spool.emplace(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    }
  } catch (const report::SpoolError& e) {
    throw OutputError(e.what());
  }
  if (spool) {
    spool->keep_fields(vm.count("jsonl") != 0 || vm.count("html") != 0);
    options.observer = &*spool;
  }
  const StopOnSignals signals;
  options.interrupt = &signals.flag();
  const scenario::RunResult result = scenario::run(scenario, options);

  try {
    // The diagram's parts are known once the run is over: each part's file is checked now,
    // before any output is written.
    std::optional<report::MermaidDiagram> diagram;
    std::vector<std::string> parts;
    if (vm.count("mermaid") != 0) {
      diagram.emplace(*spool, result);
      parts = mermaid_paths(vm["mermaid"].as<std::string>(), diagram->parts());
      for (std::size_t i = 1; i < parts.size(); ++i)
        paths.add("--mermaid (part " + std::to_string(i + 1) + ")", parts[i]);
    }
    for (const Output& o : outputs) {
      if (vm.count(o.flag) == 0) continue;
      if (o.write == nullptr) {
        write_mermaid_parts(*diagram, parts);
        continue;
      }
      write_output(vm[o.flag].as<std::string>(),
                   [&](std::ostream& out) { o.write(out, *spool, result, scenario); });
    }
    report::TextOptions text;
    text.events = !quiet;
    text.before_outcomes =
        summary ? [&](std::ostream& out) { report::write_summary(out, scenario, *spool, result); }
                : std::function<void(std::ostream&)>();
    const report::KeptEvents none(result.trace);  // --quiet: no events are read
    report::write_text(std::cout, scenario,
                       spool ? static_cast<const report::TraceSource&>(*spool) : none, result,
                       text);
  } catch (const report::SpoolError& e) {
    throw OutputError(e.what());
  }
  if (signals.signal() != 0) return signals.exit_code();
  return result.passed() ? kExitPassed : kExitFailed;
}

int cmd_check(const std::vector<std::string>& args) {
  po::options_description opts("ccsim check FILE... [options]");
  opts.add_options()("help,h", "show this help")("profile", po::value<std::string>(), kProfileHelp);
  const ParsedCommand parsed = parse_command(args, opts);
  if (parsed.help) {
    std::cout << opts;
    return kExitPassed;
  }
  if (parsed.files.empty()) throw UsageError("check takes one or more scenario files");
  const scenario::LoadOptions load = load_options_of(parsed.vm);
  int status = kExitPassed;
  for (const std::string& file : parsed.files) {
    try {
      const scenario::Scenario s = scenario::load_file(file, load);
      std::cout << file << ": ok\n";
      for (const std::string& w : s.warnings)
        std::cerr << w << "\n";
    } catch (const scenario::ScenarioError& e) {
      std::cerr << e.what() << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace ccsim::cli
