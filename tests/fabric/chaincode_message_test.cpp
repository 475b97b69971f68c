// payload_size: len(msg.Payload) of the protobuf encoding each message type's payload has
// (docs/fabric-sources.md 1.3), as the 1.x handlers print it in "... with payload size (%d) ...".
// Every expected size is counted by hand from the wire format: a tag byte per field, a
// varint length, the bytes; proto3 leaves out fields at their default.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "ccsim/fabric/chaincode_message.hpp"

using ccsim::fabric::ChaincodeMessage;
using ccsim::fabric::MessageType;
using ccsim::fabric::payload_size;
using ccsim::fabric::QueryResult;
using ccsim::fabric::Response;

namespace {
ChaincodeMessage of(MessageType type) {
  ChaincodeMessage m;
  m.type = type;
  m.txid = "tx1";  // never part of the payload
  m.channel_id = "ch";
  return m;
}
}  // namespace

TEST_CASE("payload_size: messages without a payload are empty") {
  for (MessageType t : {MessageType::UNDEFINED, MessageType::REGISTERED, MessageType::READY,
                        MessageType::KEEPALIVE}) {
    CHECK(payload_size(of(t)) == 0);
  }
}

TEST_CASE("payload_size: REGISTER is ChaincodeID{name = 2}") {
  ChaincodeMessage m = of(MessageType::REGISTER);
  m.chaincode_id = "mycc:1.0";
  CHECK(payload_size(m) == 2 + 8);  // 12 08 "mycc:1.0"
}

TEST_CASE("payload_size: INIT and TRANSACTION are ChaincodeInput{repeated bytes args = 1}") {
  ChaincodeMessage m = of(MessageType::TRANSACTION);
  m.args = {"f", "k"};
  CHECK(payload_size(m) == 6);  // 0a 01 'f' 0a 01 'k'
  m.args = {""};
  CHECK(payload_size(m) == 2);  // an empty element is still written: 0a 00
  m.type = MessageType::INIT;
  m.args = {};
  CHECK(payload_size(m) == 0);
}

TEST_CASE("payload_size: COMPLETED is pb.Response{status = 1, message = 2, payload = 3}") {
  ChaincodeMessage m = of(MessageType::COMPLETED);
  m.response = Response{200, "", ""};
  CHECK(payload_size(m) == 3);  // 08 c8 01
  m.response = Response{500, "boom", "p"};
  CHECK(payload_size(m) == 3 + 6 + 3);  // 08 f4 03, 12 04 "boom", 1a 01 'p'
  m.response = Response{0, "", ""};
  CHECK(payload_size(m) == 0);
  m.response = Response{-1, "", ""};
  CHECK(payload_size(m) == 11);  // a negative int32 takes ten varint bytes
}

TEST_CASE("payload_size: ERROR is the text itself") {
  ChaincodeMessage m = of(MessageType::ERROR);
  m.text = "abc";
  CHECK(payload_size(m) == 3);
}

TEST_CASE("payload_size: state requests, 1.1's messages and 1.0's raw keys") {
  ChaincodeMessage get = of(MessageType::GET_STATE);
  get.key = "k1";
  CHECK(payload_size(get) == 4);                          // GetState: 0a 02 "k1"
  CHECK(payload_size(get, /*v1_0_payloads=*/true) == 2);  // the raw key
  get.collection = "c";
  CHECK(payload_size(get) == 4 + 3);  // + 12 01 'c'
  get.key = std::string(200, 'x');
  get.collection.clear();
  CHECK(payload_size(get) == 3 + 200);  // 0a c8 01 + 200: a two-byte length

  ChaincodeMessage put = of(MessageType::PUT_STATE);
  put.key = "k";
  put.value = "v";
  put.collection = "c";
  CHECK(payload_size(put) == 9);                          // PutState{key, value, collection}
  CHECK(payload_size(put, /*v1_0_payloads=*/true) == 6);  // PutStateInfo{key, value}

  ChaincodeMessage del = of(MessageType::DEL_STATE);
  del.key = "abc";
  CHECK(payload_size(del) == 5);
  CHECK(payload_size(del, /*v1_0_payloads=*/true) == 3);
}

