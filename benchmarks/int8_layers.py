"""Per-layer timing of a quantized model's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED layers, side by side:
edgelite, LiteRT's builtin kernels (XNNPACK off) and LiteRT with XNNPACK, each layer cut out of the model as a
one-op model with its weights, quantization and options, on random int8 inputs. Reports every layer's time,
GOP/s (2 ops per multiply-add) and the ratios, and the sums per operator and in total: the share of a model
that these kernels own, measurable before every other operator of the model exists.

    PYTHONPATH=build/dev/site python benchmarks/int8_layers.py [MODEL.tflite ...] [--threads 1] [--rounds 5]
        [--runs 20] [--only CONV_2D] [--layers]
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time

import flatbuffers
import numpy as np

from edgelite.schema.BuiltinOperator import BuiltinOperator
from edgelite.schema.Model import Model, ModelT
from edgelite.schema.Buffer import BufferT
from edgelite.schema.SubGraph import SubGraphT

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODELS = [os.path.join(HERE, "..", "tests", "models", "tf_quant", m)
                  for m in ("mobilenet_v2_int8.tflite", "mobilenet_v3_small_int8.tflite")]
FAMILY = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")


def one_op_models(path, ops=FAMILY):
    """(index, name, model bytes, input shape and dtype, multiply-adds) for every operator named in `ops`."""
    with open(path, "rb") as f:
        model = ModelT.InitFromObj(Model.GetRootAs(f.read(), 0))
    sg = model.subgraphs[0]
    names = {getattr(BuiltinOperator, n): n for n in ops}
    for index, op in enumerate(sg.operators):
        code = model.operatorCodes[op.opcodeIndex]
        name = names.get(max(code.builtinCode, code.deprecatedBuiltinCode))
        if name is None:
            continue
        m = ModelT()
        m.version = model.version
        m.operatorCodes = [copy.deepcopy(code)]
        m.buffers = [BufferT()]
        g = SubGraphT()
        g.tensors = []
        remap = {}
        for t in list(op.inputs) + list(op.outputs):
            if t < 0 or t in remap:
                continue
            tensor = copy.deepcopy(sg.tensors[t])
            data = model.buffers[tensor.buffer].data if tensor.buffer else None
            if data is not None and len(data):
                m.buffers.append(BufferT())
                m.buffers[-1].data = data
                tensor.buffer = len(m.buffers) - 1
            else:
                tensor.buffer = 0
            remap[t] = len(g.tensors)
            g.tensors.append(tensor)
        new_op = copy.deepcopy(op)
        new_op.opcodeIndex = 0
        new_op.inputs = [remap[t] if t >= 0 else -1 for t in op.inputs]
        new_op.outputs = [remap[t] for t in op.outputs]
        g.operators = [new_op]
        g.inputs = [remap[op.inputs[0]]]
        g.outputs = [remap[t] for t in op.outputs]
        m.subgraphs = [g]
        b = flatbuffers.Builder(1024)
        b.Finish(m.Pack(b), file_identifier=b"TFL3")
        x, w, y = sg.tensors[op.inputs[0]], sg.tensors[op.inputs[1]], sg.tensors[op.outputs[0]]
        out = int(np.prod(y.shape))
        per_output = int(np.prod(w.shape[1:])) if name != "DEPTHWISE_CONV_2D" else int(np.prod(w.shape[1:3]))
        yield index, name, bytes(b.Output()), list(x.shape), out * per_output, list(w.shape)


def interpreters(model, threads, xnnpack):
    import edgelite
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    made = [edgelite.Interpreter(model_content=model, num_threads=threads),
            Interpreter(model_content=model, num_threads=threads,
                        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)]
    if xnnpack:
        made.append(Interpreter(model_content=model, num_threads=threads,
                                experimental_op_resolver_type=OpResolverType.AUTO))
    for interp in made:
        interp.allocate_tensors()
    return made


def time_layer(model, shape, threads, rounds, runs, xnnpack):
    made = interpreters(model, threads, xnnpack)
    x = np.random.default_rng(0).integers(-128, 128, shape).astype(np.int8)
    outputs = []
    for interp in made:
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        outputs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
    times = [[] for _ in made]
    for _ in range(rounds):
        for t, interp in zip(times, made):
            for _ in range(runs):
                start = time.perf_counter()
                interp.invoke()
                t.append(time.perf_counter() - start)
    # Steps between edgelite and LiteRT's builtin kernels (which round some values differently, see
    # docs/integer_kernels.md section 3); edgelite equals the reference kernels, which the tests check.
    diff = int(np.max(np.abs(outputs[0].astype(np.int32) - outputs[1].astype(np.int32))))
    return [float(np.min(t)) * 1e3 for t in times], diff


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--only", choices=FAMILY, default=None)
    p.add_argument("--layers", action="store_true", help="print every layer")
    p.add_argument("--no-xnnpack", action="store_true")
    args = p.parse_args(argv)
    xnnpack = not args.no_xnnpack
    for path in args.models or DEFAULT_MODELS:
        print(f"{os.path.basename(path)}  threads={args.threads}  best of {args.rounds} x {args.runs} runs (ms)")
        sums = {}
        header = f"{'#':>4} {'op':<18} {'filter':<20} {'edgelite':>9} {'GOP/s':>7} {'builtin':>9} {'ratio':>6}"
        if xnnpack:
            header += f" {'xnnpack':>9} {'ratio':>6}"
        if args.layers:
            print(header)
        for index, name, model, shape, macs, w_shape in one_op_models(path, (args.only,) if args.only else FAMILY):
            ms, diff = time_layer(model, shape, args.threads, args.rounds, args.runs, xnnpack)
            s = sums.setdefault(name, [0.0] * len(ms) + [0])
            for i, v in enumerate(ms):
                s[i] += v
            s[-1] += macs
            if args.layers:
                row = (f"{index:>4} {name:<18} {'x'.join(map(str, w_shape)):<20} {ms[0]:>9.4f} "
                       f"{2 * macs / ms[0] / 1e6:>7.1f} {ms[1]:>9.4f} {ms[0] / ms[1]:>6.2f}")
                if xnnpack:
                    row += f" {ms[2]:>9.4f} {ms[0] / ms[2]:>6.2f}"
                print(row + (f"  (differs from builtin by up to {diff})" if diff > 1 else ""))
        total = [sum(s[i] for s in sums.values()) for i in range(2 + xnnpack)]
        total_macs = sum(s[-1] for s in sums.values())
        for name, s in list(sums.items()) + [("total", total + [total_macs])]:
            row = (f"  {name:<18} edgelite {s[0]:8.3f} ms ({2 * s[-1] / s[0] / 1e6:6.1f} GOP/s)  builtin "
                   f"{s[1]:8.3f} ({s[0] / s[1]:.2f}x)")
            if xnnpack:
                row += f"  xnnpack {s[2]:8.3f} ({s[0] / s[2]:.2f}x)"
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
