#include "ccsim/fabric/chaincode_message.hpp"

#include <array>
#include <utility>

namespace ccsim::fabric {

namespace {
constexpr std::array<std::pair<MessageType, const char*>, 23> kNames = {{
    {MessageType::UNDEFINED, "UNDEFINED"},
    {MessageType::REGISTER, "REGISTER"},
    {MessageType::REGISTERED, "REGISTERED"},
    {MessageType::INIT, "INIT"},
    {MessageType::READY, "READY"},
    {MessageType::TRANSACTION, "TRANSACTION"},
    {MessageType::COMPLETED, "COMPLETED"},
    {MessageType::ERROR, "ERROR"},
    {MessageType::GET_STATE, "GET_STATE"},
    {MessageType::PUT_STATE, "PUT_STATE"},
    {MessageType::DEL_STATE, "DEL_STATE"},
    {MessageType::INVOKE_CHAINCODE, "INVOKE_CHAINCODE"},
    {MessageType::RESPONSE, "RESPONSE"},
    {MessageType::GET_STATE_BY_RANGE, "GET_STATE_BY_RANGE"},
    {MessageType::GET_QUERY_RESULT, "GET_QUERY_RESULT"},
    {MessageType::QUERY_STATE_NEXT, "QUERY_STATE_NEXT"},
    {MessageType::QUERY_STATE_CLOSE, "QUERY_STATE_CLOSE"},
    {MessageType::KEEPALIVE, "KEEPALIVE"},
    {MessageType::GET_HISTORY_FOR_KEY, "GET_HISTORY_FOR_KEY"},
    {MessageType::GET_STATE_METADATA, "GET_STATE_METADATA"},
    {MessageType::PUT_STATE_METADATA, "PUT_STATE_METADATA"},
    {MessageType::GET_PRIVATE_DATA_HASH, "GET_PRIVATE_DATA_HASH"},
    {MessageType::PURGE_PRIVATE_DATA, "PURGE_PRIVATE_DATA"},
}};

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

// The same table, types only, for all_message_types().
constexpr std::array<MessageType, kNames.size()> kTypes = [] {
  std::array<MessageType, kNames.size()> types{};
  for (std::size_t i = 0; i < kNames.size(); ++i)
    types[i] = kNames[i].first;
  return types;
}();
}  // namespace

std::span<const MessageType> all_message_types() {
  return kTypes;
}

const char* to_string(MessageType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "UNKNOWN";
}

std::optional<MessageType> message_type_from_string(std::string_view name) {
  for (const auto& [t, n] : kNames) {
    if (name == n) return t;
  }
  return std::nullopt;
}

std::string ChaincodeMessage::in_collection() const {
  return collection.empty() ? std::string() : "collection=" + quoted(collection) + " ";
}

std::string ChaincodeMessage::summary() const {
  switch (type) {
    case MessageType::REGISTER:
      return "name=" + quoted(chaincode_id);
    case MessageType::INIT:
    case MessageType::TRANSACTION: {
      std::string s = "args=[";
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (i != 0) s += ',';
        s += quoted(args[i]);
      }
      return s + "]";
    }
    case MessageType::GET_STATE:
    case MessageType::DEL_STATE:
    case MessageType::GET_PRIVATE_DATA_HASH:
    case MessageType::PURGE_PRIVATE_DATA:
    case MessageType::GET_STATE_METADATA:
    case MessageType::GET_HISTORY_FOR_KEY:
      return in_collection() + "key=" + quoted(key);
    case MessageType::PUT_STATE:
      return in_collection() + "key=" + quoted(key) + " value=" + quoted(value);
    case MessageType::PUT_STATE_METADATA:
      return in_collection() + "key=" + quoted(key) + " metakey=" + quoted(metakey) +
             " value=" + quoted(value);
    case MessageType::GET_STATE_BY_RANGE:
      return in_collection() + "start=" + quoted(start_key) + " end=" + quoted(end_key);
    case MessageType::GET_QUERY_RESULT:
      return in_collection() + "query=" + quoted(query);
    case MessageType::QUERY_STATE_NEXT:
    case MessageType::QUERY_STATE_CLOSE:
      return "id=" + quoted(iterator_id);
    case MessageType::INVOKE_CHAINCODE: {
      std::string s = "chaincode=" + quoted(target) + " args=[";
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (i != 0) s += ',';
        s += quoted(args[i]);
      }
      return s + "]";
    }
    case MessageType::COMPLETED: {
      std::string s = "status=" + std::to_string(response.status);
      if (!response.payload.empty()) s += " payload=" + quoted(response.payload);
      if (!response.message.empty()) s += " message=" + quoted(response.message);
      if (event) s += " event=" + quoted(event->name);
      return s;
    }
    case MessageType::ERROR:
      return quoted(text);
    case MessageType::RESPONSE:
      if (nested)
        return "message=" + std::string(to_string(nested->type)) + " " + nested->summary();
      if (is_query_response) {
        std::string s = "results=" + std::to_string(results.size());
        s += has_more ? " has_more=true" : " has_more=false";
        return s + " id=" + quoted(iterator_id);
      }
      if (is_metadata_response) {
        std::string s = "metadata={";
        bool first = true;
        for (const auto& [k, v] : metadata) {
          s += (first ? "" : ",") + quoted(k) + ":" + quoted(v);
          first = false;
        }
        return s + "}";
      }
      return text.empty() ? std::string() : "payload=" + quoted(text);
    default:
      return {};
  }
}

