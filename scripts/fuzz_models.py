#!/usr/bin/env python3
"""Mutation-fuzzes the committed models (or one model): byte flips, flips in the first 4 KiB, truncation and
overwritten words, each case loaded, allocated and invoked in a child process. Reports the outcome counts and
saves every input that crashed, hung or raised a non-edgelite exception.

    python scripts/fuzz_models.py --cases 100000 --out /tmp/fuzz_crashes      # spread over every model
    EDGELITE_FUZZ_SEED=123 python scripts/fuzz_models.py --model m.tflite --first-case 42 --cases 1

Run with the edgelite under test importable (PYTHONPATH=build/dev/site)."""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "tests")
sys.path.insert(0, TESTS)

import fuzz_mutations  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="cases in all, spread evenly over the models")
    parser.add_argument("--model", action="append", help="a .tflite to fuzz (repeatable); default: tests/models")
    parser.add_argument("--first-case", type=int, default=0, help="case number to start at (per model)")
    parser.add_argument("--seed", type=lambda t: int(t, 0), default=None,
                        help="run seed (default: EDGELITE_FUZZ_SEED, else random)")
    parser.add_argument("--out", default="fuzz_failures", help="directory for inputs that failed")
    parser.add_argument("--hang-seconds", type=float, default=60.0, help="no progress for this long is a hang")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else fuzz_mutations.run_seed()
    paths = args.model or fuzz_mutations.model_paths(os.path.join(TESTS, "models"))
    per_model, extra = divmod(args.cases, len(paths))
    print(f"seed {seed}: {args.cases} cases over {len(paths)} models", flush=True)
    totals = {}
    failures = []
    began = time.monotonic()
    for i, path in enumerate(paths):
        count = per_model + (1 if i < extra else 0)
        if count == 0:
            continue
        t0 = time.monotonic()
        counts, found = fuzz_mutations.run_cases(path, seed, args.first_case, args.first_case + count,
                                                 hang_s=args.hang_seconds)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        for failure in found:
            saved = fuzz_mutations.save_failure(failure, args.out)
            print(f"FAILURE {failure}\n  saved: {saved}", flush=True)
        failures += found
        print(f"{os.path.relpath(path, TESTS)}: {counts} in {time.monotonic() - t0:.1f} s", flush=True)
    print(f"total: {totals} in {time.monotonic() - began:.0f} s, seed {seed}; {len(failures)} failures", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
