//===- Transforms.h - TSparse rewrite patterns ------------------*- C++ -*-===//
//
// Rewrite patterns and type converters of the tsparse dialect, exported so
// that other pipelines can reuse them.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LayoutSelection.h"
#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"
#include "tsparse/Dialect/TSparse/Transforms/NarrowProducts.h"
#include "tsparse/Dialect/TSparse/Transforms/Pruning.h"
#include "tsparse/Dialect/TSparse/Transforms/SparsityReport.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace tsparse {

/// Converts `!tsparse.matrix<KxNxT, ...>` to `tensor<KxNxT>` and leaves every
/// other type unchanged.
class DenseMatrixTypeConverter : public TypeConverter {
public:
  DenseMatrixTypeConverter();
};

/// Collects the patterns that rewrite tsparse ops into dense upstream ops
/// (the reference path of `--tsparse-expand-to-dense`).
void populateExpandToDensePatterns(const TypeConverter &typeConverter,
                                   RewritePatternSet &patterns);

/// Collects the pattern lowering `memref.expand_shape` ops with several
/// dynamic sizes in one reassociation group (which MLIR 22's
/// expand-strided-metadata cannot handle) to `memref.reinterpret_cast`.
void populateLowerExpandShapePatterns(RewritePatternSet &patterns);

/// Collects the pattern that rewrites a batched matmul whose weights are a 2-D
/// matrix broadcast over the batch (`linalg.broadcast`, or the element-wise
/// `linalg.generic` frontends emit) into a `linalg.generic` reading the 2-D
/// matrix directly, which matchMatmul recognizes.
void populateFoldWeightBroadcastPatterns(RewritePatternSet &patterns);

/// How `vectorizeLinalgOp` shapes its tiles.
struct VectorizeLinalgOptions {
  /// Elements of the innermost dimension per vector (at most).
  int64_t vectorSize = 16;
  /// Chunks of the outermost parallel loop run as scf.forall iterations
  /// (threads, in the parallel pipeline); 0 keeps every loop sequential.
  int64_t numParallelChunks = 0;
};

/// Tiles `op` (a non-contraction linalg op on tensors) with scf.for so that
/// its innermost loop is one vector per tile, and vectorizes the tile;
/// with `numParallelChunks`, chunks of its outermost parallel loop become
/// an scf.forall around those loops first. Returns the outermost new op; fails
/// without changing the IR when `op` is not tiled. A tile the vectorizer
/// rejects stays a scalar linalg op.
FailureOr<Operation *> vectorizeLinalgOp(RewriterBase &rewriter,
                                         linalg::LinalgOp op,
                                         const VectorizeLinalgOptions &options);

/// Collects the patterns of `--tsparse-pack-dense-products`: dense
/// floating-point matmuls (and batch matmuls with per-batch right operands)
/// into `tsparse.matmul` on a dense layout.
void populatePackDenseProductsPatterns(RewritePatternSet &patterns);

/// Collects the pattern that makes contractions read the static tensor
/// behind a `tensor.cast` to a more dynamic type, so that constant weights
/// cast to `tensor<?x?xf32>` keep their static shape for matchMatmul.
void populateFoldWeightCastPatterns(RewritePatternSet &patterns);

/// Parameters of the skipped-tile loop lowering.
struct LowerToLoopsOptions {
  /// Rows of A per parallel work item.
  int64_t mTile = 64;
  /// Rows of A in the register-blocked micro-kernel.
  int64_t microRows = 8;
  /// Columns of B per micro-kernel vector.
  int64_t microCols = 32;
  /// Rows of B per pass of the micro-kernels over a tile (0: one pass).
  int64_t kChunk = 0;
};

