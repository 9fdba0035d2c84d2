// StatelessRandomUniform and StatelessRandomNormal, bit for bit TF's outputs for a given seed: TF's
// Philox 4x32-10 counter-based generator, keyed from the 2-element seed the way TF's stateless ops do
// (one Philox block of the seed under a fixed key gives the key and the upper counter words), its
// integer-to-float mappings (23 or 52 random mantissa bits under exponent 0, minus 1) and its Box-Muller
// transform. Element i of the output comes from block i / (values per block), as TF fills it.
#include <cmath>
#include <cstring>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

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
};

// TF's key derivation for the stateless ops from seed values (int32 seeds sign-extended to 64 bits).
Philox FromSeed(int64_t s0, int64_t s1) {
  const uint64_t a = static_cast<uint64_t>(s0), b = static_cast<uint64_t>(s1);
  Philox scramble{{static_cast<uint32_t>(a), static_cast<uint32_t>(a >> 32), static_cast<uint32_t>(b),
                   static_cast<uint32_t>(b >> 32)},
                  {0x3ec8f720u, 0x02461e29u}};
  uint32_t mix[4];
  scramble.Next(mix);
  return Philox{{0, 0, mix[2], mix[3]}, {mix[0], mix[1]}};
}

float ToFloat(uint32_t x) {
  const uint32_t bits = (127u << 23) | (x & 0x7fffffu);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f - 1.0f;
}

double ToDouble(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (uint64_t{1023} << 52) | (uint64_t{hi & 0xfffffu} << 32) | lo;
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d - 1.0;
}

// Box-Muller in TF's precision: the angle is formed in double then rounded to float.
void BoxMuller(uint32_t x0, uint32_t x1, float* f0, float* f1) {
  float u1 = ToFloat(x0);
  if (u1 < 1.0e-7f) u1 = 1.0e-7f;
  const float v1 = static_cast<float>(2.0f * M_PI * ToFloat(x1));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  *f0 = std::sin(v1) * u2;
  *f1 = std::cos(v1) * u2;
}

void BoxMuller(const uint32_t x[4], double* d0, double* d1) {
  double u1 = ToDouble(x[0], x[1]);
  if (u1 < 1.0e-7) u1 = 1.0e-7;
  const double v1 = 2 * M_PI * ToDouble(x[2], x[3]);
  const double u2 = std::sqrt(-2.0 * std::log(u1));
  *d0 = std::sin(v1) * u2;
  *d1 = std::cos(v1) * u2;
}

int32_t OutputType(const OpContext& c) {
  const int32_t type = LiteTypeFromTf(c.FindAttr("dtype") ? c.AttrType("dtype") : kTfFloat);
  if (type != kLiteFloat32 && type != kLiteFloat64) c.Unsupported("dtype", "float32 and float64 are implemented");
  return type;
}

void Check(OpContext& c) {
  Dispatch(IndexTypes{}, c, c.input(0).type(), "shape", [](auto) {});
  const TensorView seed = c.input(1);
  Dispatch(IndexTypes{}, c, seed.type(), "seed", [](auto) {});
  if (seed.rank() != 1 || seed.dim(0) != 2) c.Fail("seed must have shape [2]");
  c.ExpectOutputType(0, OutputType(c));
}

void RandomShape(OpContext& c) {
  const std::vector<int64_t> dims = c.InputInts(0);
  for (int64_t d : dims) {
    if (d < 0 || d > (int64_t{1} << 31) - 1) c.Fail("shape value ", d, " is out of range");
  }
  c.ResizeOutput(0, Shape(dims.begin(), dims.end()));
}

void Eval(OpContext& c) {
  const std::vector<int64_t> seed = c.InputInts(1);
  Philox gen = FromSeed(seed[0], seed[1]);
  const TensorView y = c.output(0);
  const int64_t n = y.num_elements();
  const bool normal = c.op() == "StatelessRandomNormal";
  uint32_t block[4];
  if (y.type() == kLiteFloat32) {
    float* out = y.data<float>();
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
  } else {
    double* out = y.data<double>();
    for (int64_t i = 0; i < n; i += 2) {
      gen.Next(block);
      double v[2];
      if (normal) BoxMuller(block, &v[0], &v[1]);
      else v[0] = ToDouble(block[0], block[1]), v[1] = ToDouble(block[2], block[3]);
      for (int k = 0; k < 2 && i + k < n; ++k) out[i + k] = v[k];
    }
  }
}

}  // namespace

const std::vector<KernelDef>& RandomKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"StatelessRandomUniform", 2, 2, 1, Check, RandomShape, Eval, 1u << 0},
      KernelDef{"StatelessRandomNormal", 2, 2, 1, Check, RandomShape, Eval, 1u << 0},
  };
  return kernels;
}

}  // namespace edgelite::select
