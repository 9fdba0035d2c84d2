// DEPTHWISE_CONV_2D: output channel c reads input channel c / MULT (the depth multiplier). NHWC input; the
// [1, KH, KW, OC] filter repacked by ops/conv.cc into blocks of 4 output channels, [block][KH][KW] of 4
// values (zero past OC), bias [block] of 4. A work item computes 4 channels of WB consecutive output columns.
// Defines: IH IW IC OH OW OC BATCH KH KW MULT NUM_BLOCKS SH SW DH DW PT PL ACT WB, DW_VEC4 (MULT == 1 and
// OC % 4 == 0: the 4 input channels are one vector load). Global size: (NUM_BLOCKS, ceil(OW / WB), BATCH * OH).
__kernel void KERNEL_NAME(__global const real* input, __global const real* weights, __global const real* bias,
                          __global real* output) {
  const int block = get_global_id(0);
  const int ox0 = get_global_id(1) * WB;
  const int row = get_global_id(2);
  if (block >= NUM_BLOCKS || ox0 >= OW || row >= BATCH * OH) return;
  const int n = row / OH, oy = row % OH;
  const int oc0 = block * 4;
  const int valid = min(4, OC - oc0);
#if !DW_VEC4
  // Input channel of each output channel (the channels past OC repeat the last one; their weights are 0).
  const int c0 = oc0 / MULT, c1 = min(oc0 + 1, OC - 1) / MULT, c2 = min(oc0 + 2, OC - 1) / MULT,
            c3 = min(oc0 + 3, OC - 1) / MULT;
#endif

  float4 acc[WB];
  const float4 b = convert_float4(vload4(block, bias));
  for (int i = 0; i < WB; ++i) acc[i] = b;

  __global const real* image = input + (size_t)n * IH * IW * IC;
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - PT + ky * DH;
    if (iy < 0 || iy >= IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      const float4 w = convert_float4(vload4((block * KH + ky) * KW + kx, weights));
      for (int i = 0; i < WB; ++i) {
        const int ix = (ox0 + i) * SW - PL + kx * DW;
        const int inside = ix >= 0 && ix < IW;
        __global const real* src = image + ((size_t)iy * IW + (inside ? ix : 0)) * IC;
#if DW_VEC4
        const float4 x = convert_float4(vload4(0, src + oc0));
#else
        const float4 x = (float4)((float)src[c0], (float)src[c1], (float)src[c2], (float)src[c3]);
#endif
        acc[i] += (inside ? x : (float4)(0.0f)) * w;
      }
    }
  }

  for (int i = 0; i < WB; ++i) {
    const int ox = ox0 + i;
    if (ox >= OW) break;
    el_store4_activated(acc[i], ACT, valid, output + ((size_t)row * OW + ox) * OC + oc0);
  }
}
