// SOFTMAX (exp(beta * (x - max)) / sum) and, with LOG defined, LOG_SOFTMAX (x - max - log(sum of
// exp(x - max))) along the last axis: one work-group of LOCAL work-items (a power of two) per row of DEPTH
// values. The maximum comes first so that exp never overflows; the max, the exps and the sum are float even
// in fp16, where a sum of exps would overflow half (the silent fp16 NaNs users report). Global size:
// rows * LOCAL.
#define EL_SOFTMAX_REDUCE(acc, OP)                                   \
  {                                                                  \
    part[lid] = acc;                                                 \
    barrier(CLK_LOCAL_MEM_FENCE);                                    \
    for (int half_size = LOCAL / 2; half_size > 0; half_size >>= 1) { \
      if (lid < half_size) part[lid] = OP(part[lid], part[lid + half_size]); \
      barrier(CLK_LOCAL_MEM_FENCE);                                  \
    }                                                                \
    acc = part[0];                                                   \
    barrier(CLK_LOCAL_MEM_FENCE);                                    \
  }
#define EL_SOFTMAX_ADD(a, b) ((a) + (b))

__kernel void KERNEL_NAME(__global const real* in, __global real* out, float beta) {
  __local float part[LOCAL];
  const int lid = get_local_id(0);
  const int row = get_group_id(0);
  __global const real* x = in + row * DEPTH;
  __global real* y = out + row * DEPTH;
  // Starts from the lowest float, as the CPU kernel: a NaN never becomes the maximum (fmax skips it).
  float m = -FLT_MAX;
  for (int c = lid; c < DEPTH; c += LOCAL) m = fmax(m, (float)x[c]);
  EL_SOFTMAX_REDUCE(m, fmax)
#ifdef LOG
  float s = 0.0f;
  for (int c = lid; c < DEPTH; c += LOCAL) s += exp((float)x[c] - m);
  EL_SOFTMAX_REDUCE(s, EL_SOFTMAX_ADD)
  const float log_sum = log(s);
  for (int c = lid; c < DEPTH; c += LOCAL) y[c] = (real)((float)x[c] - m - log_sum);
#else
  float s = 0.0f;
  for (int c = lid; c < DEPTH; c += LOCAL) s += exp(((float)x[c] - m) * beta);
  EL_SOFTMAX_REDUCE(s, EL_SOFTMAX_ADD)
  for (int c = lid; c < DEPTH; c += LOCAL) y[c] = (real)(exp(((float)x[c] - m) * beta) / s);
#endif
}

#undef EL_SOFTMAX_REDUCE
#undef EL_SOFTMAX_ADD
