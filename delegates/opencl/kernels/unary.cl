// out[i] = f(in[i]) for the element-wise unary operators, f chosen by OP_<name> and written as the CPU
// reference writes it (interpreter/kernels/reference/activations.h: comparisons rather than fmax, so NaN
// and -0 pass through the same way). `alpha` is LEAKY_RELU's slope (unused by the others). Computed in
// float in both precisions.
__kernel void KERNEL_NAME(__global const real* in, __global real* out, float alpha) {
  const int i = get_global_id(0);
  const float x = (float)in[i];
#if defined(OP_RELU)
  const float y = x < 0.0f ? 0.0f : x;
#elif defined(OP_RELU6)
  const float y = x > 6.0f ? 6.0f : x < 0.0f ? 0.0f : x;
#elif defined(OP_RELU_N1_TO_1)
  const float y = x > 1.0f ? 1.0f : x < -1.0f ? -1.0f : x;
#elif defined(OP_LEAKY_RELU)
  const float y = x > 0.0f ? x : x * alpha;
#elif defined(OP_LOGISTIC)
  const float y = 1.0f / (1.0f + exp(-x));
#elif defined(OP_TANH)
  const float y = tanh(x);
#elif defined(OP_HARD_SWISH)
  const float y = x * fmin(6.0f, fmax(0.0f, x + 3.0f)) / 6.0f;
#elif defined(OP_GELU_EXACT)
  // erfc keeps the relative precision for large negative x, where 1 + erf(-z) would cancel to 0.
  const float y = 0.5f * x * erfc(x * -0.70710678118654752f);
#elif defined(OP_GELU_TANH)
  const float y = 0.5f * x * (1.0f + tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
#elif defined(OP_ELU)
  const float y = x < 0.0f ? expm1(x) : x;
#elif defined(OP_RSQRT)
  const float y = 1.0f / sqrt(x);
#elif defined(OP_SQRT)
  const float y = sqrt(x);
#elif defined(OP_ABS)
  const float y = fabs(x);
#elif defined(OP_NEG)
  const float y = -x;
#elif defined(OP_EXP)
  const float y = exp(x);
#else
#error "unary.cl: no OP_<name> defined"
#endif
  out[i] = (real)y;
}
