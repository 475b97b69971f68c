#include "ccsim/fabric/chaincode_message.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "ccsim/kernel/digest.hpp"

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

// A payload string in a summary, quoted and escaped as Go's strconv.Quote does for ASCII, so
// that its exact bytes can be read back (strconv.Unquote): `"` and `\` escaped, \a \b \f \n \r
// \t \v, other control bytes and DEL as \xNN. Other bytes (UTF-8 text) are kept as they are.
std::string go_quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 15];
        } else {
          out += c;
        }
    }
  }
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

// --- payload_size: protobuf's wire format, proto3 rules (a field at its default is omitted,
// an element of a repeated field and a set sub-message are always written) ----------------

namespace {

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// One length-delimited field (string, bytes, sub-message) of `len` bytes; tags here are < 16,
// one byte each.
std::size_t delimited(std::size_t len) {
  return 1 + varint_size(len) + len;
}
std::size_t optional_bytes(std::string_view s) {
  return s.empty() ? 0 : delimited(s.size());
}
// An int32 field: negative values are sign-extended to ten bytes.
std::size_t optional_int32(std::int32_t v) {
  if (v == 0) return 0;
  return 1 + (v < 0 ? 10 : varint_size(static_cast<std::uint64_t>(v)));
}
std::size_t optional_bool(bool b) {
  return b ? 2 : 0;
}

// ChaincodeInput{repeated bytes args = 1}.
std::size_t chaincode_input(const std::vector<std::string>& args) {
  std::size_t n = 0;
  for (const std::string& a : args)
    n += delimited(a.size());
  return n;
}

// A QueryResultBytes' resultBytes: a queryresult.KV{namespace = 1, key = 2, value = 3} or,
// when it has a txid, a KeyModification{tx_id = 1, value = 2, timestamp = 3, is_delete = 4}.
std::size_t query_result(const QueryResult& r) {
  if (!r.txid.empty()) {
    return optional_bytes(r.txid) + optional_bytes(r.value) + optional_bool(r.is_delete);
  }
  return optional_bytes(r.key) + optional_bytes(r.value);
}

// ChaincodeEvent{chaincode_id = 1, tx_id = 2, event_name = 3, payload = 4}, as the shim sets it.
std::size_t chaincode_event(const ChaincodeEvent& e) {
  return optional_bytes(e.name) + optional_bytes(e.payload);
}

// A whole ChaincodeMessage{type = 1, payload = 3, txid = 4, chaincode_event = 6,
// channel_id = 7}: the callee's reply that a cc2cc RESPONSE carries.
std::size_t chaincode_message(const ChaincodeMessage& m, bool v1_0_payloads) {
  std::size_t n = 0;
  if (m.type != MessageType::UNDEFINED) n += 1 + varint_size(static_cast<std::uint64_t>(m.type));
  const std::size_t payload = payload_size(m, v1_0_payloads);
  if (payload != 0) n += delimited(payload);
  n += optional_bytes(m.txid);
  if (m.event) n += delimited(chaincode_event(*m.event));
  return n + optional_bytes(m.channel_id);
}

}  // namespace

