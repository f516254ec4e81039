//===- tsparse-gpu-emulate.cpp - Run a tile-sparse product on the CPU
//------===//
//
// Builds the program of one tile-sparse product on a random problem: weights
// pruned in whole (unit, tile) blocks (and whole columns for compacted
// layouts), packed with tsparse's own storage helpers into a constant (or
// into arguments assembled at run time, --runtime-schedule). Runs it through
// the GPU pipeline up to its kernels and host code, exactly as
// --tsparse-gpu-pipeline does with the same options, and runs the host code
// in the lock-step emulator: its device copies, the work list and launch
// sizes it computes and every kernel it launches. Compares C = C0 + A * W
// with a double-precision reference and exits with status 1 on a mismatch.
// Lets the kernels' indexing, pipelines, fragment layouts and launches be
// checked without a GPU.
//
//===----------------------------------------------------------------------===//

#include "Emulator.h"

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "tsparse/Dialect/TSparse/Transforms/SparsityReport.h"
#include "tsparse/Pipelines/Pipelines.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::tsparse;
namespace cl = llvm::cl;

/// The tool's own options; --help lists only these.
static cl::OptionCategory emulatorCategory("tsparse-gpu-emulate options");

static cl::opt<MmaFlavor>
    mma("mma", cl::desc("Tensor-core flavour"), cl::init(MmaFlavor::WMMA),
        cl::values(clEnumValN(MmaFlavor::WMMA, "wmma",
                              "gpu.subgroup_mma fragments"),
                   clEnumValN(MmaFlavor::MMASync, "mma-sync",
                              "mma.sync with ldmatrix and cp.async"),
                   clEnumValN(MmaFlavor::WGMMA, "wgmma",
                              "wgmma.mma_async from swizzled shared memory")),
        cl::cat(emulatorCategory));
static cl::opt<std::string> elementTypeName("element-type",
                                            cl::desc("f16 or bf16"),
                                            cl::init("f16"),
                                            cl::cat(emulatorCategory));
static cl::opt<std::string> accTypeName("acc-type",
                                        cl::desc("C: f32, f16 or bf16"),
                                        cl::init("f32"),
                                        cl::cat(emulatorCategory));
static cl::opt<unsigned> tileN("tile-n", cl::init(128),
                               cl::cat(emulatorCategory));
static cl::opt<unsigned> unitK("unit-k", cl::init(1),
                               cl::cat(emulatorCategory));
static cl::opt<bool> compacted("compacted",
                               cl::desc("Compacted columns (TW-2D)"),
                               cl::cat(emulatorCategory));
static cl::opt<int64_t> m("m", cl::init(100), cl::cat(emulatorCategory));
static cl::opt<int64_t> k("k", cl::init(256), cl::cat(emulatorCategory));
static cl::opt<int64_t> n("n", cl::init(300), cl::cat(emulatorCategory));
static cl::opt<double> sparsity("sparsity",
                                cl::desc("Fraction of (unit, tile) blocks "
                                         "pruned"),
                                cl::init(0.5), cl::cat(emulatorCategory));
static cl::opt<bool> aKMajor("a-k-major", cl::desc("A is given K x M"),
                             cl::cat(emulatorCategory));
static cl::opt<TransposeA> transposeA(
    "transpose-a",
    cl::desc("When a row-major A goes through the device transposition "
             "kernel first (as the pipeline's transpose-a)"),
    cl::init(TransposeA::Auto),
    cl::values(clEnumValN(TransposeA::Auto, "auto",
                          "when that moves fewer bytes than gathering A"),
               clEnumValN(TransposeA::Always, "always", "for every A"),
               clEnumValN(TransposeA::Never, "never",
                          "only where the kernel cannot gather A")),
    cl::cat(emulatorCategory));
static cl::opt<bool> cTransposed("c-transposed", cl::desc("C is N x M"),
                                 cl::cat(emulatorCategory));
