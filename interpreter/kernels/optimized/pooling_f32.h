// f32 AVERAGE_POOL_2D and MAX_POOL_2D over NHWC, vectorized over channels, threaded over output rows.
#pragma once

#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

void AveragePoolF32(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
                    ThreadPool& pool);
void MaxPoolF32(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
                ThreadPool& pool);

}  // namespace optimized
}  // namespace edgelite