std::size_t payload_size(const ChaincodeMessage& msg, bool v1_0_payloads) {
  switch (msg.type) {
    case MessageType::REGISTER:  // ChaincodeID{name = 2}
      return optional_bytes(msg.chaincode_id);
    case MessageType::INIT:
    case MessageType::TRANSACTION:
      return chaincode_input(msg.args);
    case MessageType::COMPLETED:  // pb.Response{status = 1, message = 2, payload = 3}
      return optional_int32(msg.response.status) + optional_bytes(msg.response.message) +
             optional_bytes(msg.response.payload);
    case MessageType::ERROR:
      return msg.text.size();
    case MessageType::GET_STATE:
    case MessageType::DEL_STATE:
      // 1.0: the raw key; 1.1+: GetState / DelState{key = 1, collection = 2}.
      if (v1_0_payloads) return msg.key.size();
      return optional_bytes(msg.key) + optional_bytes(msg.collection);
    case MessageType::GET_STATE_METADATA:     // GetStateMetadata{key = 1, collection = 2}
    case MessageType::GET_PRIVATE_DATA_HASH:  // GetState
    case MessageType::PURGE_PRIVATE_DATA:     // DelState
      return optional_bytes(msg.key) + optional_bytes(msg.collection);
    case MessageType::PUT_STATE:
      // 1.0: PutStateInfo{key = 1, value = 2}; 1.1+: PutState{key, value, collection = 3}.
      return optional_bytes(msg.key) + optional_bytes(msg.value) +
             (v1_0_payloads ? 0 : optional_bytes(msg.collection));
    case MessageType::PUT_STATE_METADATA: {
      // PutStateMetadata{key = 1, collection = 3, metadata = 4: StateMetadata{metakey, value}}.
      const std::size_t metadata = optional_bytes(msg.metakey) + optional_bytes(msg.value);
      return optional_bytes(msg.key) + optional_bytes(msg.collection) + delimited(metadata);
    }
    case MessageType::INVOKE_CHAINCODE:
      // ChaincodeSpec{chaincode_id = 2: ChaincodeID{name = 2}, input = 3: ChaincodeInput}.
      return delimited(optional_bytes(msg.target)) + delimited(chaincode_input(msg.args));
    case MessageType::GET_STATE_BY_RANGE:  // GetStateByRange{startKey, endKey, collection}
      return optional_bytes(msg.start_key) + optional_bytes(msg.end_key) +
             optional_bytes(msg.collection);
    case MessageType::GET_QUERY_RESULT:  // GetQueryResult{query = 1, collection = 2}
      return optional_bytes(msg.query) + optional_bytes(msg.collection);
    case MessageType::QUERY_STATE_NEXT:
    case MessageType::QUERY_STATE_CLOSE:  // QueryStateNext / QueryStateClose{id = 1}
      return optional_bytes(msg.iterator_id);
    case MessageType::GET_HISTORY_FOR_KEY:  // GetHistoryForKey{key = 1}
      return optional_bytes(msg.key);
    case MessageType::RESPONSE: {
      if (msg.nested) return chaincode_message(*msg.nested, v1_0_payloads);
      if (msg.is_query_response) {
        // QueryResponse{results = 1: QueryResultBytes{resultBytes = 1}, has_more = 2, id = 3}.
        std::size_t n = 0;
        for (const QueryResult& r : msg.results) {
          const std::size_t result_bytes = query_result(r);
          n += delimited(result_bytes == 0 ? 0 : delimited(result_bytes));
        }
        return n + optional_bool(msg.has_more) + optional_bytes(msg.iterator_id);
      }
      if (msg.is_metadata_response) {
        // StateMetadataResult{entries = 1: StateMetadata{metakey = 1, value = 2}}.
        std::size_t n = 0;
        for (const auto& [k, v] : msg.metadata)
          n += delimited(optional_bytes(k) + optional_bytes(v));
        return n;
      }
      return msg.text.size();  // GET_STATE's value; empty for PUT_STATE, DEL_STATE
    }
    case MessageType::UNDEFINED:
    case MessageType::REGISTERED:
    case MessageType::READY:
    case MessageType::KEEPALIVE:
      return 0;
  }
  return 0;
}

std::string ChaincodeMessage::in_collection() const {
  return collection.empty() ? std::string() : "collection=" + go_quoted(collection) + " ";
}