namespace {
// Protobuf's wire sizes (proto3: empty strings, zero numbers and absent messages are left out).
std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
// A length-delimited field with a field number below 16 (one tag byte), always written.
std::size_t length_field(std::size_t len) {
  return 1 + varint_size(len) + len;
}
// A singular string or bytes field: left out when empty.
std::size_t string_field(const std::string& s) {
  return s.empty() ? 0 : length_field(s.size());
}
// ChaincodeInput{args = 1 (repeated bytes)}: every element is written, empty or not.
std::size_t chaincode_input_size(const std::vector<std::string>& args) {
  std::size_t n = 0;
  for (const std::string& a : args)
    n += length_field(a.size());
  return n;
}
}  // namespace

std::size_t payload_size(const ChaincodeMessage& msg, bool raw_key_payloads) {
  switch (msg.type) {
    case MessageType::REGISTER:  // ChaincodeID{name = 2}
      return string_field(msg.chaincode_id);
    case MessageType::INIT:
    case MessageType::TRANSACTION:
      return chaincode_input_size(msg.args);
    case MessageType::COMPLETED: {  // pb.Response{status = 1, message = 2, payload = 3}
      const auto status = static_cast<std::uint32_t>(msg.response.status);
      return (status == 0 ? 0 : 1 + varint_size(status)) + string_field(msg.response.message) +
             string_field(msg.response.payload);
    }
    case MessageType::ERROR:
    case MessageType::RESPONSE:
      return msg.text.size();
    case MessageType::GET_STATE:
    case MessageType::DEL_STATE:
      // 1.0: the raw key; 1.1+: GetState/DelState{key = 1, collection = 2}.
      if (raw_key_payloads) return msg.key.size();
      return string_field(msg.key) + string_field(msg.collection);
    case MessageType::GET_STATE_METADATA:     // GetStateMetadata{key = 1, collection = 2}
    case MessageType::GET_PRIVATE_DATA_HASH:  // GetState{key, collection}
    case MessageType::PURGE_PRIVATE_DATA:     // DelState{key, collection}
      return string_field(msg.key) + string_field(msg.collection);
    case MessageType::PUT_STATE:  // PutStateInfo / PutState{key = 1, value = 2, collection = 3}
      return string_field(msg.key) + string_field(msg.value) + string_field(msg.collection);
    case MessageType::PUT_STATE_METADATA:
      // PutStateMetadata{key = 1, collection = 3, metadata = 4: StateMetadata{metakey, value}}
      return string_field(msg.key) + string_field(msg.collection) +
             length_field(string_field(msg.metakey) + string_field(msg.value));
    case MessageType::GET_STATE_BY_RANGE:  // {startKey = 1, endKey = 2, collection = 3}
      return string_field(msg.start_key) + string_field(msg.end_key) + string_field(msg.collection);
    case MessageType::GET_QUERY_RESULT:  // {query = 1, collection = 2}
      return string_field(msg.query) + string_field(msg.collection);
    case MessageType::GET_HISTORY_FOR_KEY:  // {key = 1}
      return string_field(msg.key);
    case MessageType::QUERY_STATE_NEXT:
    case MessageType::QUERY_STATE_CLOSE:  // {id = 1}
      return string_field(msg.iterator_id);
    case MessageType::INVOKE_CHAINCODE:
      // ChaincodeSpec{chaincode_id = 2: ChaincodeID{name = 2}, input = 3: ChaincodeInput}
      return length_field(string_field(msg.target)) + length_field(chaincode_input_size(msg.args));
    default:  // UNDEFINED, REGISTERED, READY, KEEPALIVE: no payload
      return 0;
  }
}

}  // namespace ccsim::fabric
