// The peer's query reads (src/fabric/handler_query_read.cpp): the time a batch read takes
// (config.query_read), a goleveldb iterator released under the read (fabric#5048: the peer
// panics, until 2.5.16/3.1.5 recover it), and a state database error under a live iterator
// (fault fail_next_query_read: 1.1's double cleanup panics the peer).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "../scenario/test_support.hpp"

using namespace ccsim;
using testing::at_ms;
using testing::events_of;
using testing::load_error;
using testing::outcome;

namespace {

std::string replace(std::string text, const std::string& what, const std::string& with) {
  const std::size_t at = text.find(what);
  REQUIRE(at != std::string::npos);
  text.replace(at, what.size(), with);
  return text;
}

scenario::RunResult run_text(const std::string& text) {
  return scenario::run(scenario::load_text(text, "s.json"), {});
}

/// When `actor` first noted a detail that starts with `prefix`, if it did.
std::optional<kernel::Time> note_at(const scenario::RunResult& r, const std::string& actor,
                                    const std::string& prefix) {
  for (const auto* e : events_of(r, kernel::TraceKind::kNote, actor)) {
    if (e->detail.rfind(prefix, 0) == 0) return e->t;
  }
  return std::nullopt;
}

/// The text of the first ERROR the peer sent, or "(none)".
std::string first_peer_error(const scenario::RunResult& r) {
  for (const auto* e : events_of(r, kernel::TraceKind::kSend, "peer")) {
    if (e->type == "ERROR") return e->detail;
  }
  return "(none)";
}

constexpr const char* kPanic =
    "panic: runtime error: invalid memory address or nil pointer dereference (the peer process "
    "dies)";

// A range read of 3s whose Execute times out after 2s: the endorser's TxSimulator.Done closes
// the iterator under the read (queryExecutor.Done in 2.5's txmgr, queryHelper.done in 1.x). tx1 is
// sent at 1s, its GET_STATE_BY_RANGE reaches the peer at 1.002s, the timeout fires at 3s.
const std::string kRace = R"({ "profile": "PROFILE", OVERRIDES "network": { "latency": "1ms" },
  "config": { "execute_timeout": "2s", "query_read": "3s" STATE_DB },
  "chaincodes": [ { "name": "mycc", "launch_at": "0s", "container": { "start": "500ms" },
                    "functions": { "scan": [ { "get_state_by_range": { "start": "a", "end": "z" } } ],
                                   "f": [] } } ],
  "ledger": { "mychannel": { "mycc": { "state": { "a1": "1", "b1": "2" } } } },
  "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "scan", "at": "1s" },
                 { "txid": "tx2", "chaincode": "mycc", "function": "f", "at": "5s" } ] })";

std::string race(const std::string& profile, const std::string& overrides = "",
                 const std::string& state_db = "") {
  return replace(replace(replace(kRace, "PROFILE", profile), "OVERRIDES", overrides), "STATE_DB",
                 state_db);
}

}  // namespace

