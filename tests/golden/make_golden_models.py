#!/usr/bin/env python3
"""Regenerate the committed golden models and their recorded LiteRT outputs.

This script is NOT part of the test suite: it needs TensorFlow, ai-edge-litert
and pip (to fetch the MediaPipe wheel), e.g. a virtualenv with

    pip install tensorflow-cpu==2.21.0 ai-edge-litert==2.3.0 numpy

Run from anywhere:

    python tests/golden/make_golden_models.py              # everything
    python tests/golden/make_golden_models.py --only tf    # only TF-converted models (+ refs + manifest)
    python tests/golden/make_golden_models.py --only mediapipe --fetch-mediapipe
    python tests/golden/make_golden_models.py --only refs  # re-record outputs + manifest only

It writes
  tests/models/tf/*.tflite              models converted by TensorFlow's own TFLiteConverter
  tests/models/mediapipe/*.tflite       MediaPipe's shipped face models (extracted from the PyPI wheel)
  tests/models/<dir>/<model>.io.npz     input_0.., output_0.. recorded with LiteRT's builtin kernels
                                        (XNNPACK off, 1 thread), in get_input_details()/get_output_details() order
  tests/models/manifest.json            per model: path, inputs, outputs, op list, source, notes

Everything is seeded: weights come from keras.utils.set_random_seed(<per-model seed>) plus
numpy generators, reference inputs from numpy.random.default_rng(<per-model seed>).
"""

from __future__ import annotations

import argparse
import collections
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # keep TF numerics plain (only matters for tracing)

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.normpath(os.path.join(HERE, "..", "models"))
TF_DIR = os.path.join(MODELS_DIR, "tf")
MP_DIR = os.path.join(MODELS_DIR, "mediapipe")
MANIFEST = os.path.join(MODELS_DIR, "manifest.json")

# ---------------------------------------------------------------------------------------------
# MediaPipe models: taken verbatim from the mediapipe wheel on PyPI (Apache-2.0).
# ---------------------------------------------------------------------------------------------
MEDIAPIPE_VERSION = "0.10.14"
MEDIAPIPE_WHEEL_TAGS = dict(python_version="3.11", platform="manylinux_2_17_x86_64")
# file name in tests/models/mediapipe -> (path inside the wheel, sha256, input value range)
MEDIAPIPE_FILES = {
    "face_detection_short_range.tflite": (
        "mediapipe/modules/face_detection/face_detection_short_range.tflite",
        "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8", (-1.0, 1.0)),
    "face_detection_full_range_sparse.tflite": (
        "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
        "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1", (-1.0, 1.0)),
    "face_landmark.tflite": (
        "mediapipe/modules/face_landmark/face_landmark.tflite",
        "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814", (0.0, 1.0)),
    "iris_landmark.tflite": (
        "mediapipe/modules/iris_landmark/iris_landmark.tflite",
        "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f", (0.0, 1.0)),
}
# face_detection_full_range.tflite (non-sparse) is not in any mediapipe wheel this index serves
# (0.10.5 .. 0.10.21 ship only the sparse one, 0.10.30+ ship no .tflite, < 0.10.5 are not offered).


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_mediapipe(version: str = MEDIAPIPE_VERSION, strict_hash: bool = True) -> list[str]:
    """pip-download the mediapipe wheel (no deps) and extract the face models into tests/models/mediapipe."""
    os.makedirs(MP_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="edgelite_mp_") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", f"mediapipe=={version}",
               "--only-binary=:all:", "--python-version", MEDIAPIPE_WHEEL_TAGS["python_version"],
               "--platform", MEDIAPIPE_WHEEL_TAGS["platform"], "-d", tmp, "-q"]
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        wheels = glob.glob(os.path.join(tmp, "mediapipe-*.whl"))
        if not wheels:
            raise RuntimeError("pip did not produce a mediapipe wheel")
        written = []
        with zipfile.ZipFile(wheels[0]) as zf:
            for name, (inner, sha, _) in MEDIAPIPE_FILES.items():
                dst = os.path.join(MP_DIR, name)
                with zf.open(inner) as src, open(dst, "wb") as out:
                    shutil.copyfileobj(src, out)
                got = _sha256(dst)
                if version == MEDIAPIPE_VERSION and got != sha:
                    msg = f"{name}: sha256 {got} != expected {sha}"
                    if strict_hash:
                        raise RuntimeError(msg)
                    print("WARNING:", msg)
                written.append(dst)
                print(f"  extracted {inner} -> {os.path.relpath(dst, MODELS_DIR)} ({os.path.getsize(dst)} bytes)")
            lic = [n for n in zf.namelist() if n.endswith(".dist-info/LICENSE")]
            if lic:  # Apache-2.0 text shipped with the wheel, kept next to the models
                with zf.open(lic[0]) as src, open(os.path.join(MP_DIR, "LICENSE"), "wb") as out:
                    shutil.copyfileobj(src, out)
                print(f"  extracted {lic[0]} -> mediapipe/LICENSE")
    return written


