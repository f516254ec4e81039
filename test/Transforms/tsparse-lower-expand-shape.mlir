// RUN: tsparse-opt %s --tsparse-lower-expand-shape --split-input-file | FileCheck %s
// The strides are composed affine.apply ops; the result is what
// expand-strided-metadata (which crashes on the input in MLIR 22) can lower:
// RUN: tsparse-opt %s --tsparse-lower-expand-shape --expand-strided-metadata --split-input-file -o /dev/null

// Restoring a dynamic batch and sequence length after a matmul: the sizes
// come from output_shape, the inner one keeps the source stride (192) and
// the outer one is 192 x the sequence length.
// CHECK-DAG: #[[$TIMES192:.*]] = affine_map<()[s0] -> (s0 * 192)>
// CHECK-LABEL: func.func @expand_batch_and_sequence
// CHECK-SAME: (%[[SRC:.*]]: memref<?x192xf32>, %[[B:.*]]: index, %[[S:.*]]: index)
// CHECK: %[[BASE:.*]], %{{.*}}, %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[SRC]]
// CHECK: %[[OUTER:.*]] = affine.apply #[[$TIMES192]]()[%[[S]]]
// CHECK: %[[R:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [0], sizes: [%[[B]], %[[S]], 192], strides: [%[[OUTER]], 192, 1] : memref<f32> to memref<?x?x192xf32>
// CHECK-NOT: memref.expand_shape
// CHECK: return %[[R]]
func.func @expand_batch_and_sequence(%src: memref<?x192xf32>, %b: index, %s: index) -> memref<?x?x192xf32> {
  %r = memref.expand_shape %src [[0, 1], [2]] output_shape [%b, %s, 192] : memref<?x192xf32> into memref<?x?x192xf32>
  return %r : memref<?x?x192xf32>
}

// -----

// A strided source keeps its offset and dynamic strides; a static size
// between the dynamic ones multiplies in as a constant.
// CHECK-DAG: #[[$PRODUCT:.*]] = affine_map<()[s0, s1] -> (s0 * s1)>
// CHECK-DAG: #[[$PRODUCT4:.*]] = affine_map<()[s0, s1] -> ((s0 * s1) * 4)>
// CHECK-LABEL: func.func @expand_strided_source
// CHECK-SAME: (%[[SRC:.*]]: memref<?x8xf16, strided<[?, 1], offset: ?>>, %[[A:.*]]: index, %[[C:.*]]: index)
// CHECK: %[[BASE:.*]], %[[OFFSET:.*]], %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[SRC]]
// CHECK: %[[MIDDLE:.*]] = affine.apply #[[$PRODUCT]]()[%[[STRIDES]]#0, %[[C]]]
// CHECK: %[[OUTER:.*]] = affine.apply #[[$PRODUCT4]]()[%[[STRIDES]]#0, %[[C]]]
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [%[[OFFSET]]], sizes: [%[[A]], 4, %[[C]], 8], strides: [%[[OUTER]], %[[MIDDLE]], %[[STRIDES]]#0, 1]
func.func @expand_strided_source(%src: memref<?x8xf16, strided<[?, 1], offset: ?>>, %a: index, %c: index) -> memref<?x4x?x8xf16, strided<[?, ?, ?, 1], offset: ?>> {
  %r = memref.expand_shape %src [[0, 1, 2], [3]] output_shape [%a, 4, %c, 8] : memref<?x8xf16, strided<[?, 1], offset: ?>> into memref<?x4x?x8xf16, strided<[?, ?, ?, 1], offset: ?>>
  return %r : memref<?x4x?x8xf16, strided<[?, ?, ?, 1], offset: ?>>
}

// -----

// One dynamic size per group is what expand-strided-metadata handles: left
// alone.
// CHECK-LABEL: func.func @negative_one_dynamic_size_per_group
// CHECK: memref.expand_shape
// CHECK-NOT: memref.reinterpret_cast
func.func @negative_one_dynamic_size_per_group(%src: memref<?x192xf32>, %b: index) -> memref<?x4x192xf32> {
  %r = memref.expand_shape %src [[0, 1], [2]] output_shape [%b, 4, 192] : memref<?x192xf32> into memref<?x4x192xf32>
  return %r : memref<?x4x192xf32>
}
