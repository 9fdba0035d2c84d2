"""Single-run, side-by-side latency of edgelite and LiteRT's builtin kernels (XNNPACK off).

Both interpreters run the same model on the same inputs in one process, alternating in rounds so that
machine noise hits both alike, each round after 20 ms of untimed invokes (ROUND_WARMUP_S); the result is the
ratio of medians (edgelite / LiteRT; below 1 is faster). Memory
columns: each runtime builds the model once more in a child process of its own (benchmarks/rss.py): RSS growth
after allocate_tensors and one invoke, for edgelite, LiteRT's builtin kernels and (with --xnnpack) XNNPACK, and
edgelite's own arena bytes; --no-memory leaves them out.

    python benchmarks/compare_litert.py [MODEL.tflite ...] [--threads 1] [--rounds 7] [--runs 10] [--xnnpack]
    python benchmarks/compare_litert.py --int8 --xnnpack    # the full-integer int8 MobileNets v2 and v3
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
MODELS = os.path.join(HERE, "..", "tests", "models")
DEFAULT_MODELS = [
    os.path.join(MODELS, "tf", "mobilenet_v2.tflite"),
    os.path.join(MODELS, "tf", "mobilenet_v3_small.tflite"),
    os.path.join(MODELS, "mediapipe", "face_detection_short_range.tflite"),
    os.path.join(MODELS, "mediapipe", "face_landmark.tflite"),
]
# --int8: full-integer models made by TensorFlow's converter (float inputs and outputs, int8 inside).
INT8_MODELS = [
    os.path.join(MODELS, "tf_quant", "mobilenet_v2_int8.tflite"),
    os.path.join(MODELS, "tf_quant", "mobilenet_v3_small_int8.tflite"),
]


def make_inputs(details, seed=0):
    """Floats in [-1, 1]; 8- and 16-bit integer inputs (quantized values) over their whole range."""
    rng = np.random.default_rng(seed)
    out = []
    for d in details:
        shape, dtype = tuple(d["shape"]), np.dtype(d["dtype"])
        if dtype.kind == "f":
            out.append(rng.uniform(-1, 1, size=shape).astype(dtype))
        else:
            info = np.iinfo(dtype)
            out.append(rng.integers(info.min, info.max + 1, size=shape).astype(dtype))
    return out


def litert_interpreter(path, threads, xnnpack=False):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    resolver = OpResolverType.AUTO if xnnpack else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interp = Interpreter(model_path=path, num_threads=threads, experimental_op_resolver_type=resolver)
    interp.allocate_tensors()
    return interp


def edgelite_interpreter(path, threads):
    import edgelite
    interp = edgelite.Interpreter(model_path=path, num_threads=threads)
    interp.allocate_tensors()
    return interp


def installed(module, package):
    """True when `module` imports; otherwise says which package to install."""
    try:
        __import__(module)
        return True
    except ImportError:
        print(f"{package} is not installed: pip install {package}", file=sys.stderr)
        return False


# Untimed invokes at the start of each round (at least one, for this long): a runtime's first invokes after another
# runtime's round run slower while the other's threads still spin and its data leaves the caches (at 2 threads
# MobileNet v2's first invoke after LiteRT's round took 1.35x a steady one, the next ones 1.15x, 1.07x, ...), so
# without them each runtime's figure carried the cost of the one timed before it.
ROUND_WARMUP_S = 0.02


def warm_up(interp, seconds=ROUND_WARMUP_S):
    """A round's untimed invokes: at least one, for `seconds`."""
    start = time.perf_counter()
    interp.invoke()
    while time.perf_counter() - start < seconds:
        interp.invoke()


def time_runs(interp, runs):
    warm_up(interp)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interp.invoke()
        times.append(time.perf_counter() - start)
    return times


def compare(path, threads, rounds, runs, xnnpack):
    ours = edgelite_interpreter(path, threads)
    theirs = litert_interpreter(path, threads)
    others = [theirs] + ([litert_interpreter(path, threads, xnnpack=True)] if xnnpack else [])
    inputs = make_inputs(ours.get_input_details())
    for interp in [ours] + others:
        for d, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(d["index"], x)
        interp.invoke()  # warm-up
        interp.invoke()
    # Outputs must agree, or the timing means nothing. Relative to the output's largest magnitude; integer
    # outputs are compared as integers.
    worst = 0.0
    for d_ours, d_theirs in zip(ours.get_output_details(), theirs.get_output_details()):
        a = ours.get_tensor(d_ours["index"]).astype(np.float64)
        b = theirs.get_tensor(d_theirs["index"]).astype(np.float64)
        worst = max(worst, float(np.max(np.abs(a - b))) / max(float(np.max(np.abs(b))), 1e-6))
    times = [[] for _ in range(1 + len(others))]
    for _ in range(rounds):
        for t, interp in zip(times, [ours] + others):
            t += time_runs(interp, runs)
    medians = [float(np.median(t)) * 1e3 for t in times]
    return medians, worst


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--xnnpack", action="store_true",
                   help="also time LiteRT's default (XNNPACK) path, the target of a later issue")
    p.add_argument("--int8", action="store_true", help="the full-integer int8 MobileNets instead of the float models")
    p.add_argument("--no-memory", action="store_true", help="leave out the RSS and arena columns")
    args = p.parse_args(argv)
    if not installed("ai_edge_litert", "ai-edge-litert"):
        return 2
    models = args.models or [m for m in (INT8_MODELS if args.int8 else DEFAULT_MODELS) if os.path.exists(m)]
    print(f"threads={args.threads}  {args.rounds} rounds x {args.runs} runs each, alternating")
    extra = f" {'XNNPACK ms':>11} {'ratio':>7}" if args.xnnpack else ""
    if not args.no_memory:
        extra += f" {'RSS MiB':>8} {'LiteRT':>7}" + (f" {'XNNPACK':>8}" if args.xnnpack else "") + f" {'arena':>6}"
    print(f"{'model':<40} {'edgelite ms':>12} {'LiteRT ms':>10} {'ratio':>7}{extra} {'max rel diff':>13}")
    for path in models:
        medians, worst = compare(path, args.threads, args.rounds, args.runs, args.xnnpack)
        ours, theirs = medians[0], medians[1]
        row = f"{os.path.basename(path):<40} {ours:>12.3f} {theirs:>10.3f} {ours / theirs:>7.2f}"
        if args.xnnpack:
            row += f" {medians[2]:>11.3f} {ours / medians[2]:>7.2f}"
        if not args.no_memory:
            import rss
            kinds = ["edgelite", "litert"] + (["litert_xnnpack"] if args.xnnpack else [])
            m = [rss.measure(k, path, args.threads) for k in kinds]
            row += f" {rss.mib(m[0]['rss_growth']):>8} {rss.mib(m[1]['rss_growth']):>7}"
            if args.xnnpack:
                row += f" {rss.mib(m[2]['rss_growth']):>8}"
            row += f" {rss.mib(m[0]['arena']):>6}"
        print(f"{row} {worst:>13.2e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
