// The one list of builtin operators this build runs: (schema name, highest version accepted).
// It drives the op resolver, `edgelite inspect` and the Python bindings. Adding an operator means
// writing kernels/<op>.cc with its Register_<NAME>() and adding its line here.
//
// A version number above what a kernel handles is refused at resolve time; dtypes that a version allows
// but our kernel does not run are refused by the kernel's prepare with a message naming the dtype.
#pragma once

// Every builtin is accepted from version 1 to its highest version (a superset of LiteRT's ranges, which start
// at 1 but for BROADCAST_TO's 2).
#define EL_FIRST_BUILTIN_VERSION 1

#define EL_FOR_EACH_BUILTIN_OP(X) \
  X(ADD, 6)                         \
  X(SUB, 5)                         \
  X(MUL, 8)                         \
  X(DIV, 2)                         \
  X(SQUARED_DIFFERENCE, 2)          \
  X(LOCAL_RESPONSE_NORMALIZATION, 1)\
  X(MAXIMUM, 4)                     \
  X(MINIMUM, 4)                     \
  X(GATHER, 8)                      \
  X(CAST, 9)                        \
  X(MEAN, 3)                        \
  X(SUM, 2)                         \
  X(SOFTMAX, 4)                     \
  X(LOGISTIC, 3)                    \
  X(TANH, 3)                        \
  X(RELU, 3)                        \
  X(RELU6, 3)                       \
  X(PRELU, 1)                       \
  X(HARD_SWISH, 1)                  \
  X(GELU, 3)                        \
  X(RSQRT, 3)                       \
  X(NEG, 2)                         \
  X(DEQUANTIZE, 9)                  \
  X(QUANTIZE, 6)                    \
  X(DENSIFY, 1)                     \
  X(CONV_2D, 8)                     \
  X(DEPTHWISE_CONV_2D, 7)           \
  X(FULLY_CONNECTED, 14)            \
  X(BATCH_MATMUL, 4)                \
  X(AVERAGE_POOL_2D, 3)             \
  X(MAX_POOL_2D, 3)                 \
  X(RESHAPE, 1)                     \
  X(SHAPE, 1)                       \
  X(PACK, 5)                        \
  X(STRIDED_SLICE, 8)               \
  X(SLICE, 8)                       \
  X(SQUEEZE, 2)                     \
  X(CONCATENATION, 7)               \
  X(PAD, 6)                         \
  X(PADV2, 6)                       \
  X(TRANSPOSE, 9)                   \
  X(RESIZE_BILINEAR, 4)             \
  X(DEPTH_TO_SPACE, 2)              \
  X(SPLIT, 5)                       \
  X(SPLIT_V, 3)                     \
  X(MIRROR_PAD, 3)                  \
  X(RESIZE_NEAREST_NEIGHBOR, 4)     \
  X(REDUCE_PROD, 2)                 \
  X(REDUCE_MAX, 3)                  \
  X(REDUCE_MIN, 3)                  \
  X(LOG_SOFTMAX, 2)                 \
  X(L2_NORMALIZATION, 2)            \
  X(ABS, 5)                         \
  X(CEIL, 1)                        \
  X(FLOOR, 1)                       \
  X(COS, 2)                         \
  X(SIN, 2)                         \
  X(EXP, 2)                         \
  X(LOG, 2)                         \
  X(SQRT, 2)                        \
  X(SQUARE, 1)                      \
  X(ELU, 1)                         \
  X(LEAKY_RELU, 2)                  \
  X(FILL, 5)                        \
  X(POW, 1)                         \
  X(FLOOR_DIV, 3)                   \
  X(FLOOR_MOD, 2)                   \
  X(EQUAL, 5)                       \
  X(NOT_EQUAL, 4)                   \
  X(LESS, 3)                        \
  X(LESS_EQUAL, 2)                  \
  X(GREATER, 2)                     \
  X(GREATER_EQUAL, 3)               \
  X(TRANSPOSE_CONV, 5)              \
  X(SELECT, 4)                      \
  X(SELECT_V2, 2)                   \
  X(LOGICAL_AND, 1)                 \
  X(LOGICAL_OR, 1)                  \
  X(LOGICAL_NOT, 1)                 \
  X(BROADCAST_TO, 4)                \
  X(TILE, 3)                        \
  X(GATHER_ND, 6)                   \
  X(SCATTER_ND, 1)                  \
  X(TOPK_V2, 3)                     \
  X(ARG_MAX, 3)                     \
  X(ARG_MIN, 3)                     \
  X(ONE_HOT, 1)                     \
  X(CUMSUM, 1)                      \
  X(ROUND, 1)                       \
  X(SIGN, 2)                        \
  X(SPACE_TO_DEPTH, 2)              \
  X(RELU_N1_TO_1, 1)                \
  X(RELU_0_TO_1, 1)                 \
  X(WHILE, 1)                       \
  X(IF, 1)                          \
  X(CALL_ONCE, 1)                   \
  X(VAR_HANDLE, 1)                  \
  X(READ_VARIABLE, 1)               \
  X(ASSIGN_VARIABLE, 1)             \
  X(LSTM, 4)                        \
  X(UNIDIRECTIONAL_SEQUENCE_LSTM, 4)\
  X(BIDIRECTIONAL_SEQUENCE_LSTM, 3) \
  X(RNN, 3)                         \
  X(UNIDIRECTIONAL_SEQUENCE_RNN, 3) \
  X(BIDIRECTIONAL_SEQUENCE_RNN, 3)  \
  X(SVDF, 4)                        \
  X(REVERSE_V2, 4)                  \
  X(REVERSE_SEQUENCE, 1)            \
  X(HASHTABLE, 1)                   \
  X(HASHTABLE_FIND, 1)              \
  X(HASHTABLE_IMPORT, 1)            \
  X(HASHTABLE_SIZE, 1)              \
  X(HASHTABLE_LOOKUP, 1)            \
  X(SKIP_GRAM, 1)                   \
  X(EXPAND_DIMS, 1)                 \
  X(RANK, 1)                        \
  X(ZEROS_LIKE, 1)                  \
  X(UNPACK, 6)                      \
  X(RANGE, 2)                       \
  X(ADD_N, 1)                       \
  X(REDUCE_ANY, 1)                  \
  X(REDUCE_ALL, 1)                  \
  X(SPACE_TO_BATCH_ND, 4)           \
  X(BATCH_TO_SPACE_ND, 4)           \
  X(L2_POOL_2D, 1)                  \
  X(EMBEDDING_LOOKUP, 5)            \
  X(WHERE, 2)                       \
  X(BROADCAST_ARGS, 1)              \
  X(DYNAMIC_UPDATE_SLICE, 6)        \
  X(FAKE_QUANT, 2)                  \
  X(BITCAST, 1)                     \
  X(BITWISE_XOR, 1)                 \
  X(RIGHT_SHIFT, 1)                 \
  X(SPARSE_TO_DENSE, 3)             \
  /* every entry above ends in a backslash, so adding one never edits another line */

namespace edgelite {
struct KernelRegistration;
#define EL_DECLARE_REGISTER(NAME, MAX_VERSION) const KernelRegistration* Register_##NAME();
EL_FOR_EACH_BUILTIN_OP(EL_DECLARE_REGISTER)
#undef EL_DECLARE_REGISTER
}  // namespace edgelite
