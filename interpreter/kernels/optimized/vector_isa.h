// The vector instruction sets that the sources in kernels/optimized/ are compiled for, once each: CMake
// builds every such source into one object library per ISA with that ISA's flags and EL_ISA_NS set to
// its name, so the same code lives in namespaces optimized::avx512 and optimized::avx2 on x86-64,
// optimized::neon on AArch64 (whose baseline is NEON: no portable build there) and optimized::portable
// on other processors. x86-64's portable (SSE2) build holds only the baseline-only loops (below): built
// for SSE2 at -Os, the vector kernels ran the models no faster than the reference kernels, and the float
// ones half as fast (MobileNet v2, 1 thread: 1015 ms against the reference's 449 and AVX2's 17; its int8
// form 706 against 578), so x86-64 CPUs without AVX2 (before 2013) run the reference rows. Each source exports a table of entry points (kGemmF32, ...); the kernels pick one at
// prepare with ForVectorIsa. Nothing outside those namespaces is compiled with ISA flags, so no code
// that may run on a CPU without the ISA is (a test disassembles the module to check this).
#pragma once

#include <type_traits>

#include "interpreter/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#define EL_VECTOR_ISA_X86 1
#elif defined(__aarch64__)
#define EL_VECTOR_ISA_ARM 1
#endif

// Expand their arguments on x86-64 builds only, on AArch64 builds only, and on builds of any other
// processor only (which compile the portable namespace alone).
#if defined(EL_VECTOR_ISA_X86)
#define EL_IF_X86(...) __VA_ARGS__
#else
#define EL_IF_X86(...)
#endif
#if defined(EL_VECTOR_ISA_ARM)
#define EL_IF_ARM(...) __VA_ARGS__
#define EL_IF_NOT_ARM(...)
#else
#define EL_IF_ARM(...)
#define EL_IF_NOT_ARM(...) __VA_ARGS__
#endif

// Declares `extern const TYPE NAME;` in every vector ISA's namespace (inside namespace optimized).
#define EL_DECLARE_PER_VECTOR_ISA(TYPE, NAME)                          \
  EL_IF_NOT_ARM(namespace portable { extern const TYPE NAME; })       \
  EL_IF_X86(namespace avx2 { extern const TYPE NAME; }                \
            namespace avx512 { extern const TYPE NAME; })             \
  EL_IF_ARM(namespace neon { extern const TYPE NAME; })

// The NAME of `isa`'s namespace, or null when `isa` is not a vector ISA of this build (on x86-64: kPortable
// too). EL_FOR_VECTOR_ISA_WITH_BASELINE also gives x86-64's portable table, for the sources that hold
// baseline-only loops (EL_BASELINE_VECTOR_SOURCES in CMakeLists.txt, the only ones built for it there).
#if defined(EL_VECTOR_ISA_ARM)
#define EL_FOR_VECTOR_ISA(isa, NAME) ::edgelite::optimized::ForArmVectorIsa(isa, &::edgelite::optimized::neon::NAME)
#define EL_FOR_VECTOR_ISA_WITH_BASELINE(isa, NAME) EL_FOR_VECTOR_ISA(isa, NAME)
#elif defined(EL_VECTOR_ISA_X86)
#define EL_FOR_VECTOR_ISA(isa, NAME)                                                                  \
  ::edgelite::optimized::ForVectorIsa<std::remove_const_t<decltype(::edgelite::optimized::avx2::NAME)>>( \
      isa, nullptr, &::edgelite::optimized::avx2::NAME, &::edgelite::optimized::avx512::NAME)
#define EL_FOR_VECTOR_ISA_WITH_BASELINE(isa, NAME)                                                   \
  ::edgelite::optimized::ForVectorIsa(isa, &::edgelite::optimized::portable::NAME,                   \
                                      &::edgelite::optimized::avx2::NAME, &::edgelite::optimized::avx512::NAME)
#else
#define EL_FOR_VECTOR_ISA(isa, NAME) ::edgelite::optimized::ForVectorIsa(isa, &::edgelite::optimized::portable::NAME)
#define EL_FOR_VECTOR_ISA_WITH_BASELINE(isa, NAME) EL_FOR_VECTOR_ISA(isa, NAME)
#endif

