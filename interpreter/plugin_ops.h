// Operators of LiteRT's builtin resolver that the core does not run itself: their kernels live in the
// select-ops plugin library (libedgelite_select.so, delegates/select/), which is loaded with dlopen only
// when a model uses one of them, so the core stays small. This list is compiled into the core (the
// registry, `edgelite inspect` and the message for a missing library know these operators without loading
// anything) and into the library, which registers exactly these; tests hold the two against each other.
//
// (schema name or custom code, lowest version, highest version), the ranges of LiteRT 2.3.0's
// BuiltinOpResolver.
#pragma once

#define EL_PLUGIN_OPS_LIBRARY "libedgelite_select.so"

#define EL_FOR_EACH_PLUGIN_BUILTIN_OP(X) \
  X(ATAN2, 1, 1)                         \
  X(BUCKETIZE, 1, 1)                     \
  X(COMPLEX_ABS, 1, 1)                   \
  X(CONV_3D, 1, 1)                       \
  X(CONV_3D_TRANSPOSE, 1, 1)             \
  X(DILATE, 1, 1)                        \
  X(EMBEDDING_LOOKUP_SPARSE, 1, 1)       \
  X(IMAG, 1, 1)                          \
  X(LSH_PROJECTION, 1, 1)                \
  X(MATRIX_DIAG, 1, 1)                   \
  X(MATRIX_SET_DIAG, 1, 1)               \
  X(MULTINOMIAL, 1, 1)                   \
  X(NON_MAX_SUPPRESSION_V4, 1, 1)        \
  X(NON_MAX_SUPPRESSION_V5, 1, 1)        \
  X(RANDOM_STANDARD_NORMAL, 1, 1)        \
  X(RANDOM_UNIFORM, 1, 1)                \
  X(REAL, 1, 1)                          \
  X(REDUCE_WINDOW, 1, 1)                 \
  X(RFFT2D, 1, 1)                        \
  X(SEGMENT_SUM, 1, 1)                   \
  X(UNIQUE, 1, 1)                        \
  X(UNSORTED_SEGMENT_MAX, 1, 1)          \
  X(UNSORTED_SEGMENT_MIN, 1, 1)          \
  X(UNSORTED_SEGMENT_PROD, 1, 1)         \
  X(UNSORTED_SEGMENT_SUM, 1, 1)

// LiteRT's own custom operators (custom code in the model).
#define EL_FOR_EACH_PLUGIN_CUSTOM_OP(X) \
  X(AudioSpectrogram, 1, 1)             \
  X(Mfcc, 1, 1)                         \
  X(NumericVerify, 1, 1)                \
  X(TFLite_Detection_PostProcess, 1, 1)
