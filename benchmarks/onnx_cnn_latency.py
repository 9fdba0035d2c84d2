"""Latency of converted ONNX CNNs: edgelite (the converted .tflite) against ONNX Runtime (the .onnx), one run.

Full-size ResNet-50 and DenseNet-121 are built from tests/golden/onnx_architectures.py (torchvision's layer
tables, random weights: latency does not depend on them) and exported with torch, which needs an
environment with torch (--torch-python; default this Python when it has torch, pip install 'edgelite[torch]',
else /work/torchenv/bin/python); the reduced Inception v3 and SqueezeNet that the tests ship are timed as they
are. Both runtimes get the same input and alternate in
rounds so that machine noise hits both alike; ratios of medians and of the fastest runs (below 1: edgelite is
faster; on a shared machine other work only adds time, so the fastest runs are the steadier figure).
At one thread each invoke is timed by the thread's CPU time (time spent off the core on a busy machine
does not count); pass --wall for wall-clock time.

    python benchmarks/onnx_cnn_latency.py [--models resnet50 densenet121 inception_v3 squeezenet]
        [--threads 1] [--rounds 5] [--runs 5] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
SHIPPED = os.path.join(ROOT, "tests", "models", "onnx")
# name -> architecture expression over tests/golden/onnx_architectures.py, input shape
BUILT = {
    "resnet50": ("ResNet(Bottleneck, [3, 4, 6, 3], widths=(64, 128, 256, 512), classes=1000)", (1, 3, 224, 224)),
    "densenet121": ("DenseNet(growth=32, blocks=(6, 12, 24, 16), init=64, classes=1000)", (1, 3, 224, 224)),
}
SHIPPED_MODELS = {"inception_v3": "inception_v3.onnx", "squeezenet": "squeezenet.onnx",
                  "resnet_bottleneck": "resnet_bottleneck.onnx", "densenet_small": "densenet.onnx"}

EXPORT = """
import sys, torch
sys.path.insert(0, {golden!r})
from onnx_architectures import *
torch.manual_seed(0)
model = randomize({expr}, 0)
torch.onnx.export(model, torch.randn(*{shape!r}), {out!r}, opset_version=13, dynamo=False,
                  input_names=["input"], output_names=["output"])
"""


def export_built(name, workdir, torch_python):
    path = os.path.join(workdir, name + ".onnx")
    if not os.path.exists(path):
        expr, shape = BUILT[name]
        code = EXPORT.format(golden=os.path.join(ROOT, "tests", "golden"), expr=expr, shape=shape, out=path)
        subprocess.run([torch_python, "-c", code], check=True)
    return path


def convert(onnx_path, workdir):
    out = os.path.join(workdir, os.path.basename(onnx_path)[:-5] + ".tflite")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(onnx_path):
        subprocess.run([sys.executable, "-m", "edgelite.cli", "convert", onnx_path, "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
    return out


def timed(fn, runs, clock):
    times = []
    for _ in range(runs):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return times


def compare(onnx_path, tflite_path, threads, rounds, runs, clock):
    import onnxruntime as ort

    import edgelite

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
    feed_name = session.get_inputs()[0].name
    shape = [d if isinstance(d, int) else 1 for d in session.get_inputs()[0].shape]
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)

    interp = edgelite.Interpreter(model_path=tflite_path, num_threads=threads)
    interp.allocate_tensors()
    detail = interp.get_input_details()[0]
    x_el = x if list(detail["shape"]) == list(x.shape) else np.transpose(x, (0, 2, 3, 1))
    interp.set_tensor(detail["index"], np.ascontiguousarray(x_el))

    def run_ort():
        session.run(None, {feed_name: x})

    for _ in range(2):
        interp.invoke()
        run_ort()
    el, ort_times = [], []
    for _ in range(rounds):
        el += timed(interp.invoke, runs, clock)
        ort_times += timed(run_ort, runs, clock)
    return (statistics.median(el), min(el)), (statistics.median(ort_times), min(ort_times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["resnet50", "densenet121", "inception_v3", "squeezenet"],
                        choices=sorted(BUILT) + sorted(SHIPPED_MODELS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wall", action="store_true", help="wall-clock time even at one thread")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "edgelite_onnx_cnn"))
    import importlib.util
    default_torch = sys.executable if importlib.util.find_spec("torch") else "/work/torchenv/bin/python"
    parser.add_argument("--torch-python", default=default_torch)
    args = parser.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    clock = time.thread_time if args.threads == 1 and not args.wall else time.perf_counter
    print(f"{'model':18s} {'edgelite ms':>12s} {'ORT ms':>9s} {'ratio':>6s}   {'best: edgelite':>14s} {'ORT':>8s}"
          f" {'ratio':>6s}   ({args.threads} thread(s), {'CPU' if clock is time.thread_time else 'wall'} time)")
    for name in args.models:
        onnx_path = (export_built(name, args.workdir, args.torch_python) if name in BUILT
                     else os.path.join(SHIPPED, SHIPPED_MODELS[name]))
        tflite_path = convert(onnx_path, args.workdir)
        el, ort_s = compare(onnx_path, tflite_path, args.threads, args.rounds, args.runs, clock)
        print(f"{name:18s} {el[0] * 1e3:12.2f} {ort_s[0] * 1e3:9.2f} {el[0] / ort_s[0]:6.2f}   {el[1] * 1e3:14.2f}"
              f" {ort_s[1] * 1e3:8.2f} {el[1] / ort_s[1]:6.2f}", flush=True)


if __name__ == "__main__":
    main()