# ---------------------------------------------------------------------------------------------
# TF-converted models
# ---------------------------------------------------------------------------------------------
tf = None
keras = None


def _import_tf():
    global tf, keras
    if tf is None:
        import tensorflow as _tf
        import keras as _keras
        _tf.config.threading.set_inter_op_parallelism_threads(2)
        _tf.config.threading.set_intra_op_parallelism_threads(2)
        tf, keras = _tf, _keras
    return tf, keras


def _seed(seed: int) -> np.random.Generator:
    keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def _randomize_batchnorm(model, rng: np.random.Generator):
    """Fresh BatchNormalization layers are identities; give them non-trivial (seeded) statistics."""
    for layer in model.layers if hasattr(model, "layers") else []:
        if isinstance(layer, keras.layers.BatchNormalization):
            new = []
            for w in layer.weights:
                shape = tuple(w.shape)
                n = w.name.split("/")[-1].split(":")[0]
                if "gamma" in n:
                    v = rng.uniform(0.6, 1.4, shape)
                elif "beta" in n:
                    v = rng.uniform(-0.2, 0.2, shape)
                elif "moving_mean" in n:
                    v = rng.uniform(-0.2, 0.2, shape)
                elif "moving_variance" in n:
                    v = rng.uniform(0.6, 1.4, shape)
                else:
                    v = w.numpy()
                new.append(np.asarray(v, np.float32))
            layer.set_weights(new)


def _sharpen(layer, factor: float):
    """Scale a classifier layer's weights: a randomly initialised head gives an almost uniform softmax,
    which would hide errors in the body behind the 1000-way normalisation."""
    layer.set_weights([w * np.float32(factor) for w in layer.get_weights()])


def _convert_fn(fn, fp16=False) -> bytes:
    """Convert a tf.function (fixed input_signature) with TFLiteConverter.from_concrete_functions.

    Variables captured by the function (Keras layers used inside it) are frozen to constants first,
    as the converter would otherwise keep them as VAR_HANDLE/READ_VARIABLE resource variables."""
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    cf = convert_variables_to_constants_v2(fn.get_concrete_function())
    conv = tf.lite.TFLiteConverter.from_concrete_functions([cf])
    return _finish(conv, fp16)


def _convert_keras(model, fp16=False) -> bytes:
    """Convert a Keras model with TFLiteConverter.from_keras_model (batch as the model's Input says)."""
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):  # the Keras export prints its whole signature
        conv = tf.lite.TFLiteConverter.from_keras_model(model)
        return _finish(conv, fp16)


def _finish(conv, fp16):
    if fp16:
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
    return conv.convert()


def _spec(shape, name):
    return tf.TensorSpec(shape, tf.float32, name=name)


# Each builder returns tflite bytes. Registry entry: name -> (builder, seed, input range, note).
def mobilenet_v2_keras(alpha=1.0, size=224, classes=1000, sharpen=20.0, seed=1):
    """The seeded Keras MobileNetV2; the defaults are the benchmark model (tests/golden/make_quant_models.py
    converts the same weights to int8, and narrower ones for its other modes)."""
    _seed(seed)
    rng = np.random.default_rng(seed)
    inp = keras.Input((size, size, 3), batch_size=1, name="input")
    m = keras.applications.MobileNetV2(input_tensor=inp, alpha=alpha, weights=None, classes=classes)
    _randomize_batchnorm(m, rng)
    _sharpen(m.get_layer("predictions"), sharpen)  # alpha 1.0, 224: logits std ~0.17 -> ~3.4
    return m


