//===- tsparse-gpu-emulate.cpp - Run a fused kernel on the CPU ------------===//
//
// Builds the fused tile-sparse kernel that convert-tsparse-to-gpu would emit
// for one configuration, canonicalizes it as the GPU pipeline does, and runs
// it in the lock-step emulator on a random problem: weights pruned in whole
// (unit, tile) blocks (and whole columns for compacted layouts), packed with
// tsparse's own storage helpers, scheduled statically (longest first, split
// into runs of kept rows) or as a runtime matrix is (every tile, whole).
// Compares C = C0 + A * W with a double-precision reference and exits with
// status 1 on a mismatch. Lets the kernels' indexing, pipelines and fragment
// layouts be checked without a GPU.
//
//===----------------------------------------------------------------------===//

#include "Emulator.h"

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"
#include "tsparse/Dialect/TSparse/Transforms/SparsityReport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

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
                              "mma.sync with ldmatrix and cp.async")),
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
static cl::opt<bool>
    transposeA("transpose-a",
               cl::desc("Give A row-major and transpose it with the device "
                        "transposition kernel first (as transpose-a=1 does)"),
               cl::cat(emulatorCategory));
static cl::opt<bool> cTransposed("c-transposed", cl::desc("C is N x M"),
                                 cl::cat(emulatorCategory));
static cl::opt<int64_t> mTile("m-tile", cl::init(0), cl::cat(emulatorCategory));
static cl::opt<int64_t> stages("stages", cl::init(3),
                               cl::cat(emulatorCategory));
static cl::opt<int64_t> splitRows("split-rows", cl::init(512),
                                  cl::cat(emulatorCategory));
static cl::opt<int64_t> splitBlocks(
    "split-blocks", cl::init(264),
    cl::desc("Run the split work list when the whole one has fewer blocks "
             "than this (0 never splits), as convert-tsparse-to-gpu does"),
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
  if (aKMajor && transposeA) {
    llvm::errs() << "error: --transpose-a gives A row-major; it excludes "
                    "--a-k-major\n";
    return failure();
  }
  return success();
}

namespace {
/// The kernels to emulate, canonicalized as the GPU pipeline would.
struct Kernels {
  OwningOpRef<ModuleOp> module;
  gpu::GPUFuncOp kernel;
  /// The device transposition of A (--transpose-a), or null.
  gpu::GPUFuncOp transposeKernel;
  int64_t numThreads = 0;
};
} // namespace

/// Builds the kernel convert-tsparse-to-gpu would build for `config`, or
/// loads the first kernel of --input.
static FailureOr<Kernels> getKernels(MLIRContext &context,
                                     const KernelConfig &config) {
  Kernels kernels;
  kernels.numThreads = config.getNumThreads();
  if (!inputFile.empty()) {
    kernels.module = parseSourceFile<ModuleOp>(inputFile, &context);
    if (!kernels.module)
      return failure();
    kernels.module->walk([&](gpu::GPUFuncOp func) {
      if (!kernels.kernel && func.isKernel())
        kernels.kernel = func;
    });
    if (!kernels.kernel || !kernels.kernel.getKnownBlockSize()) {
      llvm::errs() << "error: expected a kernel with a known_block_size\n";
      return failure();
    }
    kernels.numThreads = (*kernels.kernel.getKnownBlockSize())[0];
  } else {
    OpBuilder b(&context);
    kernels.module = ModuleOp::create(b.getUnknownLoc());
    b.setInsertionPointToEnd(kernels.module->getBody());
    auto gpuModule = gpu::GPUModuleOp::create(b, b.getUnknownLoc(), "kernels");
    kernels.kernel = getOrCreateKernel(b, gpuModule, config);
    if (transposeA)
      kernels.transposeKernel =
          getOrCreateTransposeKernel(b, gpuModule, config.elementType);
  }
  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(*kernels.module)))
    return failure();
  return kernels;
}

namespace {
/// The weights of a problem in tsparse's storage format and the work list.
struct PackedProblem {
  PackedIndices indices;
  std::vector<double> values;
  /// col_ids, or one dummy element unless compacted.
  SmallVector<int32_t> colIds;
  SmallVector<int32_t> workTiles, workRows;
  int64_t numTiledColumns = 0;
  /// Kept rows per work item (kWholeTileRows when items are whole).
  int64_t itemRows = 0;
};
} // namespace

