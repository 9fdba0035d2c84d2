// LiteRT's stateful random builtins RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and MULTINOMIAL
// (tflite/kernels/random_ops.cc): one Philox generator per node, keyed directly by the options' seed
// (key words) and seed2 (the upper counter words), created at every prepare and advancing across invokes;
// seed = seed2 = 0 draws both from the system's entropy (non-deterministic, as LiteRT). Uniform and normal
// floats are TF's mappings (kernels/philox.h). MULTINOMIAL samples from a copy of the generator and then
// skips the original by batch * round_up(num_samples, 4) * 2 * 256 blocks, so each invoke differs; a
// sample is the first class whose cumulative exp(logit - max) exceeds u * total, u from 52 random bits.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"
#include "delegates/select/kernels/philox.h"

namespace edgelite::select {
namespace {

struct RandomState : KernelState {
  Philox gen{};
};

// LiteRT re-seeds at every prepare.
void Seed(OpContext& c) {
  int64_t seed = c.AttrInt("seed", 0), seed2 = c.AttrInt("seed2", 0);
  if (seed == 0 && seed2 == 0) {
    std::random_device device;
    std::mt19937_64 mix((static_cast<uint64_t>(device()) << 32) | device());
    seed = static_cast<int64_t>(mix());
    seed2 = static_cast<int64_t>(mix());
  }
  const uint64_t lo = static_cast<uint64_t>(seed), hi = static_cast<uint64_t>(seed2);
  c.State<RandomState>().gen = Philox{{0, 0, static_cast<uint32_t>(hi), static_cast<uint32_t>(hi >> 32)},
                                      {static_cast<uint32_t>(lo), static_cast<uint32_t>(lo >> 32)}};
}

void DistributionCheck(OpContext& c) {
  const TensorView shape = c.input(0);
  if (shape.type() != kLiteInt32 || shape.rank() != 1) c.Fail("shape must be a 1-D int32 tensor");
  c.ExpectOutputType(0, kLiteFloat32);
  Seed(c);
}

void DistributionShape(OpContext& c) {
  const std::vector<int64_t> dims = c.InputInts(0);
  for (int64_t d : dims) {
    if (d < 0 || d > std::numeric_limits<int32_t>::max()) c.Fail("shape value ", d, " is out of range");
  }
  c.ResizeOutput(0, Shape(dims.begin(), dims.end()));
}

void DistributionEval(OpContext& c) {
  const TensorView y = c.output(0);
  FillFloats(c.State<RandomState>().gen, c.op() == "RANDOM_STANDARD_NORMAL", y.data<float>(), y.num_elements());
}

void MultinomialCheck(OpContext& c) {
  const TensorView logits = c.input(0), samples = c.input(1);
  if (logits.type() != kLiteFloat32 || logits.rank() != 2) c.Fail("logits must be a 2-D float32 tensor");
  if (logits.dim(1) < 1) c.Fail("logits need at least one class");
  if (samples.type() != kLiteInt32 || samples.rank() != 0) c.Fail("num_samples must be an int32 scalar");
  const int32_t out = c.output(0).type();
  if (out != kLiteInt32 && out != kLiteInt64) {
    c.Fail("output has type ", LiteTypeName(out), "; expected int32 or int64");
  }
  Seed(c);
}

void MultinomialShape(OpContext& c) {
  const int64_t samples = c.InputScalarInt(1);
  if (samples < 0) c.Fail("num_samples ", samples, " must be non-negative");
  c.ResizeOutput(0, {c.input(0).dim(0), static_cast<int32_t>(samples)});
}

void MultinomialEval(OpContext& c) {
  const TensorView logits = c.input(0), y = c.output(0);
  const int64_t batch = logits.dim(0), classes = logits.dim(1), samples = y.dim(1);
  Philox& gen = c.State<RandomState>().gen;
  Philox draw = gen;
  gen.Skip(static_cast<uint64_t>(batch) * ((samples + 3) / 4 * 4) * 2 * 256);
  uint32_t block[4];
  int used = 4;
  std::vector<double> cdf(classes);
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = logits.data<float>() + b * classes;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t k = 0; k < classes; ++k) {
      if (std::isfinite(row[k])) max = std::max(max, row[k]);
    }
    double total = 0;
    for (int64_t k = 0; k < classes; ++k) {
      if (std::isfinite(row[k])) total += std::exp(row[k] - static_cast<double>(max));
      cdf[k] = total;
    }
    for (int64_t j = 0; j < samples; ++j) {
      if (used == 4) draw.Next(block), used = 0;
      const double target = ToDouble(block[used], block[used + 1]) * total;
      used += 2;
      const int64_t cls = std::upper_bound(cdf.begin(), cdf.end(), target) - cdf.begin();
      if (y.type() == kLiteInt64) y.data<int64_t>()[b * samples + j] = cls;
      else y.data<int32_t>()[b * samples + j] = static_cast<int32_t>(cls);
    }
  }
}

}  // namespace

const std::vector<KernelDef>& LiteRtRandomKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"RANDOM_UNIFORM", 1, 1, 1, DistributionCheck, DistributionShape, DistributionEval, 1u << 0},
      KernelDef{"RANDOM_STANDARD_NORMAL", 1, 1, 1, DistributionCheck, DistributionShape, DistributionEval, 1u << 0},
      KernelDef{"MULTINOMIAL", 2, 2, 1, MultinomialCheck, MultinomialShape, MultinomialEval, 1u << 1},
  };
  return kernels;
}

}  // namespace edgelite::select
