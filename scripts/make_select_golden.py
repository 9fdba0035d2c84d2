"""Makes the select-ops golden files in tests/models/select/ with TensorFlow (run with a TF install,
e.g. /work/tfenv/bin/python scripts/make_select_golden.py):

- node_defs/<name>.pb: NodeDefs serialized by TensorFlow itself, taken from traced tf.functions, and
  node_defs/<name>.json: TensorFlow's own parse of the same bytes, in the JSON layout that
  libedgelite_select's `edgelite_select_describe` writes, so the decoder is checked against TF.
- <model>.tflite: tf.functions converted by tf.lite.TFLiteConverter with SELECT_TF_OPS (Flex ops mixed
  with builtins), and <model>.io.npz: fixed inputs with TensorFlow's own outputs of the function.
Reruns with the same TF version give the same NodeDefs and outputs; the .tflite bytes differ run to run
(the converter does not write identical files), which changes nothing the tests read."""

import json
import os
import sys

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "select")


def latin1(b: bytes) -> str:
    return b.decode("latin-1")


def shape_json(s):
    return {"unknown_rank": bool(s.unknown_rank), "dim": [int(d.size) for d in s.dim]}


def floats(values):
    out = []
    for v in values:
        v = float(np.float32(v)) if isinstance(v, float) else float(v)
        out.append(v if np.isfinite(v) else str(v))
    return out


def tensor_json(t):
    return {"dtype": int(t.dtype), "shape": shape_json(t.tensor_shape), "tensor_content": latin1(t.tensor_content),
            "half_val": list(t.half_val), "float_val": floats(t.float_val), "double_val": floats(t.double_val),
            "int_val": list(t.int_val), "string_val": [latin1(s) for s in t.string_val],
            "int64_val": list(t.int64_val), "bool_val": list(t.bool_val), "uint32_val": list(t.uint32_val),
            "uint64_val": list(t.uint64_val)}


def attr_json(a):
    kind = a.WhichOneof("value")
    if kind is None:
        return {"kind": "unset", "value": None}
    if kind == "list":
        l = a.list
        value = {"s": [latin1(s) for s in l.s], "i": list(l.i), "f": floats(l.f), "b": list(l.b),
                 "type": [int(t) for t in l.type], "shape": [shape_json(s) for s in l.shape],
                 "tensor": [tensor_json(t) for t in l.tensor], "func": [f.name for f in l.func]}
        return {"kind": "list", "value": value}
    simple = {"s": ("string", lambda: latin1(a.s)), "i": ("int", lambda: a.i), "f": ("float", lambda: floats([a.f])),
              "b": ("bool", lambda: a.b), "type": ("type", lambda: int(a.type)),
              "shape": ("shape", lambda: shape_json(a.shape)), "tensor": ("tensor", lambda: tensor_json(a.tensor)),
              "placeholder": ("placeholder", lambda: a.placeholder), "func": ("func", lambda: a.func.name)}
    name, get = simple[kind]
    return {"kind": name, "value": get()}


def node_def_json(nd):
    return {"name": nd.name, "op": nd.op, "input": list(nd.input), "device": nd.device,
            "attr": {k: attr_json(nd.attr[k]) for k in sorted(nd.attr)}}


def node_defs():
    """Traces functions whose graphs hold the attribute kinds the decoder must read."""
    @tf.function(input_signature=[tf.TensorSpec([2, 3, 4], tf.float32), tf.TensorSpec([2, 4, 5], tf.float32)])
    def graph_ops(a, b):
        e = tf.einsum("...ij,...jk->...ik", a, b)
        c = tf.math.cumsum(a, axis=1, exclusive=True, reverse=True)
        d = tf.linalg.diag(tf.ones([2, 3, 4]), k=(-1, 1), num_rows=5, align="LEFT_RIGHT")
        p = tf.image.extract_patches(tf.reshape(a, [1, 2, 12, 1]), [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME")
        v, i = tf.math.top_k(tf.reshape(b, [-1]), k=3, sorted=True)
        u = tf.unique(tf.cast(tf.reshape(a, [-1]), tf.int64), out_idx=tf.int64)
        s = tf.raw_ops.StridedSlice(input=a, begin=[0, 1, 0], end=[2, 3, 4], strides=[1, 1, 2], begin_mask=1,
                                    ellipsis_mask=0, shrink_axis_mask=4)
        big = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4)) * 1.5
        return e, c, d, p, v, i, u.y, s, big, tf.constant([1.5, -2.0]), tf.constant([7], tf.int64), \
            tf.constant(True), tf.constant("a\x00b\xff".encode("latin-1")), tf.constant([1, 2, 3], tf.int32)

    graph = graph_ops.get_concrete_function().graph.as_graph_def()
    wanted = {"Einsum", "Cumsum", "MatrixDiagV3", "ExtractImagePatches", "TopKV2", "Unique", "StridedSlice",
              "Const", "Placeholder", "Cast", "Reshape"}
    out = {}
    for nd in graph.node:
        if nd.op in wanted:
            out[nd.name.replace("/", "_")] = nd
    return out


