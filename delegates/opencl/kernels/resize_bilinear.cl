// RESIZE_BILINEAR on NHWC: the sampling taps come from the host (the CPU kernel's own geometry code, so
// align_corners/half_pixel_centers match it exactly): taps = [y_lower[OUT_H], y_upper[OUT_H],
// x_lower[OUT_W], x_upper[OUT_W]], fractions = [dy[OUT_H], dx[OUT_W]]. The four products are summed in
// the CPU kernel's order. Global size (C, OUT_W, batches * OUT_H).
__kernel void KERNEL_NAME(__global const real* in, __global const int* taps, __global const real* fractions,
                          __global real* out) {
  const int c = get_global_id(0), x = get_global_id(1), row = get_global_id(2);
  if (c >= C || x >= OUT_W) return;
  const int b = row / OUT_H, y = row % OUT_H;
  const int y0 = taps[y], y1 = taps[OUT_H + y];
  const int x0 = taps[2 * OUT_H + x], x1 = taps[2 * OUT_H + OUT_W + x];
  const float dy = fractions[y], dx = fractions[OUT_H + x];
  __global const real* plane = in + b * (IN_H * IN_W * C) + c;
  const float p00 = plane[(y0 * IN_W + x0) * C], p01 = plane[(y0 * IN_W + x1) * C];
  const float p10 = plane[(y1 * IN_W + x0) * C], p11 = plane[(y1 * IN_W + x1) * C];
  const float v = p00 * (1 - dy) * (1 - dx) + p10 * dy * (1 - dx) + p01 * (1 - dy) * dx + p11 * dy * dx;
  out[(row * OUT_W + x) * C + c] = (real)v;
}