TEST_CASE("query_read: a batch read takes its time before the RESPONSE") {
  const auto r = run_text(replace(race("2.5"), R"("execute_timeout": "2s", "query_read": "3s")",
                                  R"("query_read": "1s")"));
  const auto sends = events_of(r, kernel::TraceKind::kSend, "peer");
  std::optional<kernel::Time> response;
  for (const auto* e : sends) {
    if (e->type == "RESPONSE" && !response) response = e->t;
  }
  CHECK(response == at_ms(2'002));  // delivered at 1.002s, read for 1s
  CHECK(outcome(r, "tx1").status == 200);
  CHECK(!note_at(r, "peer", "a goleveldb iterator is released"));
}

// fabric#5048 (seen on 2.5.5; every release before the fix has the same code path: Execute
// returns on the timeout, the endorser's deferred txsim.Done releases the goleveldb iterator,
// and the request goroutine's Next dereferences the released iterator's nil fields). The
// goroutine has no recover: the peer process dies, and tx2 finds nothing listening.
TEST_CASE("fabric#5048: an iterator released under a range read panics the peer, per release") {
  for (const char* profile : {"1.0", "1.1", "1.4", "2.5", "3.0"}) {
    CAPTURE(profile);
    const auto r = run_text(race(profile));
    CHECK(note_at(r, "peer",
                  "a goleveldb iterator is released while a request goroutine reads "
                  "it") == at_ms(3'000));
    CHECK(note_at(r, "peer", kPanic) == at_ms(3'000));
    REQUIRE(outcome(r, "tx1").error);
    CHECK(outcome(r, "tx1").error->find("imeout expired while executing transaction") !=
          std::string::npos);
    CHECK(outcome(r, "tx2").completed == at_ms(5'000));
    REQUIRE(outcome(r, "tx2").error);
    CHECK(outcome(r, "tx2").error->find("connection refused") != std::string::npos);
  }
}

// c748fd8b3 (2.5.16, 3.1.5): HandleTransaction's deferred recover logs the panic and answers
// ERROR "<TYPE> failed: transaction ID: <txid>: panic during execution"; the peer carries on.
TEST_CASE("fabric#5048 fixed: 2.5.16 and 3.1.5 recover the panic and answer ERROR") {
  for (const char* profile : {"2.5", "3.0"}) {
    CAPTURE(profile);
    const auto r = run_text(race(profile, R"("overrides": { "handler_recovers_panics": true },)"));
    CHECK(!note_at(r, "peer", kPanic));
    CHECK(note_at(r, "peer",
                  "[tx1] Recovered from panic handling GET_STATE_BY_RANGE: runtime error: invalid "
                  "memory address or nil pointer dereference") == at_ms(3'000));
    CHECK(first_peer_error(r) ==
          "\"GET_STATE_BY_RANGE failed: transaction ID: tx1: panic during execution\"");
    CHECK(outcome(r, "tx2").status == 200);
    CHECK(outcome(r, "tx2").completed == at_ms(5'002));
  }
}

// CouchDB's queryScanner.Close does nothing (statecouchdb.go, 2.5): the read runs to its end
// at 4.002s and its RESPONSE goes to a transaction the peer has given up on.
TEST_CASE("fabric#5048 needs goleveldb: under CouchDB the released read completes") {
  const auto r = run_text(race("2.5", "", R"(, "state_database": "CouchDB")"));
  CHECK(!note_at(r, "peer", "a goleveldb iterator is released"));
  CHECK(!note_at(r, "peer", kPanic));
  std::optional<kernel::Time> response;
  for (const auto* e : events_of(r, kernel::TraceKind::kSend, "peer")) {
    if (e->type == "RESPONSE" && !response) response = e->t;
  }
  CHECK(response == at_ms(4'002));
  CHECK(outcome(r, "tx2").status == 200);
}

// The other closer: Notify's CloseQueryIterators when the COMPLETED arrives (1.2+,
// core/chaincode/handler.go) while a goroutine of the chaincode still waits on its range read.
TEST_CASE("fabric#5048: a COMPLETED that closes the iterator of a goroutine's read panics too") {
  const auto r = run_text(R"({ "network": { "latency": "1ms" }, "config": { "query_read": "1s" },
    "chaincodes": [ { "name": "mycc", "launch_at": "0s", "container": { "start": "500ms" },
                      "functions": { "scan": [
                        { "go": [ { "get_state_by_range": { "start": "a", "end": "z" } } ] },
                        { "sleep": "100ms" } ] } } ],
    "ledger": { "mychannel": { "mycc": { "state": { "a1": "1" } } } },
    "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "scan", "at": "1s" } ] })");
  // The goroutine's request reaches the peer at 1.002s; Invoke returns at 1.101s and its
  // COMPLETED reaches the peer at 1.102s, inside the read.
  CHECK(note_at(r, "peer", "a goleveldb iterator is released") == at_ms(1'102));
  CHECK(note_at(r, "peer", kPanic) == at_ms(1'102));
}

// A state database error under a live iterator. 1.0 (getQueryResponse closes the iterator,
// errHandler closes it again, harmlessly) answers ERROR with the error's text alone; 1.1's
// errHandler runs cleanupQueryContext a second time on the deleted entry and panics; 1.2+
// (BuildQueryResponse, a nil-safe CleanupQueryContext) answer ERROR, wrapped by
// HandleTransaction.
TEST_CASE("fail_next_query_read: ERROR in 1.0 and 1.2+, a panic in 1.1 (double cleanup)") {
  const std::string text = R"({ "profile": "PROFILE", "network": { "latency": "1ms" },
    "chaincodes": [ { "name": "mycc", "launch_at": "0s", "container": { "start": "500ms" },
                      "functions": { "scan": [ { "get_state_by_range": { "start": "a", "end": "z" } } ],
                                     "f": [] } } ],
    "ledger": { "mychannel": { "mycc": { "state": { "a1": "1" } } } },
    "proposals": [ { "txid": "tx1", "chaincode": "mycc", "function": "scan", "at": "1s" },
                   { "txid": "tx2", "chaincode": "mycc", "function": "f", "at": "2s" } ],
    "faults": [ { "at": "900ms", "chaincode": "mycc", "action": "fail_next_query_read",
                  "error": "leveldb: corruption" } ] })";
  struct Case {
    const char* profile;
    const char* peer_error;  // "" for a panic
  };
  for (const Case& c : {Case{"1.0", "\"leveldb: corruption\""}, Case{"1.1", ""},
                        Case{"1.4",
                             "\"GET_STATE_BY_RANGE failed: transaction ID: tx1: leveldb: "
                             "corruption\""},
                        Case{"2.5",
                             "\"GET_STATE_BY_RANGE failed: transaction ID: tx1: leveldb: "
                             "corruption\""}}) {
    CAPTURE(c.profile);
    const auto r = run_text(replace(text, "PROFILE", c.profile));
    CHECK(note_at(r, "fault", "fail_next_query_read error=\"leveldb: corruption\"") == at_ms(900));
    CHECK(note_at(r, "peer", "query read for GET_STATE_BY_RANGE fails: leveldb: corruption") ==
          at_ms(1'002));
    if (*c.peer_error == '\0') {
      CHECK(note_at(r, "peer", kPanic) == at_ms(1'002));
      REQUIRE(outcome(r, "tx2").error);
      CHECK(outcome(r, "tx2").error->find("connection refused") != std::string::npos);
    } else {
      CHECK(!note_at(r, "peer", kPanic));
      CHECK(first_peer_error(r) == c.peer_error);
      CHECK(outcome(r, "tx2").status == 200);  // one read failed; the next ones do not
    }
  }
}

TEST_CASE("fail_next_query_read and query_read: what cannot load") {
  const std::string base = R"({ "chaincodes": [ { "name": "a" } ], "proposals": [],
      "faults": [ FAULT ] })";
  CHECK(load_error(
            replace(base, "FAULT",
                    R"({ "at": "1s", "chaincode": "a", "action": "fail_next_query_read" })")) ==
        "s.json: /faults/0: missing required key \"error\"");
  CHECK(load_error(replace(base, "FAULT",
                           R"({ "at": "1s", "action": "fail_next_query_read", "error": "x" })")) ==
        "s.json: /faults/0: missing required key \"chaincode\"");
  CHECK(load_error(replace(
            base, "FAULT",
            R"({ "at": "1s", "chaincode": "a", "action": "terminate_stream", "error": "x" })")) ==
        "s.json: /faults/0/error: \"error\" applies only to fail_next_send and "
        "fail_next_query_read");
  CHECK(load_error(R"({ "config": { "query_read": "fast" }, "proposals": [] })")
            .find("s.json: /config/query_read: ") == 0);
}
