//===- WeightAccess.cpp - Reading and writing constant weights ------------===//
//
// Raw-byte access to constant weights in `K x N` order.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/WeightAccess.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;
using namespace mlir::tsparse;

bool tsparse::isSupportedWeightElementType(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

/// Returns `bytes` holding a row-major `rows x cols` matrix of `width`-byte
/// elements, transposed.
static SmallVector<char> transposeBytes(ArrayRef<char> bytes, int64_t rows,
                                        int64_t cols, int64_t width) {
  SmallVector<char> result(bytes.size());
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t col = 0; col < cols; ++col)
      std::memcpy(result.data() + (col * rows + row) * width,
                  bytes.data() + (row * cols + col) * width, width);
  return result;
}

/// Element width in bytes of the 2-D attribute type `type`.
static int64_t getElementBytes(ShapedType type) {
  return type.getElementTypeBitWidth() / 8;
}

FailureOr<SmallVector<char>> tsparse::readWeightBytes(ElementsAttr attr,
                                                      bool transposed) {
  FailureOr<SmallVector<char>> data = getRawElementData(attr);
  if (failed(data) || !transposed)
    return data;
  auto type = cast<ShapedType>(attr.getType());
  return transposeBytes(*data, type.getDimSize(0), type.getDimSize(1),
                        getElementBytes(type));
}

SmallVector<double> tsparse::decodeWeightValues(ArrayRef<char> bytes,
                                                Type elementType) {
  SmallVector<double> values;
  if (elementType.isF32()) {
    values.resize(bytes.size() / sizeof(float));
    for (size_t i = 0, e = values.size(); i < e; ++i) {
      float value;
      std::memcpy(&value, bytes.data() + i * sizeof(float), sizeof(float));
      values[i] = value;
    }
    return values;
  }
  // 16-bit types: decode every bit pattern once.
  const llvm::fltSemantics &semantics =
      cast<FloatType>(elementType).getFloatSemantics();
  SmallVector<double> table(1 << 16);
  for (uint32_t bits = 0; bits < table.size(); ++bits) {
    APFloat value(semantics, APInt(16, bits));
    bool losesInfo;
    value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    table[bits] = value.convertToDouble();
  }
  values.resize(bytes.size() / sizeof(uint16_t));
  for (size_t i = 0, e = values.size(); i < e; ++i) {
    uint16_t bits;
    std::memcpy(&bits, bytes.data() + i * sizeof(uint16_t), sizeof(uint16_t));
    values[i] = table[bits];
  }
  return values;
}

ElementsAttr tsparse::buildWeightAttr(ElementsAttr original,
                                      ArrayRef<char> bytes, bool transposed) {
  auto type = cast<ShapedType>(original.getType());
  SmallVector<char> stored(bytes.begin(), bytes.end());
  if (transposed)
    stored = transposeBytes(bytes, type.getDimSize(1), type.getDimSize(0),
                            getElementBytes(type));
  auto resource = dyn_cast<DenseResourceElementsAttr>(original);
  if (!resource)
    return DenseElementsAttr::getFromRawBuffer(type, stored);
  // Keep the alignment of the original blob, whose data was read.
  size_t alignment = resource.getRawHandle().getBlob()->getDataAlignment();
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(stored, alignment);
  return DenseResourceElementsAttr::get(type, resource.getRawHandle().getKey(),
                                        std::move(blob));
}
