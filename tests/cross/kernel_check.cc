// The optimized micro-kernels of every instruction set this CPU offers (after EDGELITE_MAX_ISA) against their
// reference twins on random data, over sizes that hit the tile tails (1, tile - 1, tile, tile + 1, primes):
// f32 GEMM and depthwise, the f32 element-wise loops, and the int8 convolution / FULLY_CONNECTED GEMM and
// depthwise, which must be bit-exact. A C++ program so that it runs where Python does not: under
// qemu-aarch64 (scripts/cross_test_aarch64.sh), and natively. Exit status: 0 when every check passes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "interpreter/cpu_features.h"
#include "interpreter/kernels/optimized/binary_elementwise.h"
#include "interpreter/kernels/optimized/depthwise_f32.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/int8_depthwise.h"
#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/depthwise_conv.h"
#include "interpreter/kernels/reference/integer/conv.h"
#include "interpreter/kernels/reference/integer/depthwise_conv.h"
#include "interpreter/tensor.h"
#include "interpreter/thread_pool.h"

namespace {

using edgelite::Isa;
using edgelite::reference::WindowGeometry;
namespace opt = edgelite::optimized;
namespace ref = edgelite::reference;

std::mt19937 rng(20240601);
int g_checks = 0, g_failures = 0;

void Check(bool ok, const std::string& what) {
  ++g_checks;
  if (!ok) {
    ++g_failures;
    if (g_failures <= 20) std::printf("  FAIL %s\n", what.c_str());
  }
}

template <typename T>
std::vector<T> RandomInts(size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(d(rng));
  return v;
}
std::vector<float> RandomFloats(size_t n) {
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// 64-byte aligned scratch, as the kernels' packed weights and scratch tensors are.
struct Aligned {
  edgelite::AlignedBlock block;
  explicit Aligned(size_t bytes) : block(edgelite::AllocateAligned(std::max<size_t>(bytes, 64))) {}
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(block.get());
  }
};

WindowGeometry Geometry(int batch, int h, int w, int in_c, int out_c, int k, int stride, int dilation, bool same) {
  WindowGeometry g;
  g.batch = batch;
  g.in_h = h;
  g.in_w = w;
  g.in_c = in_c;
  g.out_c = out_c;
  g.filter_h = g.filter_w = k;
  g.stride_h = g.stride_w = stride;
  g.dilation_h = g.dilation_w = dilation;
  const int span = (k - 1) * dilation + 1;
  if (same) {
    g.out_h = (h + stride - 1) / stride;
    g.out_w = (w + stride - 1) / stride;
    g.pad_top = std::max(0, (g.out_h - 1) * stride + span - h) / 2;
    g.pad_left = std::max(0, (g.out_w - 1) * stride + span - w) / 2;
  } else {
    g.out_h = (h - span) / stride + 1;
    g.out_w = (w - span) / stride + 1;
  }
  return g;
}

// ---- f32 ----

void CheckGemmF32(Isa isa, edgelite::ThreadPool& pool) {
  const opt::GemmF32Kernels* kern = opt::GemmF32For(isa);
  if (!kern) return;
  for (int m : {1, 2, 5, 6, 7, 13}) {
    for (int n : {1, 3, 4, 5, 8, 9, 16, 17, 31}) {
      for (int k : {1, 2, 7, 16, 37}) {
        const std::vector<float> a = RandomFloats(static_cast<size_t>(m) * k), w = RandomFloats(static_cast<size_t>(n) * k),
                                 bias = RandomFloats(n);
        Aligned packed(kern->packed_size(n, k) * sizeof(float));
        kern->pack(w.data(), k, 1, bias.data(), n, k, packed.as<float>());
        opt::GemmShape s;
        s.m = m;
        s.n = n;
        s.k = k;
        s.lda = k;
        s.ldc = n;
        s.out_min = -0.5f;
        s.out_max = 2.f;
        std::vector<float> c(static_cast<size_t>(m) * n, NAN);
        kern->gemm(s, a.data(), packed.as<float>(), c.data(), pool);
        bool ok = true;
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < n; ++j) {
            double acc = bias[j], mag = std::fabs(bias[j]);
            for (int kk = 0; kk < k; ++kk) {
              acc += static_cast<double>(a[i * k + kk]) * w[j * k + kk];
              mag += std::fabs(static_cast<double>(a[i * k + kk]) * w[j * k + kk]);
            }
            const double want = std::min(2.0, std::max(-0.5, acc));
            ok = ok && std::fabs(c[i * n + j] - want) <= 1e-5 * (mag + 1);
          }
        }
        Check(ok, std::string("gemm_f32 ") + edgelite::IsaName(isa) + " m=" + std::to_string(m) + " n=" +
                      std::to_string(n) + " k=" + std::to_string(k));
      }
    }
  }
}

