// Prepended once to every partition's program. `real` is the storage and compute type: float, or half
// when the partition runs in fp16 (EL_FP16 defined, device with cl_khr_fp16).
#ifdef EL_FP16
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
typedef half real;
typedef half4 real4;
#define REAL_MAX HALF_MAX
#else
typedef float real;
typedef float4 real4;
#define REAL_MAX FLT_MAX
#endif

// .tflite ActivationFunctionType: 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6, 4 TANH, 5 SIGN_BIT.
inline float el_activate(float x, int act) {
  switch (act) {
    case 1: return fmax(x, 0.0f);
    case 2: return clamp(x, -1.0f, 1.0f);
    case 3: return clamp(x, 0.0f, 6.0f);
    case 4: return tanh(x);
    case 5: return signbit(x) ? 1.0f : 0.0f;
    default: return x;
  }
}

// Stores a block of 4 consecutive outputs (4 channels of a pixel), activated; only the first `valid`
// (1 to 4) exist when the channel count is not a multiple of 4. Used by the filter, pool and matmul kernels.
inline void el_store4_activated(float4 v, int act, int valid, __global real* dst) {
  v = (float4)(el_activate(v.x, act), el_activate(v.y, act), el_activate(v.z, act), el_activate(v.w, act));
  if (valid >= 4) {
#ifdef EL_FP16
    vstore4(convert_half4(v), 0, dst);
#else
    vstore4(v, 0, dst);
#endif
    return;
  }
  dst[0] = (real)v.x;
  if (valid > 1) dst[1] = (real)v.y;
  if (valid > 2) dst[2] = (real)v.z;
}
