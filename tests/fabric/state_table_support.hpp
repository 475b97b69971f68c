// Shared by the per-state tables of both handlers: the injected message's ids and a
// recording stream end that stands in for the other side.
#pragma once

#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

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
  void on_message(fabric::MessagePtr msg) override { got.push_back(*msg); }
  void on_closed(const kernel::StreamClosed& why) override { closed = why; }
};

/// Runs a state's table: first checks that it names every message type exactly once, then
/// each row in its own subcase, so a failing row does not hide the rows after it.
template <class Row, class Describe, class RunRow>
void run_state_table(const std::vector<Row>& rows, Describe describe, RunRow run_row) {
  std::multiset<fabric::MessageType> types;
  for (const Row& row : rows)
    types.insert(row.type);
  REQUIRE(types == std::multiset<fabric::MessageType>(std::begin(fabric::all_message_types()),
                                                      std::end(fabric::all_message_types())));
  for (const Row& row : rows) {
    SUBCASE(describe(row).c_str()) {
      run_row(row);
    }
  }
}

}  // namespace ccsim::testing