void CheckDepthwiseF32(Isa isa, edgelite::ThreadPool& pool) {
  const opt::DepthwiseF32Kernels* kern = opt::DepthwiseF32For(isa);
  if (!kern) return;
  for (int c : {1, 3, 4, 5, 13, 33}) {
    for (int k : {1, 3, 5}) {
      for (int stride : {1, 2}) {
        for (int dilation : {1, 2}) {
          const WindowGeometry g = Geometry(2, 9, 11, c, c, k, stride, dilation, /*same=*/true);
          const int taps = k * k;
          const std::vector<float> in = RandomFloats(static_cast<size_t>(2) * 9 * 11 * c),
                                   filter = RandomFloats(static_cast<size_t>(taps) * c), bias = RandomFloats(c);
          Aligned packed(kern->packed_size(c, taps) * sizeof(float));
          kern->pack(filter.data(), bias.data(), c, taps, packed.as<float>());
          const size_t out_n = static_cast<size_t>(g.batch) * g.out_h * g.out_w * c;
          std::vector<float> got(out_n, NAN), want(out_n);
          kern->run(g, in.data(), packed.as<float>(), got.data(), -1.5f, 1.5f, /*hard_swish=*/false, pool);
          ref::DepthwiseConv2D(g, in.data(), filter.data(), bias.data(), want.data(), -1.5f, 1.5f);
          bool ok = true;
          for (size_t i = 0; i < out_n; ++i) ok = ok && std::fabs(got[i] - want[i]) <= 1e-5f * (taps + 1);
          Check(ok, std::string("depthwise_f32 ") + edgelite::IsaName(isa) + " c=" + std::to_string(c) + " k=" +
                        std::to_string(k) + " stride=" + std::to_string(stride) + " dilation=" + std::to_string(dilation));
        }
      }
    }
  }
}

void CheckBinaryF32(Isa isa, edgelite::ThreadPool& pool) {
  const opt::BinaryKernels* kern = opt::BinaryFor(isa);
  if (!kern) return;
  const ref::BinaryOp ops[] = {ref::BinaryOp::kAdd, ref::BinaryOp::kSub, ref::BinaryOp::kMul, ref::BinaryOp::kMaximum,
                               ref::BinaryOp::kMinimum};
  for (ref::BinaryOp op : ops) {
    const opt::BinaryLoop loop = kern->f32[static_cast<int>(op)];
    if (!loop) continue;
    for (int n : {1, 3, 4, 5, 7, 8, 9, 17, 1001}) {
      const std::vector<float> a = RandomFloats(n), b = RandomFloats(n);
      std::vector<float> out(n, NAN);
      opt::BinaryLayout layout;
      layout.n = n;
      loop(layout, a.data(), b.data(), out.data(), -0.75f, 0.75f, pool);
      bool ok = true;
      for (int i = 0; i < n; ++i) {
        float v = 0;
        switch (op) {
          case ref::BinaryOp::kAdd: v = a[i] + b[i]; break;
          case ref::BinaryOp::kSub: v = a[i] - b[i]; break;
          case ref::BinaryOp::kMul: v = a[i] * b[i]; break;
          case ref::BinaryOp::kMaximum: v = std::max(a[i], b[i]); break;
          default: v = std::min(a[i], b[i]); break;
        }
        ok = ok && out[i] == std::min(0.75f, std::max(-0.75f, v));
      }
      Check(ok, std::string("binary_f32 ") + edgelite::IsaName(isa) + " op=" + std::to_string(static_cast<int>(op)) +
                    " n=" + std::to_string(n));
    }
  }
}

// ---- int8 ----

// Per-channel requantization constants like a converter's: scales around 2^-8 (right shifts), some above 1 (left
// shifts, which only tiny accumulators survive unsaturated) so both epilogues run.
struct Requant {
  std::vector<int32_t> multiplier;
  std::vector<int> shift;
  std::vector<double> scale;
};
Requant RandomRequant(int channels, bool left_shifts) {
  Requant r;
  std::uniform_real_distribution<double> d(-11, -5);
  for (int c = 0; c < channels; ++c) {
    const double s = std::exp2(left_shifts && c % 3 == 0 ? 1.5 : d(rng));
    const edgelite::QuantizedMultiplier q = edgelite::QuantizeMultiplier(s);
    r.multiplier.push_back(q.multiplier);
    r.shift.push_back(q.shift);
    r.scale.push_back(s);
  }
  return r;
}