namespace {
using FieldsJson = nlohmann::ordered_json;

FieldsJson fields_of(const ChaincodeMessage& m);

void add_collection(FieldsJson& j, const ChaincodeMessage& m) {
  if (!m.collection.empty()) j["collection"] = m.collection;
}

FieldsJson fields_of(const ChaincodeMessage& m) {
  FieldsJson j = FieldsJson::object();
  switch (m.type) {
    case MessageType::REGISTER:
      j["name"] = m.chaincode_id;
      break;
    case MessageType::INIT:
    case MessageType::TRANSACTION:
      j["args"] = m.args;
      break;
    case MessageType::GET_STATE:
    case MessageType::DEL_STATE:
    case MessageType::GET_PRIVATE_DATA_HASH:
    case MessageType::PURGE_PRIVATE_DATA:
    case MessageType::GET_STATE_METADATA:
    case MessageType::GET_HISTORY_FOR_KEY:
      add_collection(j, m);
      j["key"] = m.key;
      break;
    case MessageType::PUT_STATE:
      add_collection(j, m);
      j["key"] = m.key;
      j["value"] = m.value;
      break;
    case MessageType::PUT_STATE_METADATA:
      add_collection(j, m);
      j["key"] = m.key;
      j["metakey"] = m.metakey;
      j["value"] = m.value;
      break;
    case MessageType::GET_STATE_BY_RANGE:
      add_collection(j, m);
      j["start_key"] = m.start_key;
      j["end_key"] = m.end_key;
      break;
    case MessageType::GET_QUERY_RESULT:
      add_collection(j, m);
      j["query"] = m.query;
      break;
    case MessageType::QUERY_STATE_NEXT:
    case MessageType::QUERY_STATE_CLOSE:
      j["id"] = m.iterator_id;
      break;
    case MessageType::INVOKE_CHAINCODE:
      j["chaincode"] = m.nil_chaincode_id ? FieldsJson(nullptr) : FieldsJson(m.target);
      j["args"] = m.args;
      break;
    case MessageType::COMPLETED:
      j["status"] = m.response.status;
      j["message"] = m.response.message;
      j["payload"] = m.response.payload;
      if (m.event) j["event"] = {{"name", m.event->name}, {"payload", m.event->payload}};
      break;
    case MessageType::ERROR:
      j["message"] = m.text;
      if (m.event) j["event"] = {{"name", m.event->name}, {"payload", m.event->payload}};
      break;
    case MessageType::RESPONSE:
      if (m.nested) {
        FieldsJson nested = fields_of(*m.nested);
        nested["type"] = to_string(m.nested->type);
        j["nested"] = std::move(nested);
      } else if (m.is_query_response) {
        FieldsJson results = FieldsJson::array();
        for (const QueryResult& r : m.results) {
          FieldsJson one = {{"key", r.key}, {"value", r.value}};
          if (!r.txid.empty() || r.is_delete) {
            one["txid"] = r.txid;
            one["is_delete"] = r.is_delete;
          }
          results.push_back(std::move(one));
        }
        j["results"] = std::move(results);
        j["has_more"] = m.has_more;
        j["id"] = m.iterator_id;
      } else if (m.is_metadata_response) {
        j["metadata"] = m.metadata;
      } else {
        j["payload"] = m.text;
      }
      break;
    default:
      break;
  }
  return j;
}
}  // namespace

std::string ChaincodeMessage::fields_json() const {
  const FieldsJson j = fields_of(*this);
  // Payload bytes that are not UTF-8 become U+FFFD, as in the rest of the JSON-lines trace.
  return j.empty() ? std::string() : j.dump(-1, ' ', false, FieldsJson::error_handler_t::replace);
}

std::uint64_t ChaincodeMessage::digest_key() const {
  using kernel::word_hash::fold;
  std::uint64_t h = fold(0, static_cast<std::uint64_t>(type));
  h = fold(h, chaincode_id);
  h = fold(h, args.size());
  for (const std::string& a : args)
    h = fold(h, a);
  for (std::string_view s :
       {std::string_view(key), std::string_view(value), std::string_view(collection),
        std::string_view(start_key), std::string_view(end_key), std::string_view(query),
        std::string_view(metakey), std::string_view(target)}) {
    h = fold(h, s);
  }
  h = fold(h, static_cast<std::uint64_t>(nil_chaincode_id));
  h = fold(h, text);
  h = fold(h, static_cast<std::uint64_t>(static_cast<std::uint32_t>(response.status)));
  h = fold(h, response.message);
  h = fold(h, response.payload);
  h = fold(h, static_cast<std::uint64_t>(has_proposal));
  h = fold(h, static_cast<std::uint64_t>(event.has_value()));
  if (event) h = fold(fold(h, event->name), event->payload);
  h = fold(h, iterator_id);
  h = fold(h, results.size());
  for (const QueryResult& r : results) {
    h = fold(fold(fold(h, r.key), r.value), r.txid);
    h = fold(h, static_cast<std::uint64_t>(r.is_delete));
  }
  h = fold(h,
           (has_more ? 1U : 0U) | (is_query_response ? 2U : 0U) | (is_metadata_response ? 4U : 0U));
  h = fold(h, metadata.size());
  for (const auto& [k, v] : metadata)  // a std::map: ordered by key
    h = fold(fold(h, k), v);
  h = fold(h, static_cast<std::uint64_t>(nested != nullptr));
  if (nested) h = fold(fold(h, static_cast<std::uint64_t>(nested->type)), nested->digest_key());
  return h;
}

