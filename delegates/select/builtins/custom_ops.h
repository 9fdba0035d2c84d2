// Kernels of LiteRT's own operators with no TF op to share: its custom operators
// (TFLite_Detection_PostProcess, ..., EL_FOR_EACH_PLUGIN_CUSTOM_OP of interpreter/plugin_ops.h), whose
// FlexBuffers map of options becomes the node's attributes at init (custom_front.cc), and its stateful
// random builtins (random_ops.cc), a few value ops (value_ops.cc) and DILATE / REDUCE_WINDOW (window_ops.cc). They are KernelDefs like every other here.
#pragma once

#include "delegates/select/flex/kernel.h"

namespace edgelite::select {

// An option of the map as a number: ints, bools and floats all convert, as FlexBuffers' AsInt32 /
// AsFloat do in LiteRT's kernels. Without `fallback` a missing option is an error naming it.
int64_t CustomInt(const OpContext& c, const char* name);
int64_t CustomInt(const OpContext& c, const char* name, int64_t fallback);
double CustomFloat(const OpContext& c, const char* name);

const KernelDef& DetectionPostProcessKernel();
// AudioSpectrogram and Mfcc (audio_ops.cc).
const std::vector<KernelDef>& AudioKernels();
// LSH_PROJECTION (lsh_projection.cc; attribute type: 1 SPARSE, 2 DENSE).
const KernelDef& LshProjectionKernel();
// NumericVerify (value_ops.cc): its custom options are a raw float (the tolerance), not a map.
const KernelDef& NumericVerifyKernel();
// RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL, MULTINOMIAL (named by their schema names; attributes seed, seed2).
const std::vector<KernelDef>& LiteRtRandomKernels();
// BUCKETIZE (attribute boundaries, a float list), REAL, IMAG, COMPLEX_ABS, MATRIX_SET_DIAG,
// EMBEDDING_LOOKUP_SPARSE (attribute combiner) (value_ops.cc).
const std::vector<KernelDef>& LiteRtValueKernels();
// DILATE and REDUCE_WINDOW (window_ops.cc; REDUCE_WINDOW's attribute reduce_function is the
// ReduceWindowFunction code).
const std::vector<KernelDef>& LiteRtWindowKernels();

// Adds one ElCustomKernel per operator of EL_FOR_EACH_PLUGIN_CUSTOM_OP; false (with `missing` naming them)
// when the library has no kernel for some.
bool AddLiteRtCustomKernels(ElAddCustomKernel add, void* registry, std::string* missing);

}  // namespace edgelite::select
