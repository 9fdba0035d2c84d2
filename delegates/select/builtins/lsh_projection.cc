// LSH_PROJECTION (tflite/kernels/lsh_projection.cc): for every seed of hash [num_hash, num_bits], one bit:
// the sign of sum_i weight[i] * (double)Fingerprint64(seed bytes ++ input row i bytes) over the input's
// rows (weight absent: 1). SPARSE packs a hash function's bits into an int32 offset by i << num_bits;
// DENSE writes the bits. Fingerprint64 is farmhash's (its "na" 64-bit hash), written here from farmhash's
// published algorithm, little-endian reads.
#include <cstring>
#include <utility>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"

namespace edgelite::select {
namespace {

constexpr uint64_t k0 = 0xc3a5c85c97cb3127ULL, k1 = 0xb492b66fbe98f273ULL, k2 = 0x9ae16a3b2f90404fULL;

uint64_t Fetch64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t Fetch32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t Rotate(uint64_t v, int s) { return s == 0 ? v : (v >> s) | (v << (64 - s)); }
uint64_t ShiftMix(uint64_t v) { return v ^ (v >> 47); }

uint64_t HashLen16(uint64_t u, uint64_t v, uint64_t mul) {
  uint64_t a = (u ^ v) * mul;
  a ^= (a >> 47);
  uint64_t b = (v ^ a) * mul;
  b ^= (b >> 47);
  return b * mul;
}

uint64_t HashLen0to16(const uint8_t* s, size_t len) {
  if (len >= 8) {
    const uint64_t mul = k2 + len * 2, a = Fetch64(s) + k2, b = Fetch64(s + len - 8);
    const uint64_t c = Rotate(b, 37) * mul + a, d = (Rotate(a, 25) + b) * mul;
    return HashLen16(c, d, mul);
  }
  if (len >= 4) {
    const uint64_t mul = k2 + len * 2, a = Fetch32(s);
    return HashLen16(len + (a << 3), Fetch32(s + len - 4), mul);
  }
  if (len > 0) {
    const uint32_t y = static_cast<uint32_t>(s[0]) + (static_cast<uint32_t>(s[len >> 1]) << 8);
    const uint32_t z = static_cast<uint32_t>(len) + (static_cast<uint32_t>(s[len - 1]) << 2);
    return ShiftMix(y * k2 ^ z * k0) * k2;
  }
  return k2;
}

uint64_t HashLen17to32(const uint8_t* s, size_t len) {
  const uint64_t mul = k2 + len * 2, a = Fetch64(s) * k1, b = Fetch64(s + 8);
  const uint64_t c = Fetch64(s + len - 8) * mul, d = Fetch64(s + len - 16) * k2;
  return HashLen16(Rotate(a + b, 43) + Rotate(c, 30) + d, a + Rotate(b + k2, 18) + c, mul);
}

uint64_t HashLen33to64(const uint8_t* s, size_t len) {
  const uint64_t mul = k2 + len * 2, a = Fetch64(s) * k2, b = Fetch64(s + 8);
  const uint64_t c = Fetch64(s + len - 8) * mul, d = Fetch64(s + len - 16) * k2;
  const uint64_t y = Rotate(a + b, 43) + Rotate(c, 30) + d;
  const uint64_t z = HashLen16(y, a + Rotate(b + k2, 18) + c, mul);
  const uint64_t e = Fetch64(s + 16) * mul, f = Fetch64(s + 24);
  const uint64_t g = (y + Fetch64(s + len - 32)) * mul, h = (z + Fetch64(s + len - 24)) * mul;
  return HashLen16(Rotate(e + f, 43) + Rotate(g, 30) + h, e + Rotate(f + a, 18) + g, mul);
}

std::pair<uint64_t, uint64_t> WeakHashLen32WithSeeds(const uint8_t* s, uint64_t a, uint64_t b) {
  const uint64_t w = Fetch64(s), x = Fetch64(s + 8), y = Fetch64(s + 16), z = Fetch64(s + 24);
  a += w;
  b = Rotate(b + a + z, 21);
  const uint64_t c = a;
  a += x;
  a += y;
  b += Rotate(a, 44);
  return {a + z, b + c};
}

uint64_t Fingerprint64(const uint8_t* s, size_t len) {
  if (len <= 16) return HashLen0to16(s, len);
  if (len <= 32) return HashLen17to32(s, len);
  if (len <= 64) return HashLen33to64(s, len);
  const uint64_t seed = 81;
  uint64_t x = seed, y = seed * k1 + 113, z = ShiftMix(y * k2 + 113) * k2;
  std::pair<uint64_t, uint64_t> v{0, 0}, w{0, 0};
  x = x * k2 + Fetch64(s);
  const uint8_t* end = s + ((len - 1) / 64) * 64;
  const uint8_t* last64 = end + ((len - 1) & 63) - 63;
  do {
    x = Rotate(x + y + v.first + Fetch64(s + 8), 37) * k1;
    y = Rotate(y + v.second + Fetch64(s + 48), 42) * k1;
    x ^= w.second;
    y += v.first + Fetch64(s + 40);
    z = Rotate(z + w.first, 33) * k1;
    v = WeakHashLen32WithSeeds(s, v.second * k1, x + w.first);
    w = WeakHashLen32WithSeeds(s + 32, z + w.second, y + Fetch64(s + 16));
    std::swap(z, x);
    s += 64;
  } while (s != end);
  const uint64_t mul = k1 + ((z & 0xff) << 1);
  s = last64;
  w.first += ((len - 1) & 63);
  v.first += w.first;
  w.first += v.first;
  x = Rotate(x + y + v.first + Fetch64(s + 8), 37) * mul;
  y = Rotate(y + v.second + Fetch64(s + 48), 42) * mul;
  x ^= w.second * 9;
  y += v.first * 9 + Fetch64(s + 40);
  z = Rotate(z + w.first, 33) * mul;
  v = WeakHashLen32WithSeeds(s, v.second * mul, x + w.first);
  w = WeakHashLen32WithSeeds(s + 32, z + w.second, y + Fetch64(s + 16));
  std::swap(z, x);
  return HashLen16(HashLen16(v.first, w.first, mul) + ShiftMix(y) * k0 + z, HashLen16(v.second, w.second, mul) + x,
                   mul);
}

bool Sparse(const OpContext& c) { return c.AttrInt("type", 0) == 1; }

void LshCheck(OpContext& c) {
  const TensorView hash = c.input(0), x = c.input(1);
  if (hash.type() != kLiteFloat32 || hash.rank() != 2) c.Fail("hash must be a 2-D float32 tensor");
  if (hash.dim(1) > 32) c.Fail("hash has ", hash.dim(1), " bits a function; at most 32");
  if (x.rank() < 1 || LiteTypeSize(x.type()) == 0) c.Fail("input must have rank >= 1 and a fixed-size type");
  if (c.input_present(2)) {
    const TensorView w = c.input(2);
    if (w.type() != kLiteFloat32 || w.rank() != 1 || w.dim(0) != x.dim(0)) {
      c.Fail("weight must be float32 [", x.dim(0), "]");
    }
  }
  const int64_t type = c.AttrInt("type", 0);
  if (type != 1 && type != 2) c.Fail("projection type ", type, " is not SPARSE or DENSE");
  c.ExpectOutputType(0, kLiteInt32);
}

void LshShape(OpContext& c) {
  const TensorView hash = c.input(0);
  c.ResizeOutput(0, {Sparse(c) ? hash.dim(0) : hash.dim(0) * hash.dim(1)});
}

void LshEval(OpContext& c) {
  const TensorView hash = c.input(0), x = c.input(1);
  const int64_t rows = x.dim(0), functions = hash.dim(0), bits = hash.dim(1);
  const size_t row_bytes = rows ? x.num_elements() / rows * LiteTypeSize(x.type()) : 0;
  const float* weight = c.input_present(2) ? c.input(2).data<float>() : nullptr;
  std::vector<uint8_t> key(sizeof(float) + row_bytes);
  auto bit = [&](float seed) {
    double score = 0.0;
    for (int64_t i = 0; i < rows; ++i) {
      std::memcpy(key.data(), &seed, sizeof(float));
      std::memcpy(key.data() + sizeof(float), static_cast<const uint8_t*>(x.info.data) + i * row_bytes, row_bytes);
      const double value = static_cast<double>(static_cast<int64_t>(Fingerprint64(key.data(), key.size())));
      score += weight ? weight[i] * value : value;
    }
    return score > 0 ? 1 : 0;
  };
  int32_t* out = c.output(0).data<int32_t>();
  for (int64_t i = 0; i < functions; ++i) {
    int32_t signature = 0;
    for (int64_t j = 0; j < bits; ++j) {
      const int b = bit(hash.data<float>()[i * bits + j]);
      if (Sparse(c)) signature = static_cast<int32_t>((static_cast<uint32_t>(signature) << 1) | b);
      else out[i * bits + j] = b;
    }
    if (Sparse(c)) out[i] = signature + static_cast<int32_t>(i * (int64_t{1} << bits));
  }
}

}  // namespace

const KernelDef& LshProjectionKernel() {
  static const KernelDef kernel{"LSH_PROJECTION", 2, 3, 1, LshCheck, LshShape, LshEval};
  return kernel;
}

}  // namespace edgelite::select