edgelite::reference::integer::FilterQuantization Quantization(const Requant& r, int32_t zx, int32_t zy, int32_t lo,
                                                               int32_t hi) {
  edgelite::reference::integer::FilterQuantization q;
  q.input_offset = -zx;
  q.output_offset = zy;
  q.act_min = lo;
  q.act_max = hi;
  q.multiplier = r.multiplier.data();
  q.shift = r.shift.data();
  q.scale = r.scale.data();
  return q;
}

opt::Int8OutputStage Stage(const Requant& r, bool double_scale, int32_t zy, int32_t lo, int32_t hi) {
  opt::Int8OutputStage s;
  if (double_scale) {
    s.scale = r.scale.data();
  } else {
    s.multiplier = r.multiplier.data();
    s.shift = r.shift.data();
  }
  s.output_zero_point = zy;
  s.out_min = lo;
  s.out_max = hi;
  return s;
}

void CheckInt8Conv(Isa isa, edgelite::ThreadPool& pool) {
  const opt::Int8ConvKernels* kern = opt::Int8ConvFor(isa);
  if (!kern) return;
  struct Case {
    int batch, h, w, in_c, out_c, k, stride, groups;
    bool same, double_scale, left_shifts;
  };
  std::vector<Case> cases;
  for (int out_c : {1, 3, 4, 5, 15, 16, 17, 33}) {
    for (int in_c : {1, 3, 4, 8, 13}) {
      cases.push_back({1, 5, 7, in_c, out_c, 1, 1, 1, false, false, false});  // direct 1x1
      cases.push_back({2, 7, 6, in_c, out_c, 3, 2, 1, true, false, out_c % 2 == 1});  // im2col with padding
      cases.push_back({1, 1, 1, in_c * 5, out_c, 1, 1, 1, false, true, false});  // FULLY_CONNECTED, batch 1
    }
  }
  cases.push_back({1, 9, 9, 8, 12, 3, 1, 4, true, false, false});   // grouped
  cases.push_back({3, 13, 1, 37, 29, 1, 1, 1, false, true, false});  // FULLY_CONNECTED, 39 rows
  for (const Case& cs : cases) {
    WindowGeometry g = Geometry(cs.batch, cs.h, cs.w, cs.in_c, cs.out_c * cs.groups, cs.k, cs.stride, 1, cs.same);
    if (cs.groups > 1) g.out_c = cs.out_c;
    const int filter_in_c = cs.in_c / cs.groups;
    const int32_t zx = 7, zy = -3, lo = -128, hi = 100;
    const std::vector<int8_t> in = RandomInts<int8_t>(static_cast<size_t>(g.batch) * g.in_h * g.in_w * g.in_c, -128, 127);
    const std::vector<int8_t> filter =
        RandomInts<int8_t>(static_cast<size_t>(g.out_c) * cs.k * cs.k * filter_in_c, -127, 127);
    const std::vector<int32_t> bias = RandomInts<int32_t>(g.out_c, -5000, 5000);
    const Requant r = RandomRequant(g.out_c, cs.left_shifts);
    const opt::Int8OutputStage stage = Stage(r, cs.double_scale, zy, lo, hi);
    const opt::Int8ConvLayout layout = kern->plan(g, filter_in_c, stage, pool.num_threads());
    Aligned packed(layout.packed_bytes), scratch(layout.scratch_bytes);
    kern->pack(layout, filter.data(), bias.data(), zx, stage, packed.as<void>());
    const size_t out_n = static_cast<size_t>(g.batch) * g.out_h * g.out_w * g.out_c;
    std::vector<int8_t> got(out_n, 0x55), want(out_n);
    kern->run(g, layout, in.data(), zx, packed.as<void>(), got.data(), scratch.as<void>(), pool);
    const auto q = Quantization(r, zx, zy, lo, hi);
    if (cs.double_scale) {
      // FULLY_CONNECTED's stage: the reference accumulator, then the double-precision scale.
      const int64_t rows = static_cast<int64_t>(g.batch) * g.in_h * g.in_w, depth = g.in_c;
      for (int64_t i = 0; i < rows; ++i) {
        for (int c = 0; c < g.out_c; ++c) {
          int32_t acc = bias[c];
          for (int64_t kk = 0; kk < depth; ++kk) acc += filter[c * depth + kk] * (in[i * depth + kk] - zx);
          want[i * g.out_c + c] = ref::integer::RequantizeChannelInDouble<int8_t>(acc, c, q);
        }
      }
    } else {
      ref::integer::QuantizedConv2D<int32_t, int8_t, int8_t, int32_t, int8_t>(g, filter_in_c, q, in.data(),
                                                                             filter.data(), bias.data(), want.data());
    }
    Check(got == want, std::string("int8_conv ") + edgelite::IsaName(isa) + " in_c=" + std::to_string(cs.in_c) +
                           " out_c=" + std::to_string(g.out_c) + " k=" + std::to_string(cs.k) + " stride=" +
                           std::to_string(cs.stride) + " groups=" + std::to_string(cs.groups) +
                           (cs.double_scale ? " double-scale" : "") + (cs.left_shifts ? " left-shifts" : ""));
  }
}

