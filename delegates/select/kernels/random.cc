// StatelessRandomUniform and StatelessRandomNormal, bit for bit TF's outputs for a given seed: TF's
// Philox 4x32-10 counter-based generator, keyed from the 2-element seed the way TF's stateless ops do
// (one Philox block of the seed under a fixed key gives the key and the upper counter words), its
// integer-to-float mappings (23 or 52 random mantissa bits under exponent 0, minus 1) and its Box-Muller
// transform. Element i of the output comes from block i / (values per block), as TF fills it.
#include <cmath>
#include <cstring>

#include "delegates/select/kernels/common.h"
#include "delegates/select/kernels/philox.h"

namespace edgelite::select {
namespace {

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

void BoxMullerDouble(const uint32_t x[4], double* d0, double* d1) {
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
    FillFloats(gen, normal, y.data<float>(), n);
  } else {
    double* out = y.data<double>();
    for (int64_t i = 0; i < n; i += 2) {
      gen.Next(block);
      double v[2];
      if (normal) BoxMullerDouble(block, &v[0], &v[1]);
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
