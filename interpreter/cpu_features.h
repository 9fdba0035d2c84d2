// Instruction sets: which ones this build compiled kernels for, which ones the CPU and the OS offer, and
// the cap EDGELITE_MAX_ISA puts on them. Kernels pick their variant from these at prepare (see
// kernels/kernel_variant.h); nothing is chosen at build time, so one binary runs on any x86-64 CPU.
#pragma once

#include <cstdint>

namespace edgelite {

// Ordered: on x86 each level includes the ones before it, so a cap keeps everything up to it.
enum class Isa : uint8_t {
  kReference = 0,   // the plain reference twin: always available
  kPortable,        // optimized, compiled for the build's baseline (SSE2 on x86-64, NEON on AArch64)
  kAvx2,            // AVX2 + FMA + F16C
  kAvx512,          // AVX-512 F/BW/DQ/VL
  kAvx512Vnni,      // AVX-512 + VNNI (vpdpbusd)
  kAmxInt8,         // AMX tiles with int8 dot products (the OS must grant tile state)
};

const char* IsaName(Isa isa);  // "reference", "portable", "avx2", "avx512", "avx512vnni", "amx-int8"

struct CpuFeatures {
  bool avx2 = false;         // AVX2, FMA and F16C, with the OS saving ymm state
  bool avx512 = false;       // F, BW, DQ, VL, with the OS saving zmm state
  bool avx512_vnni = false;
  bool amx_int8 = false;     // AMX-TILE and AMX-INT8, and the kernel granted this process tile data
};

// What the CPU and OS offer, detected once (cpuid, xgetbv, and on Linux the AMX permission request).
const CpuFeatures& DetectedCpuFeatures();

// True when kernels for `isa` are compiled into this build, the CPU has it, and EDGELITE_MAX_ISA
// (read on every call, so tests can change it between interpreters) does not cap it away.
// EDGELITE_MAX_ISA takes an IsaName; "portable" leaves only the baseline kernels.
bool IsaAvailable(Isa isa);

// The highest available level, for messages and benchmarks.
Isa BestAvailableIsa();

}  // namespace edgelite