TEST_CASE("payload_size: INVOKE_CHAINCODE is ChaincodeSpec{chaincode_id = 2, input = 3}") {
  ChaincodeMessage m = of(MessageType::INVOKE_CHAINCODE);
  m.target = "cc/ch";
  m.args = {"f"};
  // 12 07 (ChaincodeID: 12 05 "cc/ch"), 1a 03 (ChaincodeInput: 0a 01 'f')
  CHECK(payload_size(m) == 9 + 5);
}

TEST_CASE("payload_size: RESPONSE payloads") {
  ChaincodeMessage value = of(MessageType::RESPONSE);
  value.text = "hello";
  CHECK(payload_size(value) == 5);  // GET_STATE's value as is

  ChaincodeMessage query = of(MessageType::RESPONSE);
  query.is_query_response = true;
  query.results = {QueryResult{"a", "1", "", false}};
  query.has_more = true;
  query.iterator_id = "x";
  // results: 0a 08 (QueryResultBytes: 0a 06 (KV: 12 01 'a' 1a 01 '1')), has_more: 10 01,
  // id: 1a 01 'x'
  CHECK(payload_size(query) == 10 + 2 + 3);

  ChaincodeMessage metadata = of(MessageType::RESPONSE);
  metadata.is_metadata_response = true;
  metadata.metadata = {{"VALIDATION_PARAMETER", "p"}};
  // entries: 0a 19 (StateMetadata: 0a 14 "VALIDATION_PARAMETER", 12 01 'p')
  CHECK(payload_size(metadata) == 2 + 22 + 3);

  auto callee = std::make_shared<ChaincodeMessage>();
  callee->type = MessageType::COMPLETED;
  callee->txid = "t";
  callee->channel_id = "ch";
  callee->response = Response{200, "", ""};
  ChaincodeMessage cc2cc = of(MessageType::RESPONSE);
  cc2cc.nested = callee;
  // The whole ChaincodeMessage: type 08 06, payload 1a 03 (08 c8 01), txid 22 01 't',
  // channel_id 3a 02 "ch"
  CHECK(payload_size(cc2cc) == 2 + 5 + 3 + 4);
}

TEST_CASE("summary: payload strings are quoted and escaped as Go's strconv.Quote does for ASCII") {
  ChaincodeMessage tx;
  tx.type = MessageType::TRANSACTION;
  tx.args = {"say \"hi\"", "a\\b", "line\nnext\ttab", std::string("nul\0bell\a", 9), "\x7f", "é"};
  // Each argument reads back with strconv.Unquote: `"say \"hi\""` is say "hi".
  CHECK(tx.summary() ==
        R"(args=["say \"hi\"","a\\b","line\nnext\ttab","nul\x00bell\a","\x7f","é"])");
  ChaincodeMessage error;
  error.type = MessageType::ERROR;
  error.text = "bad \"key\"";
  CHECK(error.summary() == R"("bad \"key\"")");
}

TEST_CASE("fields_json: the decoded payload for machines, nested messages as objects") {
  ChaincodeMessage put;
  put.type = MessageType::PUT_STATE;
  put.key = "k";
  put.value = "say \"hi\"";
  put.collection = "pdc";
  CHECK(put.fields_json() == R"({"collection":"pdc","key":"k","value":"say \"hi\""})");

  ChaincodeMessage completed;
  completed.type = MessageType::COMPLETED;
  completed.response.status = 500;
  completed.response.message = "boom";
  ChaincodeMessage response;  // the RESPONSE to INVOKE_CHAINCODE carries the callee's COMPLETED
  response.type = MessageType::RESPONSE;
  response.nested = std::make_shared<const ChaincodeMessage>(completed);
  CHECK(response.fields_json() ==
        R"({"nested":{"status":500,"message":"boom","payload":"","type":"COMPLETED"}})");

  ChaincodeMessage range;
  range.type = MessageType::RESPONSE;
  range.is_query_response = true;
  range.results = {QueryResult{"a", "1", "", false}};
  range.has_more = true;
  range.iterator_id = "it1";
  CHECK(range.fields_json() ==
        R"({"results":[{"key":"a","value":"1"}],"has_more":true,"id":"it1"})");

  ChaincodeMessage keepalive;
  keepalive.type = MessageType::KEEPALIVE;
  CHECK(keepalive.fields_json().empty());
}
