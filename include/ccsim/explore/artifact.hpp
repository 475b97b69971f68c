// The artifact of a distinct failure: a folder that says what broke, with the decisions that
// broke it and a standalone scenario that `ccsim run` replays to the same failure with no
// randomness (docs/fuzzing.md, "Artifacts"). Made here as file contents; the CLI writes them
// (each atomically).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ccsim/explore/campaign.hpp"
#include "ccsim/scenario/scenario.hpp"

namespace ccsim::explore {

struct Artifact {
  /// The folder, relative to the output directory: "<scenario folder>/<property>-<8 hex>".
  std::string folder;
  /// File name -> content: failure.json, decisions.json, shrunk.json, repro.json.
  std::vector<std::pair<std::string, std::string>> files;
};

/// The folder of each scenario's artifacts, in order: its name (else its file's stem) made
/// safe for a path (no "/", no leading "."), with "-2", "-3", ... on the second and later of
/// scenarios that would share one, so that no repro runs another scenario.
std::vector<std::string> artifact_folders(const std::vector<const scenario::Scenario*>& scenarios);

/// The artifact of `failure` (confirmed, with its decisions) of `scenario`, whose artifacts
/// go under `folder` (its entry of artifact_folders).
Artifact make_artifact(const scenario::Scenario& scenario, const Failure& failure,
                       const std::string& folder);

/// The repro scenario: `scenario`'s own file with "replay" set to `decisions` and the broken
/// property added to expect.properties (when it is one a scenario can name), so that
/// `ccsim run` on it fails the same way. Throws std::invalid_argument if the scenario was not
/// loaded from JSON text.
std::string repro_scenario(const scenario::Scenario& scenario, const Failure& failure,
                           const std::vector<kernel::Decision>& decisions);

/// A decision list as JSON: {"tie_window": "...", "decisions": [{"key", "value", ...}]}.
std::string decisions_json(const std::vector<kernel::Decision>& decisions,
                           kernel::Duration tie_window);

}  // namespace ccsim::explore
