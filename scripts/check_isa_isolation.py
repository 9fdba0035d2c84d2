#!/usr/bin/env python3
"""Checks that an edgelite build runs on any x86-64 CPU, from its object files:

1. Objects built without ISA flags (the core, the kernels' prepare and eval, the bindings) contain no
   instruction beyond the x86-64 baseline (no VEX/EVEX-encoded AVX, AVX2, FMA, AVX-512, no AMX).
2. Objects built with ISA flags (CMake's edgelite_isa_<isa> libraries) define no global or weak symbol
   outside their own namespace edgelite::optimized::<isa>. A weak definition elsewhere (an inline
   function or template instantiated there and not inlined) could be the copy the linker keeps, and
   then code that runs on every CPU would carry that ISA's instructions.

    python scripts/check_isa_isolation.py BUILD_DIR     # e.g. build/dev, or build/cp311-cp311-linux_x86_64

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
GLOBAL_SYMBOL_TYPES = set("TWVDBRGSui")


def run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def baseline_offenders(objects: list[str]) -> list[str]:
    bad = []
    for obj in objects:
        current = None
        seen = set()
        for line in run(["objdump", "-d", "-C", "--no-show-raw-insn", obj]).splitlines():
            m = FUNCTION.match(line)
            if m:
                current = m.group(1)
            elif current not in seen and BEYOND_BASELINE.search(line):
                seen.add(current)
                bad.append(f"{os.path.basename(obj)}: {current}: {line.strip()}")
    return bad


def isa_offenders(isa: str, objects: list[str]) -> list[str]:
    bad = []
    namespace = f"edgelite::optimized::{isa}::"
    for obj in objects:
        for line in run(["nm", "-C", "--defined-only", obj]).splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1] in GLOBAL_SYMBOL_TYPES and namespace not in parts[2]:
                bad.append(f"{os.path.basename(obj)} ({isa}): {parts[1]} {parts[2]}")
    return bad


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if not (shutil.which("objdump") and shutil.which("nm")):
        print("objdump and nm are needed (binutils)", file=sys.stderr)
        return 2
    files = os.path.join(argv[1], "CMakeFiles")
    baseline = [o for d in ("edgelite_core.dir", "_core.dir")
                for o in glob.glob(os.path.join(files, d, "**", "*.o"), recursive=True)]
    isa_dirs = sorted(glob.glob(os.path.join(files, "edgelite_isa_*.dir")))
    if not baseline or not isa_dirs:
        print(f"no edgelite objects under {files}", file=sys.stderr)
        return 2
    bad = baseline_offenders(baseline)
    for d in isa_dirs:
        isa = os.path.basename(d)[len("edgelite_isa_"):-len(".dir")]
        bad += isa_offenders(isa, glob.glob(os.path.join(d, "**", "*.o"), recursive=True))
    for line in bad:
        print(line)
    if bad:
        print(f"{len(bad)} place(s) where ISA-specific code can reach a CPU without the ISA", file=sys.stderr)
        return 1
    print(f"{len(baseline)} baseline objects use only x86-64 instructions; {len(isa_dirs)} ISA libraries keep "
          "their symbols in their own namespaces")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
