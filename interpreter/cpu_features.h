// Instruction sets: which ones this build compiled kernels for, which ones the CPU and the OS offer, and
// the cap EDGELITE_MAX_ISA puts on them. Kernels pick their variant from these at prepare (see
// kernels/kernel_variant.h); nothing is chosen at build time, so one binary runs on any x86-64 (or AArch64)
// CPU.
#pragma once

#include <cstdint>

namespace edgelite {

// Ordered: within one architecture each level includes the ones before it, so a cap keeps everything up to
// it. The ARM levels come after the x86 ones; a build compiles one architecture's levels only.
enum class Isa : uint8_t {
  kReference = 0,   // the plain reference twin: always available
  kPortable,        // optimized, compiled for the build's baseline (SSE2 on x86-64; not built on AArch64,
                    // whose baseline is NEON: kNeon)
  kAvx2,            // AVX2 + FMA + F16C
  kAvx512,          // AVX-512 F/BW/DQ/VL
  kAvx512Vnni,      // AVX-512 + VNNI (vpdpbusd)
  kAmxInt8,         // AMX tiles with int8 dot products (the OS must grant tile state)
  kNeon,            // AArch64 Advanced SIMD (ASIMD), the AArch64 baseline
  kNeonDot,         // NEON + the int8 dot products (SDOT, Armv8.2 DotProd: HWCAP_ASIMDDP)
};
constexpr Isa kHighestIsa = Isa::kNeonDot;

// "reference", "portable", "avx2", "avx512", "avx512vnni", "amx-int8", "neon", "neondot"
const char* IsaName(Isa isa);

struct CpuFeatures {
  bool avx2 = false;         // AVX2, FMA and F16C, with the OS saving ymm state
  bool avx512 = false;       // F, BW, DQ, VL, with the OS saving zmm state
  bool avx512_vnni = false;
  bool amx_int8 = false;     // AMX-TILE and AMX-INT8, and the kernel granted this process tile data
  bool neon = false;         // AArch64 ASIMD (HWCAP_ASIMD)
  bool neon_dot = false;     // SDOT/UDOT (HWCAP_ASIMDDP)
};

// What the CPU and OS offer, detected once (x86: cpuid, xgetbv, and on Linux the AMX permission request;
// AArch64 Linux: the kernel's hardware capabilities, getauxval(AT_HWCAP)).
const CpuFeatures& DetectedCpuFeatures();

// True when kernels for `isa` are compiled into this build, the CPU has it, and EDGELITE_MAX_ISA
// (read on every call, so tests can change it between interpreters) does not cap it away.
// EDGELITE_MAX_ISA takes an IsaName; "portable" leaves only the baseline kernels on x86-64 (and only the
// reference ones on AArch64); "neon" leaves the AArch64 kernels without dot products.
bool IsaAvailable(Isa isa);

// The highest available level, for messages and benchmarks.
Isa BestAvailableIsa();

}  // namespace edgelite
