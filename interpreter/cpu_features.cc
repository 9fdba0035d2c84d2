// CPU feature detection for run-time kernel choice: on x86-64 cpuid for what the CPU has, xgetbv for the
// vector state the OS saves on a context switch (without it the registers are unusable), and on Linux the
// per-process permission that AMX tile data needs; on AArch64 Linux the kernel's HWCAP bits (user space may
// not read the ID registers itself on every kernel).
#include "interpreter/cpu_features.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#define EL_X86_64 1
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#elif defined(__aarch64__)
#define EL_AARCH64 1
#if defined(__linux__)
#include <sys/auxv.h>
#endif
#endif

namespace edgelite {

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kReference: return "reference";
    case Isa::kPortable: return "portable";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx512Vnni: return "avx512vnni";
    case Isa::kAmxInt8: return "amx-int8";
    case Isa::kNeon: return "neon";
    case Isa::kNeonDot: return "neondot";
  }
  return "unknown";
}

namespace {

#if defined(EL_X86_64)
uint64_t ReadXcr0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// Linux hands out AMX tile state only on request (arch_prctl ARCH_REQ_XCOMP_PERM, kernel 5.16+).
bool RequestAmxTileData() {
#if defined(__linux__)
  constexpr long kArchGetXcompPerm = 0x1022, kArchReqXcompPerm = 0x1023;
  constexpr int kXfeatureTileData = 18;
  if (syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureTileData) != 0) return false;
  unsigned long permitted = 0;
  if (syscall(SYS_arch_prctl, kArchGetXcompPerm, &permitted) != 0) return false;
  return (permitted >> kXfeatureTileData) & 1;
#else
  return false;
#endif
}

CpuFeatures Detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = ReadXcr0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;         // SSE and AVX state
  const bool zmm_state = (xcr0 & 0xE0) == 0xE0;       // opmask, upper zmm halves, zmm16-31
  const bool tile_state = (xcr0 & 0x60000) == 0x60000;  // XTILECFG and XTILEDATA
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = (b >> 5) & 1;
  const bool avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
  const bool vnni = (c >> 11) & 1;
  const bool amx_tile = (d >> 24) & 1, amx_int8 = (d >> 25) & 1;
  f.avx2 = ymm_state && avx2 && fma && f16c;
  f.avx512 = f.avx2 && zmm_state && avx512f && avx512dq && avx512bw && avx512vl;
  f.avx512_vnni = f.avx512 && vnni;
  f.amx_int8 = f.avx512_vnni && tile_state && amx_tile && amx_int8 && RequestAmxTileData();
  return f;
}
#elif defined(EL_AARCH64) && defined(__linux__)
CpuFeatures Detect() {
  // The bit numbers of the arm64 kernel ABI (asm/hwcap.h), spelled out for older C libraries' headers.
  constexpr unsigned long kHwcapAsimd = 1ul << 1, kHwcapAsimdDp = 1ul << 20;
  const unsigned long hwcap = getauxval(AT_HWCAP);
  CpuFeatures f;
  f.neon = (hwcap & kHwcapAsimd) != 0;
  f.neon_dot = f.neon && (hwcap & kHwcapAsimdDp) != 0;
  return f;
}
#elif defined(EL_AARCH64)
// Outside Linux: ASIMD is part of every AArch64 ABI; dot products only where the compiler targets them.
CpuFeatures Detect() {
  CpuFeatures f;
  f.neon = true;
#if defined(__ARM_FEATURE_DOTPROD)
  f.neon_dot = true;
#endif
  return f;
}
#else
CpuFeatures Detect() { return CpuFeatures(); }
#endif

bool CpuHas(const CpuFeatures& f, Isa isa) {
  switch (isa) {
    case Isa::kReference:
    case Isa::kPortable: return true;
    case Isa::kAvx2: return f.avx2;
    case Isa::kAvx512: return f.avx512;
    case Isa::kAvx512Vnni: return f.avx512_vnni;
    case Isa::kAmxInt8: return f.amx_int8;
    case Isa::kNeon: return f.neon;
    case Isa::kNeonDot: return f.neon_dot;
  }
  return false;
}

bool Compiled(Isa isa) {
#if defined(EL_X86_64)
  return isa <= Isa::kAmxInt8;
#elif defined(EL_AARCH64)
  return isa == Isa::kReference || isa == Isa::kNeon || isa == Isa::kNeonDot;
#else
  return isa == Isa::kReference || isa == Isa::kPortable;
#endif
}

// The cap from EDGELITE_MAX_ISA; an unknown name caps nothing (the variable is a testing aid).
Isa Cap() {
  const char* v = std::getenv("EDGELITE_MAX_ISA");
  if (!v || !*v) return kHighestIsa;
  for (int i = 0; i <= static_cast<int>(kHighestIsa); ++i) {
    if (std::strcmp(v, IsaName(static_cast<Isa>(i))) == 0) return static_cast<Isa>(i);
  }
  return kHighestIsa;
}

}  // namespace

const CpuFeatures& DetectedCpuFeatures() {
  static const CpuFeatures features = Detect();
  return features;
}

bool IsaAvailable(Isa isa) {
  return Compiled(isa) && CpuHas(DetectedCpuFeatures(), isa) && static_cast<int>(isa) <= static_cast<int>(Cap());
}

Isa BestAvailableIsa() {
  Isa best = Isa::kReference;
  for (int i = 0; i <= static_cast<int>(kHighestIsa); ++i) {
    if (IsaAvailable(static_cast<Isa>(i))) best = static_cast<Isa>(i);
  }
  return best;
}

}  // namespace edgelite