static cl::opt<bool> featureMajor(
    "feature-major",
    cl::desc("With --program: keep the activations between consecutive "
             "products feature-major (as feature-major=1 does)"),
    cl::cat(emulatorCategory));
static cl::opt<int64_t> mTile("m-tile", cl::init(0), cl::cat(emulatorCategory));
static cl::opt<int64_t> stages("stages", cl::init(0),
                               cl::cat(emulatorCategory));
static cl::opt<int64_t> splitRows("split-rows", cl::init(512),
                                  cl::cat(emulatorCategory));
static cl::opt<int64_t> splitBlocks(
    "split-blocks", cl::init(264),
    cl::desc("Run the split work list when the whole one has fewer blocks "
             "than this (0 never splits), as convert-tsparse-to-gpu does"),
    cl::cat(emulatorCategory));
static cl::opt<int64_t> persistentBlocks(
    "persistent-blocks", cl::init(0),
    cl::desc("Launch at most this many blocks, each walking the work list, "
             "as convert-tsparse-to-gpu does"),
    cl::cat(emulatorCategory));
static cl::opt<bool>
    runtimeSchedule("runtime-schedule",
                    cl::desc("Visit every tile whole, as for a runtime matrix"),
                    cl::cat(emulatorCategory));
static cl::opt<unsigned> seed("seed", cl::init(1), cl::cat(emulatorCategory));
static cl::opt<std::string> inputFile(
    "input",
    cl::desc("Emulate the first kernel of this file instead of building one "
             "(same signature; threads from its known_block_size)"),
    cl::value_desc("file"), cl::cat(emulatorCategory));

static cl::opt<std::string> programFile(
    "program",
    cl::desc("Instead of building a product, run this whole program through "
             "the GPU pipeline's kernels and host code and emulate its "
             "function --entry on the inputs of --input-file; print its "
             "results as printMemrefF32 does"),
    cl::value_desc("file"), cl::cat(emulatorCategory));
static cl::opt<std::string> entry("entry", cl::desc("With --program"),
                                  cl::init("forward"),
                                  cl::cat(emulatorCategory));
static cl::list<std::string>
    inputFiles("input-file",
               cl::desc("With --program: an argument of --entry as raw "
                        "little-endian f32, one per argument in order"),
               cl::value_desc("file"), cl::cat(emulatorCategory));
static cl::opt<ComputeType> computeType(
    "compute-type", cl::desc("With --program: the pipeline's compute-type"),
    cl::init(ComputeType::F16),
    cl::values(clEnumValN(ComputeType::Keep, "keep", "keep f32 inputs"),
               clEnumValN(ComputeType::F16, "f16", "round f32 inputs to f16"),
               clEnumValN(ComputeType::BF16, "bf16",
                          "round f32 inputs to bf16")),
    cl::cat(emulatorCategory));

namespace {
/// The problem in row-major doubles, rounded to the element type.
struct Problem {
  std::vector<double> a, w, c0;
};
} // namespace

static Problem makeProblem(Type elementType, Type accType,
                           const LayoutAttr &layout) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::bernoulli_distribution prune(sparsity);
  Problem p;
  for (int64_t i = 0; i < m * k; ++i)
    p.a.push_back(roundTo(elementType, uniform(rng)));
  for (int64_t i = 0; i < k * n; ++i)
    p.w.push_back(roundTo(elementType, uniform(rng)));
  for (int64_t i = 0; i < m * n; ++i)
    p.c0.push_back(roundTo(accType, uniform(rng)));
  // Prune whole columns (compacted layouts), then (unit, tile) blocks of the
  // columns as they would be tiled.
  std::vector<int64_t> kept;
  for (int64_t col = 0; col < n; ++col) {
    if (layout.isCompacted() && prune(rng) && prune(rng)) {
      for (int64_t row = 0; row < k; ++row)
        p.w[row * n + col] = 0.0;
      continue;
    }
    kept.push_back(col);
  }
  int64_t numTiles = (int64_t(kept.size()) + tileN - 1) / tileN;
  for (int64_t tile = 0; tile < numTiles; ++tile)
    for (int64_t unit = 0; unit < k / unitK; ++unit) {
      if (!prune(rng))
        continue;
      for (int64_t j = tile * tileN;
           j < std::min<int64_t>(kept.size(), (tile + 1) * tileN); ++j)
        for (int64_t row = unit * unitK; row < (unit + 1) * unitK; ++row)
          p.w[row * n + kept[j]] = 0.0;
    }
  return p;
}

