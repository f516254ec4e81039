// A linear layer y = x * W with TW-2D sparse weights, checked against dense.
//
// W[256 x 384] is packed at run time with a compacted (TW-2D) layout:
// every fifth column is pruned, the surviving columns are tiled by 128 and,
// inside each tile, a quarter of the rows are pruned. The product through
// tsparse is compared with linalg.matmul on the same weights masked
// independently; `make demo` runs this file through the reference pipeline.

!x_t = tensor<16x256xf32>
!w_t = tensor<256x384xf32>
!y_t = tensor<16x384xf32>
#tw2d = #tsparse.layout<tile_n = 128, columns = compacted>
!packed_t = !tsparse.matrix<256x384xf32, #tw2d>
#id = affine_map<(i, j) -> (i, j)>

// Deterministic small-integer data: exact in f32, so any error is a bug.
func.func @fill_pattern(%init: tensor<?x?xf32>, %mul_i: index, %mul_j: index)
    -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%init : tensor<?x?xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %a = arith.muli %i, %mul_i : index
    %b = arith.muli %j, %mul_j : index
    %s = arith.addi %a, %b : index
    %c11 = arith.constant 11 : index
    %m = arith.remui %s, %c11 : index
    %v = arith.index_cast %m : index to i32
    %f = arith.sitofp %v : i32 to f32
    %c5 = arith.constant 5.0 : f32
    %centered = arith.subf %f, %c5 : f32
    linalg.yield %centered : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// Row unit `u` of column tile `t` survives unless (u + t) % 4 == 0.
func.func @unit_mask() -> tensor<256x3xi1> {
  %init = tensor.empty() : tensor<256x3xi1>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%init : tensor<256x3xi1>) {
  ^bb0(%out: i1):
    %u = linalg.index 0 : index
    %t = linalg.index 1 : index
    %s = arith.addi %u, %t : index
    %c4 = arith.constant 4 : index
    %m = arith.remui %s, %c4 : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi ne, %m, %c0 : index
    linalg.yield %keep : i1
  } -> tensor<256x3xi1>
  return %r : tensor<256x3xi1>
}

// Column `n` survives unless n % 5 == 0.
func.func @column_mask() -> tensor<384xi1> {
  %init = tensor.empty() : tensor<384xi1>
  %r = linalg.generic {indexing_maps = [affine_map<(n) -> (n)>], iterator_types = ["parallel"]}
      outs(%init : tensor<384xi1>) {
  ^bb0(%out: i1):
    %n = linalg.index 0 : index
    %c5 = arith.constant 5 : index
    %m = arith.remui %n, %c5 : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi ne, %m, %c0 : index
    linalg.yield %keep : i1
  } -> tensor<384xi1>
  return %r : tensor<384xi1>
}

// The sparse layer.
func.func @linear_tw2d(%x: !x_t, %w: !w_t, %units: tensor<256x3xi1>,
                       %cols: tensor<384xi1>) -> !y_t {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : !y_t
  %acc = linalg.fill ins(%zero : f32) outs(%init : !y_t) -> !y_t
  %packed = tsparse.pack %w, %units columns %cols
      : !w_t, tensor<256x3xi1>, tensor<384xi1> -> !packed_t
  %y = tsparse.matmul %x, %packed, %acc : !x_t, !packed_t -> !y_t
  return %y : !y_t
}

