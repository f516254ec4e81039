//===- consumer.cpp - Uses the installed tsparse package ------------------===//
//
// Parses a tsparse program, runs --tsparse-expand-to-dense through the C++
// API and prints the result.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

static const char *kProgram = R"mlir(
func.func @f(%a: tensor<2x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[2]> : tensor<1xi32>,
    values = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  } : !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c
      : tensor<2x4xf32>, !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 4>>
      -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}
)mlir";

int main() {
  mlir::MLIRContext context;
  context.loadDialect<mlir::tsparse::TSparseDialect, mlir::func::FuncDialect,
                      mlir::linalg::LinalgDialect>();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kProgram, &context);
  if (!module)
    return 1;
  mlir::PassManager pm(&context);
  pm.addPass(mlir::tsparse::createTSparseExpandToDense());
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  return 0;
}
