// MEAN and SUM over any axes: ops/mean.cc merges neighbouring axes of the same kind and drops size-1 axes,
// leaving at most 4 kept and 4 reduced axes (row-major, the last fastest), each with its input stride.
// A work item sums the reduced elements of one output in float and divides the sum (by the count for MEAN,
// 1 for SUM). Neighbouring work items read neighbouring inputs when the last axis is kept (the NHWC global
// average pool).
// Defines: OUTPUTS; KS0..KS3 / KT0..KT3 (kept sizes / strides, size 1 when unused); RS0..RS3 / RT0..RT3
// (reduced sizes / strides); DIVISOR (a float literal: the count for MEAN, 1 for SUM). Global size: (OUTPUTS).
__kernel void KERNEL_NAME(__global const real* input, __global real* output) {
  const int o = get_global_id(0);
  if (o >= OUTPUTS) return;
  int rest = o;
  const int k3 = rest % KS3; rest /= KS3;
  const int k2 = rest % KS2; rest /= KS2;
  const int k1 = rest % KS1; rest /= KS1;
  const int k0 = rest;
  __global const real* base = input + (size_t)k0 * KT0 + (size_t)k1 * KT1 + (size_t)k2 * KT2 + (size_t)k3 * KT3;
  float sum = 0.0f;
  for (int r0 = 0; r0 < RS0; ++r0) {
    for (int r1 = 0; r1 < RS1; ++r1) {
      for (int r2 = 0; r2 < RS2; ++r2) {
        __global const real* p = base + (size_t)r0 * RT0 + (size_t)r1 * RT1 + (size_t)r2 * RT2;
        for (int r3 = 0; r3 < RS3; ++r3) sum += (float)p[(size_t)r3 * RT3];
      }
    }
  }
  output[o] = (real)(sum / DIVISOR);
}
