// TF's Philox 4x32-10 counter-based generator and its mappings from random words to floats (23 or 52
// random mantissa bits under exponent 0, minus 1) and to normals (Box-Muller), shared by TF's stateless
// random ops (random.cc) and LiteRT's stateful RANDOM_* / MULTINOMIAL builtins (builtins/random_ops.cc).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace edgelite::select {

struct Philox {
  uint32_t counter[4];
  uint32_t key[2];

  // One block of 4 words for the current counter, then the counter moves on by one.
  void Next(uint32_t out[4]) {
    uint32_t c[4] = {counter[0], counter[1], counter[2], counter[3]};
    uint32_t k[2] = {key[0], key[1]};
    for (int round = 0; round < 10; ++round) {
      const uint64_t p0 = uint64_t{0xD2511F53u} * c[0], p1 = uint64_t{0xCD9E8D57u} * c[2];
      const uint32_t next[4] = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<uint32_t>(p1),
                                static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<uint32_t>(p0)};
      std::memcpy(c, next, sizeof(c));
      k[0] += 0x9E3779B9u;
      k[1] += 0xBB67AE85u;
    }
    std::memcpy(out, c, sizeof(c));
    for (int i = 0; i < 4 && ++counter[i] == 0; ++i) {
    }
  }

  // Moves the counter on by `count` blocks (TF's PhiloxRandom::Skip).
  void Skip(uint64_t count) {
    const uint32_t lo = static_cast<uint32_t>(count);
    uint32_t hi = static_cast<uint32_t>(count >> 32);
    counter[0] += lo;
    if (counter[0] < lo) ++hi;
    counter[1] += hi;
    if (counter[1] < hi && ++counter[2] == 0) ++counter[3];
  }
};

inline float ToFloat(uint32_t x) {
  const uint32_t bits = (127u << 23) | (x & 0x7fffffu);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f - 1.0f;
}

inline double ToDouble(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (uint64_t{1023} << 52) | (uint64_t{hi & 0xfffffu} << 32) | lo;
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d - 1.0;
}

// Box-Muller in TF's precision: the angle is formed in double then rounded to float.
inline void BoxMuller(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  float u1 = ToFloat(x0);
  if (u1 < 1.0e-7f) u1 = 1.0e-7f;
  const float v1 = static_cast<float>(2.0f * M_PI * ToFloat(x1));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  *f0 = std::sin(v1) * u2;
  *f1 = std::cos(v1) * u2;
}

// Fills out[0..n) with uniform [0, 1) or standard normal floats, four per block as TF's kernels do (the
// rest of the last block is dropped).
inline void FillFloats(Philox& gen, bool normal, float* out, int64_t n) {
  uint32_t block[4];
  for (int64_t i = 0; i < n; i += 4) {
    gen.Next(block);
    float v[4];
    if (normal) {
      BoxMuller(block[0], block[1], &v[0], &v[1]);
      BoxMuller(block[2], block[3], &v[2], &v[3]);
    } else {
      for (int k = 0; k < 4; ++k) v[k] = ToFloat(block[k]);
    }
    for (int k = 0; k < 4 && i + k < n; ++k) out[i + k] = v[k];
  }
}

}  // namespace edgelite::select
