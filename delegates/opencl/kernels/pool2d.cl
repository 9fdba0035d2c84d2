// AVERAGE_POOL_2D and MAX_POOL_2D over NHWC: the window is clipped to the input, and the average divides by
// the number of in-bounds elements (TFLite's filter count), never by KH * KW. A work item computes 4
// channels of one output pixel.
// Defines: IH IW C OH OW BATCH KH KW SH SW PT PL ACT, NUM_BLOCKS (ceil(C / 4)), POOL_MAX (1 max, 0 average),
// C_VEC4 (C % 4 == 0: channels are one vector load). Global size: (NUM_BLOCKS, OW, BATCH * OH).
__kernel void KERNEL_NAME(__global const real* input, __global real* output) {
  const int block = get_global_id(0);
  const int ox = get_global_id(1);
  const int row = get_global_id(2);
  if (block >= NUM_BLOCKS || ox >= OW || row >= BATCH * OH) return;
  const int n = row / OH, oy = row % OH;
  const int c0 = block * 4;
  const int valid = min(4, C - c0);
#if !C_VEC4
  const int c1 = min(c0 + 1, C - 1), c2 = min(c0 + 2, C - 1), c3 = min(c0 + 3, C - 1);
#endif
  const int y0 = oy * SH - PT, x0 = ox * SW - PL;
  const int y_begin = max(y0, 0), y_end = min(y0 + KH, IH);
  const int x_begin = max(x0, 0), x_end = min(x0 + KW, IW);

#if POOL_MAX
  float4 acc = (float4)(-FLT_MAX);
#else
  float4 acc = (float4)(0.0f);
#endif
  __global const real* image = input + (size_t)n * IH * IW * C;
  for (int iy = y_begin; iy < y_end; ++iy) {
    for (int ix = x_begin; ix < x_end; ++ix) {
      __global const real* src = image + ((size_t)iy * IW + ix) * C;
#if C_VEC4
      const float4 x = convert_float4(vload4(0, src + c0));
#else
      const float4 x = (float4)((float)src[c0], (float)src[c1], (float)src[c2], (float)src[c3]);
#endif
#if POOL_MAX
      acc = fmax(acc, x);
#else
      acc += x;
#endif
    }
  }
#if !POOL_MAX
  const int count = (y_end - y_begin) * (x_end - x_begin);
  acc = count > 0 ? acc / (float)count : (float4)(0.0f);
#endif
  el_store4_activated(acc, ACT, valid, output + ((size_t)row * OW + ox) * C + c0);
}
