// Microbenchmark of the int8 convolution kernels (interpreter/kernels/optimized/int8_gemm.h,
// int8_depthwise.h) on MobileNet v2's layer shapes at 224x224, per instruction set, single thread: GOP/s
// (two ops per multiply-add) of plan + pack once, run many times. Not part of the suite; build and run with
//   cmake --build build/dev --target int8_kernel_bench && build/dev/int8_kernel_bench [isa ...] [layer index ...]
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "interpreter/cpu_features.h"
#include "interpreter/kernels/optimized/int8_depthwise.h"
#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/tensor.h"
#include "interpreter/thread_pool.h"

namespace {

using edgelite::Isa;
using edgelite::optimized::WindowGeometry;

struct Layer {
  const char* kind;  // "conv" or "dw"
  int h, w, in_c, out_c, k, stride;
};

// MobileNet v2 (alpha 1.0, 224x224): every distinct convolution and depthwise shape, with its count in the
// model (0: not in it, outside the totals).
struct Counted {
  Layer layer;
  int count;
};
const Counted kLayers[] = {
    {{"conv", 224, 224, 3, 32, 3, 2}, 1},   {{"dw", 112, 112, 32, 32, 3, 1}, 1},
    {{"conv", 112, 112, 32, 16, 1, 1}, 1},  {{"conv", 112, 112, 16, 96, 1, 1}, 1},
    {{"dw", 112, 112, 96, 96, 3, 2}, 1},    {{"conv", 56, 56, 96, 24, 1, 1}, 1},
    {{"conv", 56, 56, 24, 144, 1, 1}, 2},   {{"dw", 56, 56, 144, 144, 3, 1}, 1},
    {{"conv", 56, 56, 144, 24, 1, 1}, 1},   {{"dw", 56, 56, 144, 144, 3, 2}, 1},
    {{"conv", 28, 28, 144, 32, 1, 1}, 1},   {{"conv", 28, 28, 32, 192, 1, 1}, 3},
    {{"dw", 28, 28, 192, 192, 3, 1}, 2},    {{"conv", 28, 28, 192, 32, 1, 1}, 2},
    {{"dw", 28, 28, 192, 192, 3, 2}, 1},    {{"conv", 14, 14, 192, 64, 1, 1}, 1},
    {{"conv", 14, 14, 64, 384, 1, 1}, 4},   {{"dw", 14, 14, 384, 384, 3, 1}, 4},
    {{"conv", 14, 14, 384, 64, 1, 1}, 3},   {{"conv", 14, 14, 384, 96, 1, 1}, 1},
    {{"conv", 14, 14, 96, 576, 1, 1}, 3},   {{"dw", 14, 14, 576, 576, 3, 1}, 2},
    {{"conv", 14, 14, 576, 96, 1, 1}, 2},   {{"dw", 14, 14, 576, 576, 3, 2}, 1},
    {{"conv", 7, 7, 576, 160, 1, 1}, 1},    {{"conv", 7, 7, 160, 960, 1, 1}, 3},
    {{"dw", 7, 7, 960, 960, 3, 1}, 3},      {{"conv", 7, 7, 960, 160, 1, 1}, 2},
    {{"conv", 7, 7, 960, 320, 1, 1}, 1},    {{"conv", 7, 7, 320, 1280, 1, 1}, 1},
    // MobileNet v3's 5x5 depthwise shapes, outside the totals (count 0).
    {{"dw", 28, 28, 96, 96, 5, 2}, 0},      {{"dw", 14, 14, 240, 240, 5, 1}, 0},
    {{"dw", 7, 7, 576, 576, 5, 1}, 0},
};

WindowGeometry Geometry(const Layer& l) {
  WindowGeometry g;
  g.in_h = l.h;
  g.in_w = l.w;
  g.in_c = l.in_c;
  g.out_c = l.out_c;
  g.filter_h = g.filter_w = l.k;
  g.stride_h = g.stride_w = l.stride;
  g.out_h = (l.h + l.stride - 1) / l.stride;
  g.out_w = (l.w + l.stride - 1) / l.stride;
  const int pad_h = std::max(0, (g.out_h - 1) * l.stride + l.k - l.h);
  const int pad_w = std::max(0, (g.out_w - 1) * l.stride + l.k - l.w);
  g.pad_top = pad_h / 2;
  g.pad_left = pad_w / 2;
  return g;
}

struct Buffer {
  edgelite::AlignedBlock block;
  explicit Buffer(size_t bytes) : block(edgelite::AllocateAligned(std::max<size_t>(bytes, 64))) {}
  void* get() const { return block.get(); }
};

// The calling thread's CPU time: on a shared machine, time spent descheduled does not count.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

template <typename Fn>
double BestSeconds(Fn&& fn, int runs) {
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    const double t0 = ThreadSeconds();
    for (int i = 0; i < runs; ++i) fn();
    best = std::min(best, (ThreadSeconds() - t0) / runs);
  }
  return best;
}

