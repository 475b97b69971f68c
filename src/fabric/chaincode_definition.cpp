#include "ccsim/fabric/chaincode_definition.hpp"

namespace ccsim::fabric {

const char* to_string(Step::Op op) {
  switch (op) {
    case Step::Op::kGetState:
      return "get_state";
    case Step::Op::kPutState:
      return "put_state";
    case Step::Op::kDelState:
      return "del_state";
    case Step::Op::kGetPrivateDataHash:
      return "get_private_data_hash";
    case Step::Op::kPurgePrivateData:
      return "purge_private_data";
    case Step::Op::kGetStateByRange:
      return "get_state_by_range";
    case Step::Op::kGetQueryResult:
      return "get_query_result";
    case Step::Op::kGetHistoryForKey:
      return "get_history_for_key";
    case Step::Op::kGetStateMetadata:
      return "get_state_metadata";
    case Step::Op::kPutStateMetadata:
      return "put_state_metadata";
    case Step::Op::kInvokeChaincode:
      return "invoke_chaincode";
    case Step::Op::kSetEvent:
      return "set_event";
    case Step::Op::kSleep:
      return "sleep";
    case Step::Op::kReturn:
      return "return";
    case Step::Op::kFail:
      return "fail";
    case Step::Op::kPanic:
      return "panic";
    case Step::Op::kHang:
      return "hang";
    case Step::Op::kReturnIf:
      return "return_if";
    case Step::Op::kCpu:
      return "cpu";
    case Step::Op::kParallel:
      return "parallel";
    case Step::Op::kGo:
      return "go";
  }
  return "?";
}

}  // namespace ccsim::fabric
