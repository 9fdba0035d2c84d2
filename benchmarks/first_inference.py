"""First-inference cost: interpreter creation + allocate_tensors + the first invoke, against a steady-state invoke
(median of later ones), for edgelite and, when installed, LiteRT with XNNPACK (which packs weights too). Issue 16's
target is (allocate + first invoke) <= 2x steady for edgelite. Each runtime and model runs in a child process of its
own, so no earlier run's memory or packed weights help it; --repeats such processes per runtime and model, taking
turns, give the medians shown (one fresh process's figures vary 2x on a shared machine).

    python benchmarks/first_inference.py [MODEL.tflite ...] [--threads 1] [--runs 15] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "tests", "models")
DEFAULT_MODELS = [os.path.join(MODELS, "tf", "mobilenet_v2.tflite"), os.path.join(MODELS, "tf", "mobilenet_v3_small.tflite"),
                  os.path.join(MODELS, "mediapipe", "face_detection_short_range.tflite"),
                  os.path.join(MODELS, "mediapipe", "face_landmark.tflite")]

_CHILD = r"""
import json, sys, time
import numpy as np
kind, path, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if kind == "edgelite":
    import edgelite
    make = lambda: edgelite.Interpreter(model_path=path, num_threads=threads)
else:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    make = lambda: Interpreter(model_path=path, num_threads=threads, experimental_op_resolver_type=OpResolverType.AUTO)
start = time.perf_counter()
interp = make()
interp.allocate_tensors()
allocated = time.perf_counter()
rng = np.random.default_rng(0)
for d in interp.get_input_details():
    interp.set_tensor(d["index"], rng.uniform(-1, 1, d["shape"]).astype(d["dtype"]))
set_at = time.perf_counter()
interp.invoke()
first = time.perf_counter()
times = []
for _ in range(runs):
    t = time.perf_counter()
    interp.invoke()
    times.append(time.perf_counter() - t)
print(json.dumps({"allocate_ms": (allocated - start) * 1e3, "first_ms": (first - set_at) * 1e3,
                  "steady_ms": float(np.median(times)) * 1e3}))
"""


def measure(kind, path, threads, runs):
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, path, str(threads), str(runs)], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} on {path} failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    try:
        import ai_edge_litert  # noqa: F401
        kinds = ["edgelite", "litert_xnnpack"]
    except ImportError:
        kinds = ["edgelite"]
    print(f"threads={args.threads}; (create + allocate + first invoke) / steady invoke, per runtime; medians of "
          f"{args.repeats} fresh processes each")
    print(f"{'model':<36} {'runtime':<15} {'allocate ms':>11} {'first ms':>9} {'steady ms':>10} {'ratio':>6}")
    for path in args.models or [m for m in DEFAULT_MODELS if os.path.exists(m)]:
        runs = {kind: [] for kind in kinds}
        for _ in range(args.repeats):
            for kind in kinds:
                runs[kind].append(measure(kind, path, args.threads, args.runs))
        for kind in kinds:
            med = {key: statistics.median(m[key] for m in runs[kind]) for key in runs[kind][0]}
            med["ratio"] = (med["allocate_ms"] + med["first_ms"]) / med["steady_ms"]  # of the medians shown
            print(f"{os.path.basename(path):<36} {kind:<15} {med['allocate_ms']:>11.2f} {med['first_ms']:>9.2f} "
                  f"{med['steady_ms']:>10.2f} {med['ratio']:>6.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
