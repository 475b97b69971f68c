// ChaincodeMessage as it crosses the peer<->chaincode stream (docs/fabric-sources.md section 1).
// Types and numbers are the protobuf enum's. The payload is kept decoded: each type's
// protobuf payload (section 1.3) becomes the typed fields below, so the trace can show it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim::fabric {

/// ChaincodeMessage.Type, values as in chaincode_shim.proto (12 is unused in every version).
enum class MessageType : std::uint8_t {
  UNDEFINED = 0,
  REGISTER = 1,
  REGISTERED = 2,
  INIT = 3,
  READY = 4,
  TRANSACTION = 5,
  COMPLETED = 6,
  ERROR = 7,
  GET_STATE = 8,
  PUT_STATE = 9,
  DEL_STATE = 10,
  INVOKE_CHAINCODE = 11,
  RESPONSE = 13,
  GET_STATE_BY_RANGE = 14,
  GET_QUERY_RESULT = 15,
  QUERY_STATE_NEXT = 16,
  QUERY_STATE_CLOSE = 17,
  KEEPALIVE = 18,
  GET_HISTORY_FOR_KEY = 19,
  GET_STATE_METADATA = 20,
  PUT_STATE_METADATA = 21,
  GET_PRIVATE_DATA_HASH = 22,
  PURGE_PRIVATE_DATA = 23,
};

/// Every MessageType, in enum order.
std::span<const MessageType> all_message_types();

/// The enum name, as protobuf spells it ("GET_STATE").
const char* to_string(MessageType type);
/// Parses a protobuf enum name; nullopt if it is not one.
std::optional<MessageType> message_type_from_string(std::string_view name);

/// pb.Response: what Init/Invoke return. Status constants as in the shim.
struct Response {
  static constexpr std::int32_t kOk = 200;
  static constexpr std::int32_t kErrorThreshold = 400;
  static constexpr std::int32_t kError = 500;

  std::int32_t status = kOk;
  std::string message;
  std::string payload;

  bool operator==(const Response&) const = default;
};

/// One entry of a QueryResponse: a KV (range, query) or a KeyModification (history).
struct QueryResult {
  std::string key;
  std::string value;
  std::string txid;        // history only
  bool is_delete = false;  // history only
  bool operator==(const QueryResult&) const = default;
};

/// ChaincodeEvent, set by stub.SetEvent and carried on COMPLETED / ERROR.
struct ChaincodeEvent {
  std::string name;
  std::string payload;
  bool operator==(const ChaincodeEvent&) const = default;
};

struct ChaincodeMessage {
  MessageType type = MessageType::UNDEFINED;
  std::string txid;
  std::string channel_id;

  // Decoded payload; which fields apply depends on the type (docs/fabric-sources.md 1.3).
  std::string chaincode_id;       // REGISTER: ChaincodeID.name
  std::vector<std::string> args;  // INIT / TRANSACTION / INVOKE_CHAINCODE: ChaincodeInput.args
  std::string key;                // GET_STATE, PUT_STATE, DEL_STATE, history, metadata, hash
  std::string value;              // PUT_STATE; PUT_STATE_METADATA: the metadata value
  std::string collection;         // private data collection ("" = public state)
  std::string start_key;          // GET_STATE_BY_RANGE
  std::string end_key;            // GET_STATE_BY_RANGE (exclusive; "" = unbounded)
  std::string query;              // GET_QUERY_RESULT
  std::string metakey;            // PUT_STATE_METADATA
  std::string target;             // INVOKE_CHAINCODE: ChaincodeSpec name, "cc" or "cc/channel"
  bool nil_chaincode_id = false;  // INVOKE_CHAINCODE: the ChaincodeSpec has no ChaincodeId
  std::string text;               // ERROR: the UTF-8 error text; RESPONSE to GET_STATE: value
  Response response;              // COMPLETED: pb.Response
  bool has_proposal = false;      // INIT / TRANSACTION carry the signed proposal
  std::optional<ChaincodeEvent> event;  // COMPLETED / ERROR: chaincode_event

  // RESPONSE payloads other than plain bytes.
  std::string iterator_id;           // QueryResponse.id; QUERY_STATE_NEXT / CLOSE: the id
  std::vector<QueryResult> results;  // QueryResponse.results
  bool has_more = false;             // QueryResponse.has_more
  bool is_query_response = false;    // the RESPONSE payload is a QueryResponse
  std::map<std::string, std::string> metadata;  // StateMetadataResult (GET_STATE_METADATA)
  bool is_metadata_response = false;
  /// RESPONSE to INVOKE_CHAINCODE: the callee's whole COMPLETED or ERROR (FAB-10030).
  std::shared_ptr<const ChaincodeMessage> nested;

  /// One line for traces: the payload as a person wants to read it.
  std::string summary() const;
  /// The decoded payload as a JSON object's text, for machines (the JSON-lines trace's
  /// "fields"): the keys the type carries, by their protobuf names where they have one
  /// ("key", "value", "args", "status", "message", "payload", ...), a RESPONSE's nested
  /// message as an object; "" for a type without a payload.
  std::string fields_json() const;
  /// The payload's fields hashed (kernel::word_hash), in declaration order: what the trace's
  /// digest reads of a message in place of its summary, so a run need not format it.
  std::uint64_t digest_key() const;

 private:
  std::string in_collection() const;
};

/// len(msg.Payload): the size in bytes of the message's protobuf-encoded payload (section 1.3),
/// as the 1.x handlers print it in "... with payload size (%d) ...". `v1_0_payloads` selects
/// 1.0's encodings: GET_STATE and DEL_STATE carry the raw key, PUT_STATE a PutStateInfo.
/// What the decoded message does not carry counts as absent: a query result's KV.namespace
/// and KeyModification.timestamp, a QueryResponse's pagination metadata, and the
/// decorations (1.2+) and is_init (2.0) of ChaincodeInput.
std::size_t payload_size(const ChaincodeMessage& msg, bool v1_0_payloads = false);

/// A message once built: immutable, and shared by whoever holds it on its way (the stream, the
/// receiver's inbox, the goroutine that handles it), so a hop copies a pointer rather than
/// every field.
using MessagePtr = std::shared_ptr<const ChaincodeMessage>;

inline MessagePtr share(ChaincodeMessage&& msg) {
  return std::make_shared<const ChaincodeMessage>(std::move(msg));
}
inline MessagePtr share(const ChaincodeMessage& msg) {
  return std::make_shared<const ChaincodeMessage>(msg);
}

/// How a message is named in event labels and decision keys: "TRANSACTION tx1", "KEEPALIVE".
std::string label_of(const ChaincodeMessage& msg);
/// The label of an event a handler schedules (kernel::Simulation): "<actor> <chaincode>
/// <what>[ <message>]", as in "peer mycc sends TRANSACTION tx1" or "shim mycc loop".
std::string handler_label(std::string_view actor, std::string_view chaincode, std::string_view what,
                          const ChaincodeMessage* msg = nullptr);

/// shorttxid: the first 8 characters, as Fabric's logs and some of its error texts use.
inline std::string short_txid(std::string_view txid) {
  return std::string(txid.substr(0, 8));
}

/// The correlation key of a transaction on a handler: channel_id + txid, concatenated as
/// Fabric does from 1.1 (docs/fabric-sources.md 1.2).
inline std::string tx_key(std::string_view channel_id, std::string_view txid) {
  std::string k(channel_id);
  k += txid;
  return k;
}

}  // namespace ccsim::fabric
