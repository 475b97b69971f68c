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
    case Step::Op::kSleep:
      return "sleep";
    case Step::Op::kReturn:
      return "return";
    case Step::Op::kFail:
      return "fail";
  }
  return "?";
}

}  // namespace ccsim::fabric
