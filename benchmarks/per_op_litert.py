"""Per-operator latency of edgelite against LiteRT with XNNPACK: each node of a model is cut out into a model of
its own (the same options, constant inputs and tensor shapes; its other inputs become the graph's inputs) and
both runtimes time that one-node model side by side, alternating rounds. A whole-model ratio says how far
apart the runtimes are; this says where.

    python benchmarks/per_op_litert.py MODEL.tflite [--threads 1] [--rounds 5] [--runs 20] [--top 25]

Rows are sorted by the time edgelite spends over XNNPACK's (ms lost); a node XNNPACK does not take runs on
LiteRT's builtin kernels (LiteRT's Python API does not say which). Fusions across nodes (an activation folded into its producer) are
invisible here by construction: compare whole models with compare_litert.py.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from compare_litert import edgelite_interpreter, litert_interpreter, make_inputs, time_runs  # noqa: E402


def one_node_models(content: bytes):
    """(node index, operator name, input shapes, one-node model bytes) for each node of subgraph 0."""
    import flatbuffers
    from edgelite.model_builder import enum_name
    from edgelite.schema.BuiltinOperator import BuiltinOperator
    from edgelite.schema.Model import Model, ModelT
    base = Model.GetRootAs(content, 0)
    n_ops = base.Subgraphs(0).OperatorsLength()
    for k in range(n_ops):
        model = ModelT.InitFromObj(base)  # fresh per node: the object is edited below
        graph = model.subgraphs[0]
        op = graph.operators[k]
        code = model.operatorCodes[op.opcodeIndex]
        name = enum_name(BuiltinOperator, max(code.builtinCode, code.deprecatedBuiltinCode))
        def constant(t):
            buf = model.buffers[graph.tensors[t].buffer] if graph.tensors[t].buffer < len(model.buffers) else None
            return buf is not None and buf.data is not None and len(buf.data) > 0
        # A weight that a DEQUANTIZE of a constant makes (float16 weights) comes with its DEQUANTIZE, so that
        # it stays a constant to both runtimes (XNNPACK takes no runtime weights).
        producer = {t: o for o in graph.operators for t in o.outputs}
        def constant_dequantize(t):
            o = producer.get(t)
            if o is None or o is op:
                return None
            c = model.operatorCodes[o.opcodeIndex]
            is_dq = enum_name(BuiltinOperator, max(c.builtinCode, c.deprecatedBuiltinCode)) == "DEQUANTIZE"
            return o if is_dq and all(constant(i) for i in o.inputs if i >= 0) else None
        before = [constant_dequantize(t) for t in op.inputs if t >= 0 and not constant(t)]
        before = [o for o in before if o is not None]
        made = {t for o in before for t in o.outputs}
        inputs = [t for t in op.inputs if t >= 0 and not constant(t) and t not in made]
        graph.operators = before + [op]
        graph.inputs = sorted(set(inputs))
        graph.outputs = list(op.outputs)
        shapes = [tuple(graph.tensors[t].shape) for t in graph.inputs]
        b = flatbuffers.Builder(0)
        b.Finish(model.Pack(b), b"TFL3")
        yield k, name, shapes, bytes(b.Output())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args(argv)
    import tempfile
    content = open(args.model, "rb").read()
    rows = []
    skipped = {}  # reason: nodes (a DEQUANTIZE alone, say: XNNPACK refuses a graph that is only that)
    with tempfile.TemporaryDirectory() as tmp:
        for k, name, shapes, data in one_node_models(content):
            path = os.path.join(tmp, f"node{k}.tflite")
            with open(path, "wb") as f:
                f.write(data)
            try:
                ours = edgelite_interpreter(path, args.threads)
                theirs = litert_interpreter(path, args.threads, xnnpack=True)
                inputs = make_inputs(ours.get_input_details())
                for interp in (ours, theirs):
                    for d, x in zip(interp.get_input_details(), inputs):
                        interp.set_tensor(d["index"], x)
                    interp.invoke()
            except (RuntimeError, ValueError) as e:
                skipped.setdefault(f"{name}: {str(e).splitlines()[0]}", []).append(k)
                continue
            t_ours, t_theirs = [], []
            for _ in range(args.rounds):
                t_ours += time_runs(ours, args.runs)
                t_theirs += time_runs(theirs, args.runs)
            a, b = float(np.median(t_ours)) * 1e3, float(np.median(t_theirs)) * 1e3
            rows.append((a - b, k, name, [tuple(int(n) for n in s) for s in shapes], a, b))
    for reason, nodes in skipped.items():
        print(f"skipped {len(nodes)} node(s) ({reason}): {nodes[:8]}{' ...' if len(nodes) > 8 else ''}")
    total_a, total_b = sum(r[4] for r in rows), sum(r[5] for r in rows)
    print(f"{args.model}: threads={args.threads}  sum of nodes: edgelite {total_a:.3f} ms, "
          f"XNNPACK {total_b:.3f} ms, ratio {total_a / total_b:.2f}")
    by_type = {}
    for r in rows:
        t = by_type.setdefault(r[2], [0, 0.0, 0.0])
        t[0] += 1
        t[1] += r[4]
        t[2] += r[5]
    print(f"{'operator':<22} {'count':>5} {'edgelite ms':>11} {'XNNPACK ms':>11} {'ratio':>6}")
    for name, (count, a, b) in sorted(by_type.items(), key=lambda kv: kv[1][2] - kv[1][1]):
        print(f"{name:<22} {count:>5} {a:>11.4f} {b:>11.4f} {a / b:>6.2f}")
    print()
    print(f"{'node':>5} {'operator':<22} {'edgelite ms':>11} {'XNNPACK ms':>11} {'ratio':>6} {'lost ms':>8}  inputs")
    for lost, k, name, shapes, a, b in sorted(rows, reverse=True)[:args.top]:
        print(f"{k:>5} {name:<22} {a:>11.4f} {b:>11.4f} {a / b:>6.2f} {lost:>8.4f}  {shapes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
