// Shared by the per-state tables of both handlers: the injected message's ids and a
// recording stream end that stands in for the other side.
#pragma once

#include <optional>
#include <vector>

#include "ccsim/fabric/chaincode_message.hpp"
#include "ccsim/fabric/handler.hpp"

// Macros, not constants: the tables splice them into string literals ("[" CCSIM_TEST_TXID "]").
// The txid is longer than 8 characters, so a text that shortens it (shorttxid) would show.
#define CCSIM_TEST_TXID "0123456789abcdef"
#define CCSIM_TEST_SHORT_TXID "01234567"
#define CCSIM_TEST_CHANNEL "ch"

namespace ccsim::testing {

/// The fake other end: records what it receives and whether its inbound direction ended.
struct RecordingEnd final : fabric::ChaincodeStream::Receiver {
  std::vector<fabric::ChaincodeMessage> got;
  std::optional<kernel::StreamClosed> closed;
  void on_message(fabric::ChaincodeMessage msg) override { got.push_back(std::move(msg)); }
  void on_closed(const kernel::StreamClosed& why) override { closed = why; }
};

}  // namespace ccsim::testing