/// The storage arrays of a packed matrix as tensors, and the column tiles a
/// lowering visits.
struct MatrixStorageValues {
  /// The arrays of the layout (see `#tsparse.layout`); absent ones are null.
  Value colIds, tilePtr, rowIds, values;
  /// The residual arrays of a TEW layout; null otherwise.
  Value residualPtr, residualCols, residualValues;
  /// Tiles to visit in order (i32); null to visit every tile in index order.
  Value order;
  /// Number of tiles to visit.
  Value numScheduled;
  /// Number of tiled columns (kept columns of a compacted layout).
  Value numTiledColumns;
  /// True if `values` extends `padding` elements past its last value.
  bool valuesPadded = false;
  /// When nonzero, `values` holds each tile in panels of this many columns
  /// (the last one zero-padded), each panel's rows contiguous, instead of
  /// row by row across the tile: the tile's row `i`, column `j` is at
  /// `tileOffset + (j / w) * rows * w + i * w + j % w`, where `rows` is the
  /// tile's stored row count. Tile offsets are those of the row layout.
  int64_t panelWidth = 0;
};

/// Materializes the storage of `matrix` at the insertion point of `b`. A
/// `tsparse.constant` gives constant arrays (its values followed by `padding`
/// zeros, or rearranged in panels of `panelWidth` columns when that divides
/// the tile width: see `MatrixStorageValues::panelWidth`) and a static
/// schedule of its non-empty tiles, longest first (with `keepEmptyTiles`,
/// the empty ones last, for products whose epilogue must still run over
/// their columns); any other matrix gives `tsparse.storage` reads in the
/// layout's row order and visits every tile.
MatrixStorageValues materializeMatrixStorage(OpBuilder &b, Location loc,
                                             TypedValue<MatrixType> matrix,
                                             int64_t padding,
                                             bool keepEmptyTiles = false,
                                             int64_t panelWidth = 0);

/// Returns the column tiles of a matrix with offsets `tilePtr`, longest
/// (most kept units) first; ties keep the tile order. Empty tiles are left
/// out unless `keepEmptyTiles`.
SmallVector<int32_t> computeLongestFirstTileOrder(ArrayRef<int32_t> tilePtr,
                                                  bool keepEmptyTiles = false);

/// Collects the pattern rewriting `tsparse.matmul` on buffers into the same
/// product on tensors (`bufferization.to_tensor`, then
/// `materialize_in_destination`), which the lowerings take.
void populateMatmulOnBuffersToTensorsPatterns(RewritePatternSet &patterns);

/// Collects the pattern lowering `tsparse.matmul` to skipped-tile loops.
void populateLowerMatmulToLoopsPatterns(RewritePatternSet &patterns,
                                        const LowerToLoopsOptions &options);

/// Collects the patterns lowering `tsparse.pack` and `tsparse.unpack` to
/// loops over the storage arrays.
void populateLowerPackingToLoopsPatterns(RewritePatternSet &patterns);

/// Checks that no tsparse op is left under `root` after a lowering, or emits
/// on the first one that it cannot be lowered to `target`: what is left reads
/// a packed matrix that was not built in its function, or a constant one
/// whose values are elided.
LogicalResult verifyPackedMatricesLowered(Operation *root, StringRef target);
//===----------------------------------------------------------------------===//
// Pruning constant weights (--tsparse-prune)
//===----------------------------------------------------------------------===//

/// A constant weight matrix behind one or more matmuls.
struct PruneTarget {
  arith::ConstantOp constant;
  /// The constant holds the weights as `[N, K]`.
  bool transposed = false;
  /// The matmuls that use it.
  SmallVector<MatmulMatch> matmuls;
  /// The uses of the constant through which the matmuls read it.
  SmallVector<OpOperand *> weightUses;
};

/// A contraction that pruning leaves alone, and why.
struct UnprunedMatmul {
  linalg::LinalgOp op;
  std::string reason;
};

/// Finds the constant weights of the matmuls (see `matchMatmul`) nested in
/// `root`, in IR order. Emits an error and fails when one constant is read
/// as `[K, N]` by one matmul and as `[N, K]` by another. Appends the other
/// contractions to `unpruned` when given.
FailureOr<SmallVector<PruneTarget>>
collectPruneTargets(Operation *root,
                    SmallVectorImpl<UnprunedMatmul> *unpruned = nullptr);

/// Checks the options of a pruning; emits an error through `emitError` on
/// the first bad one.
LogicalResult verifyPruneOptions(const PruneOptions &options,
                                 function_ref<InFlightDiagnostic()> emitError);