double TimeLayer(const Layer& l, Isa isa, edgelite::ThreadPool& pool, double* macs_out) {
  std::mt19937 rng(1);
  const WindowGeometry g = Geometry(l);
  const bool dw = std::strcmp(l.kind, "dw") == 0;
  const int taps = l.k * l.k;
  const int64_t out_pixels = static_cast<int64_t>(g.out_h) * g.out_w;
  std::vector<int8_t> input(static_cast<size_t>(l.h) * l.w * l.in_c), output(out_pixels * l.out_c);
  std::vector<int8_t> filter(static_cast<size_t>(l.out_c) * taps * (dw ? 1 : l.in_c));
  for (auto& v : input) v = static_cast<int8_t>(rng() % 256 - 128);
  for (auto& v : filter) v = static_cast<int8_t>(rng() % 255 - 127);
  std::vector<int32_t> bias(l.out_c), multiplier(l.out_c, 1518500250), shift(l.out_c, -9);
  for (auto& v : bias) v = static_cast<int32_t>(rng() % 40000) - 20000;
  edgelite::optimized::Int8OutputStage stage;
  stage.multiplier = multiplier.data();
  stage.shift = shift.data();
  stage.output_zero_point = -3;
  stage.out_min = -128;
  stage.out_max = 100;
  *macs_out = static_cast<double>(out_pixels) * l.out_c * taps * (dw ? 1 : l.in_c);
  const int runs = std::max(3, static_cast<int>(2e8 / *macs_out));
  if (dw) {
    const auto* k = edgelite::optimized::Int8DepthwiseFor(isa);
    if (!k) return 0;
    Buffer packed(k->packed_size(g));
    k->pack(g, filter.data(), bias.data(), 5, stage, packed.get());
    return BestSeconds([&] { k->run(g, input.data(), packed.get(), output.data(), -128, 100, pool); }, runs);
  }
  const auto* k = edgelite::optimized::Int8ConvFor(isa);
  if (!k) return 0;
  const auto layout = k->plan(g, l.in_c, stage, pool.num_threads());
  Buffer packed(layout.packed_bytes), scratch(layout.scratch_bytes);
  k->pack(layout, filter.data(), bias.data(), 5, stage, packed.get());
  return BestSeconds(
      [&] { k->run(g, layout, input.data(), 5, packed.get(), output.data(), scratch.get(), pool); }, runs);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Isa> isas;
  std::vector<int> only;  // layer indices given as numbers
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] >= '0' && argv[i][0] <= '9') only.push_back(std::atoi(argv[i]));
    for (Isa isa : {Isa::kAvx2, Isa::kAvx512Vnni, Isa::kAmxInt8, Isa::kNeon, Isa::kNeonDot}) {
      if (argv[i] == std::string(edgelite::IsaName(isa))) isas.push_back(isa);
    }
  }
#if defined(__aarch64__)
  if (isas.empty()) isas = {Isa::kNeonDot, Isa::kNeon};
#else
  if (isas.empty()) isas = {Isa::kAvx512Vnni, Isa::kAvx2, Isa::kAmxInt8};
#endif
  edgelite::ThreadPool pool(1);
  for (Isa isa : isas) {
    if (!edgelite::IsaAvailable(isa)) {
      std::printf("%s: not available on this CPU\n", edgelite::IsaName(isa));
      continue;
    }
    std::printf("%s, 1 thread\n%-5s %-16s %5s %-8s %9s %8s\n", edgelite::IsaName(isa), "kind", "input", "out_c",
                "filter", "us", "GOP/s");
    double total_s = 0, total_macs = 0, dw_s = 0, dw_macs = 0;
    for (int index = 0; index < static_cast<int>(sizeof(kLayers) / sizeof(kLayers[0])); ++index) {
      if (!only.empty() && std::find(only.begin(), only.end(), index) == only.end()) continue;
      const Counted& c = kLayers[index];
      const Layer& l = c.layer;
      double macs = 0;
      const double s = TimeLayer(l, isa, pool, &macs);
      if (s == 0) continue;
      char input[32], filter[16];
      std::snprintf(input, sizeof(input), "%dx%dx%d", l.h, l.w, l.in_c);
      std::snprintf(filter, sizeof(filter), "%dx%d/%d", l.k, l.k, l.stride);
      std::printf("%-5s %-16s %5d %-8s %9.1f %8.1f%s\n", l.kind, input, l.out_c, filter, s * 1e6, 2 * macs / s / 1e9,
                  c.count != 1 ? (" x" + std::to_string(c.count)).c_str() : "");
      total_s += s * c.count;
      total_macs += macs * c.count;
      if (std::strcmp(l.kind, "dw") == 0) {
        dw_s += s * c.count;
        dw_macs += macs * c.count;
      }
    }
    std::printf("MobileNet v2 convolutions: %.3f ms, %.1f GOP/s (conv %.3f ms, %.1f GOP/s; depthwise %.3f ms, "
                "%.1f GOP/s)\n\n",
                total_s * 1e3, 2 * total_macs / total_s / 1e9, (total_s - dw_s) * 1e3,
                2 * (total_macs - dw_macs) / (total_s - dw_s) / 1e9, dw_s * 1e3, 2 * dw_macs / dw_s / 1e9);
  }
  return 0;
}
