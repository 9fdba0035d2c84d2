// EL_ALWAYS_INLINE: for small functions in headers that ISA translation units include (kernels/optimized/): an
// inline function they did not inline would be a weak definition compiled with that ISA's flags, which the
// linker could pick for code that runs everywhere (scripts/check_isa_isolation.py finds those).
#pragma once

#if defined(__GNUC__)
#define EL_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define EL_ALWAYS_INLINE inline
#endif