def models():
    """tf.functions mixing Flex ops with builtins, with fixed inputs."""
    rng = np.random.default_rng(0)

    @tf.function(input_signature=[tf.TensorSpec([2, 8], tf.float32)])
    def select_math(x):
        a = tf.math.erf(x) * 2.0 + tf.math.lgamma(tf.abs(x) + 1.0)
        b = tf.math.cumprod(tf.nn.sigmoid(x), axis=1, exclusive=True, reverse=True)
        # Digamma and Erfc are outside TF's Flex allowlist (the converter refuses them), so not here.
        c = tf.roll(tf.math.softplus(x) + tf.math.sign(x), shift=[3, 1], axis=[1, 0])
        return tf.concat([a, b, c], axis=0)

    @tf.function(input_signature=[tf.TensorSpec([2, 3, 3], tf.float32), tf.TensorSpec([2, 3, 2], tf.float32)])
    def select_linalg(a, b):
        spd = tf.matmul(a, a, transpose_b=True) + 3.0 * tf.eye(3)
        inv = tf.linalg.inv(spd)
        chol = tf.linalg.cholesky(spd)
        det = tf.linalg.det(spd)
        # MatrixSolve is outside TF's Flex allowlist (the converter refuses it), so not here.
        return tf.matmul(inv, b), chol, det

    @tf.function(input_signature=[tf.TensorSpec([1, 6, 6, 2], tf.float32)])
    def select_patches(x):
        p = tf.image.extract_patches(x, [1, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
        return tf.nn.relu(p - 0.1) + tf.math.softplus(p)

    @tf.function(input_signature=[tf.TensorSpec([6, 4], tf.float32)])
    def select_segments(x):
        ids = tf.constant([0, 2, 2, 1, 0, 4])
        s = tf.raw_ops.Bincount(arr=ids, size=5, weights=x[:, 0]) + tf.reduce_sum(x)
        m = tf.math.segment_mean(x, tf.constant([0, 0, 1, 1, 1, 3]))
        # (MatrixBandPart is lowered by the converter to builtins, so it is tested by the kernel tests only.)
        prod = tf.math.cumprod(tf.matmul(x, x, transpose_a=True), axis=0, reverse=True)
        return s * 2.0, m, prod

    return {
        "select_math": (select_math, [rng.standard_normal((2, 8)).astype(np.float32) * 2]),
        "select_linalg": (select_linalg, [rng.standard_normal((2, 3, 3)).astype(np.float32),
                                          rng.standard_normal((2, 3, 2)).astype(np.float32)]),
        "select_patches": (select_patches, [rng.standard_normal((1, 6, 6, 2)).astype(np.float32)]),
        "select_segments": (select_segments, [rng.standard_normal((6, 4)).astype(np.float32)]),
    }


def main():
    os.makedirs(os.path.join(OUT, "node_defs"), exist_ok=True)
    for name, nd in sorted(node_defs().items()):
        with open(os.path.join(OUT, "node_defs", name + ".pb"), "wb") as f:
            f.write(nd.SerializeToString(deterministic=True))
        with open(os.path.join(OUT, "node_defs", name + ".json"), "w") as f:
            json.dump(node_def_json(nd), f, indent=1, sort_keys=True)
    for name, (fn, inputs) in models().items():
        conc = fn.get_concrete_function()
        converter = tf.lite.TFLiteConverter.from_concrete_functions([conc], fn)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
        data = converter.convert()
        with open(os.path.join(OUT, name + ".tflite"), "wb") as f:
            f.write(data)
        outputs = fn(*inputs)
        outputs = outputs if isinstance(outputs, (tuple, list)) else [outputs]
        # Outputs keyed by the converted model's output tensor names, as the interpreter lists them.
        interp_outputs = tf.lite.Interpreter(model_content=data).get_output_details()
        sig = conc.structured_outputs
        arrays = {f"input_{i}": x for i, x in enumerate(inputs)}
        for i, y in enumerate(outputs):
            arrays[f"output_{i}"] = y.numpy()
        np.savez(os.path.join(OUT, name + ".io.npz"), **arrays)
        print(name, len(data), "bytes,", [d["name"] for d in interp_outputs], file=sys.stderr)
    print("tf", tf.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
