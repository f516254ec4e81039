//===- ConvertKernelsToNVVM.cpp - Kernels to NVVM with narrow indices -----===//
//
// One conversion of a gpu.module to LLVM/NVVM with the patterns of
// convert-gpu-to-nvvm, convert-nvgpu-to-nvvm and the ConvertToLLVM dialect
// interfaces on a single type converter, so that `index` can be 32 bits
// wide in the kernels. The kernels keep the parameters convert-gpu-to-nvvm
// gives them: the 64-bit ones that now carry 32-bit values are truncated on
// entry.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSECONVERTKERNELSTONVVM
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// Adds the conversions of the nvgpu types, as convert-nvgpu-to-nvvm does.
static void addNVGPUTypeConversions(LLVMTypeConverter &converter) {
  MLIRContext *context = &converter.getContext();
  // Device-side async tokens have no value: a dummy i32 that folds away.
  converter.addConversion([&converter](nvgpu::DeviceAsyncTokenType type) {
    return converter.convertType(IntegerType::get(type.getContext(), 32));
  });
  converter.addConversion([&converter](nvgpu::MBarrierTokenType type) {
    return converter.convertType(IntegerType::get(type.getContext(), 64));
  });
  converter.addConversion(
      [&converter](nvgpu::WarpgroupMatrixDescriptorType type) {
        return converter.convertType(IntegerType::get(type.getContext(), 64));
      });
  converter.addConversion([&converter, context](nvgpu::MBarrierGroupType type) {
    return converter.convertType(nvgpu::getMBarrierMemrefType(context, type));
  });
  converter.addConversion([](nvgpu::TensorMapDescriptorType type) -> Type {
    return LLVM::LLVMPointerType::get(type.getContext());
  });
}

/// Returns the lowering options of the kernels of `module` with `index` of
/// `indexBitwidth` bits.
static LowerToLLVMOptions getKernelLoweringOptions(gpu::GPUModuleOp module,
                                                   unsigned indexBitwidth) {
  LowerToLLVMOptions options(
      module.getContext(),
      DataLayout(cast<DataLayoutOpInterface>(module.getOperation())));
  options.overrideIndexBitwidth(indexBitwidth);
  return options;
}

/// Adds the conversions of GPU and nvgpu types to `converter`.
static void configureKernelTypeConverter(LLVMTypeConverter &converter) {
  configureGpuToNVVMTypeConverter(converter);
  addNVGPUTypeConversions(converter);
}

namespace {
/// A kernel's LLVM parameters as convert-gpu-to-nvvm gives them with 64-bit
/// indices.
struct KernelParameters {
  SmallVector<Type> types;
  /// The aligned pointers of memref arguments marked `llvm.noalias`.
  SmallVector<unsigned> noAliasAlignedPointers;
};
} // namespace

/// Returns the parameters of each kernel by name; fails on kernels whose
/// parameters cannot be narrowed to `indexBitwidth`.
static FailureOr<llvm::StringMap<KernelParameters>>
getWideKernelParameters(gpu::GPUModuleOp module, unsigned indexBitwidth) {
  LLVMTypeConverter wide(module.getContext(),
                         getKernelLoweringOptions(module, 64));
  configureKernelTypeConverter(wide);
  llvm::StringMap<KernelParameters> parameters;
  for (auto func : module.getOps<gpu::GPUFuncOp>()) {
    if (!func.isKernel())
      continue;
    FunctionType type = func.getFunctionType();
    // An unranked memref passes a pointer to a descriptor the host wrote
    // with 64-bit fields, which narrow indices would misread.
    if (indexBitwidth < 64 &&
        llvm::any_of(type.getInputs(), llvm::IsaPred<UnrankedMemRefType>))
      return func.emitOpError("takes an unranked memref, whose descriptor has "
                              "64-bit fields; lower it with index-bitwidth=64");
    TypeConverter::SignatureConversion conversion(type.getNumInputs());
    auto llvmType =
        dyn_cast_or_null<LLVM::LLVMFunctionType>(wide.convertFunctionSignature(
            type, /*isVariadic=*/false,
            /*useBarePtrCallConv=*/false, conversion));
    if (!llvmType)
      return func.emitOpError("has arguments the LLVM lowering cannot type");
    KernelParameters &kernel = parameters[func.getName()];
    kernel.types = llvm::to_vector(llvmType.getParams());
    // A memref's descriptor starts with its allocated and aligned pointers.
    for (unsigned i = 0, e = type.getNumInputs(); i < e; ++i)
      if (isa<MemRefType>(type.getInput(i)) &&
          func.getArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName()))
        kernel.noAliasAlignedPointers.push_back(
            conversion.getInputMapping(i)->inputNo + 1);
  }
  return parameters;
}

