// FULLY_CONNECTED, and CONV_2D's 1x1 stride-1 ungrouped fast path (the same product over NHWC pixels):
// output[r, u] = act(sum_k input[r, k] * W[u, k] + bias[u]) for ROWS rows of DEPTH inputs. ops/ repack the
// weights into blocks of 4 units, [block][DEPTH] of 4 values (zero past UNITS), bias [block] of 4.
// A work item computes 4 units of RB rows: each weight load feeds RB multiply-adds. Rows past ROWS read
// row ROWS-1 (clamped) and are not written.
// Defines: ROWS, DEPTH, UNITS, NUM_BLOCKS, RB (rows per work item), ACT, DEPTH_VEC4 (DEPTH % 4 == 0: inputs
// read 4 at a time). Global size: (NUM_BLOCKS, ceil(ROWS / RB)).
#define FC_W4(i) convert_float4(vload4((i), w))

__kernel void KERNEL_NAME(__global const real* input, __global const real* weights, __global const real* bias,
                          __global real* output) {
  const int block = get_global_id(0);
  const int r0 = get_global_id(1) * RB;
  if (block >= NUM_BLOCKS || r0 >= ROWS) return;

  float4 acc[RB];
  const float4 b = convert_float4(vload4(block, bias));
  __global const real* src[RB];
  for (int i = 0; i < RB; ++i) {
    acc[i] = b;
    src[i] = input + (size_t)min(r0 + i, ROWS - 1) * DEPTH;
  }
  __global const real* w = weights + (size_t)block * DEPTH * 4;
#if DEPTH_VEC4
  for (int k = 0; k < DEPTH; k += 4) {
    const float4 w0 = FC_W4(k), w1 = FC_W4(k + 1), w2 = FC_W4(k + 2), w3 = FC_W4(k + 3);
    for (int i = 0; i < RB; ++i) {
      const float4 x = convert_float4(vload4(0, src[i] + k));
      acc[i] += x.x * w0 + x.y * w1 + x.z * w2 + x.w * w3;
    }
  }
#else
  for (int k = 0; k < DEPTH; ++k) {
    const float4 w0 = FC_W4(k);
    for (int i = 0; i < RB; ++i) acc[i] += (float)src[i][k] * w0;
  }
#endif

  const int u0 = block * 4;
  const int valid = min(4, UNITS - u0);
  for (int i = 0; i < RB; ++i) {
    if (r0 + i >= ROWS) break;
    __global real* dst = output + (size_t)(r0 + i) * UNITS + u0;
    el_store4_activated(acc[i], ACT, valid, dst);
  }
}

#undef FC_W4