def mobilenet_v3_small_keras(alpha=1.0, size=224, classes=1000, sharpen=60.0, seed=2):
    """The seeded Keras MobileNetV3Small with its preprocessing (inputs in [0, 255])."""
    _seed(seed)
    rng = np.random.default_rng(seed)
    inp = keras.Input((size, size, 3), batch_size=1, name="input")
    m = keras.applications.MobileNetV3Small(input_tensor=inp, alpha=alpha, weights=None,
                                            classes=classes)  # include_preprocessing=True
    _randomize_batchnorm(m, rng)
    _sharpen(m.get_layer("logits"), sharpen)  # alpha 1.0, 224: logits std ~0.05 -> ~3
    return m


def build_mobilenet_v2():
    return _convert_keras(mobilenet_v2_keras())


def build_mobilenet_v3_small():
    return _convert_keras(mobilenet_v3_small_keras())


def build_convnet_pool_bn_dense():
    _seed(3)
    rng = np.random.default_rng(3)
    L = keras.layers
    x = inp = keras.Input((32, 32, 3), batch_size=1, name="input")
    x = L.Conv2D(8, 3, padding="same", use_bias=False)(x)             # same padding, stride 1
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.Conv2D(16, 3, strides=2, padding="valid")(x)                # valid, stride 2 -> 15x15
    x = L.BatchNormalization()(x)
    x = L.ReLU(max_value=6.0)(x)                                      # ReLU6
    x = L.Conv2D(16, 3, dilation_rate=2, padding="same", activation="relu")(x)   # dilation 2, same
    x = L.Conv2D(16, 3, dilation_rate=2, padding="valid")(x)          # dilation 2, valid -> 11x11
    x = L.MaxPool2D(2)(x)                                             # 5x5
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)   # 32 channels
    x = L.BatchNormalization()(x)
    x = L.ReLU(max_value=6.0)(x)
    x = L.Conv2D(24, 3, strides=2, padding="same", activation="relu")(x)  # same, stride 2 -> 3x3
    y = L.AveragePooling2D(2, strides=1, padding="valid")(x)          # 2x2
    y = L.AveragePooling2D(2, strides=2, padding="same")(y)           # 1x1
    x = L.GlobalAveragePooling2D()(x)
    x = L.Concatenate()([x, L.Flatten()(y)])
    x = L.Dense(32, activation="relu")(x)
    x = L.Dense(10, name="logits")(x)
    x = L.Softmax()(x)
    m = keras.Model(inp, x)
    _randomize_batchnorm(m, rng)
    _sharpen(m.get_layer("logits"), 10.0)
    return _convert_keras(m)


def _transformer(batch, seq=16, dim=64, heads=4, norm=None):
    """norm: a factory for the normalisation layers (default keras LayerNormalization, epsilon 1e-5)."""
    L = keras.layers
    norm = norm or (lambda: L.LayerNormalization(epsilon=1e-5))

    def block(x, approximate):
        a = L.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)(x, x)
        x = norm()(L.Add()([x, a]))
        h = L.Dense(2 * dim)(x)
        h = L.Activation(lambda t: keras.activations.gelu(t, approximate=approximate))(h)
        h = L.Dense(dim)(h)
        return norm()(L.Add()([x, h]))

    inp = keras.Input((seq, dim), batch_size=batch, name="tokens")
    x = block(inp, approximate=False)
    x = block(x, approximate=True)
    x = L.Dense(dim)(x)
    return keras.Model(inp, x)


def build_transformer_block():
    _seed(4)
    return _convert_keras(_transformer(batch=1))


def build_transformer_block_dynamic_batch():
    _seed(4)  # same weights as transformer_block
    return _convert_keras(_transformer(batch=None))


