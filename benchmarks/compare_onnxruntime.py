"""Single-run, side-by-side latency of edgelite and ONNX Runtime (CPU) on the same ONNX models, at 1 and 2 threads.

Each model of tests/models/onnx/ is converted with edgelite.converter (inputs stay NCHW, so both runtimes take the
same array); both run it on the same input, alternating in rounds so machine noise hits both alike, at every thread
count in one run. The ratio is of medians (edgelite / ONNX Runtime; below 1 is faster). Outputs must agree (max
relative difference) or the timing means nothing. With --memory each runtime also builds the model once in a child
process: RSS growth after the first run, and edgelite's arena (benchmarks/rss.py).

    python benchmarks/compare_onnxruntime.py [MODEL.onnx ...] [--threads 1 2] [--rounds 7] [--runs 10] [--memory]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare_litert import installed, time_runs  # noqa: E402  (time_runs times runner.invoke())
ONNX_MODELS = os.path.join(HERE, "..", "tests", "models", "onnx")
# The converted CNNs issue 16 names (small seeded versions of each architecture).
DEFAULT_MODELS = ["resnet_bottleneck.onnx", "resnet_basic.onnx", "densenet.onnx", "inception_v3.onnx",
                  "squeezenet.onnx", "mobilenet_v2.onnx", "shufflenet_v2.onnx"]


def ort_session(path, threads):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def input_arrays(session, seed=0):
    """Floats in [-1, 1] for every input, symbolic dimensions (the batch) set to 1."""
    rng = np.random.default_rng(seed)
    return {i.name: rng.uniform(-1, 1, [d if isinstance(d, int) else 1 for d in i.shape]).astype(np.float32)
            for i in session.get_inputs()}


class EdgeliteRunner:
    def __init__(self, tflite_path, feeds, threads):
        import edgelite
        self.interp = edgelite.Interpreter(model_path=tflite_path, num_threads=threads)
        details = self.interp.get_input_details()
        arrays = list(feeds.values())
        for d, x in zip(details, arrays):
            if list(d["shape"]) != list(x.shape):
                self.interp.resize_tensor_input(d["index"], list(x.shape))
        self.interp.allocate_tensors()
        for d, x in zip(self.interp.get_input_details(), arrays):
            self.interp.set_tensor(d["index"], x)

    def invoke(self):
        self.interp.invoke()

    def outputs(self):
        return [self.interp.get_tensor(d["index"]) for d in self.interp.get_output_details()]


class OrtRunner:
    def __init__(self, onnx_path, feeds, threads):
        self.session = ort_session(onnx_path, threads)
        self.feeds = feeds
        self.last = None

    def invoke(self):
        self.last = self.session.run(None, self.feeds)

    def outputs(self):
        return self.last


def compare(onnx_path, tflite_path, threads, rounds, runs):
    feeds = input_arrays(ort_session(onnx_path, 1))
    ours, theirs = EdgeliteRunner(tflite_path, feeds, threads), OrtRunner(onnx_path, feeds, threads)
    for r in (ours, theirs):
        r.invoke()  # warm-up
        r.invoke()
    worst = 0.0
    for a, b in zip(ours.outputs(), theirs.outputs()):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        worst = max(worst, float(np.max(np.abs(a - b))) / max(float(np.max(np.abs(b))), 1e-6))
    times = [[], []]
    for _ in range(rounds):
        for t, r in zip(times, (ours, theirs)):
            t += time_runs(r, runs)
    return [float(np.median(t)) * 1e3 for t in times], worst


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", help=".onnx files (default: the CNNs of tests/models/onnx)")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--memory", action="store_true", help="also RSS growth per runtime and edgelite's arena")
    args = p.parse_args(argv)
    if not installed("onnxruntime", "onnxruntime"):
        return 2
    from edgelite.converter import convert
    models = args.models or [os.path.join(ONNX_MODELS, m) for m in DEFAULT_MODELS
                             if os.path.exists(os.path.join(ONNX_MODELS, m))]
    print(f"threads={args.threads}  {args.rounds} rounds x {args.runs} runs each, alternating")
    head = "".join(f" {'edgelite ms':>12} {'ORT ms':>9} {'ratio':>6}" for _ in args.threads)
    mem = f" {'RSS MiB':>8} {'ORT RSS':>8} {'arena':>6}" if args.memory else ""
    print(f"{'model':<24}" + "".join(f" {f'--- {t} thread(s) ---':>29}" for t in args.threads))
    print(f"{'':<24}{head}{mem} {'max rel diff':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in models:
            tflite = os.path.join(tmp, os.path.splitext(os.path.basename(path))[0] + ".tflite")
            with open(tflite, "wb") as f:
                f.write(convert(path))
            row, worst = f"{os.path.basename(path):<24}", 0.0
            for threads in args.threads:
                (ours, theirs), diff = compare(path, tflite, threads, args.rounds, args.runs)
                worst = max(worst, diff)
                row += f" {ours:>12.3f} {theirs:>9.3f} {ours / theirs:>6.2f}"
            if args.memory:
                import rss
                a, b = rss.measure("edgelite", tflite), rss.measure("onnxruntime", path)
                row += f" {rss.mib(a['rss_growth']):>8} {rss.mib(b['rss_growth']):>8} {rss.mib(a['arena']):>6}"
            print(f"{row} {worst:>13.2e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