template <typename T> static Buffer makeBuffer(Type type, ArrayRef<T> values) {
  Buffer buffer(type, {int64_t(values.size())});
  for (auto [i, v] : llvm::enumerate(values)) {
    if constexpr (std::is_floating_point_v<T>)
      buffer.data[i].f = v;
    else
      buffer.data[i].i = v;
  }
  return buffer;
}

/// Returns the float type named `name` (f32, f16 or bf16), or null.
static Type parseFloatType(MLIRContext &context, StringRef name) {
  if (name == "f32")
    return Float32Type::get(&context);
  if (name == "f16")
    return Float16Type::get(&context);
  if (name == "bf16")
    return BFloat16Type::get(&context);
  return Type();
}

/// Checks the options that describe the problem, or says why not.
static LogicalResult checkProblemOptions(Type elementType, Type accType) {
  if (!elementType || elementType.isF32() || !accType) {
    llvm::errs() << "error: --element-type must be f16 or bf16 and "
                    "--acc-type f32, f16 or bf16\n";
    return failure();
  }
  if (m < 0 || k <= 0 || n <= 0 || tileN == 0 || unitK == 0 || k % unitK != 0) {
    llvm::errs() << "error: --m must be non-negative, --k, --n and --tile-n "
                    "positive and --k a multiple of --unit-k\n";
    return failure();
  }
  if (!(sparsity >= 0.0 && sparsity <= 1.0)) {
    llvm::errs() << "error: expected --sparsity in [0, 1] but got "
                 << formatOptionValue(sparsity) << "\n";
    return failure();
  }
  if (aKMajor && transposeA != TransposeA::Auto) {
    llvm::errs() << "error: --transpose-a=" << transposeA
                 << " chooses how a row-major A is read; it excludes "
                    "--a-k-major\n";
    return failure();
  }
  return success();
}

namespace {
/// The weights of a problem in tsparse's storage format.
struct PackedProblem {
  PackedIndices indices;
  std::vector<double> values;
};
} // namespace

/// Packs the weights of `p` with tsparse's storage helpers.
static PackedProblem packProblem(const Problem &p, MatrixType matrixType) {
  PackedProblem packed;
  auto isNonZero = [&](int64_t row, int64_t col) {
    return p.w[row * n + col] != 0.0;
  };
  PackMasks masks = inferMasksFromNonZeros(matrixType, isNonZero);
  packed.indices = buildPackedIndices(matrixType, masks.units, masks.columns);
  const PackedIndices &indices = packed.indices;
  forEachStoredElement(matrixType, indices.colIds, indices.tilePtr,
                       indices.rowIds, [&](int64_t row, int64_t col) {
                         packed.values.push_back(p.w[row * n + col]);
                       });
  return packed;
}