def build_float16_weights():
    _seed(5)
    rng = np.random.default_rng(5)
    L = keras.layers
    x = inp = keras.Input((32, 32, 3), batch_size=1, name="input")
    x = L.Conv2D(16, 3, strides=2, padding="same")(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU(max_value=6.0)(x)
    x = L.DepthwiseConv2D(3, padding="same", activation="relu")(x)
    x = L.Conv2D(32, 1)(x)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(10, activation="softmax", name="logits")(x)
    m = keras.Model(inp, x)
    _randomize_batchnorm(m, rng)
    _sharpen(m.get_layer("logits"), 10.0)
    return _convert_keras(m, fp16=True)


def build_ops_elementwise():
    """ADD/SUB/MUL/DIV with broadcasting, SQUARED_DIFFERENCE, RSQRT, NEG, TANH, LOGISTIC, PRELU, HARD_SWISH."""
    rng = _seed(6)
    prelu = keras.layers.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.05, 0.5), shared_axes=[1, 2])
    prelu.build((1, 6, 6, 8))
    c = tf.constant(rng.uniform(0.5, 2.0, (8,)).astype(np.float32))

    @tf.function(input_signature=[_spec([1, 6, 6, 8], "x"), _spec([1, 1, 6, 8], "y"), _spec([8], "z")])
    def f(x, y, z):
        add = x + y                                   # broadcast over dim 1
        sub = x - z                                   # broadcast rank 1 -> rank 4
        mul = x * tf.reshape(y, [1, 6, 1, 8])          # broadcast over dim 2
        div = x / (z * z + 1.0)                       # broadcast, positive denominator
        div2 = y / c                                  # division by a constant vector
        sqd = tf.math.squared_difference(x, y)
        rsq = tf.math.rsqrt(y * y + 0.25)
        neg = -add
        th = tf.tanh(sub)
        sg = tf.sigmoid(mul)
        pr = prelu(div * 3.0)
        hs = keras.activations.hard_swish(x * 4.0)    # x * relu6(x + 3) / 6
        return add, sub, mul, div, div2, sqd, rsq, neg, th, sg, pr, hs

    return _convert_fn(f)


def build_ops_reduce():
    """MEAN / SUM with keep_dims true and false over several axis sets."""
    _seed(7)

    @tf.function(input_signature=[_spec([1, 5, 6, 8], "x")])
    def f(x):
        return (tf.reduce_mean(x, axis=[1, 2], keepdims=True),
                tf.reduce_mean(x, axis=[1, 2], keepdims=False),
                tf.reduce_mean(x, axis=-1, keepdims=True),
                tf.reduce_mean(x, axis=[3, 1], keepdims=False),
                tf.reduce_sum(x, axis=[1, 2], keepdims=True),
                tf.reduce_sum(x, axis=2, keepdims=False),
                tf.reduce_sum(x, axis=[-1], keepdims=True),
                tf.reduce_sum(x, axis=[0, 1, 2, 3], keepdims=False))
    return _convert_fn(f)


def build_ops_shape():
    """RESHAPE, CONCATENATION, PAD, TRANSPOSE, BATCH_MATMUL, DEPTH_TO_SPACE, FULLY_CONNECTED(keep_num_dims)."""
    rng = _seed(8)
    w = tf.constant(rng.uniform(-0.5, 0.5, (16, 12)).astype(np.float32))
    b = tf.constant(rng.uniform(-0.5, 0.5, (12,)).astype(np.float32))
    dense3d = keras.layers.Dense(12)
    dense3d.build((1, 10, 16))

    @tf.function(input_signature=[_spec([1, 10, 16], "a"), _spec([1, 16, 7], "b"), _spec([1, 4, 4, 8], "img")])
    def f(a, bb, img):
        r = tf.reshape(a, [1, 5, 32])
        cat = tf.concat([a, tf.reshape(r, [1, 10, 16]) * 2.0], axis=1)             # (1, 20, 16)
        cat_last = tf.concat([img, img + 1.0, img * 0.5], axis=-1)                 # (1, 4, 4, 24)
        pad = tf.pad(img, [[0, 0], [1, 2], [2, 1], [0, 0]])
        pad_c = tf.pad(img, [[0, 0], [0, 0], [0, 0], [1, 3]], constant_values=0.0)
        tr = tf.transpose(a, [0, 2, 1])                                           # (1, 16, 10)
        tr4 = tf.transpose(img, [0, 3, 1, 2])
        bmm = tf.matmul(a, bb)                                                    # (1, 10, 7), both inputs live
        bmm_t = tf.matmul(bb, a, transpose_a=True, transpose_b=True)              # (1, 7, 10)
        d2s = tf.nn.depth_to_space(img, 2)                                        # (1, 8, 8, 2)
        fc_keep = dense3d(a)                                                      # (1, 10, 12), keep_num_dims
        fc_flat = tf.matmul(tf.reshape(a, [10, 16]), w) + b                       # (10, 12)
        return r, cat, cat_last, pad, pad_c, tr, tr4, bmm, bmm_t, d2s, fc_keep, fc_flat

    return _convert_fn(f)


