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

}  // namespace ccsim::fabric
