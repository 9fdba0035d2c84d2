"""The `edgelite` command line: run, inspect, benchmark and convert models."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import List, Optional

import numpy as np

from .errors import EdgeliteError


def _random_input(detail, rng: np.random.Generator) -> np.ndarray:
    shape = tuple(int(d) for d in detail["shape"])
    dtype = np.dtype(detail["dtype"])
    if dtype.kind == "f":
        return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    # 8- and 16-bit inputs are quantized values: their whole range; wider integers (indices, shapes) stay small.
    lo, hi = (info.min, info.max) if info.bits <= 16 else (-128, 127)
    return rng.integers(lo, hi + 1, size=shape).astype(dtype)


def _parse_inputs(specs: List[str]):
    named = {}
    for spec in specs or []:
        if "=" not in spec:
            raise SystemExit(f"--input expects NAME=FILE.npy, got {spec!r}")
        name, path = spec.split("=", 1)
        named[name] = np.load(path)
    return named


def cmd_run(args) -> int:
    from .interpreter import Interpreter
    interp = Interpreter(model_path=args.model, num_threads=args.threads)
    named = _parse_inputs(args.input)
    details = interp.get_input_details()
    known = {d["name"] for d in details}
    unknown = set(named) - known
    if unknown:
        raise SystemExit(f"unknown input name(s) {sorted(unknown)}; the model's inputs are {sorted(known)}")
    for d in details:
        if d["name"] in named and list(named[d["name"]].shape) != list(d["shape"]):
            interp.resize_tensor_input(d["index"], named[d["name"]].shape)
    interp.allocate_tensors()
    rng = np.random.default_rng(args.seed)
    for d in interp.get_input_details():
        value = named.get(d["name"])
        if value is None:
            value = _random_input(d, rng)
            print(f"input  {d['name']}: random {value.dtype} {list(value.shape)}")
        else:
            print(f"input  {d['name']}: {value.dtype} {list(value.shape)} from file")
        interp.set_tensor(d["index"], value.astype(d["dtype"], copy=False))
    start = time.perf_counter()
    interp.invoke()
    elapsed = (time.perf_counter() - start) * 1000
    if args.output_dir:
        os.makedirs(args.output_dir, exist_ok=True)
    for i, d in enumerate(interp.get_output_details()):
        out = interp.get_tensor(d["index"])
        flat = out.reshape(-1)
        preview = np.array2string(flat[:6], precision=5, separator=", ")
        print(f"output {d['name']}: {out.dtype} {list(out.shape)} {preview}{' ...' if flat.size > 6 else ''}")
        if args.output_dir:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in d["name"]) or f"output_{i}"
            path = os.path.join(args.output_dir, f"{i}_{safe}.npy")
            np.save(path, out)
    if args.output_dir:
        print(f"outputs written to {args.output_dir}")
    print(f"invoke: {elapsed:.2f} ms")
    return 0


def _fmt_tensor(interp, index: int, subgraph: int) -> str:
    if index < 0:
        return "-"
    info = interp._core.tensor_info(subgraph, index)
    shape = "x".join(str(int(d)) for d in info["shape"]) or "scalar"
    kind = "const " if info["is_constant"] else ""
    return f"{kind}{info['dtype']}[{shape}]{_fmt_quantization(info)}"


def _fmt_quantization(info) -> str:
    """" q=0.0235/-128" for per-tensor quantization, " q=32 scales on axis 0" for per-channel, "" for none."""
    scales, zero_points = info["scales"], info["zero_points"]
    if len(scales) == 0:
        return ""
    if len(scales) == 1:
        return f" q={float(scales[0]):.6g}/{int(zero_points[0]) if len(zero_points) else 0}"
    return f" q={len(scales)} scales on axis {info['quantized_dimension']}"


def cmd_inspect(args) -> int:
    from .interpreter import Interpreter
    interp = Interpreter(model_path=args.model)
    core = interp._core
    size = os.path.getsize(args.model)
    print(f"model: {args.model} ({size / 1024:.1f} KiB), {core.num_subgraphs()} subgraph(s)")
    sigs = interp.get_signature_list()
    for key, io in sigs.items():
        print(f"signature '{key}': inputs {io['inputs']} -> outputs {io['outputs']}")
    unsupported_total = 0
    for s in range(core.num_subgraphs()):
        unresolved = core.unresolved(s)
        unsupported_total += len(unresolved)
        allocated = False
        alloc_error = None
        if not unresolved:
            try:
                core.allocate_tensors(s)
                allocated = True
            except EdgeliteError as e:
                alloc_error = str(e)
        n_params = 0
        param_bytes = 0
        for t in range(core.num_tensors(s)):
            info = core.tensor_info(s, t)
            if info["allocation"] == "constant":  # model constants, not values folded at prepare
                count = int(np.prod(info["shape"])) if len(info["shape"]) else 1
                n_params += count
                param_bytes += count * np.dtype(info["dtype"]).itemsize
        name = core.subgraph_name(s) or f"subgraph {s}"
        print(f"\n== subgraph {s} ({name}): {len(core.nodes(s))} operators, {core.num_tensors(s)} tensors")
        print("inputs:  " + ", ".join(f"{core.tensor_info(s, t)['name']} {_fmt_tensor(interp, t, s)}"
                                      for t in core.inputs(s)))
        print("outputs: " + ", ".join(f"{core.tensor_info(s, t)['name']} {_fmt_tensor(interp, t, s)}"
                                      for t in core.outputs(s)))
        print(f"constant parameters: {n_params:,} values ({param_bytes / 1024:.1f} KiB)")
        if allocated:
            print(f"arena: {core.arena_bytes(s) / 1024:.1f} KiB (one buffer for all activations)")
        elif alloc_error:
            print(f"arena: not planned: {alloc_error}")
        unresolved_nodes = {int(u.split(":")[0].split()[1]) for u in unresolved}
        print(f"{'#':>4}  {'operator':<24} {'ver':>3}  inputs -> outputs  [kernel]")
        for node in core.nodes(s):
            mark = "  <-- cannot run" if node["index"] in unresolved_nodes else ""
            kernel = f"  [{node['kernel']}]" if node["kernel"] else ""
            ins = ", ".join(_fmt_tensor(interp, t, s) for t in node["inputs"])
            outs = ", ".join(_fmt_tensor(interp, t, s) for t in node["outputs"])
            print(f"{node['index']:>4}  {node['op_name']:<24} {node['version']:>3}  {ins} -> {outs}{kernel}{mark}")
        for u in unresolved:
            print(f"unsupported: {u}")
    if unsupported_total:
        print(f"\n{unsupported_total} operator(s) cannot run in this build")
    else:
        print("\nall operators are supported by this build")
    return 0


def benchmark_interpreter(interp, runs: int, warmup: int, seed: int = 0):
    """Times `runs` invokes after `warmup` ones; returns per-run milliseconds."""
    rng = np.random.default_rng(seed)
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], _random_input(d, rng))
    for _ in range(warmup):
        interp.invoke()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interp.invoke()
        times.append((time.perf_counter() - start) * 1000)
    return np.asarray(times)


def cmd_benchmark(args) -> int:
    from .interpreter import Interpreter
    interp = Interpreter(model_path=args.model, num_threads=args.threads)
    interp.allocate_tensors()
    times = benchmark_interpreter(interp, args.runs, args.warmup)
    from . import _core
    print(f"model: {args.model}  threads: {args.threads}  warm-up: {args.warmup}  runs: {args.runs}  "
          f"instruction set: {_core.cpu_features()['best_available']}")
    print(f"latency ms: median {np.median(times):.3f}  mean {times.mean():.3f}  min {times.min():.3f}  "
          f"p90 {np.percentile(times, 90):.3f}  p99 {np.percentile(times, 99):.3f}")
    if args.no_profile:
        return 0
    core = interp._core
    core.enable_profiling(0, True)
    for _ in range(max(1, min(args.runs, 20))):
        interp.invoke()
    runs = core.profile_runs(0)
    rows = core.profile(0)
    total = sum(ns for _, _, ns in rows) or 1
    by_type = {}
    for _, op, ns in rows:
        t = by_type.setdefault(op, [0, 0])
        t[0] += ns
        t[1] += 1
    print(f"\nper-operator-type profile (average over {runs} runs)")
    print(f"{'operator':<28} {'count':>5} {'avg ms':>9} {'%':>6} {'cum %':>6}")
    cum = 0.0
    for op, (ns, count) in sorted(by_type.items(), key=lambda kv: -kv[1][0]):
        pct = 100.0 * ns / total
        cum += pct
        print(f"{op:<28} {count:>5} {ns / runs / 1e6:>9.3f} {pct:>6.1f} {cum:>6.1f}")
    kernels = {n["index"]: n["kernel"] or "" for n in core.nodes(0)}
    print(f"\ntop {args.top} nodes")
    print(f"{'#':>4} {'operator':<28} {'avg ms':>9} {'%':>6}  kernel")
    for n, op, ns in sorted(rows, key=lambda r: -r[2])[:args.top]:
        print(f"{n:>4} {op:<28} {ns / runs / 1e6:>9.3f} {100.0 * ns / total:>6.1f}  {kernels.get(n, '')}")
    return 0


def _load_source(path: str):
    """An .onnx file is passed to the converter as it is; anything else must be a saved training model."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file: {path}")
    if path.lower().endswith(".onnx"):
        return path
    from .training import load_model
    try:
        return load_model(path, compile=False)
    except Exception as e:  # the training loader reports its own format problems
        raise SystemExit(f"edgelite: error: {path} is neither an .onnx file nor a saved edgelite.training "
                         f"model ({e})")