def build_ops_dynamic_reshape():
    """SHAPE + STRIDED_SLICE + PACK feeding RESHAPE: batch is dynamic, so the shape is computed at run time."""
    _seed(9)

    @tf.function(input_signature=[_spec([None, 8, 16], "x")])
    def f(x):
        s = tf.shape(x)
        n = s[0]
        y = tf.reshape(x, tf.stack([n, 8, 4, 4]))
        y = tf.transpose(y, [0, 1, 3, 2])
        z = tf.reshape(y, tf.stack([n * 8, -1]))
        return tf.tanh(y), z + 1.0
    return _convert_fn(f)


def build_ops_resize():
    """RESIZE_BILINEAR with (align_corners, half_pixel_centers) in {(F,F), (T,F), (F,T)}, up and down."""
    _seed(10)

    @tf.function(input_signature=[_spec([1, 5, 7, 3], "img")])
    def f(img):
        outs = []
        for size in ([10, 13], [3, 4]):
            for ac, hp in ((False, False), (True, False), (False, True)):
                outs.append(tf.raw_ops.ResizeBilinear(images=img, size=size, align_corners=ac,
                                                      half_pixel_centers=hp))
        outs.append(tf.image.resize(img, [16, 16], method="bilinear"))  # TF2 default: half_pixel_centers
        return tuple(outs)
    return _convert_fn(f)


# name -> (builder, input range for references, batch used for the recorded reference if the batch is
#          dynamic, TFLiteConverter API used)
TF_MODELS = collections.OrderedDict([
    ("mobilenet_v2", (build_mobilenet_v2, (0.0, 1.0), None, "from_keras_model")),
    ("mobilenet_v3_small", (build_mobilenet_v3_small, (0.0, 255.0), None, "from_keras_model")),
    ("convnet_pool_bn_dense", (build_convnet_pool_bn_dense, (0.0, 1.0), None, "from_keras_model")),
    ("transformer_block", (build_transformer_block, (-1.0, 1.0), None, "from_keras_model")),
    ("transformer_block_dynamic_batch", (build_transformer_block_dynamic_batch, (-1.0, 1.0), 2, "from_keras_model")),
    ("float16_weights", (build_float16_weights, (0.0, 1.0), None, "from_keras_model")),
    ("ops_elementwise", (build_ops_elementwise, (-1.0, 1.0), None, "from_concrete_functions")),
    ("ops_reduce", (build_ops_reduce, (-1.0, 1.0), None, "from_concrete_functions")),
    ("ops_shape", (build_ops_shape, (-1.0, 1.0), None, "from_concrete_functions")),
    ("ops_dynamic_reshape", (build_ops_dynamic_reshape, (-1.0, 1.0), 3, "from_concrete_functions")),
    ("ops_resize", (build_ops_resize, (0.0, 1.0), None, "from_concrete_functions")),
])

# Builtin ops the TF-converted files are meant to cover (checked after conversion).
REQUIRED_OPS = [
    "ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE", "RSQRT", "NEG", "TANH", "LOGISTIC", "PRELU",
    "HARD_SWISH", "MEAN", "SUM", "RESHAPE", "SHAPE", "STRIDED_SLICE", "PACK", "CONCATENATION", "PAD",
    "TRANSPOSE", "BATCH_MATMUL", "RESIZE_BILINEAR", "DEPTH_TO_SPACE", "FULLY_CONNECTED", "CONV_2D",
    "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "SOFTMAX", "DEQUANTIZE", "GELU",
]
REQUIRED_VARIANTS = [
    "FULLY_CONNECTED(keep_num_dims=True)", "MEAN(keep_dims=True)", "MEAN(keep_dims=False)",
    "SUM(keep_dims=True)", "SUM(keep_dims=False)", "GELU(approximate=False)", "GELU(approximate=True)",
    "RESIZE_BILINEAR(align_corners=False,half_pixel_centers=False)",
    "RESIZE_BILINEAR(align_corners=True,half_pixel_centers=False)",
    "RESIZE_BILINEAR(align_corners=False,half_pixel_centers=True)",
    "CONV_2D(dilation=2)", "DEPTHWISE_CONV_2D(depth_multiplier=2)",
]


