// Tensor: type, shape, quantization and where the data lives. Data is never owned by the kernel that
// reads it: constants point into the model file, activations into the arena, folded or dynamic tensors
// into a heap block owned by the tensor itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace edgelite {

namespace schema {
struct SparsityParameters;
}
class Delegate;

// Values equal the .tflite TensorType enum so conversion is a cast after a range check.
enum class DataType : int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  // A handle to an interpreter-level resource (a variable of VAR_HANDLE): the tensor holds the
  // resource's int32 id in the interpreter's ResourceTable.
  kResource = 13,
  // SELECT_V2 (version 2) and SELECT (4) move its values; other kernels refuse it by name.
  kUInt32 = 15,
  // The .tflite types added for low-precision models. INT4, UINT4 and INT2 are held one value a byte (as LiteRT
  // holds them at run time, and its Python shows them as int8 / uint8); their constants, packed in the file (two
  // or four values a byte, low bits first), are unpacked when the model loads.
  kInt4 = 17,
  kBFloat16 = 18,
  kInt2 = 19,
  kUInt4 = 20,
  kFloat8E4M3FN = 21,
  kFloat8E5M2 = 22,
};

// Size in bytes of one element; 0 for types without a fixed size (string).
size_t ElementSize(DataType type);
// Lower-case NumPy-style name: "float32", "int8", ...
const char* DataTypeName(DataType type);
// True for the types this build can hold in a tensor.
bool IsSupportedDataType(int type);
// Bits a value of INT4 / UINT4 / INT2 takes in a model's packed constant buffer; 0 for the other types.
int PackedBits(DataType type);
// The one-value-a-byte type a packed type is held in (int8 or uint8); `type` itself for the others.
DataType HeldAsType(DataType type);
// Spreads `count` packed values (PackedBits(type) each, low bits first) one a byte, sign-extended for the signed
// types.
void UnpackSubByte(DataType type, const uint8_t* packed, int64_t count, uint8_t* out);
// The first of `count` held values of a packed type outside its range (-8..7, 0..15, -2..1), or -1.
int64_t FirstOutOfRange(DataType type, const void* held, int64_t count);
// The float value of one element of float32, bfloat16, float8 e4m3fn / e5m2 or float64, and a float rounded to
// nearest-even into one (past the range: infinity, or NaN for e4m3fn, which has no infinity, as ml_dtypes does):
// one conversion for each type, shared by the kernels that read or write them.
float LoadFloat(DataType type, const void* element);
void StoreFloat(DataType type, float value, void* element);

using Dims = std::vector<int32_t>;

int64_t NumElements(const Dims& dims);
// The bytes of a tensor of `dims` and `type`: false when a dimension is negative or the element count or the
// byte count does not fit in 63 bits (a corrupt shape), so no later size arithmetic can overflow.
bool CheckedByteSize(const Dims& dims, DataType type, size_t* bytes);
std::string DimsToString(const Dims& dims);

struct Quantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  int32_t block_size = 0;  // blockwise quantization's block size; 0 for per-tensor and per-channel
  bool empty() const { return scale.empty(); }
};

enum class Allocation {
  kNone,      // no memory yet (before planning, or a tensor no node uses)
  kConstant,  // read-only model data, read in place from the mapped file
  kArena,     // placed by the arena planner
  kOwned,     // a heap block owned by this tensor: values folded at prepare, dynamic outputs
};

// 64-byte aligned, so vector loads and cache lines line up for every tensor start.
constexpr size_t kTensorAlignment = 64;

struct AlignedFree {
  void operator()(void* p) const;
};
using AlignedBlock = std::unique_ptr<uint8_t, AlignedFree>;
AlignedBlock AllocateAligned(size_t bytes);

struct Tensor {
  std::string name;
  DataType type = DataType::kFloat32;
  Dims dims;
  Dims dims_signature;  // -1 for dimensions unknown at conversion time
  Quantization quant;
  const schema::SparsityParameters* sparsity = nullptr;  // points into the model; null when dense
  bool is_variable = false;
  // True when the values are known before invoke (model constants and values folded at prepare);
  // kernels may then pack or precompute from them once.
  bool is_constant = false;
  // Shape known only at eval (data-dependent); memory is then taken at eval from `owned`.
  bool is_dynamic = false;
  Allocation allocation = Allocation::kNone;
  void* data = nullptr;
  size_t bytes = 0;
  AlignedBlock owned;
  size_t owned_capacity = 0;
  // Device memory: a delegate that produced this tensor may leave its values in a buffer of its own
  // (`device_buffer`, meaningful only to `device_owner`). With host_stale the host bytes at `data` are
  // out of date; the core copies them back (KernelContext::EnsureHost) before anything else reads them.
  Delegate* device_owner = nullptr;
  void* device_buffer = nullptr;
  bool host_stale = false;

  int64_t num_elements() const { return NumElements(dims); }
  int rank() const { return static_cast<int>(dims.size()); }
  int dim(int i) const { return dims[i]; }
  size_t RequiredBytes() const { return static_cast<size_t>(num_elements()) * ElementSize(type); }
  // The bytes its value takes: RequiredBytes(), or for a string tensor the whole buffer it holds (the .tflite
  // string layout, string_tensor.h), whose size the shape does not fix; 0 before anything wrote one.
  size_t ValueBytes() const { return type == DataType::kString ? bytes : RequiredBytes(); }

  template <typename T>
  T* data_as() {
    return static_cast<T*>(data);
  }
  template <typename T>
  const T* data_as() const {
    return static_cast<const T*>(data);
  }

  // Points `data` at a heap block of RequiredBytes() (or `bytes`), reusing the block when it is large enough.
  void AllocateOwned() { AllocateOwnedBytes(RequiredBytes()); }
  void AllocateOwnedBytes(size_t need);
};

template <typename T>
struct DataTypeOf;
template <> struct DataTypeOf<float> { static constexpr DataType value = DataType::kFloat32; };
template <> struct DataTypeOf<int32_t> { static constexpr DataType value = DataType::kInt32; };
template <> struct DataTypeOf<int64_t> { static constexpr DataType value = DataType::kInt64; };
template <> struct DataTypeOf<uint8_t> { static constexpr DataType value = DataType::kUInt8; };
template <> struct DataTypeOf<int8_t> { static constexpr DataType value = DataType::kInt8; };
template <> struct DataTypeOf<int16_t> { static constexpr DataType value = DataType::kInt16; };
template <> struct DataTypeOf<bool> { static constexpr DataType value = DataType::kBool; };
template <> struct DataTypeOf<double> { static constexpr DataType value = DataType::kFloat64; };
template <> struct DataTypeOf<uint32_t> { static constexpr DataType value = DataType::kUInt32; };

}  // namespace edgelite
