// RESIZE_NEAREST_NEIGHBOR on NHWC: the source row and column of each output pixel come from the host
// (the CPU kernel's own rounding rules): src = [in_y[OUT_H], in_x[OUT_W]]. Elements are only copied, so
// ELEM (real unless defined) covers int32 too. Global size (C, OUT_W, batches * OUT_H).
#ifdef ELEM
#define EL_RN_T ELEM
#else
#define EL_RN_T real
#endif

__kernel void KERNEL_NAME(__global const EL_RN_T* in, __global const int* src, __global EL_RN_T* out) {
  const int c = get_global_id(0), x = get_global_id(1), row = get_global_id(2);
  if (c >= C || x >= OUT_W) return;
  const int b = row / OUT_H, y = row % OUT_H;
  out[(row * OUT_W + x) * C + c] = in[((b * IN_H + src[y]) * IN_W + src[OUT_H + x]) * C + c];
}

#undef EL_RN_T