/// Packs the weights of `p` by tsparse's storage helpers and builds the work
/// list the conversion would (the static schedule unless
/// --runtime-schedule).
static PackedProblem packProblem(const Problem &p, MatrixType matrixType,
                                 int64_t numMTiles) {
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
  packed.numTiledColumns = getNumTiledColumns(matrixType, indices.colIds);
  packed.itemRows = kWholeTileRows;
  if (runtimeSchedule) {
    for (int64_t tile = 0, e = indices.tilePtr.size() - 1; tile < e; ++tile) {
      packed.workTiles.push_back(tile);
      packed.workRows.push_back(0);
    }
  } else {
    StaticWorkLists lists =
        computeStaticWorkLists(indices.tilePtr, unitK, splitRows);
    const WorkItems *items = &lists.whole;
    if (lists.useSplit(numMTiles, splitBlocks)) {
      items = &lists.split;
      packed.itemRows = splitRows;
    }
    packed.workTiles = items->tiles;
    packed.workRows = items->rows;
  }
  packed.colIds = indices.colIds;
  if (packed.colIds.empty())
    packed.colIds.push_back(0);
  return packed;
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

static int run(MLIRContext &context) {
  Type elementType = parseFloatType(context, elementTypeName);
  Type accType = parseFloatType(context, accTypeName);
  if (failed(checkProblemOptions(elementType, accType)))
    return 2;
  auto layout =
      LayoutAttr::get(&context, tileN, unitK,
                      compacted ? ColumnMode::Compacted : ColumnMode::Original);
  auto matrixType = MatrixType::get({k, n}, elementType, layout);

  // The kernel convert-tsparse-to-gpu would build, with its checks.
  auto emitError = [&] { return mlir::emitError(UnknownLoc::get(&context)); };
  KernelOptions options;
  if (failed(parseKernelOptions(emitError, mma, mTile, stages, splitRows,
                                splitBlocks, options)))
    return 2;
  KernelConfig config = getKernelConfig(options, matrixType, accType);
  config.aKMajor = aKMajor || transposeA;
  config.cTransposed = cTransposed;
  if (failed(verifyKernelConfig(emitError, config)))
    return 2;
  FailureOr<Kernels> kernels = getKernels(context, config);
  if (failed(kernels))
    return 2;

  Problem p = makeProblem(elementType, accType, layout);
  int64_t numMTiles = (m + config.blockRows - 1) / config.blockRows;
  PackedProblem packed = packProblem(p, matrixType, numMTiles);

  Buffer a(elementType,
           aKMajor ? SmallVector<int64_t>{k, m} : SmallVector<int64_t>{m, k});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t kk = 0; kk < k; ++kk)
      a.data[aKMajor ? kk * m + i : i * k + kk].f = p.a[i * k + kk];
  if (kernels->transposeKernel) {
    Buffer transposed(elementType, {k, m});
    int64_t numBlocks = ((m + 31) / 32) * ((k + 31) / 32);
    if (failed(emulateKernel(kernels->transposeKernel, {{&a}, {&transposed}},
                             numBlocks, kTransposeThreads)))
      return 1;
    a = std::move(transposed);
  }
  Buffer c(accType, cTransposed ? SmallVector<int64_t>{n, m}
                                : SmallVector<int64_t>{m, n});
  auto cIndex = [&](int64_t i, int64_t j) {
    return cTransposed ? j * m + i : i * n + j;
  };
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      c.data[cIndex(i, j)].f = p.c0[i * n + j];
  Type i32 = IntegerType::get(&context, 32);
  Buffer values = makeBuffer<double>(elementType, packed.values);
  Buffer rowIds = makeBuffer<int32_t>(i32, packed.indices.rowIds);
  Buffer tilePtr = makeBuffer<int32_t>(i32, packed.indices.tilePtr);
  Buffer colIds = makeBuffer<int32_t>(i32, packed.colIds);
  Buffer workTiles = makeBuffer<int32_t>(i32, packed.workTiles);
  Buffer workRows = makeBuffer<int32_t>(i32, packed.workRows);
  SmallVector<KernelArgument> arguments(kNumKernelArgs);
  auto setArgument = [&](KernelArg which, KernelArgument value) {
    arguments[static_cast<unsigned>(which)] = value;
  };
  setArgument(KernelArg::A, {&a});
  setArgument(KernelArg::Values, {&values});
  setArgument(KernelArg::RowIds, {&rowIds});
  setArgument(KernelArg::TilePtr, {&tilePtr});
  setArgument(KernelArg::ColIds, {&colIds});
  setArgument(KernelArg::WorkTiles, {&workTiles});
  setArgument(KernelArg::WorkRows, {&workRows});
  setArgument(KernelArg::C, {&c});
  setArgument(KernelArg::NumTiledColumns, {nullptr, packed.numTiledColumns});
  setArgument(KernelArg::NumMTiles, {nullptr, numMTiles});
  setArgument(KernelArg::SplitRows, {nullptr, packed.itemRows});
  int64_t numBlocks = numMTiles * int64_t(packed.workTiles.size());
  MemoryStats stats;
  if (failed(emulateKernel(kernels->kernel, arguments, numBlocks,
                           kernels->numThreads, &stats)))
    return 1;

  double maxDiff = 0.0, maxRef = 1e-30;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double ref = p.c0[i * n + j];
      for (int64_t kk = 0; kk < k; ++kk)
        ref += p.a[i * k + kk] * p.w[kk * n + j];
      double diff = std::fabs(c.data[cIndex(i, j)].f - ref);
      maxDiff = std::isnan(diff) ? INFINITY : std::max(maxDiff, diff);
      maxRef = std::max(maxRef, std::fabs(ref));
    }
  // A narrow C is rounded once per update (once per split-K run).
  double tolerance = accType.isF32() ? 1e-5 : accType.isF16() ? 4e-3 : 3e-2;
  double error = maxDiff / maxRef;
  bool ok = error <= tolerance;
  llvm::outs() << kernels->kernel.getName() << " m=" << m << " k=" << k
               << " n=" << n << " sparsity=" << sparsity << ": " << numBlocks
               << " blocks"
               << (packed.itemRows != kWholeTileRows ? " (split)" : "") << ", "
               << packed.values.size() << " stored values, "
               << "max relative error " << error << (ok ? " ok" : " MISMATCH")
               << "\n";
  printMemoryStats(stats);
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(emulatorCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "Runs a fused tsparse GPU kernel on the CPU\n");
  DialectRegistry registry;
  registry.insert<TSparseDialect, arith::ArithDialect, gpu::GPUDialect,
                  LLVM::LLVMDialect, memref::MemRefDialect, nvgpu::NVGPUDialect,
                  NVVM::NVVMDialect, scf::SCFDialect, vector::VectorDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  return run(context);
}