def build_tf_models(names=None):
    _import_tf()
    os.makedirs(TF_DIR, exist_ok=True)
    for name, (builder, _, _, _) in TF_MODELS.items():
        if names and name not in names:
            continue
        print(f"[tf] converting {name} ...", flush=True)
        data = builder()
        path = os.path.join(TF_DIR, name + ".tflite")
        with open(path, "wb") as f:
            f.write(data)
        print(f"[tf]   wrote {os.path.relpath(path, MODELS_DIR)} ({len(data)} bytes)", flush=True)
        keras.backend.clear_session()


# ---------------------------------------------------------------------------------------------
# Inspection (flatbuffer) and reference recording (LiteRT builtin kernels)
# ---------------------------------------------------------------------------------------------
def _op_name_table():
    from tensorflow.lite.python import schema_py_generated as S
    return {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}, S


_ACTIVATIONS = {1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}


def inspect_model(path):
    """Op names (execution order, subgraph 0 first), per-op option variants, and sparsity info."""
    from tensorflow.lite.tools import flatbuffer_utils as fbu
    names, S = _op_name_table()
    model = fbu.read_model(path)
    ops, variants, has_sparse = [], set(), False
    for sg in model.subgraphs:
        for t in sg.tensors:
            if t.sparsity is not None:
                has_sparse = True
        for op in sg.operators:
            oc = model.operatorCodes[op.opcodeIndex]
            code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
            name = names.get(code, str(code))
            if name == "CUSTOM":
                name = "CUSTOM:" + (oc.customCode.decode() if isinstance(oc.customCode, bytes) else str(oc.customCode))
            ops.append(name)
            o = op.builtinOptions
            act = getattr(o, "fusedActivationFunction", 0) if o is not None else 0
            if act:
                variants.add(f"{name}(fused={_ACTIVATIONS.get(act, act)})")
            if name == "BATCH_MATMUL":
                variants.add(f"BATCH_MATMUL(adj_x={bool(o.adjX)},adj_y={bool(o.adjY)})")
            elif name == "FULLY_CONNECTED":
                variants.add(f"FULLY_CONNECTED(keep_num_dims={bool(o.keepNumDims)})")
            elif name in ("MEAN", "SUM"):
                variants.add(f"{name}(keep_dims={bool(o.keepDims)})")
            elif name == "GELU":
                variants.add(f"GELU(approximate={bool(o.approximate)})")
            elif name == "RESIZE_BILINEAR":
                variants.add(f"RESIZE_BILINEAR(align_corners={bool(o.alignCorners)},"
                             f"half_pixel_centers={bool(o.halfPixelCenters)})")
            elif name == "CONV_2D":
                variants.add(f"CONV_2D(stride={o.strideH},padding={'SAME' if o.padding == 0 else 'VALID'})")
                if o.dilationHFactor != 1 or o.dilationWFactor != 1:
                    variants.add(f"CONV_2D(dilation={o.dilationHFactor})")
            elif name == "DEPTHWISE_CONV_2D":
                variants.add(f"DEPTHWISE_CONV_2D(depth_multiplier={o.depthMultiplier})")
            elif name == "DEQUANTIZE":
                src = sg.tensors[op.inputs[0]].type
                variants.add("DEQUANTIZE(from=" + {1: "FLOAT16", 9: "INT8", 3: "UINT8"}.get(src, str(src)) + ")")
    return ops, sorted(variants), has_sparse


def _litert_interpreter(path):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    return Interpreter(model_path=path, num_threads=1,
                       experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)


def _tensor_desc(d, shape=None):
    return {"name": d["name"], "shape": [int(v) for v in (d["shape"] if shape is None else shape)],
            "shape_signature": [int(v) for v in d["shape_signature"]], "dtype": np.dtype(d["dtype"]).name}


