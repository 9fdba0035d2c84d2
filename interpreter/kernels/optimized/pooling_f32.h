// f32 AVERAGE_POOL_2D and MAX_POOL_2D over NHWC, vectorized over channels, threaded over output rows.
#pragma once

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

struct PoolingF32Kernels {
  void (*average)(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
                  ThreadPool& pool);
  void (*max)(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
              ThreadPool& pool);
};

EL_DECLARE_PER_VECTOR_ISA(PoolingF32Kernels, kPoolingF32)

inline const PoolingF32Kernels* PoolingF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kPoolingF32); }

}  // namespace optimized
}  // namespace edgelite
