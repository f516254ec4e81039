//===- tsparse-opt.cpp - tsparse optimizer driver -------------------------===//
//
// An mlir-opt with the tsparse dialect and passes added to every upstream
// dialect, extension and pass.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/Passes.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Pipelines/Pipelines.h"
#include "tsparse/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::tsparse::registerTSparsePasses();
  mlir::tsparse::registerTSparseConversionPasses();
  mlir::tsparse::registerTSparseCommonPasses();
  mlir::tsparse::registerTSparsePipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates gpu.module bodies to LLVM IR.
  mlir::registerAllGPUToLLVMIRTranslations(registry);
  registry.insert<mlir::tsparse::TSparseDialect>();
  mlir::tsparse::registerBufferizableOpInterfaceExternalModels(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "tsparse optimizer driver\n", registry));
}