def _save_npz(path, arrays):
    """Like np.savez_compressed, but byte-reproducible (fixed zip timestamps) so reruns give no git diff."""
    import io
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arr, order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def record_reference(path, seed, value_range, dyn_batch=None):
    """Run LiteRT (builtin kernels, XNNPACK off, 1 thread) on seeded inputs; save <model>.io.npz."""
    interp = _litert_interpreter(path)
    in_det = interp.get_input_details()
    shapes = []
    for d in in_det:
        shape = [int(v) for v in d["shape"]]
        sig = [int(v) for v in d["shape_signature"]]
        if dyn_batch and sig and sig[0] == -1:
            shape[0] = dyn_batch
            interp.resize_tensor_input(d["index"], shape)
        shapes.append(shape)
    interp.allocate_tensors()
    rng = np.random.default_rng(seed)
    lo, hi = value_range
    arrays = {}
    for i, (d, shape) in enumerate(zip(in_det, shapes)):
        dt = np.dtype(d["dtype"])
        if dt.kind == "f":
            x = rng.uniform(lo, hi, size=shape).astype(dt)
        else:
            x = rng.integers(0, 10, size=shape).astype(dt)
        interp.set_tensor(d["index"], x)
        arrays[f"input_{i}"] = x
    interp.invoke()
    out_det = interp.get_output_details()
    for i, d in enumerate(out_det):
        arrays[f"output_{i}"] = np.array(interp.get_tensor(d["index"]))
    ref = os.path.splitext(path)[0] + ".io.npz"
    _save_npz(ref, arrays)
    outs = [_tensor_desc(d, arrays[f"output_{i}"].shape) for i, d in enumerate(out_det)]
    for i, o in enumerate(outs):
        a = arrays[f"output_{i}"].astype(np.float64)
        o["ref_stats"] = {"min": float(a.min()), "max": float(a.max()), "std": float(a.std())} if a.size else {}
        o["finite"] = bool(np.all(np.isfinite(a)))
    declared = _litert_interpreter(path)  # shapes as the file declares them (before any resize)
    declared.allocate_tensors()
    return ([_tensor_desc(d, s) for d, s in zip(in_det, shapes)], outs,
            [_tensor_desc(d) for d in declared.get_input_details()],
            [_tensor_desc(d) for d in declared.get_output_details()])


def _versions():
    v = {}
    try:
        import tensorflow as _tf
        v["tensorflow"] = _tf.__version__
    except Exception:
        pass
    try:
        from importlib.metadata import version
        v["ai_edge_litert"] = version("ai-edge-litert")
        v["keras"] = version("keras")
    except Exception:
        pass
    v["numpy"] = np.__version__
    return v


