"""Mutation fuzzing of .tflite files, shared by tests/interpreter/test_fuzz.py and scripts/fuzz_models.py.

Every case is reproducible on its own: its mutation comes from a generator seeded with (run seed, case number),
so a failing case is rebuilt from the seed and case number printed in the failure message. Cases run in child
processes (`run_cases`): a crash or a hang is reported with the case that caused it, and the child restarts
after it, instead of taking the caller down."""

from __future__ import annotations

import glob
import os
import random
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

import numpy as np

KINDS = ("flip", "flip_head", "truncate", "words")
# Values that break sizes, counts, offsets and indices: zero, all ones, the int32 extremes, small counts.
INTERESTING_WORDS = (0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 1, 2, 3, 4, 7, 8, 16, 255, 256, 0xFFFF, 0x10000)
# The arena cap of fuzzed interpreters: a mutated shape must fail with a clear error, not take the machine.
FUZZ_MAX_ARENA_BYTES = 256 << 20
# A flipped constant can make a WHILE loop endless (a step of 0): cancel() stops an invoke after this long.
INVOKE_WATCHDOG_S = 2.0
DEFAULT_CASES = 150
# Under tests/models: mutated inputs that once crashed or hung edgelite (tests/interpreter/test_fuzz.py runs them).
REGRESSIONS_DIR = "fuzz_regressions"


def run_seed() -> int:
    """The seed of this run: EDGELITE_FUZZ_SEED when set (to reproduce a failure), else a fresh random one."""
    text = os.environ.get("EDGELITE_FUZZ_SEED", "").strip()
    return int(text, 0) if text else random.SystemRandom().randrange(1 << 32)


def cases_per_model(default: int = DEFAULT_CASES) -> int:
    """EDGELITE_FUZZ_CASES cases per model when set (a long run), else `default`."""
    text = os.environ.get("EDGELITE_FUZZ_CASES", "").strip()
    return int(text) if text else default


def mutate(original: bytes, seed: int, case: int) -> Tuple[bytes, str]:
    """The mutated bytes of case `case` of a run with `seed`, and the kind of mutation."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, case])
    kind = KINDS[case % len(KINDS)]
    data = bytearray(original)
    size = len(data)
    if kind == "flip":        # a few random bytes anywhere
        for pos in rng.integers(0, size, size=int(rng.integers(1, 9))):
            data[pos] ^= int(rng.integers(1, 256))
    elif kind == "flip_head":  # bytes in the first 4 KiB, where tables and offsets live in converter output
        for pos in rng.integers(0, min(size, 4096), size=int(rng.integers(1, 5))):
            data[pos] ^= int(rng.integers(1, 256))
    elif kind == "truncate":
        data = data[: int(rng.integers(0, size))]
    else:                     # aligned words overwritten with interesting values or another offset in the file
        words = size // 4
        head_words = min(words, 1024)
        for _ in range(int(rng.integers(1, 4))):
            # half of them in the head (tables, vectors of indices), the rest anywhere
            word = int(rng.integers(0, head_words if rng.random() < 0.5 else words))
            if rng.random() < 0.25:
                value = int(rng.integers(0, size)) & ~3  # an offset elsewhere in the file
            else:
                value = INTERESTING_WORDS[int(rng.integers(0, len(INTERESTING_WORDS)))]
            data[word * 4: word * 4 + 4] = int(value).to_bytes(4, "little")
    return bytes(data), kind


def invoke_limit(original: bytes) -> int:
    """The largest arena a mutation of `original` is invoked with: a mutated input shape can make a model valid
    but thousands of times the work (a kernel is not stopped by cancel() once it runs), so mutations whose
    arena grew past 16 times the original's (and 32 MiB) are allocated but not invoked."""
    import edgelite
    try:
        interp = edgelite.Interpreter(model_content=original)
        interp.allocate_tensors()
        return max(16 * interp.arena_bytes(), 32 << 20)
    except edgelite.EdgeliteError:
        return 32 << 20


def try_model(data: bytes, arena_limit: Optional[int] = None) -> str:
    """Loads, allocates, invokes (zeros in) and reads a model: "ran", "error" for an edgelite error, or "big" when
    it allocated an arena over `arena_limit` and was not invoked. Anything else (another exception, a crash, a
    hang) is a bug."""
    import threading

    import edgelite
    try:
        interp = edgelite.Interpreter(model_content=data, max_arena_bytes=FUZZ_MAX_ARENA_BYTES)
        interp.allocate_tensors()
        if arena_limit is not None and interp.arena_bytes() > arena_limit:
            return "big"
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
        watchdog = threading.Timer(INVOKE_WATCHDOG_S, interp.cancel)
        watchdog.start()
        try:
            interp.invoke()
        finally:
            watchdog.cancel()
        for d in interp.get_output_details():
            interp.get_tensor(d["index"])
        return "ran"
    except edgelite.EdgeliteError:
        return "error"


