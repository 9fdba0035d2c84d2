#!/usr/bin/env python3
"""Checks that an edgelite build runs on any x86-64 (or AArch64) CPU, from its object files:

1. Objects built without ISA flags (the core, the kernels' prepare and eval, the bindings) contain no
   instruction beyond the x86-64 baseline (no VEX/EVEX-encoded AVX, AVX2, FMA, AVX-512, no AMX), or for an
   AArch64 build (cmake/aarch64-linux-gnu.cmake) beyond Armv8.0 with NEON (no dot products, no SVE).
2. Objects built with ISA flags (CMake's edgelite_isa_<isa> libraries) define no global or weak symbol
   outside their own namespace edgelite::optimized::<isa>. A weak definition elsewhere (an inline
   function or template instantiated there and not inlined) could be the copy the linker keeps, and
   then code that runs on every CPU would carry that ISA's instructions.

    python scripts/check_isa_isolation.py BUILD_DIR     # e.g. build/dev, or build/cp311-cp311-linux_x86_64

3. The linked C library (libedgelite_c.so, kept with its symbols in the build directory): with link-time
   optimization the core's final code is made at link, so its functions are checked there as in 1 (any
   function outside edgelite::optimized::<isa> with instructions beyond the baseline is an offender).

Exit status 0 when clean, 1 with a list of offenders, 2 when the tools or objects are missing."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys

FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
# AT&T syntax: VEX/EVEX instructions are the v-prefixed mnemonics; also AVX-512 mask and AMX tile
# instructions, and ymm/zmm/mask registers.
BEYOND_BASELINE = re.compile(
    r"^\s*[0-9a-f]+:\s+(?:v[a-z0-9]+|k(?:mov|and|or|xor|not|test|shift|unpck|add)[a-z]*|"
    r"ldtilecfg|sttilecfg|tilezero|tileloadd\w*|tilestored|tdp\w+|tilerelease)\b|%[yz]mm\d|%k[1-7]\b")
# AArch64 (objdump's syntax): the Armv8.2+ dot products and SVE's z/p registers.
BEYOND_BASELINE_AARCH64 = re.compile(r"^\s*[0-9a-f]+:\s+(?:sdot|udot|usdot|sudot)\b|\bz\d+\.[bhsd]\b")
GLOBAL_SYMBOL_TYPES = set("TWVDBRGSui")


def build_processor(build_dir: str) -> str:
    """CMAKE_SYSTEM_PROCESSOR of the build (the target's, for a cross build), from CMake's record of it."""
    for path in glob.glob(os.path.join(build_dir, "CMakeFiles", "*", "CMakeSystem.cmake")):
        m = re.search(r'set\(CMAKE_SYSTEM_PROCESSOR "([^"]*)"\)', open(path).read())
        if m:
            return m.group(1)
    return os.uname().machine


def tools_for(processor: str) -> tuple[str, str]:
    """objdump and nm that read the build's objects (the cross binutils for a cross build)."""
    if processor in ("aarch64", "arm64") and os.uname().machine not in ("aarch64", "arm64"):
        return "aarch64-linux-gnu-objdump", "aarch64-linux-gnu-nm"
    return "objdump", "nm"


def run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def baseline_offenders(objects: list[str], objdump: str = "objdump", pattern: re.Pattern = BEYOND_BASELINE) -> list[str]:
    bad = []
    for obj in objects:
        current = None
        seen = set()
        for line in run([objdump, "-d", "-C", "--no-show-raw-insn", obj]).splitlines():
            m = FUNCTION.match(line)
            if m:
                current = m.group(1)
            elif current not in seen and pattern.search(line):
                seen.add(current)
                bad.append(f"{os.path.basename(obj)}: {current}: {line.strip()}")
    return bad


def linked_offenders(library: str, objdump: str, pattern: re.Pattern, isas: list[str]) -> list[str]:
    """Functions of a linked library that use instructions beyond the baseline outside the ISA namespaces."""
    allowed = re.compile(r"edgelite::optimized::(?:%s)::" % "|".join(map(re.escape, isas)))
    return [line for line in baseline_offenders([library], objdump, pattern)
            if not allowed.search(line.split(": ", 2)[1])]


def isa_offenders(isa: str, objects: list[str], nm: str = "nm") -> list[str]:
    bad = []
    namespace = f"edgelite::optimized::{isa}::"
    for obj in objects:
        for line in run([nm, "-C", "--defined-only", obj]).splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1] in GLOBAL_SYMBOL_TYPES and namespace not in parts[2]:
                bad.append(f"{os.path.basename(obj)} ({isa}): {parts[1]} {parts[2]}")
    return bad


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    processor = build_processor(argv[1])
    aarch64 = processor in ("aarch64", "arm64")
    objdump, nm = tools_for(processor)
    if not (shutil.which(objdump) and shutil.which(nm)):
        print(f"{objdump} and {nm} are needed (binutils)", file=sys.stderr)
        return 2
    files = os.path.join(argv[1], "CMakeFiles")
    baseline = [o for d in ("edgelite_core.dir", "_core.dir")
                for o in glob.glob(os.path.join(files, d, "**", "*.o"), recursive=True)]
    isa_dirs = sorted(glob.glob(os.path.join(files, "edgelite_isa_*.dir")))
    if not baseline or not isa_dirs:
        print(f"no edgelite objects under {files}", file=sys.stderr)
        return 2
    bad = baseline_offenders(baseline, objdump, BEYOND_BASELINE_AARCH64 if aarch64 else BEYOND_BASELINE)
    isas = []
    for d in isa_dirs:
        isa = os.path.basename(d)[len("edgelite_isa_"):-len(".dir")]
        isas.append(isa)
        bad += isa_offenders(isa, glob.glob(os.path.join(d, "**", "*.o"), recursive=True), nm)
    library = os.path.join(argv[1], "libedgelite_c.so")
    if os.path.isfile(library):
        bad += linked_offenders(library, objdump, BEYOND_BASELINE_AARCH64 if aarch64 else BEYOND_BASELINE, isas)
    for line in bad:
        print(line)
    if bad:
        print(f"{len(bad)} place(s) where ISA-specific code can reach a CPU without the ISA", file=sys.stderr)
        return 1
    print(f"{len(baseline)} baseline objects use only {'Armv8.0' if aarch64 else 'x86-64'} instructions; "
          f"{len(isa_dirs)} ISA libraries keep "
          "their symbols in their own namespaces"
          + ("; the linked C library agrees" if os.path.isfile(library) else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