void CheckInt8Depthwise(Isa isa, edgelite::ThreadPool& pool) {
  const opt::Int8DepthwiseKernels* kern = opt::Int8DepthwiseFor(isa);
  if (!kern) return;
  for (int c : {1, 3, 4, 5, 8, 13, 33}) {
    for (int k : {1, 3, 5}) {
      for (int stride : {1, 2}) {
        for (int dilation : {1, 2}) {
          const WindowGeometry g = Geometry(2, 9, 12, c, c, k, stride, dilation, /*same=*/dilation == 1);
          const int32_t zx = -5, zy = 4, lo = -100, hi = 127;
          const std::vector<int8_t> in = RandomInts<int8_t>(static_cast<size_t>(2) * 9 * 12 * c, -128, 127);
          const std::vector<int8_t> filter = RandomInts<int8_t>(static_cast<size_t>(k) * k * c, -127, 127);
          const std::vector<int32_t> bias = RandomInts<int32_t>(c, -3000, 3000);
          const Requant r = RandomRequant(c, k == 1);
          const opt::Int8OutputStage stage = Stage(r, false, zy, lo, hi);
          Aligned packed(kern->packed_size(g));
          kern->pack(g, filter.data(), bias.data(), zx, stage, packed.as<void>());
          const size_t out_n = static_cast<size_t>(g.batch) * g.out_h * g.out_w * c;
          std::vector<int8_t> got(out_n, 0x55), want(out_n);
          kern->run(g, in.data(), packed.as<void>(), got.data(), lo, hi, pool);
          ref::integer::QuantizedDepthwiseConv2D<int32_t, int8_t, int8_t, int32_t, int8_t>(
              g, Quantization(r, zx, zy, lo, hi), in.data(), filter.data(), bias.data(), want.data());
          Check(got == want, std::string("int8_depthwise ") + edgelite::IsaName(isa) + " c=" + std::to_string(c) +
                                 " k=" + std::to_string(k) + " stride=" + std::to_string(stride) +
                                 " dilation=" + std::to_string(dilation));
        }
      }
    }
  }
}

}  // namespace

int main() {
  std::printf("kernel_check: best instruction set %s\n", edgelite::IsaName(edgelite::BestAvailableIsa()));
  for (int threads : {1, 2}) {
    edgelite::ThreadPool pool(threads);
    for (int i = 1; i <= static_cast<int>(edgelite::kHighestIsa); ++i) {
      const Isa isa = static_cast<Isa>(i);
      if (!edgelite::IsaAvailable(isa)) continue;
      const int before = g_checks, failed_before = g_failures;
      CheckGemmF32(isa, pool);
      CheckDepthwiseF32(isa, pool);
      CheckBinaryF32(isa, pool);
      CheckInt8Conv(isa, pool);
      CheckInt8Depthwise(isa, pool);
      std::printf(" %s, %d thread%s: %d checks, %d failed\n", edgelite::IsaName(isa), threads, threads > 1 ? "s" : "",
                  g_checks - before, g_failures - failed_before);
    }
  }
  std::printf("kernel_check: %d checks, %d failed: %s\n", g_checks, g_failures, g_failures ? "FAILED" : "passed");
  return g_failures || g_checks == 0 ? 1 : 0;
}
