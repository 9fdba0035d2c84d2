// BATCH_MATMUL: output[b] = lhs[b] (M x K; stored K x M when ADJ_X) times rhs[b] (K x N; stored N x K when
// ADJ_Y). Broadcast batch dimensions are resolved on the host: `offsets` holds, per output batch, the
// element offsets of its lhs and rhs matrices. A work item computes 4 output columns of MB rows.
// Defines: M N K BATCHES ADJ_X ADJ_Y MB, NUM_BLOCKS (ceil(N / 4)), RHS_VEC4 (!ADJ_Y and N % 4 == 0: a rhs
// row's 4 columns are one vector load). Global size: (NUM_BLOCKS, ceil(M / MB), BATCHES).
__kernel void KERNEL_NAME(__global const real* lhs, __global const real* rhs, __global const int* offsets,
                          __global real* output) {
  const int block = get_global_id(0);
  const int i0 = get_global_id(1) * MB;
  const int batch = get_global_id(2);
  if (block >= NUM_BLOCKS || i0 >= M || batch >= BATCHES) return;
  const int j0 = block * 4;
  const int valid = min(4, N - j0);
  __global const real* a = lhs + offsets[2 * batch];
  __global const real* b = rhs + offsets[2 * batch + 1];
  // Columns past N repeat the last one (not written).
  const int j1 = min(j0 + 1, N - 1), j2 = min(j0 + 2, N - 1), j3 = min(j0 + 3, N - 1);

  float4 acc[MB];
  int rows[MB];
  for (int r = 0; r < MB; ++r) {
    acc[r] = (float4)(0.0f);
    rows[r] = min(i0 + r, M - 1);
  }
  for (int k = 0; k < K; ++k) {
#if RHS_VEC4
    const float4 y = convert_float4(vload4(0, b + (size_t)k * N + j0));
#elif ADJ_Y
    const float4 y = (float4)((float)b[(size_t)j0 * K + k], (float)b[(size_t)j1 * K + k], (float)b[(size_t)j2 * K + k],
                              (float)b[(size_t)j3 * K + k]);
#else
    __global const real* brow = b + (size_t)k * N;
    const float4 y = (float4)((float)brow[j0], (float)brow[j1], (float)brow[j2], (float)brow[j3]);
#endif
    for (int r = 0; r < MB; ++r) {
#if ADJ_X
      const float x = (float)a[(size_t)k * M + rows[r]];
#else
      const float x = (float)a[(size_t)rows[r] * K + k];
#endif
      acc[r] += x * y;
    }
  }
  __global real* out = output + (size_t)batch * M * N;
  for (int r = 0; r < MB; ++r) {
    if (i0 + r >= M) break;
    el_store4_activated(acc[r], 0, valid, out + (size_t)(i0 + r) * N + j0);
  }
}
