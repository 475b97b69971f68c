// What a campaign report's failure entries and an artifact's failure.json say alike about a
// failure (internal to the explore layer: both write nlohmann JSON).
#pragma once

#include <nlohmann/json.hpp>

#include "ccsim/explore/campaign.hpp"

namespace ccsim::explore {

/// Adds, in this order: property, signature, message, run, seed, strategy, tie_window,
/// decisions (how many), shrunk (how many, or null when not shrunk).
void add_failure_fields(nlohmann::ordered_json& j, const Failure& f);

}  // namespace ccsim::explore