/// Returns the product's program: `@product(A, C) -> C + A * W` on tensors
/// of a dynamic M, A given K x M and transposed by a linalg.transpose with
/// --a-k-major, the result transposed to N x M with --c-transposed. W is a
/// tsparse.constant, or with --runtime-schedule assembled from arguments
/// (tile_ptr, row_ids, values, then col_ids when compacted).
static OwningOpRef<ModuleOp> buildProgram(MLIRContext &context,
                                          MatrixType matrixType, Type accType,
                                          const PackedProblem &packed) {
  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  Type elementType = matrixType.getElementType();
  int64_t dynamic = ShapedType::kDynamic;
  auto aType = RankedTensorType::get(aKMajor ? SmallVector<int64_t>{k, dynamic}
                                             : SmallVector<int64_t>{dynamic, k},
                                     elementType);
  auto cType = RankedTensorType::get({dynamic, n}, accType);
  auto resultType =
      cTransposed ? RankedTensorType::get({n, dynamic}, accType) : cType;
  auto i32Array = RankedTensorType::get({dynamic}, b.getI32Type());
  SmallVector<Type> inputs = {aType, cType};
  if (runtimeSchedule) {
    inputs.append(
        {i32Array, i32Array, RankedTensorType::get({dynamic}, elementType)});
    if (matrixType.getLayout().isCompacted())
      inputs.push_back(i32Array);
  }
  auto function = func::FuncOp::create(b, loc, "product",
                                       b.getFunctionType(inputs, {resultType}));
  Block *entry = function.addEntryBlock();
  b.setInsertionPointToStart(entry);

  // A linalg.transpose of a 2-D tensor into a new one.
  auto transpose = [&](Value source) -> Value {
    auto type = cast<RankedTensorType>(source.getType());
    SmallVector<int64_t> shape = {type.getDimSize(1), type.getDimSize(0)};
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < 2; ++d)
      if (ShapedType::isDynamic(shape[d]))
        sizes.push_back(tensor::DimOp::create(b, loc, source, 1 - d));
    Value init =
        tensor::EmptyOp::create(b, loc, shape, type.getElementType(), sizes);
    return linalg::TransposeOp::create(b, loc, source, init,
                                       ArrayRef<int64_t>{1, 0})
        .getResult()[0];
  };
  Value a = entry->getArgument(0);
  if (aKMajor)
    a = transpose(a);

  Value matrix;
  if (runtimeSchedule) {
    SmallVector<Value> arrays;
    if (matrixType.getLayout().isCompacted())
      arrays.push_back(entry->getArgument(5));
    arrays.append(
        {entry->getArgument(2), entry->getArgument(3), entry->getArgument(4)});
    matrix = AssembleOp::create(b, loc, matrixType, arrays);
  } else {
    auto i32Attr = [&](ArrayRef<int32_t> values) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({int64_t(values.size())}, b.getI32Type()),
          values);
    };
    auto floatType = cast<FloatType>(elementType);
    SmallVector<APFloat> values;
    for (double value : packed.values) {
      APFloat rounded(value);
      bool losesInfo;
      rounded.convert(floatType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &losesInfo);
      values.push_back(rounded);
    }
    PackedConstantAttrs storage;
    storage.tilePtr = i32Attr(packed.indices.tilePtr);
    storage.rowIds = i32Attr(packed.indices.rowIds);
    storage.values = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(values.size())}, elementType), values);
    if (matrixType.getLayout().isCompacted())
      storage.colIds = i32Attr(packed.indices.colIds);
    matrix = ConstantOp::create(b, loc, matrixType, storage);
  }
  Value result =
      MatmulOp::create(b, loc, a, matrix, entry->getArgument(1)).getResult();
  if (cTransposed)
    result = transpose(result);
  func::ReturnOp::create(b, loc, result);
  return module;
}

/// Returns the fused product kernel of `module`: the one with the kernel
/// arguments of convert-tsparse-to-gpu.
static gpu::GPUFuncOp getProductKernel(ModuleOp module) {
  gpu::GPUFuncOp product;
  module->walk([&](gpu::GPUFuncOp kernel) {
    // KernelArg, then B's tensor map for a kernel that loads B by TMA.
    unsigned numInputs = kernel.getFunctionType().getNumInputs();
    if (!product && kernel.isKernel() &&
        (numInputs == kNumKernelArgs ||
         (numInputs == kNumKernelArgs + 1 &&
          isa<LLVM::LLVMPointerType>(
              kernel.getFunctionType().getInputs().back()))))
      product = kernel;
  });
  return product;
}

