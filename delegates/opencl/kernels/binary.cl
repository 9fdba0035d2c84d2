// out = a (op) b with NumPy broadcasting, then the fused activation's clamp. The builder collapsed the
// output shape to dims D0 (innermost) ... D5; SA<k>/SB<k> are each input's stride along
// dim k (0 where it broadcasts). A_SAME/B_SAME: the input has the output's shape (its index is i).
// OP_<name> picks the operation; ACT_MIN/ACT_MAX, when defined, clamp as the CPU kernel does (a NaN
// passes through). Arithmetic is in float in both precisions, as the CPU kernel computes.
__kernel void KERNEL_NAME(__global const real* a, __global const real* b, __global real* out) {
  const int i = get_global_id(0);
  int rest = i;
  int ia = 0, ib = 0;
// One dim of the index walk: the coordinate along dim k, then each input's offset for it (dims past the
// collapsed rank are 1 with stride 0 and fold away).
#define EL_BINARY_STEP(D, SA, SB) { const int c = rest % (D); rest /= (D); ia += c * (SA); ib += c * (SB); }
  EL_BINARY_STEP(D0, SA0, SB0) EL_BINARY_STEP(D1, SA1, SB1) EL_BINARY_STEP(D2, SA2, SB2)
  EL_BINARY_STEP(D3, SA3, SB3) EL_BINARY_STEP(D4, SA4, SB4) EL_BINARY_STEP(D5, SA5, SB5)
#undef EL_BINARY_STEP
#ifdef A_SAME
  ia = i;
#endif
#ifdef B_SAME
  ib = i;
#endif
  const float x = (float)a[ia];
  const float y = (float)b[ib];
#if defined(OP_ADD)
  float v = x + y;
#elif defined(OP_SUB)
  float v = x - y;
#elif defined(OP_MUL)
  float v = x * y;
#elif defined(OP_DIV)
  float v = x / y;
#elif defined(OP_SQUARED_DIFFERENCE)
  float v = (x - y) * (x - y);
#elif defined(OP_MAXIMUM)
  float v = x > y ? x : y;  // a NaN in b propagates, one in a does not (TFLite's reference)
#elif defined(OP_MINIMUM)
  float v = x < y ? x : y;
#elif defined(OP_PRELU)
  float v = x >= 0.0f ? x : x * y;
#else
#error "binary.cl: no OP_<name> defined"
#endif
#ifdef ACT_MIN
  v = v < ACT_MIN ? ACT_MIN : v;
#endif
#ifdef ACT_MAX
  v = ACT_MAX < v ? ACT_MAX : v;
#endif
  out[i] = (real)v;
}
