//===- FoldWeightCast.cpp - Read matmul inputs past shape-erasing casts ---===//
//
// Frontends that erase static shapes feed matmuls through `tensor.cast`s to
// dynamic types; matmuls then read the static tensor behind the cast, so
// that constant weights keep the shape pruning and sparsification need.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// A contraction reading `tensor.cast %static to tensor<?x?x...>` -> the
/// same contraction reading `%static`. Only inputs: the result types follow
/// the init and do not change.
struct FoldInputCastIntoContraction
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || !linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "expected a contraction");
    SmallVector<std::pair<OpOperand *, Value>> folds;
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto cast = input->get().getDefiningOp<tensor::CastOp>();
      if (cast && tensor::canFoldIntoConsumerOp(cast))
        folds.emplace_back(input, cast.getSource());
    }
    if (folds.empty())
      return rewriter.notifyMatchFailure(op, "no input cast to fold");
    rewriter.modifyOpInPlace(op, [&] {
      for (auto [input, source] : folds)
        input->set(source);
    });
    return success();
  }
};
} // namespace

void tsparse::populateFoldWeightCastPatterns(RewritePatternSet &patterns) {
  // linalg contractions reading tensor.cast
  patterns.add<FoldInputCastIntoContraction>(patterns.getContext());
}