/// Replaces the product kernel of `module` by the first kernel of --input,
/// launched with its known_block_size threads.
static LogicalResult substituteInputKernel(MLIRContext &context,
                                           ModuleOp module) {
  OwningOpRef<ModuleOp> input = parseSourceFile<ModuleOp>(inputFile, &context);
  if (!input)
    return failure();
  gpu::GPUFuncOp replacement;
  input->walk([&](gpu::GPUFuncOp kernel) {
    if (!replacement && kernel.isKernel())
      replacement = kernel;
  });
  gpu::GPUFuncOp product = getProductKernel(module);
  if (!replacement || !replacement.getKnownBlockSize() || !product ||
      replacement.getFunctionType() != product.getFunctionType()) {
    llvm::errs() << "error: expected a kernel with a known_block_size and the "
                    "signature of the product kernel\n";
    return failure();
  }
  int64_t numThreads = (*replacement.getKnownBlockSize())[0];
  module->walk([&](gpu::LaunchFuncOp launch) {
    if (launch.getKernelName() != product.getName())
      return;
    OpBuilder b(launch);
    launch.getBlockSizeXMutable().assign(
        arith::ConstantIndexOp::create(b, launch.getLoc(), numThreads));
  });
  OpBuilder b(product);
  auto clone = cast<gpu::GPUFuncOp>(b.clone(*replacement));
  clone.setName(product.getName());
  product.erase();
  return success();
}

/// Prints what the emulator saw of the kernel's memory traffic.
static void printMemoryStats(const MemoryStats &stats) {
  if (stats.ldmatrixPhases > 0)
    llvm::outs() << "ldmatrix: " << stats.ldmatrixPhases << " phases, "
                 << stats.ldmatrixWavefronts << " wavefronts ("
                 << (stats.ldmatrixWavefronts == stats.ldmatrixPhases
                         ? "no bank conflicts"
                         : "bank conflicts")
                 << ")\n";
  if (stats.accessRequests > 0)
    llvm::outs() << "shared memory: " << stats.accessRequests
                 << " warp accesses, " << stats.accessWavefronts
                 << " wavefronts (" << stats.accessIdealWavefronts
                 << " without bank conflicts)\n";
  if (stats.globalRequests > 0)
    llvm::outs() << "global memory: " << stats.globalRequests
                 << " warp accesses, " << stats.globalSectors << " sectors ("
                 << stats.globalIdealSectors << " if coalesced)\n";
}

/// Returns a buffer of `shape` whose element i (row-major) is `value(i)`.
static Buffer makeFloatBuffer(Type type, ArrayRef<int64_t> shape,
                              function_ref<double(int64_t)> value) {
  Buffer buffer(type, shape);
  for (int64_t i = 0, e = buffer.getNumElements(); i < e; ++i)
    buffer.data[i].f = value(i);
  return buffer;
}

/// Runs `module` through the GPU pipeline up to its kernels and host code
/// with the options the flags give (checked as --tsparse-gpu-pipeline
/// checks them) and `inputType`, then lowers the rest of the host code to
/// loops for the emulator.
static LogicalResult runGPUPipeline(MLIRContext &context, ModuleOp module,
                                    ComputeType inputType) {
  GPUPipelineOptions options;
  options.mma = mma;
  options.mTile = mTile;
  options.stages = stages;
  options.splitRows = splitRows;
  options.splitBlocks = splitBlocks;
  options.persistentBlocks = persistentBlocks;
  options.transposeA = transposeA;
  options.featureMajor = featureMajor;
  options.computeType = inputType;
  // The kernels are emulated whatever the chip; wgmma exists on sm_90a only.
  if (mma == MmaFlavor::WGMMA)
    options.chip = "sm_90a";
  if (failed(verifyGPUPipelineOptions(options, [](const Twine &message) {
        llvm::errs() << "error: " << message << "\n";
        return failure();
      })))
    return failure();
  PassManager pm(&context);
  buildGPUKernelsAndHostPipeline(pm, options);
  // Host loops for what the host computes with linalg (transposes, work
  // lists of runtime matrices).
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  return pm.run(module);
}

