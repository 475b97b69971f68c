// Text in user code that depends on the transaction: ${channel}, ${txid}, ${function},
// ${args[N]} (args[0] is the function), what earlier steps returned (${name},
// ${name.field}), and ${error} in a step's on_error answer. "$$" is one "$"; a "$" before
// anything else is itself. A chaincode's texts are checked when the scenario loads (every
// reference must be known there) and filled in by the shim when the step runs.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ccsim::fabric {

struct TemplateRef {
  std::string name;   // "channel", "txid", "function", "args", "error", or a step's "as"
  std::string field;  // after a dot ("status" in ${r.status}); "" for none
  std::optional<std::size_t> index;  // ${args[N]}

  /// As written: "${r.status}", "${args[2]}".
  std::string spelling() const;
};

/// Whether `text` may hold a reference (it has a "$"): the fast path for plain text.
inline bool may_reference(std::string_view text) {
  return text.find('$') != std::string_view::npos;
}

/// The references in `text`, in order, or what is wrong with one ("${" with no "}", a name
/// that is not an identifier).
std::variant<std::vector<TemplateRef>, std::string> template_refs(std::string_view text);

/// `text` with each reference replaced by `value(ref)` and "$$" by "$"; nullopt when the
/// result would be longer than `max_bytes`. `text` must parse (template_refs).
std::optional<std::string> expand_template(
    std::string_view text, const std::function<std::string(const TemplateRef&)>& value,
    std::size_t max_bytes);

/// The longest text a template may expand to: a step that would send more fails with
/// "ccsim: ..." (kTemplateTooLong), as a call past limits.max_call_depth does.
inline constexpr std::size_t kMaxExpandedText = 1u << 20;
inline constexpr const char* kTemplateTooLong =
    "ccsim: a template expands to more than 1048576 bytes";

}  // namespace ccsim::fabric
