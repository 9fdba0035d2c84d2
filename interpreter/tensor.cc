// DataType helpers and tensor memory.
#include "interpreter/tensor.h"

#include <cstdint>
#include <cstdlib>
#include <sstream>

namespace edgelite {

size_t ElementSize(DataType type) {
  switch (type) {
    case DataType::kFloat32: return 4;
    case DataType::kFloat16: return 2;
    case DataType::kInt32: return 4;
    case DataType::kUInt8: return 1;
    case DataType::kInt64: return 8;
    case DataType::kString: return 0;
    case DataType::kBool: return 1;
    case DataType::kInt16: return 2;
    case DataType::kComplex64: return 8;
    case DataType::kInt8: return 1;
    case DataType::kFloat64: return 8;
    case DataType::kUInt32: return 4;
    case DataType::kResource: return sizeof(int32_t);
  }
  return 0;
}

const char* DataTypeName(DataType type) {
  switch (type) {
    case DataType::kFloat32: return "float32";
    case DataType::kFloat16: return "float16";
    case DataType::kInt32: return "int32";
    case DataType::kUInt8: return "uint8";
    case DataType::kInt64: return "int64";
    case DataType::kString: return "string";
    case DataType::kBool: return "bool";
    case DataType::kInt16: return "int16";
    case DataType::kComplex64: return "complex64";
    case DataType::kInt8: return "int8";
    case DataType::kFloat64: return "float64";
    case DataType::kUInt32: return "uint32";
    case DataType::kResource: return "resource";
  }
  return "unknown";
}

bool IsSupportedDataType(int type) {
  return (type >= 0 && type <= 10) || type == static_cast<int>(DataType::kResource) ||
         type == static_cast<int>(DataType::kUInt32);
}

int64_t NumElements(const Dims& dims) {
  int64_t n = 1;
  for (int32_t d : dims) n *= d;
  return n;
}

bool CheckedByteSize(const Dims& dims, DataType type, size_t* bytes) {
  constexpr int64_t kMax = INT64_MAX;
  int64_t elements = 1;
  bool empty = false;
  for (int32_t d : dims) {
    if (d < 0) return false;
    if (d == 0) empty = true;
    // A zero dimension makes the count 0, but the other dimensions must still be sane on their own.
    const int64_t factor = d == 0 ? 1 : d;
    if (elements > kMax / factor) return false;
    elements *= factor;
  }
  if (empty) elements = 0;
  const int64_t size = static_cast<int64_t>(ElementSize(type));
  if (size > 0 && elements > kMax / size) return false;
  *bytes = static_cast<size_t>(elements * size);
  return true;
}

std::string DimsToString(const Dims& dims) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < dims.size(); ++i) s << (i ? ", " : "") << dims[i];
  s << "]";
  return s.str();
}

void AlignedFree::operator()(void* p) const { std::free(p); }

AlignedBlock AllocateAligned(size_t bytes) {
  size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  if (rounded == 0) rounded = kTensorAlignment;
  return AlignedBlock(static_cast<uint8_t*>(std::aligned_alloc(kTensorAlignment, rounded)));
}

void Tensor::AllocateOwnedBytes(size_t need) {
  if (!owned || owned_capacity < need) {
    owned = AllocateAligned(need);
    owned_capacity = need;
  }
  data = owned.get();
  bytes = need;
  allocation = Allocation::kOwned;
}

}  // namespace edgelite
