// RUN: tsparse-opt %s --pass-pipeline="builtin.module(llvm.func(tsparse-split-loop-invariant-offsets))" --split-input-file | FileCheck %s

// A row-major gather in a loop: the row offset %row * %stride is invariant
// (computed in the loop from invariant values), the column %col changes
// each iteration. The row's pointer becomes a GEP of its own, which LLVM
// hoists; the access adds the column.
// CHECK-LABEL: llvm.func @gather_rows
// CHECK:       ^bb1(%[[COL:.*]]: i32, %{{.*}}: f16):
// CHECK:         %[[OFFSET:.*]] = llvm.mul %{{.*}}, %{{.*}} overflow<nsw, nuw> : i32
// CHECK:         %[[SUM:.*]] = llvm.add %[[OFFSET]], %[[COL]] overflow<nsw, nuw> : i32
// CHECK:         %[[ROW:.*]] = llvm.getelementptr inbounds|nuw %{{.*}}[%[[OFFSET]]] : (!llvm.ptr, i32) -> !llvm.ptr, f16
// CHECK:         %[[ELEMENT:.*]] = llvm.getelementptr inbounds|nuw %[[ROW]][%[[COL]]] : (!llvm.ptr, i32) -> !llvm.ptr, f16
// CHECK:         llvm.load %[[ELEMENT]] : !llvm.ptr -> f16
llvm.func @gather_rows(%p: !llvm.ptr, %row: i32, %stride: i32, %n: i32) -> f16 {
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %zero = llvm.mlir.constant(0.0 : f16) : f16
  llvm.br ^loop(%c0, %zero : i32, f16)
^loop(%col: i32, %acc: f16):
  %offset = llvm.mul %row, %stride overflow<nsw, nuw> : i32
  %sum = llvm.add %offset, %col overflow<nsw, nuw> : i32
  %gep = llvm.getelementptr inbounds|nuw %p[%sum] : (!llvm.ptr, i32) -> !llvm.ptr, f16
  %value = llvm.load %gep : !llvm.ptr -> f16
  %next = llvm.fadd %acc, %value : f16
  %col1 = llvm.add %col, %c1 : i32
  %done = llvm.icmp "eq" %col1, %n : i32
  llvm.cond_br %done, ^exit(%next : f16), ^loop(%col1, %next : i32, f16)
^exit(%result: f16):
  llvm.return %result : f16
}

// -----

// Left alone: a sum that may wrap (the extension does not distribute), a
// row offset that changes in the loop, an address that is stored to, and
// an access outside any loop.
// CHECK-LABEL: llvm.func @kept
// CHECK-COUNT-4: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i32) -> !llvm.ptr, f16
// CHECK-NOT:     llvm.getelementptr
llvm.func @kept(%p: !llvm.ptr, %row: i32, %stride: i32, %n: i32) {
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %offset0 = llvm.mul %row, %stride overflow<nsw, nuw> : i32
  %sum0 = llvm.add %offset0, %n overflow<nsw, nuw> : i32
  %gep0 = llvm.getelementptr %p[%sum0] : (!llvm.ptr, i32) -> !llvm.ptr, f16
  %value0 = llvm.load %gep0 : !llvm.ptr -> f16
  llvm.br ^loop(%c0 : i32)
^loop(%col: i32):
  %offset = llvm.mul %row, %stride overflow<nsw, nuw> : i32
  %wraps = llvm.add %offset, %col : i32
  %gep1 = llvm.getelementptr %p[%wraps] : (!llvm.ptr, i32) -> !llvm.ptr, f16
  %value1 = llvm.load %gep1 : !llvm.ptr -> f16
  %moving = llvm.mul %col, %stride overflow<nsw, nuw> : i32
  %sum2 = llvm.add %moving, %col overflow<nsw, nuw> : i32
  %gep2 = llvm.getelementptr %p[%sum2] : (!llvm.ptr, i32) -> !llvm.ptr, f16
  %value2 = llvm.load %gep2 : !llvm.ptr -> f16
  %sum3 = llvm.add %offset, %col overflow<nsw, nuw> : i32
  %gep3 = llvm.getelementptr %p[%sum3] : (!llvm.ptr, i32) -> !llvm.ptr, f16
  %value = llvm.fadd %value1, %value2 : f16
  llvm.store %value, %gep3 : f16, !llvm.ptr
  %col1 = llvm.add %col, %c1 : i32
  %done = llvm.icmp "eq" %col1, %n : i32
  llvm.cond_br %done, ^exit, ^loop(%col1 : i32)
^exit:
  llvm.store %value0, %p : f16, !llvm.ptr
  llvm.return
}
