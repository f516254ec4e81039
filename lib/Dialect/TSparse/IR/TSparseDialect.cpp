//===- TSparseDialect.cpp - TSparse dialect -------------------------------===//
//
// Registers the tsparse attributes, types and operations.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::tsparse;

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.cpp.inc"

namespace {
/// Prints layouts as `#layout`, `#layout1`, ... aliases: they recur in every
/// matrix type of a module and are long.
struct TSparseOpAsmDialectInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    if (isa<LayoutAttr>(attr)) {
      os << "layout";
      return AliasResult::OverridableAlias;
    }
    return AliasResult::NoAlias;
  }
};
} // namespace

void TSparseDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "tsparse/Dialect/TSparse/IR/TSparseOps.cpp.inc"
      >();
  addInterfaces<TSparseOpAsmDialectInterface>();
  // Attached by registerBufferizableOpInterfaceExternalModels.
  declarePromisedInterfaces<bufferization::BufferizableOpInterface, MatmulOp,
                            PackOp>();
}