// The dense reference: the same pruning written out element by element.
func.func @linear_dense_reference(%x: !x_t, %w: !w_t, %units: tensor<256x3xi1>,
                                  %cols: tensor<384xi1>) -> !y_t {
  // Tile of column n = (number of surviving columns before n) / 128.
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %c384 = arith.constant 384 : index
  %tiles_init = tensor.empty() : tensor<384xindex>
  %count, %tiles = scf.for %n = %c0 to %c384 step %c1
      iter_args(%kept = %c0, %acc = %tiles_init) -> (index, tensor<384xindex>) {
    %t = arith.divui %kept, %c128 : index
    %acc2 = tensor.insert %t into %acc[%n] : tensor<384xindex>
    %keep = tensor.extract %cols[%n] : tensor<384xi1>
    %next = arith.addi %kept, %c1 : index
    %kept2 = arith.select %keep, %next, %kept : index
    scf.yield %kept2, %acc2 : index, tensor<384xindex>
  }
  %init = tensor.empty() : !w_t
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : !w_t) outs(%init : !w_t) {
  ^bb0(%v: f32, %out: f32):
    %k = linalg.index 0 : index
    %n = linalg.index 1 : index
    %t = tensor.extract %tiles[%n] : tensor<384xindex>
    %unit_kept = tensor.extract %units[%k, %t] : tensor<256x3xi1>
    %col_kept = tensor.extract %cols[%n] : tensor<384xi1>
    %kept = arith.andi %unit_kept, %col_kept : i1
    %zero = arith.constant 0.0 : f32
    %r = arith.select %kept, %v, %zero : f32
    linalg.yield %r : f32
  } -> !w_t
  %zero = arith.constant 0.0 : f32
  %yinit = tensor.empty() : !y_t
  %acc = linalg.fill ins(%zero : f32) outs(%yinit : !y_t) -> !y_t
  %y = linalg.matmul ins(%x, %masked : !x_t, !w_t) outs(%acc : !y_t) -> !y_t
  return %y : !y_t
}

func.func @main() {
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %c2 = arith.constant 2 : index
  %c5 = arith.constant 5 : index
  %xi = tensor.empty() : !x_t
  %xd = tensor.cast %xi : !x_t to tensor<?x?xf32>
  %xf = call @fill_pattern(%xd, %c3, %c7) : (tensor<?x?xf32>, index, index) -> tensor<?x?xf32>
  %x = tensor.cast %xf : tensor<?x?xf32> to !x_t
  %wi = tensor.empty() : !w_t
  %wd = tensor.cast %wi : !w_t to tensor<?x?xf32>
  %wf = call @fill_pattern(%wd, %c2, %c5) : (tensor<?x?xf32>, index, index) -> tensor<?x?xf32>
  %w = tensor.cast %wf : tensor<?x?xf32> to !w_t
  %units = call @unit_mask() : () -> tensor<256x3xi1>
  %cols = call @column_mask() : () -> tensor<384xi1>

  %sparse = call @linear_tw2d(%x, %w, %units, %cols)
      : (!x_t, !w_t, tensor<256x3xi1>, tensor<384xi1>) -> !y_t
  %dense = call @linear_dense_reference(%x, %w, %units, %cols)
      : (!x_t, !w_t, tensor<256x3xi1>, tensor<384xi1>) -> !y_t

  // Largest absolute difference between the two.
  %zero = arith.constant 0.0 : f32
  %einit = tensor.empty() : tensor<f32>
  %efill = linalg.fill ins(%zero : f32) outs(%einit : tensor<f32>) -> tensor<f32>
  %err_t = linalg.generic {
      indexing_maps = [#id, #id, affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%sparse, %dense : !y_t, !y_t) outs(%efill : tensor<f32>) {
  ^bb0(%a: f32, %b: f32, %best: f32):
    %d = arith.subf %a, %b : f32
    %ad = math.absf %d : f32
    %m = arith.maximumf %best, %ad : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  %err = tensor.extract %err_t[] : tensor<f32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y01 = tensor.extract %sparse[%c0, %c1] : !y_t
  vector.print str "y[0][1] = "
  vector.print %y01 : f32
  vector.print str "max |tsparse - dense| = "
  vector.print %err : f32
  %ok = arith.cmpf oeq, %err, %zero : f32
  scf.if %ok {
    vector.print str "reference check: PASS\n"
  } else {
    vector.print str "reference check: FAIL\n"
  }
  return
}
