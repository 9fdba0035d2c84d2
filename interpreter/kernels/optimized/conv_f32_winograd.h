// f32 CONV_2D 3x3, stride 1, by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2015): each 2x2 output tile is A^T [ (G g G^T) . (B^T d B) ] A over its 4x4
// input window d, so the 9 multiply-adds per output, input and output channel become 4, as 16 GEMMs (one per
// position of the 4x4 transformed tile) of [tiles, in_c] x [in_c, out_c] on the packed f32 GEMM. The results
// differ from the direct sum by rounding only (the transforms' coefficients are 0, +-1 and +-1/2).
#pragma once

#include "interpreter/kernels/optimized/conv_f32.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {

// Fills l's Winograd fields and returns true when `g` is a convolution this path runs and pays for; l's
// groups, k and n are set already.
bool PlanWinograd(const WindowGeometry& g, int num_threads, ConvGemmLayout* l);
// Transforms an OHWI 3x3 filter (and bias) into the 16 packed GEMM weight matrices.
void PackWinograd(const ConvGemmLayout& l, const float* filter, const float* bias, float* packed);
void RunWinograd(const WindowGeometry& g, const ConvGemmLayout& l, const float* input, const float* packed,
                 const float* addend, float* output, float* scratch, float out_min, float out_max, bool hard_swish,
                 ThreadPool& pool);

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