/// Prunes the weights of `targets` together (one ranking for
/// `PruneScope::Global`) and replaces the value of each constant by the
/// pruned one, of the same kind (`dense` or `dense_resource`). Every target
/// is checked first (element type, data available, `K` a multiple of
/// `unitK` for block-wise pruning): on failure an error is emitted and the IR
/// is left unchanged. Appends one report per matmul to `reports` when given.
LogicalResult pruneWeights(RewriterBase &rewriter,
                           ArrayRef<PruneTarget> targets,
                           const PruneOptions &options,
                           SmallVectorImpl<MatmulReport> *reports = nullptr);

//===----------------------------------------------------------------------===//
// Sparsifying matmuls (--tsparse-sparsify)
//===----------------------------------------------------------------------===//

/// Parameters of the sparsification of matmuls.
struct SparsifyOptions {
  /// The layouts tried.
  LayoutSearchOptions search;
  /// Matmuls whose best layout skips a smaller fraction of the multiply-adds
  /// stay dense.
  double minSparsity = 0.3;
};

/// Checks the options of a sparsification; emits an error through
/// `emitError` on the first bad one.
LogicalResult
verifySparsifyOptions(const SparsifyOptions &options,
                      function_ref<InFlightDiagnostic()> emitError);

/// How a matmul is to be sparsified.
struct SparsifyPlan {
  MatmulMatch match;
  /// Where the weights come from.
  WeightSource source;
  /// The weights as raw `K x N` elements when they are a constant (masked by
  /// the constant mask, if any); none for runtime weights.
  std::optional<SmallVector<char>> constantBytes;
  /// The chosen layout and what it costs.
  LayoutMeasure measure;
  /// Fraction of zero weights (of false mask elements for runtime weights).
  double sparsity = 0.0;

  /// Returns true if the plan skips at least `minSparsity` of the work.
  bool isProfitable(double minSparsity) const {
    return measure.getSkippedFraction() >= minSparsity;
  }
};

/// Checks that a product of `lhsType` x `rhsType` into `accType` fits
/// `tsparse.matmul` (f32, f16 or bf16 inputs of one type, an f32 or input-type
/// accumulator); sets `reason` otherwise.
LogicalResult checkProductTypes(Type lhsType, Type rhsType, Type accType,
                                std::string &reason);

/// Checks that `K x N` weights can be packed (not empty, 32-bit indices);
/// sets `reason` otherwise.
LogicalResult checkWeightShape(int64_t numRows, int64_t numColumns,
                               std::string &reason);

/// Column tile of dense products run through the tile-sparse kernels.
constexpr int64_t kDenseTileN = 128;

/// The layout dense products are packed in: TW-1D tiles of kDenseTileN
/// columns (one tile when `numColumns` is smaller), every row kept.
LayoutAttr getDenseProductLayout(MLIRContext *context, int64_t numColumns);

/// Plans running the dense product `match` through `tsparse.matmul` on the
/// layout of getDenseProductLayout: constant weights are packed at compile
/// time, others at run time without masks (lossless). Fails, setting
/// `reason`, when the types or shape do not fit.
FailureOr<SparsifyPlan> planDenseProduct(const MatmulMatch &match,
                                         std::string &reason);

/// Chooses the layout of the weights of `match` without changing the IR.
/// Fails, setting `reason`, when the element types do not fit
/// `tsparse.matmul`, the weights are empty, or they are neither a constant
/// nor masked by a constant mask.
FailureOr<SparsifyPlan> planSparsify(const MatmulMatch &match,
                                     const SparsifyOptions &options,
                                     std::string &reason);

/// Replaces the matmul of `plan` by a `tsparse.matmul` on a
/// `tsparse.constant` (constant weights) or a `tsparse.pack` with constant
/// masks (runtime weights), keeping its accumulator, and erases the weight
/// ops left unused.
MatmulOp applySparsifyPlan(RewriterBase &rewriter, const SparsifyPlan &plan);

/// Plans the sparsification of `match` and records the decision in `report`
/// (made by `makeMatmulReport`): status "sparsified" with the layout when the
/// plan skips at least `options.minSparsity` of the multiply-adds, and why
/// not otherwise. Returns the plan only when it pays.
FailureOr<SparsifyPlan> decideSparsify(const MatmulMatch &match,
                                       const SparsifyOptions &options,
                                       MatmulReport &report);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