// The variant-table rows of one implementation for each vector ISA, widest first (kernel_variant.h); an
// optional last argument is the rows' condition text.
#if defined(EL_VECTOR_ISA_X86)
#define EL_VECTOR_ISA_ROWS(NAME, TYPES, APPLIES, PREPARE, EVAL, ...)                         \
  {NAME, TYPES, ::edgelite::Isa::kAvx512, APPLIES, PREPARE, EVAL, __VA_ARGS__},                \
  {NAME, TYPES, ::edgelite::Isa::kAvx2, APPLIES, PREPARE, EVAL, __VA_ARGS__}
#elif defined(EL_VECTOR_ISA_ARM)
#define EL_VECTOR_ISA_ROWS(NAME, TYPES, APPLIES, PREPARE, EVAL, ...) \
  {NAME, TYPES, ::edgelite::Isa::kNeon, APPLIES, PREPARE, EVAL, __VA_ARGS__}
#else
#define EL_VECTOR_ISA_ROWS(NAME, TYPES, APPLIES, PREPARE, EVAL, ...) \
  {NAME, TYPES, ::edgelite::Isa::kPortable, APPLIES, PREPARE, EVAL, __VA_ARGS__}
#endif

// The variant-table row of an implementation built for the baseline ISA only (kBaselineBuild below).
#if defined(EL_VECTOR_ISA_ARM)
#define EL_BASELINE_ISA ::edgelite::Isa::kNeon
#else
#define EL_BASELINE_ISA ::edgelite::Isa::kPortable
#endif
#define EL_BASELINE_ISA_ROW(NAME, TYPES, APPLIES, PREPARE, EVAL, ...) \
  {NAME, TYPES, EL_BASELINE_ISA, APPLIES, PREPARE, EVAL, __VA_ARGS__}

namespace edgelite {
namespace optimized {

// In a source compiled once per vector ISA: whether this is the baseline build, the one every CPU of the
// architecture runs (portable on x86-64, NEON on AArch64). Loops that wider vectors gain nothing on (int32 and int64
// element-wise and reductions: shape arithmetic on small tensors; rare operators) are compiled there only; the other
// ISAs' tables hold null for them and the kernels' variant tables give them one EL_BASELINE_ISA_ROW.
#ifdef EL_ISA_NS
namespace EL_ISA_NS {
#if defined(__AVX2__)
constexpr bool kBaselineBuild = false;
#else
constexpr bool kBaselineBuild = true;
#endif
// Whether this build carries the vector loops: all but x86-64's portable build (the file comment).
#if defined(EL_VECTOR_ISA_X86)
constexpr bool kVectorLoopsBuilt = !kBaselineBuild;
#else
constexpr bool kVectorLoopsBuilt = true;
#endif

// Make::Get<T>() (a loop's address) where this build carries the loop, else null: loops that are kPortableOnly (by
// default those of integer element types) only in the baseline build, the others where kVectorLoopsBuilt.
template <typename T, typename Make, bool kPortableOnly = !std::is_floating_point_v<T>>
constexpr auto LoopIfBuilt() -> decltype(Make::template Get<T>()) {
  if constexpr (kPortableOnly ? kBaselineBuild : kVectorLoopsBuilt) {
    return Make::template Get<T>();
  } else {
    return nullptr;
  }
}
}  // namespace EL_ISA_NS
#endif

template <typename T>
const T* ForVectorIsa(Isa isa, const T* portable, const T* avx2 = nullptr, const T* avx512 = nullptr) {
  switch (isa) {
    case Isa::kPortable: return portable;
    case Isa::kAvx2: return avx2;
    case Isa::kAvx512: return avx512;
    default: return nullptr;
  }
}

// AArch64's one vector build: the float and element-wise kernels need no dot products, so a kNeonDot CPU
// runs them too (a kNeonDot row of a hand-written int8 kernel is its own table, int8_gemm.h).
template <typename T>
const T* ForArmVectorIsa(Isa isa, const T* neon) {
  // NEON is AArch64's baseline: the rows that name Isa::kPortable (integer loops kept in the baseline build
  // only) run the neon build there, which is the baseline build.
  return isa == Isa::kNeon || isa == Isa::kNeonDot || isa == Isa::kPortable ? neon : nullptr;
}

}  // namespace optimized
}  // namespace edgelite