std::string ChaincodeMessage::summary() const {
  switch (type) {
    case MessageType::REGISTER:
      return "name=" + go_quoted(chaincode_id);
    case MessageType::INIT:
    case MessageType::TRANSACTION: {
      std::string s = "args=[";
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (i != 0) s += ',';
        s += go_quoted(args[i]);
      }
      return s + "]";
    }
    case MessageType::GET_STATE:
    case MessageType::DEL_STATE:
    case MessageType::GET_PRIVATE_DATA_HASH:
    case MessageType::PURGE_PRIVATE_DATA:
    case MessageType::GET_STATE_METADATA:
    case MessageType::GET_HISTORY_FOR_KEY:
      return in_collection() + "key=" + go_quoted(key);
    case MessageType::PUT_STATE:
      return in_collection() + "key=" + go_quoted(key) + " value=" + go_quoted(value);
    case MessageType::PUT_STATE_METADATA:
      return in_collection() + "key=" + go_quoted(key) + " metakey=" + go_quoted(metakey) +
             " value=" + go_quoted(value);
    case MessageType::GET_STATE_BY_RANGE:
      return in_collection() + "start=" + go_quoted(start_key) + " end=" + go_quoted(end_key);
    case MessageType::GET_QUERY_RESULT:
      return in_collection() + "query=" + go_quoted(query);
    case MessageType::QUERY_STATE_NEXT:
    case MessageType::QUERY_STATE_CLOSE:
      return "id=" + go_quoted(iterator_id);
    case MessageType::INVOKE_CHAINCODE: {
      std::string s =
          "chaincode=" + (nil_chaincode_id ? std::string("nil") : go_quoted(target)) + " args=[";
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (i != 0) s += ',';
        s += go_quoted(args[i]);
      }
      return s + "]";
    }
    case MessageType::COMPLETED: {
      std::string s = "status=" + std::to_string(response.status);
      if (!response.payload.empty()) s += " payload=" + go_quoted(response.payload);
      if (!response.message.empty()) s += " message=" + go_quoted(response.message);
      if (event) s += " event=" + go_quoted(event->name);
      return s;
    }
    case MessageType::ERROR:
      return go_quoted(text);
    case MessageType::RESPONSE:
      if (nested)
        return "message=" + std::string(to_string(nested->type)) + " " + nested->summary();
      if (is_query_response) {
        std::string s = "results=" + std::to_string(results.size());
        s += has_more ? " has_more=true" : " has_more=false";
        return s + " id=" + go_quoted(iterator_id);
      }
      if (is_metadata_response) {
        std::string s = "metadata={";
        bool first = true;
        for (const auto& [k, v] : metadata) {
          s += (first ? "" : ",") + go_quoted(k) + ":" + go_quoted(v);
          first = false;
        }
        return s + "}";
      }
      return text.empty() ? std::string() : "payload=" + go_quoted(text);
    default:
      return {};
  }
}

std::string handler_label(std::string_view actor, std::string_view chaincode, std::string_view what,
                          const ChaincodeMessage* msg) {
  std::string label(actor);
  label += ' ';
  label += chaincode;
  label += ' ';
  label += what;
  if (msg != nullptr) {
    label += ' ';
    label += label_of(*msg);
  }
  return label;
}

std::string label_of(const ChaincodeMessage& msg) {
  std::string label = to_string(msg.type);
  if (!msg.txid.empty()) {
    label += ' ';
    label += msg.txid;
  }
  return label;
}

}  // namespace ccsim::fabric