/// Gives `func` the 64-bit parameters `wideTypes` where the narrow-index
/// lowering made them i32, truncating them on entry.
static LogicalResult widenParameters(LLVM::LLVMFuncOp func,
                                     ArrayRef<Type> wideTypes) {
  LLVM::LLVMFunctionType type = func.getFunctionType();
  if (type.getNumParams() != wideTypes.size())
    return func.emitOpError("lost its parameter layout in the conversion");
  if (func.isExternal())
    return success();
  Block &entry = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  SmallVector<Type> params = llvm::to_vector(type.getParams());
  for (auto [i, narrow, wide] : llvm::enumerate(type.getParams(), wideTypes)) {
    if (narrow == wide)
      continue;
    if (!narrow.isInteger(32) || !wide.isInteger(64))
      return func.emitOpError("parameter ")
             << i << " became " << narrow << " instead of " << wide;
    BlockArgument argument = entry.getArgument(i);
    argument.setType(wide);
    auto truncated =
        LLVM::TruncOp::create(b, argument.getLoc(), narrow, argument);
    argument.replaceAllUsesExcept(truncated, truncated);
    params[i] = wide;
  }
  func.setFunctionType(
      LLVM::LLVMFunctionType::get(type.getReturnType(), params));
  return success();
}

namespace {
struct TSparseConvertKernelsToNVVM
    : tsparse::impl::TSparseConvertKernelsToNVVMBase<
          TSparseConvertKernelsToNVVM> {
  using Base::Base;

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (indexBitwidth != 32 && indexBitwidth != 64) {
      module.emitError("index-bitwidth must be 32 or 64");
      return signalPassFailure();
    }
    FailureOr<llvm::StringMap<KernelParameters>> wideParameters =
        getWideKernelParameters(module, indexBitwidth);
    if (failed(wideParameters))
      return signalPassFailure();
    // Upstream's lowering drops `llvm.noalias` on a memref passed as a
    // descriptor, with a warning (its allocated and aligned pointers alias
    // each other); it is put back on the aligned pointer below.
    for (auto func : module.getOps<gpu::GPUFuncOp>())
      if (func.isKernel())
        for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
          if (isa<MemRefType>(func.getArgument(i).getType()))
            func.removeArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName());

    // In-dialect rewrites first, as convert-gpu-to-nvvm does.
    {
      RewritePatternSet patterns(context);
      populateGpuRewritePatterns(patterns);
      vector::populateVectorFromElementsUnrollPatterns(patterns);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }

    LLVMTypeConverter converter(
        context, getKernelLoweringOptions(module, indexBitwidth));
    configureKernelTypeConverter(converter);
    LLVMConversionTarget target(*context);
    RewritePatternSet patterns(context);
    // Above the generic patterns, as in convert-gpu-to-nvvm.
    populateGpuToNVVMConversionPatterns(converter, patterns, /*benefit=*/10);
    for (Dialect *dialect : context->getLoadedDialects()) {
      // NVVM lowers math itself.
      if (isa<math::MathDialect>(dialect))
        continue;
      if (auto *iface = dyn_cast<ConvertToLLVMPatternInterface>(dialect))
        iface->populateConvertToLLVMConversionPatterns(target, converter,
                                                       patterns);
    }
    populateNVGPUToNVVMConversionPatterns(converter, patterns);
    populateGpuWMMAToNVVMConversionPatterns(converter, patterns);
    configureGpuToNVVMConversionLegality(target);
    target.addIllegalDialect<nvgpu::NVGPUDialect>();
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    // The nvgpu async-copy lowering truncates its source size to i32
    // unconditionally, which is no truncation when `index` is i32 already.
    module.walk([](LLVM::TruncOp trunc) {
      if (trunc.getArg().getType() == trunc.getType()) {
        trunc.replaceAllUsesWith(trunc.getArg());
        trunc.erase();
      }
    });

    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      auto it = wideParameters->find(func.getName());
      if (it == wideParameters->end())
        continue;
      if (failed(widenParameters(func, it->second.types)))
        return signalPassFailure();
      // Memory is accessed through the aligned pointer only.
      for (unsigned i : it->second.noAliasAlignedPointers)
        func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                        UnitAttr::get(context));
    }
  }
};
} // namespace