static int run(MLIRContext &context) {
  Type elementType = parseFloatType(context, elementTypeName);
  Type accType = parseFloatType(context, accTypeName);
  if (failed(checkProblemOptions(elementType, accType)))
    return 2;
  auto layout =
      LayoutAttr::get(&context, tileN, unitK,
                      compacted ? ColumnMode::Compacted : ColumnMode::Original);
  auto matrixType = MatrixType::get({k, n}, elementType, layout);
  Problem p = makeProblem(elementType, accType, layout);
  PackedProblem packed = packProblem(p, matrixType);

  // The program through the GPU pipeline up to its kernels and host code.
  OwningOpRef<ModuleOp> module =
      buildProgram(context, matrixType, accType, packed);
  // The products are f16 or bf16 already: their inputs are kept.
  if (failed(runGPUPipeline(context, *module, ComputeType::Keep)))
    return 2;
  if (!inputFile.empty() && failed(substituteInputKernel(context, *module)))
    return 2;
  gpu::GPUFuncOp productKernel = getProductKernel(*module);
  if (!productKernel) {
    llvm::errs() << "error: convert-tsparse-to-gpu built no product kernel\n";
    return 2;
  }

  // The problem's buffers, as the host function takes them.
  Buffer a = makeFloatBuffer(
      elementType,
      aKMajor ? SmallVector<int64_t>{k, m} : SmallVector<int64_t>{m, k},
      [&](int64_t i) { return aKMajor ? p.a[(i % m) * k + i / m] : p.a[i]; });
  Buffer c =
      makeFloatBuffer(accType, {m, n}, [&](int64_t i) { return p.c0[i]; });
  Type i32 = IntegerType::get(&context, 32);
  Buffer tilePtr = makeBuffer<int32_t>(i32, packed.indices.tilePtr);
  Buffer rowIds = makeBuffer<int32_t>(i32, packed.indices.rowIds);
  Buffer colIds = makeBuffer<int32_t>(i32, packed.indices.colIds);
  Buffer values = makeBuffer<double>(elementType, packed.values);
  SmallVector<Buffer *> arguments = {&a, &c};
  if (runtimeSchedule) {
    arguments.append({&tilePtr, &rowIds, &values});
    if (layout.isCompacted())
      arguments.push_back(&colIds);
  }

  auto function = module->lookupSymbol<func::FuncOp>("product");
  SmallVector<KernelLaunch> launches;
  MemoryStats stats;
  FailureOr<SmallVector<Buffer>> results =
      emulateHostFunction(function, arguments, &launches, &stats);
  if (failed(results))
    return 1;
  const Buffer &result = results->front();

  double maxDiff = 0.0, maxRef = 1e-30;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double ref = p.c0[i * n + j];
      for (int64_t kk = 0; kk < k; ++kk)
        ref += p.a[i * k + kk] * p.w[kk * n + j];
      double value = result.data[cTransposed ? j * m + i : i * n + j].f;
      double diff = std::fabs(value - ref);
      maxDiff = std::isnan(diff) ? INFINITY : std::max(maxDiff, diff);
      maxRef = std::max(maxRef, std::fabs(ref));
    }
  // A narrow C is rounded once per update (once per split-K run).
  double tolerance = accType.isF32() ? 1e-5 : accType.isF16() ? 4e-3 : 3e-2;
  double error = maxDiff / maxRef;
  bool ok = error <= tolerance;
  // The product's launch, as the host code made it (none when empty).
  int64_t numBlocks = 0;
  bool split = false;
  for (const KernelLaunch &launch : launches) {
    if (launch.kernel != productKernel)
      continue;
    numBlocks += launch.numBlocks;
    split |= launch.values[static_cast<unsigned>(KernelArg::SplitRows)] !=
             kWholeTileRows;
  }
  llvm::outs() << productKernel.getName() << " m=" << m << " k=" << k
               << " n=" << n << " sparsity=" << sparsity << ": " << numBlocks
               << " blocks" << (split ? " (split)" : "") << ", "
               << packed.values.size() << " stored values, "
               << "max relative error " << error << (ok ? " ok" : " MISMATCH")
               << "\n";
  printMemoryStats(stats);
  return ok ? 0 : 1;
}

