"""The OpenCL delegate side by side with edgelite's CPU path, in one run: steady-state latency (median of
alternating rounds, so machine noise hits both alike), first-invoke latency (interpreter creation +
allocate_tensors + first invoke, each in a new process with the driver's own cache empty) with a cold and
with a warm edgelite kernel cache, partitions and the share of
operators delegated. On PoCL (CI) it proves the delegate end to end; on a machine with a GPU it shows the
speed-up.

    python benchmarks/opencl_delegate.py [MODEL.tflite ...] [--threads 1] [--rounds 5] [--runs 10]
        [--option precision=fp16 ...] [--json benchmarks/results/opencl_delegate.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare_litert import make_inputs  # noqa: E402

MODELS = os.path.join(HERE, "..", "tests", "models")
DEFAULT_MODELS = [
    os.path.join(MODELS, "tf", "mobilenet_v2.tflite"),
    os.path.join(MODELS, "tf", "mobilenet_v3_small.tflite"),
    os.path.join(MODELS, "mediapipe", "face_detection_short_range.tflite"),
    os.path.join(MODELS, "tf", "transformer_block.tflite"),
]


def make(path, threads, options=None):
    import edgelite
    delegates = [edgelite.load_delegate("opencl", options)] if options is not None else []
    return edgelite.Interpreter(model_path=path, num_threads=threads, experimental_delegates=delegates)


def first_invoke_ms(path, threads, options, inputs):
    """Creation + allocate_tensors + set inputs + first invoke, in milliseconds."""
    start = time.perf_counter()
    interp = make(path, threads, options)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return (time.perf_counter() - start) * 1000, interp


def first_invoke_in_fresh_process(path, threads, options, cache_dir, driver_cache):
    """First-invoke milliseconds in a new process with edgelite's kernel cache at `cache_dir` and the
    OpenCL driver's own cache (PoCL's; GPU drivers keep theirs elsewhere) at `driver_cache`."""
    import subprocess
    env = dict(os.environ, POCL_CACHE_DIR=driver_cache)
    args = [sys.executable, os.path.abspath(__file__), "--child", path, "--threads", str(threads),
            "--option", f"cache_dir={cache_dir}"] + [f"--option={k}={v}" for k, v in options.items()]
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def timed(interp, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interp.invoke()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench(path, threads, rounds, runs, extra_options):
    import edgelite
    probe = edgelite.Interpreter(model_path=path)
    inputs = make_inputs(probe.get_input_details())
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as driver_a, \
            tempfile.TemporaryDirectory() as driver_b:
        # Cold: both caches empty. Warm: edgelite's cache warm, the driver's empty (what our cache saves).
        # Warm, driver too: a second start on a machine where both caches persist.
        cold_ms = first_invoke_in_fresh_process(path, threads, extra_options, cache, driver_a)
        warm_ms = first_invoke_in_fresh_process(path, threads, extra_options, cache, driver_b)
        warm_all_ms = first_invoke_in_fresh_process(path, threads, extra_options, cache, driver_b)
        _, gpu = first_invoke_ms(path, threads, dict(extra_options, cache_dir=cache), inputs)
        delegate = gpu._delegates[0]
        cpu = make(path, threads)
        cpu.allocate_tensors()
        for d, x in zip(cpu.get_input_details(), inputs):
            cpu.set_tensor(d["index"], x)
        cpu.invoke()
        cpu_times, gpu_times = [], []
        for _ in range(rounds):  # alternate, so that noise hits both alike
            cpu_times += timed(cpu, runs)
            gpu_times += timed(gpu, runs)
        worst = 0.0
        for d_cpu, d_gpu in zip(cpu.get_output_details(), gpu.get_output_details()):
            a, b = cpu.get_tensor(d_cpu["index"]), gpu.get_tensor(d_gpu["index"])
            scale = max(float(np.max(np.abs(a))), 1e-6)
            worst = max(worst, float(np.max(np.abs(a.astype(np.float64) - b))) / scale)
        plan = gpu.get_ops_details()
        # Operators computed at prepare (float16 weights' DEQUANTIZE, DENSIFY, shape chains) run nowhere.
        model_ops = [n for n in gpu._get_ops_details() if n["delegate"] is None and not n["folded"]]
        taken = sum(1 for n in model_ops if n["plan_position"] is None)
        cpu_ms, gpu_ms = float(np.median(cpu_times)), float(np.median(gpu_times))
        return {
            "model": os.path.basename(path), "device": delegate.query("device"),
            "cpu_ms": cpu_ms, "delegate_ms": gpu_ms, "ratio": gpu_ms / cpu_ms,
            "first_invoke_cold_ms": cold_ms, "first_invoke_warm_ms": warm_ms,
            "first_invoke_warm_driver_too_ms": warm_all_ms,
            "partitions": sum(1 for n in plan if n["delegate"]), "delegated_ops": taken,
            "model_ops": len(model_ops), "max_rel_diff_vs_cpu": worst,
            "cpu_kept": sorted({n["op_name"] for n in plan if n["delegate"] is None and not n["folded"]}),
        }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("models", nargs="*", default=DEFAULT_MODELS)
    p.add_argument("--threads", type=int, default=1, help="CPU threads (both paths)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="a delegate option")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # one first invoke, prints ms
    args = p.parse_args(argv)
    extra = dict(o.split("=", 1) for o in args.option)
    if args.child:
        import edgelite
        inputs = make_inputs(edgelite.Interpreter(model_path=args.models[0]).get_input_details())
        print(first_invoke_ms(args.models[0], args.threads, extra, inputs)[0])
        return 0
    rows = []
    for path in args.models:
        r = bench(path, args.threads, args.rounds, args.runs, extra)
        rows.append(r)
        print(f"{r['model']:<34} cpu {r['cpu_ms']:8.2f} ms  delegate {r['delegate_ms']:8.2f} ms "
              f"({r['ratio']:.2f}x)  first invoke cold {r['first_invoke_cold_ms']:8.0f} ms warm "
              f"{r['first_invoke_warm_ms']:7.0f} ms (driver cache too {r['first_invoke_warm_driver_too_ms']:5.0f} ms)  "
              f"{r['partitions']} partition(s), "
              f"{r['delegated_ops']}/{r['model_ops']} ops delegated, max rel diff {r['max_rel_diff_vs_cpu']:.1e}",
              flush=True)
    if rows:
        print(f"device: {rows[0]['device']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads, "results": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
