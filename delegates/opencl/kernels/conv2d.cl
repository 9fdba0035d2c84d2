// CONV_2D (general, 3x3 included: the defines make every loop bound a constant): NHWC input, filter repacked
// by ops/conv.cc into blocks of 4 output channels, [block][KH][KW][FIC] of 4 values, bias [block] of 4.
// Each group's output channels are padded to a multiple of 4, so a block never spans two groups.
// A work item computes 4 output channels of WB consecutive output columns: every weight load feeds WB
// multiply-adds and every input load 4. Out-of-range taps read a clamped address and select 0 (no branch
// in the inner loop; an infinite pixel next to the padding cannot leak in as inf * 0).
// Defines: IH IW IC (input), OH OW OC (output), BATCH, KH KW FIC (filter), OCG (output channels per group),
// BPG (blocks per group), NUM_BLOCKS, SH SW DH DW (strides, dilations), PT PL (padding before), ACT (fused
// activation), WB (output columns per work item), FIC_VEC4 (FIC % 4 == 0: input read 4 channels at a time).
// Global size: (NUM_BLOCKS, ceil(OW / WB), BATCH * OH).
#define CONV_W4(i) convert_float4(vload4((i), w))

__kernel void KERNEL_NAME(__global const real* input, __global const real* weights, __global const real* bias,
                          __global real* output) {
  const int block = get_global_id(0);
  const int ox0 = get_global_id(1) * WB;
  const int row = get_global_id(2);
  if (block >= NUM_BLOCKS || ox0 >= OW || row >= BATCH * OH) return;
  const int n = row / OH, oy = row % OH;
  const int group = block / BPG;
  const int first = (block % BPG) * 4;  // first channel of the block inside its group
  const int oc0 = group * OCG + first;
  const int valid = min(4, OCG - first);

  float4 acc[WB];
  const float4 b = convert_float4(vload4(block, bias));
  for (int i = 0; i < WB; ++i) acc[i] = b;

  __global const real* image = input + (size_t)n * IH * IW * IC + group * FIC;
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = oy * SH - PT + ky * DH;
    if (iy < 0 || iy >= IH) continue;
    for (int kx = 0; kx < KW; ++kx) {
      __global const real* src[WB];
      int inside[WB];
      for (int i = 0; i < WB; ++i) {
        const int ix = (ox0 + i) * SW - PL + kx * DW;
        inside[i] = ix >= 0 && ix < IW;
        src[i] = image + ((size_t)iy * IW + (inside[i] ? ix : 0)) * IC;
      }
      __global const real* w = weights + (size_t)((block * KH + ky) * KW + kx) * FIC * 4;
#if FIC_VEC4
      for (int c = 0; c < FIC; c += 4) {
        const float4 w0 = CONV_W4(c), w1 = CONV_W4(c + 1), w2 = CONV_W4(c + 2), w3 = CONV_W4(c + 3);
        for (int i = 0; i < WB; ++i) {
          const float4 x = inside[i] ? convert_float4(vload4(0, src[i] + c)) : (float4)(0.0f);
          acc[i] += x.x * w0 + x.y * w1 + x.z * w2 + x.w * w3;
        }
      }
#else
      for (int c = 0; c < FIC; ++c) {
        const float4 w0 = CONV_W4(c);
        for (int i = 0; i < WB; ++i) acc[i] += (inside[i] ? (float)src[i][c] : 0.0f) * w0;
      }
#endif
    }
  }

  for (int i = 0; i < WB; ++i) {
    const int ox = ox0 + i;
    if (ox >= OW) break;
    __global real* dst = output + ((size_t)row * OW + ox) * OC + oc0;
    el_store4_activated(acc[i], ACT, valid, dst);
  }
}

#undef CONV_W4
