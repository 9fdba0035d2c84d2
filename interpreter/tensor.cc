// DataType helpers and tensor memory.
#include "interpreter/tensor.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <sstream>

#if defined(__linux__)
#include <sys/mman.h>
#endif

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
    case DataType::kBFloat16: return 2;
    case DataType::kInt4:
    case DataType::kUInt4:
    case DataType::kInt2:
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E5M2: return 1;
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
    case DataType::kInt4: return "int4";
    case DataType::kBFloat16: return "bfloat16";
    case DataType::kInt2: return "int2";
    case DataType::kUInt4: return "uint4";
    case DataType::kFloat8E4M3FN: return "float8_e4m3fn";
    case DataType::kFloat8E5M2: return "float8_e5m2";
    case DataType::kResource: return "resource";
  }
  return "unknown";
}

bool IsSupportedDataType(int type) {
  return (type >= 0 && type <= 10) || type == static_cast<int>(DataType::kResource) ||
         type == static_cast<int>(DataType::kUInt32) || (type >= 17 && type <= 22);
}

int PackedBits(DataType type) {
  return type == DataType::kInt2 ? 2 : (type == DataType::kInt4 || type == DataType::kUInt4) ? 4 : 0;
}

DataType HeldAsType(DataType type) {
  if (type == DataType::kInt4 || type == DataType::kInt2) return DataType::kInt8;
  return type == DataType::kUInt4 ? DataType::kUInt8 : type;
}

void UnpackSubByte(DataType type, const uint8_t* packed, int64_t count, uint8_t* out) {
  const int bits = PackedBits(type), per_byte = 8 / bits, mask = (1 << bits) - 1;
  const int sign = type == DataType::kUInt4 ? 0 : 1 << (bits - 1);
  for (int64_t i = 0; i < count; ++i) {
    const int v = (packed[i / per_byte] >> (bits * (i % per_byte))) & mask;
    out[i] = static_cast<uint8_t>((v ^ sign) - sign);  // sign-extends when `sign` is the top bit
  }
}

int64_t FirstOutOfRange(DataType type, const void* held, int64_t count) {
  const int bits = PackedBits(type);
  const bool is_signed = type != DataType::kUInt4;
  const int lo = is_signed ? -(1 << (bits - 1)) : 0, hi = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  for (int64_t i = 0; i < count; ++i) {
    const uint8_t byte = static_cast<const uint8_t*>(held)[i];
    const int v = is_signed ? static_cast<int8_t>(byte) : byte;
    if (v < lo || v > hi) return i;
  }
  return -1;
}

namespace {

// The layouts of the 8-bit floats: exponent and mantissa widths, the exponent bias, and whether the all-ones
// exponent means infinity / NaN (IEEE-style e5m2) or, for e4m3fn, only the all-ones pattern is NaN.
struct MiniFloat {
  int exponent_bits, mantissa_bits, bias;
  bool ieee;
};
constexpr MiniFloat kE4M3FN{4, 3, 7, false}, kE5M2{5, 2, 15, true};

float MiniToFloat(const MiniFloat& f, uint8_t bits) {
  const int m_bits = f.mantissa_bits, e_max = (1 << f.exponent_bits) - 1;
  const int e = (bits >> m_bits) & e_max, m = bits & ((1 << m_bits) - 1);
  const float sign = (bits & 0x80) ? -1.0f : 1.0f;
  // NaN keeps its sign (as ml_dtypes widens it), no payload.
  if (f.ieee && e == e_max) return m ? std::copysign(NAN, sign) : sign * INFINITY;
  if (!f.ieee && e == e_max && m == (1 << m_bits) - 1) return std::copysign(NAN, sign);
  if (e == 0) return sign * std::ldexp(static_cast<float>(m), 1 - f.bias - m_bits);
  return sign * std::ldexp(static_cast<float>(m + (1 << m_bits)), e - f.bias - m_bits);
}

uint8_t FloatToMini(const MiniFloat& f, float x) {
  const int m_bits = f.mantissa_bits;
  const uint8_t nan = f.ieee ? static_cast<uint8_t>(((1 << f.exponent_bits) - 1) << m_bits | 2) : 0x7F;
  if (std::isnan(x)) return nan;
  const uint8_t sign = std::signbit(x) ? 0x80 : 0;
  const float a = std::fabs(x);
  if (a == 0) return sign;
  int exponent;  // a = significand * 2^exponent with significand in [0.5, 1)
  std::frexp(a, &exponent);
  // The unit of the last mantissa place: that of the normal binade holding `a`, or of the subnormals.
  const int unit = std::max(exponent - 1, 1 - f.bias) - m_bits;
  // Scaling by a power of two is exact, so rint (nearest-even) is the only rounding. A carry out of the mantissa
  // lands on the next exponent by itself, since the encoding is exponent-then-mantissa.
  // For a subnormal the exponent term is 0 and the code is q itself.
  const int64_t q = static_cast<int64_t>(std::rint(std::ldexp(a, -unit)));
  const int64_t code = q + (static_cast<int64_t>(unit + m_bits + f.bias - 1) << m_bits);
  const int64_t max_finite = f.ieee ? (((1 << f.exponent_bits) - 1) << m_bits) - 1 : 0x7E;
  if (std::isinf(x) || code > max_finite) return f.ieee ? static_cast<uint8_t>(sign | (max_finite + 1)) : nan | sign;
  return static_cast<uint8_t>(sign | code);
}

}  // namespace