/// Returns the contents of the raw f32 file `path` as a buffer of `type`, or
/// nothing with an error printed.
static std::optional<Buffer> readF32Argument(StringRef path, Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() || !memref.getElementType().isF32()) {
    llvm::errs() << "error: expected a static f32 memref argument for " << path
                 << "\n";
    return std::nullopt;
  }
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  Buffer buffer(memref.getElementType(), memref.getShape());
  if (!file || (*file)->getBufferSize() != 4 * buffer.data.size()) {
    llvm::errs() << "error: expected " << 4 * buffer.data.size() << " bytes in "
                 << path << "\n";
    return std::nullopt;
  }
  const char *bytes = (*file)->getBufferStart();
  for (auto [i, element] : llvm::enumerate(buffer.data)) {
    float value;
    std::memcpy(&value, bytes + 4 * i, sizeof(value));
    element.f = value;
  }
  return buffer;
}

/// Prints `buffer` in printMemrefF32's format (flat data).
static void printBuffer(const Buffer &buffer) {
  llvm::outs() << "Unranked Memref base@ = 0 rank = " << buffer.shape.size()
               << " offset = 0 sizes = [";
  llvm::interleaveComma(buffer.shape, llvm::outs());
  llvm::outs() << "] strides = [] data = \n[";
  llvm::interleaveComma(buffer.data, llvm::outs(), [](const Scalar &s) {
    llvm::outs() << llvm::format("%g", s.f);
  });
  llvm::outs() << "]\n";
}

/// --program: the whole program through the GPU pipeline, its entry
/// function emulated.
static int runProgram(MLIRContext &context) {
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(programFile, &context);
  if (!module)
    return 2;
  if (failed(runGPUPipeline(context, *module, computeType)))
    return 2;
  auto function = module->lookupSymbol<func::FuncOp>(entry);
  if (!function || function.isExternal()) {
    llvm::errs() << "error: no function @" << entry << " with a body\n";
    return 2;
  }
  if (function.getNumArguments() != inputFiles.size()) {
    llvm::errs() << "error: @" << entry << " takes "
                 << function.getNumArguments() << " arguments but "
                 << inputFiles.size() << " --input-file were given\n";
    return 2;
  }
  std::vector<Buffer> inputs;
  inputs.reserve(inputFiles.size());
  for (auto [path, type] :
       llvm::zip_equal(inputFiles, function.getArgumentTypes())) {
    std::optional<Buffer> input = readF32Argument(path, type);
    if (!input)
      return 2;
    inputs.push_back(std::move(*input));
  }
  SmallVector<Buffer *> arguments;
  for (Buffer &input : inputs)
    arguments.push_back(&input);
  SmallVector<KernelLaunch> launches;
  FailureOr<SmallVector<Buffer>> results =
      emulateHostFunction(function, arguments, &launches);
  if (failed(results))
    return 1;
  for (const Buffer &result : *results)
    printBuffer(result);
  llvm::SmallSetVector<Operation *, 16> kernels;
  for (const KernelLaunch &launch : launches)
    kernels.insert(launch.kernel);
  llvm::errs() << launches.size() << " launches of " << kernels.size()
               << " kernels emulated\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(emulatorCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "Runs a tile-sparse product through the GPU "
                              "pipeline's kernels and host code on the CPU\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<TSparseDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
  MLIRContext context(registry);
  context.loadDialect<TSparseDialect, arith::ArithDialect, func::FuncDialect,
                      linalg::LinalgDialect, tensor::TensorDialect>();
  return programFile.empty() ? run(context) : runProgram(context);
}
