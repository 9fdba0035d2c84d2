"""Latency in LiteRT of the ways the converter can write a recurrent layer (the measurements behind
converter/recurrent.py's choices): fused sequence operator against unrolled steps for LSTM and SimpleRNN,
unrolled steps against a WHILE loop (an ONNX Scan with a GRU cell body) for GRU.

    python benchmarks/recurrent_lowering.py [--xnnpack] [--runs 300]

Batch 1, 8 input features, one thread, median of `runs` invokes after a warm-up.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

SIZES = [(12, 16), (50, 64)]  # (time steps, units)
FEATURES = 8


def _median_us(content, feeds, runs, xnnpack):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    resolver = OpResolverType.AUTO if xnnpack else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interp = Interpreter(model_content=content, num_threads=1, experimental_op_resolver_type=resolver)
    interp.allocate_tensors()
    details = interp.get_input_details()
    times = []
    for k in range(runs + 20):
        start = time.perf_counter()
        for d, x in zip(details, feeds):
            interp.set_tensor(d["index"], x)
        interp.invoke()
        if k >= 20:
            times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e6


def _keras_like(kind, steps, units, unroll):
    from edgelite import training as et
    from edgelite.converter import convert
    et.set_random_seed(0)
    model = et.Sequential([et.Input((steps, FEATURES)), getattr(et.layers, kind)(units, unroll=unroll)])
    return convert(model), model


def _gru_scan(gru_layer, steps, units):
    """The same GRU (Keras reset_after, no bias) as an ONNX Scan whose body is one cell step."""
    from onnx import TensorProto, helper, numpy_helper
    from edgelite.converter import convert
    kernel, recurrent = (w.data for w in gru_layer.weights)
    n = helper.make_node
    nodes = []
    for k, g in enumerate("zr"):
        nodes += [n("MatMul", ["xt", f"W{g}"], [f"x{g}"]), n("MatMul", ["h", f"R{g}"], [f"h{g}"]),
                  n("Add", [f"x{g}", f"h{g}"], [f"p{g}"]), n("Sigmoid", [f"p{g}"], [g])]
    nodes += [n("MatMul", ["xt", "Wh"], ["xh"]), n("MatMul", ["h", "Rh"], ["hh"]), n("Mul", ["r", "hh"], ["rh"]),
              n("Add", ["xh", "rh"], ["ph"]), n("Tanh", ["ph"], ["cand"]), n("Sub", ["h", "cand"], ["d"]),
              n("Mul", ["z", "d"], ["zd"]), n("Add", ["cand", "zd"], ["hn"])]
    f = TensorProto.FLOAT
    body = helper.make_graph(nodes, "cell", [helper.make_tensor_value_info("h", f, [1, units]),
                                             helper.make_tensor_value_info("xt", f, [1, FEATURES])],
                             [helper.make_tensor_value_info("hn", f, [1, units])])
    weights = {}
    for k, g in enumerate("zrh"):
        weights[f"W{g}"] = kernel[:, k * units:(k + 1) * units]
        weights[f"R{g}"] = recurrent[:, k * units:(k + 1) * units]
    graph = helper.make_graph([n("Scan", ["h0", "x"], ["hf"], body=body, num_scan_inputs=1)], "gru",
                              [helper.make_tensor_value_info("h0", f, [1, units]),
                               helper.make_tensor_value_info("x", f, [steps, 1, FEATURES])],
                              [helper.make_tensor_value_info("hf", f, [1, units])],
                              [numpy_helper.from_array(np.ascontiguousarray(a), k) for k, a in weights.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    return convert(model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xnnpack", action="store_true", help="LiteRT's default delegate on (off by default)")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    from edgelite import training as et
    print(f"LiteRT, {'XNNPACK' if args.xnnpack else 'builtin kernels'}, batch 1, {FEATURES} features, 1 thread")
    for steps, units in SIZES:
        x = np.random.default_rng(0).standard_normal((1, steps, FEATURES)).astype(np.float32)
        for kind in ("LSTM", "SimpleRNN"):
            fused, _ = _keras_like(kind, steps, units, unroll=False)
            unrolled, _ = _keras_like(kind, steps, units, unroll=True)
            print(f"{kind:9s} T={steps:3d} units={units:3d}: fused {_median_us(fused, [x], args.runs, args.xnnpack):7.1f} us"
                  f"   unrolled {_median_us(unrolled, [x], args.runs, args.xnnpack):7.1f} us")
        et.set_random_seed(0)
        model = et.Sequential([et.Input((steps, FEATURES)), et.layers.GRU(units, use_bias=False)])
        from edgelite.converter import convert
        unrolled = convert(model)
        loop = _gru_scan(model.layers[0], steps, units)
        h0 = np.zeros((1, units), np.float32)
        print(f"{'GRU':9s} T={steps:3d} units={units:3d}: WHILE {_median_us(loop, [h0, np.transpose(x, (1, 0, 2))], args.runs, args.xnnpack):7.1f} us"
              f"   unrolled {_median_us(unrolled, [x], args.runs, args.xnnpack):7.1f} us")


if __name__ == "__main__":
    main()
