// int8 DEPTHWISE_CONV_2D with depth multiplier 1, bit-exact with the reference: a direct NHWC kernel
// vectorized over channels, products summed in int32 from sign-extended inputs (exact), the same
// per-channel requantization as the int8 GEMM (int8_gemm.h). Taps in the padding read a row of the input
// zero point kept with the packed weights, so they add nothing and the inner loop never branches; the
// interior of 3x3 filters (stride 1 or 2) is swept with the weights held in registers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "interpreter/kernels/optimized/int8_gemm.h"

namespace edgelite {
namespace optimized {

// Tap pointers live on the stack; larger filters go to the reference kernel.
constexpr int kMaxInt8DepthwiseTaps = 64;

struct Int8DepthwiseKernels {
  // The packed layout follows the filter's shape (g.filter_h, g.filter_w, g.out_c channels) and the sweep.
  size_t (*packed_size)(const WindowGeometry& g);
  // filter is [taps][channels] (the .tflite [1, h, w, c] layout, symmetric); bias may be null; stage as for
  // the GEMM with multipliers (one per channel). `packed`: packed_size bytes, 64-byte aligned.
  void (*pack)(const WindowGeometry& g, const int8_t* filter, const int32_t* bias, int32_t input_zero_point,
               const Int8OutputStage& stage, void* packed);
  // Requires g.out_c == g.in_c and filter_h * filter_w <= kMaxInt8DepthwiseTaps.
  void (*run)(const WindowGeometry& g, const int8_t* input, const void* packed, int8_t* output, int32_t out_min,
              int32_t out_max, ThreadPool& pool);
};

#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { extern const Int8DepthwiseKernels kInt8Depthwise; }
namespace avx512vnni { extern const Int8DepthwiseKernels kInt8Depthwise; }
#elif defined(__aarch64__)
namespace neon { extern const Int8DepthwiseKernels kInt8Depthwise; }
#endif

// The table for a row's ISA (kAvx2, kAvx512Vnni; kNeon, which AArch64 CPUs with dot products run too), or null.
inline const Int8DepthwiseKernels* Int8DepthwiseFor(Isa isa) {
#if defined(__x86_64__) || defined(_M_X64)
  switch (isa) {
    case Isa::kAvx2: return &avx2::kInt8Depthwise;
    case Isa::kAvx512Vnni: return &avx512vnni::kInt8Depthwise;
    default: return nullptr;
  }
#elif defined(__aarch64__)
  return isa == Isa::kNeon ? &neon::kInt8Depthwise : nullptr;
#else
  (void)isa;
  return nullptr;
#endif
}

}  // namespace optimized
}  // namespace edgelite