def record_all():
    versions = _versions()
    old = {}
    if os.path.exists(MANIFEST):
        with open(MANIFEST) as f:
            for m in json.load(f).get("models", []):
                old[m["path"]] = m
    entries, all_ops, all_variants = [], set(), set()
    items = [("tf", n, r, b) for n, (_, r, b, _) in TF_MODELS.items()]
    items += [("mediapipe", os.path.splitext(n)[0], r, None) for n, (_, _, r) in MEDIAPIPE_FILES.items()]
    for seed, (sub, name, value_range, dyn_batch) in enumerate(items, start=100):
        rel = f"{sub}/{name}.tflite"
        path = os.path.join(MODELS_DIR, rel)
        if not os.path.exists(path):
            print(f"[ref] {rel}: missing, skipped")
            continue
        ops, variants, sparse = inspect_model(path)
        entry = collections.OrderedDict(path=rel, size_bytes=os.path.getsize(path), sha256=_sha256(path))
        if sub == "tf":
            prev = old.get(rel, {}).get("source", {})
            built_by = {"tensorflow": versions.get("tensorflow"), "keras": versions.get("keras")}
            if prev.get("sha256_at_build") == entry["sha256"]:  # file not rebuilt: keep who built it
                built_by = {k: prev.get(k) for k in built_by}
            api = TF_MODELS[name][3]
            entry["source"] = {
                "kind": "tensorflow tf.lite.TFLiteConverter." + api
                        + (" (captured variables frozen with convert_variables_to_constants_v2)"
                           if api == "from_concrete_functions" else ""),
                **built_by,
                "script": "tests/golden/make_golden_models.py", "builder": f"build_{name}",
                "sha256_at_build": entry["sha256"]}
        else:
            inner = MEDIAPIPE_FILES[name + ".tflite"][0]
            entry["source"] = {"kind": "mediapipe PyPI wheel", "package": "mediapipe",
                               "version": MEDIAPIPE_VERSION, "path_in_wheel": inner, "license": "Apache-2.0"}
        entry["ops"] = sorted(set(ops))
        entry["op_counts"] = dict(sorted(collections.Counter(ops).items()))
        entry["op_variants"] = variants
        entry["sparse_tensors"] = sparse
        try:
            inputs, outputs, in_sig, out_sig = record_reference(path, seed, value_range, dyn_batch)
            entry["inputs"] = in_sig
            entry["outputs"] = out_sig
            entry["reference"] = {"file": os.path.splitext(rel)[0] + ".io.npz", "seed": seed,
                                  "input_range": list(value_range),
                                  "input_shapes": [i["shape"] for i in inputs],
                                  "outputs": [{"shape": o["shape"], **o["ref_stats"], "finite": o["finite"]}
                                              for o in outputs],
                                  "runner": f"ai_edge_litert {versions.get('ai_edge_litert')} Interpreter, "
                                            "BUILTIN_WITHOUT_DEFAULT_DELEGATES (XNNPACK off), num_threads=1"}
            entry["litert_runs"] = True
            bad = [i for i, o in enumerate(outputs) if not o["finite"]]
            if bad:
                entry["notes"] = f"outputs {bad} contain non-finite values"
        except Exception as e:  # keep going; record the failure
            entry["litert_runs"] = False
            entry["litert_error"] = f"{type(e).__name__}: {e}"
            print(f"[ref] {rel}: LiteRT FAILED: {e}")
        notes = []
        if dyn_batch:
            notes.append(f"dynamic batch (shape_signature -1); reference recorded at batch {dyn_batch} "
                         "after resize_tensor_input")
        if sparse:
            notes.append("has sparse (block-sparse) constant tensors densified by DENSIFY at prepare time")
        if notes:
            entry["notes"] = "; ".join(([entry["notes"]] if "notes" in entry else []) + notes)
        entries.append(entry)
        all_ops.update(ops)
        all_variants.update(variants)
        print(f"[ref] {rel}: {entry['size_bytes']} bytes, litert_runs={entry['litert_runs']}")
        print(f"      ops: {' '.join(entry['ops'])}")
        if variants:
            print(f"      variants: {'; '.join(variants)}")
    manifest = collections.OrderedDict(
        description="Golden models for edgelite: TF-converted (tests/models/tf) and MediaPipe-shipped "
                    "(tests/models/mediapipe) .tflite files with reference outputs recorded from LiteRT.",
        generator="tests/golden/make_golden_models.py",
        reference_format="<model>.io.npz holds input_0.., output_0.. in get_input_details()/"
                         "get_output_details() order",
        versions=versions,
        models=entries)
    text = json.dumps(manifest, indent=1)
    text = re.sub(r"\[\s*(-?[0-9.e+-]+(?:,\s*-?[0-9.e+-]+)*)\s*\]",  # one line per number list
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(MANIFEST, "w") as f:
        f.write(text + "\n")
    tf_ops = set()
    tf_variants = set()
    for e in entries:
        if e["path"].startswith("tf/"):
            tf_ops.update(e["ops"])
            tf_variants.update(e["op_variants"])
    missing = [o for o in REQUIRED_OPS if o not in tf_ops]
    missing_v = [v for v in REQUIRED_VARIANTS if v not in tf_variants]
    print("\nall ops in tf/ models:", " ".join(sorted(tf_ops)))
    print("all ops in all models:", " ".join(sorted(all_ops)))
    print("required ops NOT produced:", missing or "none")
    print("required variants NOT produced:", missing_v or "none")
    return missing, missing_v


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["all", "tf", "mediapipe", "refs"], default="all")
    p.add_argument("--models", nargs="*", help="only rebuild these TF models (names without .tflite)")
    p.add_argument("--fetch-mediapipe", action="store_true",
                   help="re-download the mediapipe wheel and re-extract even if the files exist")
    args = p.parse_args(argv)
    if args.only in ("all", "tf"):
        build_tf_models(args.models)
    if args.only in ("all", "mediapipe"):
        missing = [n for n in MEDIAPIPE_FILES if not os.path.exists(os.path.join(MP_DIR, n))]
        if args.fetch_mediapipe or missing:
            fetch_mediapipe()
        else:
            print("[mediapipe] files present (use --fetch-mediapipe to re-extract); checking hashes")
            for n, (_, sha, _) in MEDIAPIPE_FILES.items():
                got = _sha256(os.path.join(MP_DIR, n))
                if got != sha:
                    print(f"WARNING: {n} sha256 {got} differs from the {MEDIAPIPE_VERSION} wheel's {sha}")
    record_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