def cmd_convert(args) -> int:
    from .converter import convert
    from .schema.Model import Model
    content = convert(_load_source(args.source), nhwc_inputs=args.nhwc_inputs)
    with open(args.output, "wb") as f:
        f.write(content)
    model = Model.GetRootAs(content, 0)
    codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
    from .model_builder import enum_name
    from .schema.BuiltinOperator import BuiltinOperator
    counts = {}
    n_params = 0
    for s in range(model.SubgraphsLength()):
        sg = model.Subgraphs(s)
        for o in range(sg.OperatorsLength()):
            code = codes[sg.Operators(o).OpcodeIndex()]
            name = enum_name(BuiltinOperator, max(code.BuiltinCode(), code.DeprecatedBuiltinCode()))
            counts[name] = counts.get(name, 0) + 1
        for t in range(sg.TensorsLength()):
            tensor = sg.Tensors(t)
            buf = model.Buffers(tensor.Buffer())
            if tensor.Buffer() and buf is not None and buf.DataLength() > 0:
                n_params += int(np.prod(tensor.ShapeAsNumpy())) if tensor.ShapeLength() else 1
    total = sum(counts.values())
    print(f"converted {args.source} -> {args.output}")
    print(f"operators: {total} (" + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
          + ")")
    print(f"parameters: {n_params:,}")
    print(f"file size: {len(content) / 1024:.1f} KiB")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edgelite", description="On-device inference for .tflite models")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run a model once on given or random inputs")
    r.add_argument("model")
    r.add_argument("--input", action="append", metavar="NAME=FILE.npy", help="an input from a .npy file")
    r.add_argument("--output-dir", help="write each output as a .npy file here")
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    r.set_defaults(func=cmd_run)

    i = sub.add_parser("inspect", help="show subgraphs, operators, shapes, parameters and arena memory")
    i.add_argument("model")
    i.set_defaults(func=cmd_inspect)

    b = sub.add_parser("benchmark", help="time a model: median and percentiles, and a per-operator profile")
    b.add_argument("model")
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--runs", type=int, default=50)
    b.add_argument("--warmup", type=int, default=5)
    b.add_argument("--top", type=int, default=10, help="how many of the slowest nodes to list")
    b.add_argument("--no-profile", action="store_true", help="skip the per-operator table")
    b.set_defaults(func=cmd_benchmark)

    c = sub.add_parser("convert", help="convert an ONNX model or a saved edgelite.training model to .tflite")
    c.add_argument("source", help="an .onnx file or a saved training model")
    c.add_argument("-o", "--output", required=True, help="the .tflite file to write")
    c.add_argument("--nhwc-inputs", action="store_true", help="take NHWC inputs instead of the source's NCHW")
    c.set_defaults(func=cmd_convert)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except EdgeliteError as e:
        print(f"edgelite: error: {e}", file=sys.stderr)
        return 1
    except FileNotFoundError as e:
        print(f"edgelite: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
