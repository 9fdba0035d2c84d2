// The fused activation of float kernels, as .tflite applies it: min(max(v, lo), hi), so NaN passes.
#pragma once

#include <algorithm>

namespace edgelite {
namespace reference {

inline float ClampToRange(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }

}  // namespace reference
}  // namespace edgelite
