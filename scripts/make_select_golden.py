"""Makes the select-ops golden files in tests/models/select/ with TensorFlow (run with a TF install,
e.g. /work/tfenv/bin/python scripts/make_select_golden.py):

- node_defs/<name>.pb: NodeDefs serialized by TensorFlow itself, taken from traced tf.functions, and
  node_defs/<name>.json: TensorFlow's own parse of the same bytes, in the JSON layout that
  libedgelite_select's `edgelite_select_describe` writes, so the decoder is checked against TF.
- <model>.tflite: tf.functions converted by tf.lite.TFLiteConverter with SELECT_TF_OPS (Flex ops mixed
  with builtins), and <model>.io.npz: fixed inputs with TensorFlow's own outputs of the function.
- tf_ops.json + tf_ops.npz: single ops run by TensorFlow (tf.raw_ops) with their attributes, inputs and
  outputs, for ops the converter lowers to builtins (NonMaxSuppression, Conv3D, StridedSlice) or whose
  outputs must match bit for bit (the stateless random ops); tests replay them through the library.
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

    # The select-ops kernels added second draw from their own generator, so the first models keep their inputs.
    rng2 = np.random.default_rng(1)
    complex_input = lambda shape: (rng2.standard_normal(shape) + 1j * rng2.standard_normal(shape)).astype(np.complex64)

    @tf.function(input_signature=[tf.TensorSpec([2, 5, 6, 3], tf.float32)])
    def select_image(x):
        legacy = tf.compat.v1.image.resize_bicubic(x, [9, 7])
        corners = tf.compat.v1.image.resize_bicubic(x, [4, 11], align_corners=True)
        half = tf.compat.v1.image.resize_bicubic(x, [8, 8], half_pixel_centers=True)
        boxes = tf.constant([[0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], [-0.2, 0.3, 1.1, 0.8], [0.9, 0.8, 0.1, 0.2]])
        crops = tf.image.crop_and_resize(x, boxes, tf.constant([0, 1, 1, 0]), [4, 5], extrapolation_value=-2.0)
        nearest = tf.image.crop_and_resize(x * 2.0, boxes, tf.constant([1, 0, 0, 1]), [3, 3], method="nearest")
        return legacy, corners, half, crops, nearest

    @tf.function(input_signature=[tf.TensorSpec([2, 5, 6, 7, 3], tf.float32)])
    def select_volume(x):
        avg = tf.nn.avg_pool3d(x, [2, 3, 2], [2, 2, 1], "SAME")
        mx = tf.nn.max_pool3d(tf.nn.relu(x), [3, 2, 2], [1, 2, 3], "VALID")
        return avg * 2.0, mx

    @tf.function(input_signature=[tf.TensorSpec([3, 8], tf.complex64), tf.TensorSpec([2, 4, 6], tf.complex64)])
    def select_fft(a, b):
        return tf.signal.fft(a), tf.signal.ifft(a), tf.signal.fft2d(b), tf.signal.ifft2d(b), \
            tf.signal.irfft(a, [12]) * 3.0, tf.signal.irfft2d(b, [4, 9])

    @tf.function(input_signature=[tf.TensorSpec([4, 5], tf.float32), tf.TensorSpec([2], tf.int32)])
    def select_random(x, seed):
        u = tf.raw_ops.StatelessRandomUniform(shape=[4, 5], seed=seed, dtype=tf.float32)
        n = tf.raw_ops.StatelessRandomNormal(shape=[4, 5], seed=tf.constant([7, -3], tf.int64), dtype=tf.float32)
        return x + u, n * 2.0

    return {
        "select_math": (select_math, [rng.standard_normal((2, 8)).astype(np.float32) * 2]),
        "select_linalg": (select_linalg, [rng.standard_normal((2, 3, 3)).astype(np.float32),
                                          rng.standard_normal((2, 3, 2)).astype(np.float32)]),
        "select_patches": (select_patches, [rng.standard_normal((1, 6, 6, 2)).astype(np.float32)]),
        "select_segments": (select_segments, [rng.standard_normal((6, 4)).astype(np.float32)]),
        "select_image": (select_image, [rng2.standard_normal((2, 5, 6, 3)).astype(np.float32)]),
        "select_volume": (select_volume, [rng2.standard_normal((2, 5, 6, 7, 3)).astype(np.float32)]),
        "select_fft": (select_fft, [complex_input((3, 8)), complex_input((2, 4, 6))]),
        "select_random": (select_random, [rng2.standard_normal((4, 5)).astype(np.float32), np.array([3, 11], np.int32)]),
    }


def op_cases():
    """[(op, {input name: array} in op order, {attribute: value})] run by tf.raw_ops; `T`-style type
    attributes are inferred by TF from the inputs and given here only where an op needs them."""
    rng = np.random.default_rng(2)
    i32 = lambda v: np.array(v, np.int32)
    f32 = lambda v: np.array(v, np.float32)
    cases = []
    for op in ("StatelessRandomUniform", "StatelessRandomNormal"):
        for dtype in (tf.float32, tf.float64):
            for seed, seed_type, shape in (([1, 2], np.int32, [3, 7]), ([-7, 123456789], np.int64, [1001]),
                                           ([0, 0], np.int32, [2, 3, 5]), ([2**40, -(2**35)], np.int64, [4, 4])):
                cases.append((op, {"shape": i32(shape), "seed": np.array(seed, seed_type)}, {"dtype": dtype}))
    corners = rng.uniform(0, 10, (40, 2))
    boxes = np.concatenate([corners, corners + rng.uniform(1, 4, (40, 2))], 1).astype(np.float32)
    boxes[::3] = boxes[::3][:, [2, 3, 0, 1]]
    scores = rng.permutation(40).astype(np.float32) / 40
    nms = {"boxes": boxes, "scores": scores, "max_output_size": i32(15), "iou_threshold": f32(0.3),
           "score_threshold": f32(0.1)}
    cases.append(("NonMaxSuppressionV3", nms, {}))
    for pad in (False, True):
        cases.append(("NonMaxSuppressionV4", nms, {"pad_to_max_output_size": pad}))
        for sigma in (0.0, 0.5):
            cases.append(("NonMaxSuppressionV5", dict(nms, soft_nms_sigma=f32(sigma)), {"pad_to_max_output_size": pad}))
    for xs, ws, strides, dilations, padding in (((1, 5, 6, 4, 3), (2, 3, 2, 3, 4), [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "SAME"),
                                                ((2, 6, 5, 7, 2), (3, 2, 3, 2, 3), [1, 2, 1, 2, 1], [1, 1, 1, 1, 1], "VALID"),
                                                ((1, 7, 7, 5, 2), (2, 2, 2, 2, 2), [1, 1, 1, 1, 1], [1, 2, 1, 2, 1], "SAME")):
        x, w = rng.standard_normal(xs).astype(np.float32), rng.standard_normal(ws).astype(np.float32)
        attrs = {"strides": strides, "dilations": dilations, "padding": padding}
        cases.append(("Conv3D", {"input": x, "filter": w}, attrs))
        y = tf.raw_ops.Conv3D(input=x, filter=w, **attrs).numpy()
        dy = rng.standard_normal(y.shape).astype(np.float32)
        cases.append(("Conv3DBackpropInputV2", {"input_sizes": i32(xs), "filter": w, "out_backprop": dy}, attrs))
    x = rng.standard_normal((3, 4, 5, 6)).astype(np.float32)
    for begin, end, strides, masks in (([1, 0, -1], [3, 0, 0], [1, 1, -2], dict(ellipsis_mask=2, end_mask=4)),
                                       ([0, 2, 0, 1], [0, 3, 0, 5], [1, 1, 1, 2],
                                        dict(new_axis_mask=1, shrink_axis_mask=2, begin_mask=8)),
                                       ([-1, 0], [0, 0], [-1, 1], dict(begin_mask=1, end_mask=3, ellipsis_mask=2)),
                                       ([0, 1, 0, 0, 0], [0, 2, 0, 0, 0], [1, 1, 1, 1, -1],
                                        dict(new_axis_mask=5, shrink_axis_mask=2, begin_mask=16, end_mask=24))):
        cases.append(("StridedSlice", {"input": x, "begin": i32(begin), "end": i32(end), "strides": i32(strides)},
                      masks))
    return cases


def attr_to_json(value):
    return {"type": value.name} if isinstance(value, tf.dtypes.DType) else value


def write_op_cases():
    described, arrays = [], {}
    for k, (op, inputs, attrs) in enumerate(op_cases()):
        outputs = getattr(tf.raw_ops, op)(**inputs, **attrs)
        outputs = outputs if isinstance(outputs, (tuple, list)) else [outputs]
        for i, v in enumerate(inputs.values()):
            arrays[f"{k}/input_{i}"] = v
        for i, v in enumerate(outputs):
            arrays[f"{k}/output_{i}"] = v.numpy()
        described.append({"op": op, "inputs": list(inputs), "outputs": len(outputs),
                          "attrs": {a: attr_to_json(v) for a, v in attrs.items()}})
    with open(os.path.join(OUT, "tf_ops.json"), "w") as f:
        json.dump({"tf": tf.__version__, "cases": described}, f, indent=1)
    np.savez(os.path.join(OUT, "tf_ops.npz"), **arrays)


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
    write_op_cases()
    print("tf", tf.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
