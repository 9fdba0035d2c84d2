// f32 GEMM with weights packed once: C[m, n] = clamp(A[m, k] * W[n, k]^T + bias[n]). A and C are
// row-major with their own row strides (so a conv's NHWC input is A with no copy); W is packed into
// column panels that the micro-kernel streams (XNNPACK's "goi" packing): per panel, the panel's bias,
// then for each k the panel's weights side by side.
#pragma once

#include <cstddef>
#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

struct GemmShape {
  int m = 0, n = 0, k = 0;
  int64_t lda = 0;  // floats between rows of A
  int64_t ldc = 0;  // floats between rows of C
  float out_min = 0, out_max = 0;  // fused activation clamp
  // Added to each product before the clamp when not null: a matrix laid out as C (ldc apart), so that a
  // convolution's residual ADD is its epilogue (Node::fused_addend). The sum is the ADD's own, bit for bit.
  const float* addend = nullptr;
  // HARD_SWISH after the clamp (a fused HARD_SWISH node, Node::fused_hard_swish): applied to each tile once
  // stored, while it is in L1, by the unary kernel's loop (the node's bits).
  bool hard_swish = false;
};

// One vector ISA's GEMM. The packed layout depends on the ISA's vector width: pack and multiply with
// the same table.
//
// Indirect (implicit) GEMM: A is not a matrix but pointers, so that a convolution reads its input in place
// instead of copying receptive fields (im2col). Row r's k values are `segments` runs of k / segments floats;
// the run for segment s of row r is at ptrs[(r / row_tile) * segments * row_tile + s * row_tile + r % row_tile]
// (per tile of row_tile rows, per segment, one pointer per row; rows past m in the last tile may point
// anywhere readable). A convolution's segments are its filter taps, pointing into the input or at zeros.
struct GemmF32Kernels {
  // Floats needed to pack an [n, k] weight matrix (panels padded to whole vectors).
  size_t (*packed_size)(int n, int k);
  // Packs W, where element (row j, column kk) is w[j * stride_n + kk * stride_k]: an [n, k] row-major
  // matrix has (k, 1); a [k, n] one, as BATCH_MATMUL's right-hand side, has (1, n). `bias` may be null
  // (zeros). `packed` needs packed_size(n, k) floats.
  void (*pack)(const float* w, int64_t stride_n, int64_t stride_k, const float* bias, int n, int k,
               float* packed);
  // C rows [row_begin, row_end) on the calling thread.
  void (*rows)(const GemmShape& s, const float* a, const float* packed_w, float* c, int row_begin, int row_end);
  // The whole product, split across the pool: by rows when there are enough, else by column panels.
  void (*gemm)(const GemmShape& s, const float* a, const float* packed_w, float* c, ThreadPool& pool);
  // The whole product of an indirect A (above) with s.m rows, on the calling thread.
  void (*indirect)(const GemmShape& s, int segments, const float* const* ptrs, const float* packed_w, float* c);
  // Rows one micro-kernel call computes; callers that block rows (im2col) use a multiple of it.
  int row_tile;
};

EL_DECLARE_PER_VECTOR_ISA(GemmF32Kernels, kGemmF32)

inline const GemmF32Kernels* GemmF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kGemmF32); }

}  // namespace optimized
}  // namespace edgelite