# The child: runs cases [start, end) of one model, writing "case N" before each (so the parent knows which one
# crashed or hung), its outcome ("error", "ran" or "big") after it, and "done" at the end.
CHILD = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from fuzz_mutations import invoke_limit, mutate, try_model
path, seed, start, end, progress = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
original = open(path, "rb").read()
limit = invoke_limit(original)
fd = os.open(progress, os.O_WRONLY | os.O_APPEND)
for case in range(start, end):
    os.write(fd, b"case %d\n" % case)
    os.write(fd, try_model(mutate(original, seed, case)[0], limit).encode() + b"\n")
os.write(fd, b"done\n")
"""


class Failure:
    """One case that crashed the child, hung it, or raised something other than an edgelite error."""

    def __init__(self, path: str, seed: int, case: int, what: str, detail: str):
        self.path, self.seed, self.case, self.what, self.detail = path, seed, case, what, detail

    def mutated(self) -> Tuple[bytes, str]:
        with open(self.path, "rb") as f:
            return mutate(f.read(), self.seed, self.case)

    def __str__(self) -> str:
        kind = KINDS[self.case % len(KINDS)]
        return (f"{os.path.basename(self.path)} case {self.case} ({kind}) {self.what}; reproduce with "
                f"EDGELITE_FUZZ_SEED={self.seed} python scripts/fuzz_models.py --model {self.path} "
                f"--first-case {self.case} --cases 1\n{self.detail[-3000:]}")


def run_cases(path: str, seed: int, start: int, end: int, hang_s: float = 60.0,
              python: str = sys.executable) -> Tuple[Dict[str, int], List[Failure]]:
    """Runs cases [start, end) of `path` in child processes; after a crash or hang the next child resumes at
    the case after it. Returns the outcome counts ("error", "ran", "big", "crash", "hang", "exception") and the
    failures."""
    counts = {"error": 0, "ran": 0, "big": 0, "crash": 0, "hang": 0, "exception": 0}
    failures: List[Failure] = []
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        progress = os.path.join(tmp, "progress")
        stderr_path = os.path.join(tmp, "stderr")
        while start < end:
            open(progress, "w").close()
            with open(stderr_path, "w") as err:
                child = subprocess.Popen([python, "-c", CHILD, here, path, str(seed), str(start), str(end), progress],
                                         stdout=subprocess.DEVNULL, stderr=err)
                last_case, last_change, size = start, time.monotonic(), 0
                hung = False
                while child.poll() is None:
                    time.sleep(0.05)
                    if os.path.getsize(progress) != size:
                        size = os.path.getsize(progress)
                        last_change = time.monotonic()
                    elif time.monotonic() - last_change > hang_s:
                        child.kill()
                        child.wait()
                        hung = True
            lines = open(progress).read().splitlines()
            for line in lines:
                if line in ("error", "ran", "big"):
                    counts[line] += 1
            if lines and lines[-1] == "done":
                break
            cases = [int(line.split()[1]) for line in lines if line.startswith("case ")]
            detail = open(stderr_path).read()
            if not cases:
                raise RuntimeError(f"the fuzz child did not start (exit {child.returncode}):\n{detail[-3000:]}")
            last_case = cases[-1]
            if hung:
                what = f"hung (no progress for {hang_s:.0f} s)"
                counts["hang"] += 1
            elif child.returncode == 1 and "Traceback" in detail:
                what = "raised an exception that is not an edgelite error"
                counts["exception"] += 1
            else:
                what = f"crashed the process (exit {child.returncode})"
                counts["crash"] += 1
            failures.append(Failure(path, seed, last_case, what, detail))
            start = last_case + 1
    return counts, failures


def model_paths(models_dir: str) -> List[str]:
    """Every committed .tflite under `models_dir`, less the fuzz regressions (already mutated inputs)."""
    paths = glob.glob(os.path.join(models_dir, "**", "*.tflite"), recursive=True)
    return sorted(p for p in paths if os.path.basename(os.path.dirname(p)) != REGRESSIONS_DIR)


def save_failure(failure: Failure, directory: str) -> Optional[str]:
    """Writes a failure's mutated model to `directory`; returns its path."""
    os.makedirs(directory, exist_ok=True)
    data, kind = failure.mutated()
    name = f"{os.path.splitext(os.path.basename(failure.path))[0]}-seed{failure.seed}-case{failure.case}-{kind}.tflite"
    out = os.path.join(directory, name)
    with open(out, "wb") as f:
        f.write(data)
    return out
