// The reducing kernels' loops, compiled once per vector ISA: every (fold, dtype) pair instantiated over
// reduce_loops.h into the kReduce table.
#include "interpreter/kernels/optimized/reduce_loops.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

template <ReduceKind kKind, typename T>
void Run(const ReducePlan& plan, const void* in_bytes, void* out_bytes, int64_t count, ThreadPool& pool) {
  using Wrapping = typename reference::ReduceAccumulators<T>::Wrapping;
  using MeanAcc = typename reference::ReduceAccumulators<T>::Mean;
  const T* in = static_cast<const T*>(in_bytes);
  T* out = static_cast<T*>(out_bytes);
  auto cast = [](auto acc) { return static_cast<T>(acc); };
  if constexpr (kKind == ReduceKind::kSum) {
    Reduce<reference::SumFold<Wrapping>>(plan, in, out, cast, pool);
  } else if constexpr (kKind == ReduceKind::kProd) {
    Reduce<reference::ProdFold<Wrapping>>(plan, in, out, cast, pool);
  } else if constexpr (kKind == ReduceKind::kMax) {
    Reduce<reference::MaxFold<T>>(plan, in, out, cast, pool);
  } else if constexpr (kKind == ReduceKind::kMin) {
    Reduce<reference::MinFold<T>>(plan, in, out, cast, pool);
  } else {
    const MeanAcc n = static_cast<MeanAcc>(count);
    Reduce<reference::SumFold<MeanAcc>>(plan, in, out, [n](MeanAcc acc) { return static_cast<T>(acc / n); }, pool);
  }
}

// int32 and int64, float REDUCE_PROD, int16 quantized sums and the raw 8- and 16-bit MAX / MIN (rare operators and
// types) only in the baseline build (vector_isa.h's kBaselineBuild).
template <ReduceKind kKind>
struct RunOf {
  template <typename T>
  static constexpr ReduceFn Get() { return Run<kKind, T>; }
};

template <ReduceKind kKind>
constexpr ReduceFn kByType[3] = {LoopIfBuilt<float, RunOf<kKind>, kKind == ReduceKind::kProd>(),
                                 LoopIfBuilt<int32_t, RunOf<kKind>>(),
                                 LoopIfBuilt<int64_t, RunOf<kKind>>()};

template <typename T>
void RunQuantizedSum(const ReducePlan& plan, const void* in, void* out,
                     const reference::integer::QuantizedSumParams& params, ThreadPool& pool) {
  Reduce<reference::SumFold<uint32_t>>(
      plan, static_cast<const T*>(in), static_cast<T*>(out),
      [&params](uint32_t sum) { return static_cast<T>(reference::integer::FinishQuantizedSum(sum, params)); }, pool);
}

struct QuantizedSumOf {
  template <typename T>
  static constexpr QuantizedSumFn Get() { return RunQuantizedSum<T>; }
};

}  // namespace

extern const ReduceKernels kReduce = {{
    {kByType<ReduceKind::kSum>[0], kByType<ReduceKind::kSum>[1], kByType<ReduceKind::kSum>[2]},
    {kByType<ReduceKind::kMean>[0], kByType<ReduceKind::kMean>[1], kByType<ReduceKind::kMean>[2]},
    {kByType<ReduceKind::kProd>[0], kByType<ReduceKind::kProd>[1], kByType<ReduceKind::kProd>[2]},
    {kByType<ReduceKind::kMax>[0], kByType<ReduceKind::kMax>[1], kByType<ReduceKind::kMax>[2]},
    {kByType<ReduceKind::kMin>[0], kByType<ReduceKind::kMin>[1], kByType<ReduceKind::kMin>[2]},
}, {LoopIfBuilt<int8_t, QuantizedSumOf, false>(), LoopIfBuilt<uint8_t, QuantizedSumOf, false>(),
    LoopIfBuilt<int16_t, QuantizedSumOf, true>()},
   {LoopIfBuilt<int8_t, RunOf<ReduceKind::kMax>>(), LoopIfBuilt<uint8_t, RunOf<ReduceKind::kMax>>(),
    LoopIfBuilt<int16_t, RunOf<ReduceKind::kMax>>()},
   {LoopIfBuilt<int8_t, RunOf<ReduceKind::kMin>>(), LoopIfBuilt<uint8_t, RunOf<ReduceKind::kMin>>(),
    LoopIfBuilt<int16_t, RunOf<ReduceKind::kMin>>()}};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
