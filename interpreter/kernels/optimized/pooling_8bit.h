// int8 and uint8 AVERAGE_POOL_2D and MAX_POOL_2D over NHWC, vectorized over channels and threaded over
// output rows (pooling_8bit.cc); the same values as reference/integer/pooling.h.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

// Averages divide in float32, exact only while |sum| < 2^24: windows of at most this many values.
constexpr int64_t kMaxAveragePool8BitWindow = (int64_t{1} << 24) / 256 - 1;

template <typename T>
struct Pooling8BitKernels {
  void (*average)(const WindowGeometry& g, const T* input, T* output, int32_t out_min, int32_t out_max,
                  ThreadPool& pool);
  void (*max)(const WindowGeometry& g, const T* input, T* output, int32_t out_min, int32_t out_max,
              ThreadPool& pool);
};

struct Pooling8BitTables {
  Pooling8BitKernels<int8_t> int8;
  Pooling8BitKernels<uint8_t> uint8;
};

EL_DECLARE_PER_VECTOR_ISA(Pooling8BitTables, kPooling8Bit)

inline const Pooling8BitTables* Pooling8BitFor(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kPooling8Bit); }

}  // namespace optimized
}  // namespace edgelite