float LoadFloat(DataType type, const void* element) {
  switch (type) {
    case DataType::kBFloat16: {
      uint16_t half;
      std::memcpy(&half, element, 2);
      const uint32_t bits = static_cast<uint32_t>(half) << 16;
      float out;
      std::memcpy(&out, &bits, 4);
      return out;
    }
    case DataType::kFloat8E4M3FN: return MiniToFloat(kE4M3FN, *static_cast<const uint8_t*>(element));
    case DataType::kFloat8E5M2: return MiniToFloat(kE5M2, *static_cast<const uint8_t*>(element));
    case DataType::kFloat64: {
      double d;
      std::memcpy(&d, element, 8);
      return static_cast<float>(d);
    }
    default: {
      float out;
      std::memcpy(&out, element, 4);
      return out;
    }
  }
}

void StoreFloat(DataType type, float value, void* element) {
  switch (type) {
    case DataType::kBFloat16: {
      uint32_t bits;
      std::memcpy(&bits, &value, 4);
      // Nearest-even on the dropped 16 bits; a NaN stays a (quiet) NaN.
      const uint16_t half = std::isnan(value) ? static_cast<uint16_t>((bits >> 16) | 0x40)
                                              : static_cast<uint16_t>((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
      std::memcpy(element, &half, 2);
      return;
    }
    case DataType::kFloat8E4M3FN: *static_cast<uint8_t*>(element) = FloatToMini(kE4M3FN, value); return;
    case DataType::kFloat8E5M2: *static_cast<uint8_t*>(element) = FloatToMini(kE5M2, value); return;
    case DataType::kFloat64: {
      const double d = value;
      std::memcpy(element, &d, 8);
      return;
    }
    default: std::memcpy(element, &value, 4);
  }
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

// Blocks of at least this much (an arena, a large layer's packed weights) start on a 2 MB boundary and ask for
// transparent huge pages on their whole 2 MB ranges: one TLB entry each instead of 512. MobileNet v2 streams
// 14 MB of packed weights and a 6.6 MB arena per invoke, past what the TLB covers in 4 KB pages. The tail past
// the last whole range keeps small pages, so the resident size is what is touched, as before.
constexpr size_t kHugePage = size_t{2} << 20;

AlignedBlock AllocateAligned(size_t bytes) {
  size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  if (rounded == 0) rounded = kTensorAlignment;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (rounded >= kHugePage) {
    auto* p = static_cast<uint8_t*>(std::aligned_alloc(kHugePage, (rounded + kHugePage - 1) / kHugePage * kHugePage));
    if (p) madvise(p, rounded / kHugePage * kHugePage, MADV_HUGEPAGE);  // advice only: failure changes nothing
    return AlignedBlock(p);
  }
#endif
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
