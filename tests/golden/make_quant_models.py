#!/usr/bin/env python3
"""Regenerate the committed quantized golden models and their recorded LiteRT outputs.

Like make_golden_models.py, this script is NOT part of the test suite. It needs TensorFlow and
ai-edge-litert, in a virtualenv of its own, e.g.

    python3 -m venv /work/tfenv
    /work/tfenv/bin/pip install tensorflow-cpu==2.21.0 tf-keras ai-edge-litert==2.3.0 numpy

Run from anywhere:

    python tests/golden/make_quant_models.py                       # everything
    python tests/golden/make_quant_models.py --only refs           # re-record outputs + manifest only
    python tests/golden/make_quant_models.py --models convnet_int8 transformer_block_dynamic

It writes, into tests/models/tf_quant/,
  <model>.tflite     converted by TensorFlow's own tf.lite.TFLiteConverter.from_keras_model in one of
                     four modes (MODES below): int8 with float I/O, int8 with int8 I/O, int16x8, dynamic range
  <model>.io.npz     two seeded input samples and LiteRT's outputs for them under three op resolvers;
                     every array has a leading sample axis (see REFERENCE_LAYOUT)
  manifest.json      per model: path, size, sha256, source, inputs/outputs with quantization, operators
                     with counts, tensor dtypes and kernel-relevant options; the reference kernels'
                     differences; and `worklist`, the union over all models grouped by operator
  WORKLIST.md        the same worklist as a table

Architectures (ARCHS) share their Keras builders, seeds and weights with the float golden models where
one exists (make_golden_models.mobilenet_v2_keras, mobilenet_v3_small_keras, _transformer): the full-size
MobileNets (alpha 1.0, 224) are converted only to int8 with float I/O (the benchmark models); the other
modes use narrow, small-input versions with the same operators and options, to keep the repository small.
Everything is seeded: weights from keras.utils.set_random_seed, calibration and reference inputs from
numpy.random.default_rng. Reruns with the same package versions give byte-identical files.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import re
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_golden_models as golden  # noqa: E402  (shared seeds, Keras builders, npz writer)
import quant_inspect  # noqa: E402

MODELS_DIR = golden.MODELS_DIR
QUANT_DIR = os.path.join(MODELS_DIR, "tf_quant")
MANIFEST = os.path.join(QUANT_DIR, "manifest.json")
WORKLIST_MD = os.path.join(QUANT_DIR, "WORKLIST.md")

CALIBRATION_SAMPLES = 100
REFERENCE_SAMPLES = 2
REFERENCE_LAYOUT = ("input_k: (samples, *input k shape) in the input's dtype; output_k: (samples, *output k "
                    "shape) from OpResolverType.BUILTIN_REF (reference kernels, the normative answer); "
                    "output_k_builtin: BUILTIN_WITHOUT_DEFAULT_DELEGATES (optimized kernels, XNNPACK off); "
                    "output_k_xnnpack: the default resolver (XNNPACK applied). k follows get_input_details()/"
                    "get_output_details() order; all runs num_threads=1.")
RESOLVERS = (("", "BUILTIN_REF"), ("_builtin", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"), ("_xnnpack", "AUTO"))

tf = keras = None


def _import_tf():
    global tf, keras
    tf, keras = golden._import_tf()


# ---------------------------------------------------------------------------------------------
# Architectures: name -> (builder returning a Keras model, input distribution, description)
# ---------------------------------------------------------------------------------------------
def _randomize_biases(model, seed):
    """Fresh Keras biases are zeros and LayerNormalization is the identity: the converter then drops the
    bias (FULLY_CONNECTED gets no bias input) or folds the multiply away, and kernels would not be tested
    on them. Give every bias and LayerNormalization gamma/beta seeded non-trivial values."""
    rng = np.random.default_rng(seed)
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.BatchNormalization):
            continue  # golden._randomize_batchnorm's business
        if getattr(layer, "gamma", None) is not None:  # LayerNormalization, _plain_layer_norm
            for w, lo, hi in ((layer.gamma, 0.6, 1.4), (layer.beta, -0.2, 0.2)):
                if w is not None:  # beta is None with rms_scaling
                    w.assign(rng.uniform(lo, hi, tuple(w.shape)).astype(np.float32))
        elif getattr(layer, "bias", None) is not None:
            layer.bias.assign(rng.uniform(-0.1, 0.1, tuple(layer.bias.shape)).astype(np.float32))
    return model


def mobilenet_v2_full():
    # alpha 1.0, 224, 1000 classes: the float benchmark model's weights, plus a classifier bias
    return _randomize_biases(golden.mobilenet_v2_keras(), 21)


def mobilenet_v2_small():
    return _randomize_biases(golden.mobilenet_v2_keras(alpha=0.35, size=96, classes=100, sharpen=8.0, seed=11), 22)


def mobilenet_v3_small_full():
    # 224, with its preprocessing, 1000 classes: the float benchmark model's weights, plus random biases
    return _randomize_biases(golden.mobilenet_v3_small_keras(), 23)


def mobilenet_v3_small_small():
    return _randomize_biases(golden.mobilenet_v3_small_keras(alpha=0.5, size=96, classes=100, sharpen=40.0,
                                                             seed=12), 24)


def convnet():
    """Conv SAME/VALID, stride 2, dilation 2, folded batch norm, ReLU/ReLU6, depthwise multiplier 2, max and
    average pooling, an ADD residual and CONCATENATIONs of differently scaled inputs (4-D on channels, and
    flat), global average pool, dense, softmax."""
    golden._seed(13)
    rng = np.random.default_rng(13)
    L = keras.layers
    x = inp = keras.Input((32, 32, 3), batch_size=1, name="input")
    x = L.Conv2D(8, 3, padding="same", use_bias=False)(x)               # SAME, stride 1
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.Conv2D(16, 3, strides=2, padding="valid")(x)                  # VALID, stride 2 -> 15x15
    x = L.BatchNormalization()(x)
    r = x = L.ReLU(max_value=6.0)(x)                                    # ReLU6
    x = L.Conv2D(16, 3, dilation_rate=2, padding="same")(x)             # dilation 2, SAME, no activation
    x = L.BatchNormalization()(x)
    x = L.Add()([x, r])                                                 # residual: signed + [0, 6]
    x = L.ReLU()(x)
    x = L.Conv2D(16, 3, dilation_rate=2, padding="valid")(x)            # dilation 2, VALID -> 11x11
    x = L.MaxPool2D(2)(x)                                               # 5x5
    a = L.Conv2D(8, 1, activation="relu")(x)                            # [0, ..)
    b = L.Conv2D(8, 3, padding="same")(x)                               # signed, other scale
    x = L.Concatenate(axis=-1)([a, b])                                  # 16 channels, two scales
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)     # 32 channels
    x = L.BatchNormalization()(x)
    x = L.ReLU(max_value=6.0)(x)
    x = L.Conv2D(24, 3, strides=2, padding="same", activation="relu")(x)  # SAME, stride 2 -> 3x3
    y = L.AveragePooling2D(2, strides=1, padding="valid")(x)            # 2x2
    y = L.AveragePooling2D(2, strides=2, padding="same")(y)             # 1x1
    g = L.GlobalAveragePooling2D()(x)
    side = L.Dense(8, use_bias=False, name="side")(g)                    # FULLY_CONNECTED without bias
    x = L.Concatenate()([g, L.Flatten()(y), side])                       # three differently scaled parts
    x = L.Dense(32, activation="relu")(x)
    x = L.Dense(10, name="logits")(x)
    x = L.Softmax()(x)
    m = keras.Model(inp, x)
    golden._randomize_batchnorm(m, rng)
    golden._sharpen(m.get_layer("side"), 4.0)
    golden._sharpen(m.get_layer("logits"), 10.0)
    return _randomize_biases(m, 25)


def transformer_block():
    golden._seed(4)  # the weights of tests/models/tf/transformer_block.tflite, plus biases and LayerNorm
    return _randomize_biases(golden._transformer(batch=1), 26)


def _plain_layer_norm():
    """Layer normalisation written with MEAN, SUB, MUL, RSQRT, ADD (keras LayerNormalization converts to
    SQUARED_DIFFERENCE and NEG, which have no 16x8 kernels in LiteRT 2.3.0; see transformer_block_int16x8)."""
    class PlainLayerNorm(keras.layers.Layer):
        def build(self, shape):
            self.gamma = self.add_weight(shape=(shape[-1],), initializer="ones", name="gamma")
            self.beta = self.add_weight(shape=(shape[-1],), initializer="zeros", name="beta")

        def call(self, x):
            d = x - keras.ops.mean(x, axis=-1, keepdims=True)
            var = keras.ops.mean(d * d, axis=-1, keepdims=True)
            return d * keras.ops.rsqrt(var + 1e-5) * self.gamma + self.beta
    return PlainLayerNorm()


def transformer_block_plainnorm():
    golden._seed(4)  # same weights as transformer_block (gamma/beta are made by non-random initializers)
    return _randomize_biases(golden._transformer(batch=1, norm=_plain_layer_norm), 26)


# Input distributions (low, high, levels): images are 8-bit pixels mapped into the range the model expects
# (what a camera gives, and values on a grid exercise QUANTIZE's rounding), tokens are continuous uniform.
IMAGE_PM1 = (-1.0, 1.0, 256)   # MobileNetV2's preprocess_input: pixel / 127.5 - 1
IMAGE_255 = (0.0, 255.0, 256)  # MobileNetV3 with its preprocessing: raw pixels
IMAGE_01 = (0.0, 1.0, 256)     # pixel / 255
TOKENS = (-1.0, 1.0, 0)


def sample(rng, shape, dist):
    """float32 samples of one input: `levels` evenly spaced values in [low, high], or uniform if 0."""
    lo, hi, levels = dist
    if levels:
        u = rng.integers(0, levels, size=shape).astype(np.float64)
        return (lo + u * ((hi - lo) / (levels - 1))).astype(np.float32)
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def _dist_desc(dist):
    lo, hi, levels = dist
    return {"low": lo, "high": hi, "levels": levels or None,
            "kind": f"{levels} evenly spaced values (8-bit image)" if levels else "uniform"}


ARCHS = collections.OrderedDict([
    ("mobilenet_v2", (mobilenet_v2_full, IMAGE_PM1, "keras.applications.MobileNetV2 alpha 1.0, 224x224, "
                      "1000 classes (the float benchmark model's weights)")),
    ("mobilenet_v2_035_96", (mobilenet_v2_small, IMAGE_PM1, "keras.applications.MobileNetV2 alpha 0.35, "
                             "96x96, 100 classes")),
    ("mobilenet_v3_small", (mobilenet_v3_small_full, IMAGE_255, "keras.applications.MobileNetV3Small "
                            "alpha 1.0, 224x224, 1000 classes, with its preprocessing (the float benchmark "
                            "model's weights)")),
    ("mobilenet_v3_small_050_96", (mobilenet_v3_small_small, IMAGE_255, "keras.applications."
                                   "MobileNetV3Small alpha 0.5, 96x96, 100 classes, with its preprocessing")),
    ("convnet", (convnet, IMAGE_01, "small CNN: conv SAME/VALID, stride 2, dilation 2, depthwise multiplier "
                 "2, folded batch norm, ReLU/ReLU6, max/average pool, ADD residual, CONCATENATION of "
                 "differently scaled inputs, global average pool, dense, softmax")),
    ("transformer_block", (transformer_block, TOKENS, "two encoder blocks (16 tokens x 64): 4-head "
                           "attention, residual add, LayerNorm, GELU exact and tanh-approximate, dense (the "
                           "weights of tf/transformer_block.tflite, with random biases and LayerNorm "
                           "gamma/beta)")),
    ("transformer_block_plainnorm", (transformer_block_plainnorm, TOKENS, "transformer_block with its "
                                     "LayerNormalization written as plain MEAN/SUB/MUL/RSQRT/ADD ops (same "
                                     "weights), so that LiteRT can run its 16x8 conversion")),
])

# mode -> the TFLiteConverter settings (applied in _convert)
MODES = collections.OrderedDict([
    ("int8", "optimizations=[DEFAULT], representative_dataset, supported_ops=[TFLITE_BUILTINS_INT8]; "
             "float32 inputs/outputs"),
    ("int8io", "optimizations=[DEFAULT], representative_dataset, supported_ops=[TFLITE_BUILTINS_INT8], "
               "inference_input_type=inference_output_type=tf.int8"),
    ("int16x8", "optimizations=[DEFAULT], representative_dataset, supported_ops="
                "[EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]; float32 inputs/outputs"),
    ("dynamic", "optimizations=[DEFAULT], no representative dataset (dynamic-range / hybrid)"),
])

# model name -> (architecture, mode, calibration seed, reference seed)
MODELS = collections.OrderedDict()
for _arch, _modes in (("mobilenet_v2", ["int8"]), ("mobilenet_v2_035_96", ["int8io", "int16x8", "dynamic"]),
                      ("mobilenet_v3_small", ["int8"]),
                      ("mobilenet_v3_small_050_96", ["int8io", "int16x8", "dynamic"]),
                      ("convnet", list(MODES)), ("transformer_block", list(MODES)),
                      ("transformer_block_plainnorm", ["int16x8"])):
    for _mode in _modes:
        _i = len(MODELS)
        MODELS[f"{_arch}_{_mode}"] = (_arch, _mode, 300 + _i, 400 + _i)


def _representative(model, dist, seed):
    shapes = [tuple(int(d) for d in t.shape) for t in model.inputs]

    def gen():
        rng = np.random.default_rng(seed)
        for _ in range(CALIBRATION_SAMPLES):
            yield [sample(rng, s, dist) for s in shapes]
    return gen


def _convert(model, mode, dist, seed):
    """Returns (tflite bytes, note). For int16x8, falls back to also allowing TFLITE_BUILTINS (float kernels
    for ops without a 16x8 version) only if the strict conversion fails; the note says so."""
    def make(extra_builtins=False):
        with contextlib.redirect_stdout(io.StringIO()):  # the Keras export prints its whole signature
            conv = tf.lite.TFLiteConverter.from_keras_model(model)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        if mode == "dynamic":
            return conv
        conv.representative_dataset = _representative(model, dist, seed)
        if mode in ("int8", "int8io"):
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            if mode == "int8io":
                conv.inference_input_type = tf.int8
                conv.inference_output_type = tf.int8
        else:
            ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            if extra_builtins:
                ops.append(tf.lite.OpsSet.TFLITE_BUILTINS)
            conv.target_spec.supported_ops = ops
        return conv

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return make().convert(), None
    except Exception as e:
        if mode != "int16x8":
            raise
        first = str(e).strip().splitlines()
        note = ("strict 16x8 conversion failed (" + (first[-1] if first else type(e).__name__)[:300]
                + "); converted with supported_ops += [TFLITE_BUILTINS]")
        print("   ", note, flush=True)
        with contextlib.redirect_stdout(io.StringIO()):
            return make(extra_builtins=True).convert(), note


def convert_models(names=None):
    _import_tf()
    os.makedirs(QUANT_DIR, exist_ok=True)
    notes = {}
    by_arch = collections.OrderedDict()
    for name, (arch, mode, cal_seed, _) in MODELS.items():
        if not names or name in names:
            by_arch.setdefault(arch, []).append((name, mode, cal_seed))
    for arch, todo in by_arch.items():
        builder, dist, _ = ARCHS[arch]
        model = builder()
        for name, mode, cal_seed in todo:
            t0 = time.time()
            print(f"[quant] converting {name} ...", flush=True)
            data, note = _convert(model, mode, dist, cal_seed)
            path = os.path.join(QUANT_DIR, name + ".tflite")
            with open(path, "wb") as f:
                f.write(data)
            notes[name] = note
            print(f"[quant]   wrote tf_quant/{name}.tflite ({len(data)} bytes, {time.time() - t0:.0f} s)", flush=True)
        keras.backend.clear_session()
    return notes


# ---------------------------------------------------------------------------------------------
# References: LiteRT under three op resolvers, 1 thread
# ---------------------------------------------------------------------------------------------
def _litert(path, resolver, keep_all=False):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interp = Interpreter(model_path=path, num_threads=1, experimental_preserve_all_tensors=keep_all,
                         experimental_op_resolver_type=getattr(OpResolverType, resolver))
    interp.allocate_tensors()
    return interp


def make_inputs(details, dist, seed, samples):
    """Seeded inputs in the model's natural range; integer inputs are that float data quantized with the
    input's (scale, zero point), as an application would feed them. Returns one array per input with a
    leading sample axis."""
    rng = np.random.default_rng(seed)
    arrays = []
    for d in details:
        shape = (samples,) + tuple(int(v) for v in d["shape"])
        x = sample(rng, shape, dist)
        dt = np.dtype(d["dtype"])
        if dt.kind in "iu":
            scale, zp = d["quantization"]
            info = np.iinfo(dt)
            x = np.clip(np.round(x / scale) + zp, info.min, info.max)
        arrays.append(x.astype(dt))
    return arrays


def run_litert(path, resolver, inputs):
    """Outputs (leading sample axis) and the median seconds per invoke."""
    interp = _litert(path, resolver)
    samples = inputs[0].shape[0]
    outs, times = [], []
    for s in range(samples):
        for d, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(d["index"], x[s])
        t0 = time.perf_counter()
        interp.invoke()
        times.append(time.perf_counter() - t0)
        outs.append([np.array(interp.get_tensor(d["index"])) for d in interp.get_output_details()])
    return [np.stack([o[k] for o in outs]) for k in range(len(outs[0]))], float(np.median(times))


def _xnnpack_left(path):
    """Which operators XNNPACK left to LiteRT's own kernels, and how many partitions it made.

    The Python API lists the original nodes and the DELEGATE nodes appended after them, not the execution
    plan; a node is delegated when it makes a DELEGATE node's output, or makes a tensor that a delegated
    node reads from inside its partition (not a DELEGATE input)."""
    interp = _litert(path, "AUTO")
    ops = interp._get_ops_details()
    nodes = [d for d in ops if d["op_name"] != "DELEGATE"]
    dele = [d for d in ops if d["op_name"] == "DELEGATE"]
    d_out = {int(t) for d in dele for t in d["outputs"]}
    d_in = {int(t) for d in dele for t in d["inputs"]}
    producer = {int(t): d["index"] for d in nodes for t in d["outputs"]}
    taken = {producer[t] for t in d_out if t in producer}
    todo = list(taken)
    while todo:
        n = todo.pop()
        for t in ops[n]["inputs"]:
            t = int(t)
            p = producer.get(t)
            if t >= 0 and t not in d_in and p is not None and p not in taken:
                taken.add(p)
                todo.append(p)
    left = collections.Counter(d["op_name"] for d in nodes if d["index"] not in taken)
    return dict(sorted(left.items())), len(dele)


def _per_op_differences(fm, path, inputs):
    """Which kernels of LiteRT's optimized set round differently from BUILTIN_REF given the same inputs.

    Both runs keep every tensor; an operator is compared where each of its inputs is bit-identical in the two
    runs, so what differs is that operator's own arithmetic. Returns signature -> {compared, differing,
    max_diff}, max_diff in quantization steps of the output (integer outputs) or relative to the
    output's largest magnitude (float outputs)."""
    runs = {r: _litert(path, r, keep_all=True) for r in ("BUILTIN_REF", "BUILTIN_WITHOUT_DEFAULT_DELEGATES")}
    stats = collections.OrderedDict()
    for s in range(inputs[0].shape[0]):
        tensors = {}
        for r, interp in runs.items():
            for d, x in zip(interp.get_input_details(), inputs):
                interp.set_tensor(d["index"], x[s])
            interp.invoke()
            tensors[r] = interp
        ref, opt = tensors["BUILTIN_REF"], tensors["BUILTIN_WITHOUT_DEFAULT_DELEGATES"]
        for op in fm.sg.operators:
            live = [i for i in op.inputs if i >= 0 and not fm.is_const(i)]
            if not all(np.array_equal(ref.get_tensor(i), opt.get_tensor(i)) for i in live):
                continue
            sig = quant_inspect.op_signature(fm, op)
            st = stats.setdefault(sig, {"compared": 0, "differing": 0, "max_diff": 0.0})
            st["compared"] += 1
            diff = 0.0
            for o in op.outputs:
                a, b = ref.get_tensor(o), opt.get_tensor(o)
                if a.dtype.kind in "iu":
                    d = float(np.max(np.abs(a.astype(np.int64) - b.astype(np.int64)))) if a.size else 0.0
                else:
                    d = float(np.max(np.abs(a.astype(np.float64) - b))) / max(float(np.max(np.abs(a))), 1e-30)
                diff = max(diff, d)
            if diff:
                st["differing"] += 1
                st["max_diff"] = max(st["max_diff"], float(f"{diff:.3g}"))
    return dict(sorted(stats.items()))


def record_model(name, path):
    """Runs LiteRT under each resolver on the model's seeded reference inputs; writes <model>.io.npz."""
    arch, mode, _, ref_seed = MODELS[name]
    inputs = make_inputs(_litert(path, "BUILTIN_REF").get_input_details(), ARCHS[arch][1], ref_seed,
                         REFERENCE_SAMPLES)
    arrays = {f"input_{k}": x for k, x in enumerate(inputs)}
    timings, results = {}, {}
    for suffix, resolver in RESOLVERS:
        outs, sec = run_litert(path, resolver, inputs)
        timings[resolver] = round(sec, 4)
        results[suffix] = outs
        for k, o in enumerate(outs):
            arrays[f"output_{k}{suffix}"] = o
    golden._save_npz(os.path.splitext(path)[0] + ".io.npz", arrays)
    return inputs, results, timings


def _diff(a, b, step):
    """Max |a - b|: in quantization steps when step is given (integer outputs are already in steps; float
    outputs of integer models are divided by the step), else relative to max |b|."""
    integer = np.asarray(b).dtype.kind in "iu"
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    d = float(np.max(np.abs(a - b))) if a.size else 0.0
    if integer:
        return d
    if step:
        return round(d / step, 3)
    return float(f"{d / max(float(np.max(np.abs(b))), 1e-30):.3g}")


def _entry(name, notes, old):
    arch, mode, cal_seed, ref_seed = MODELS[name]
    rel = f"tf_quant/{name}.tflite"
    path = os.path.join(MODELS_DIR, rel)
    fm, counts, sigs, variants, float_ops = quant_inspect.inspect_model(path)
    entry = collections.OrderedDict(path=rel, size_bytes=os.path.getsize(path), sha256=golden._sha256(path))
    src_prev = old.get(rel, {}).get("source", {})
    versions = golden._versions()
    built_by = {"tensorflow": versions.get("tensorflow"), "keras": versions.get("keras")}
    if src_prev.get("sha256_at_build") == entry["sha256"]:  # file not rebuilt: keep who built it
        built_by = {k: src_prev.get(k) for k in built_by}
    note = notes.get(name) if name in notes else src_prev.get("conversion_note")
    entry["source"] = collections.OrderedDict(
        kind="tensorflow tf.lite.TFLiteConverter.from_keras_model", **built_by,
        architecture=arch, architecture_description=ARCHS[arch][2], mode=mode, converter_settings=MODES[mode],
        calibration=(None if mode == "dynamic" else
                     {"samples": CALIBRATION_SAMPLES, "seed": cal_seed,
                      "distribution": _dist_desc(ARCHS[arch][1])}),
        script="tests/golden/make_quant_models.py", sha256_at_build=entry["sha256"])
    if note:
        entry["source"]["conversion_note"] = note
    entry["inputs"] = [quant_inspect.io_desc(fm, i) for i in fm.sg.inputs]
    entry["outputs"] = [quant_inspect.io_desc(fm, i) for i in fm.sg.outputs]
    for desc, i in zip(entry["outputs"], fm.sg.outputs):
        step, src = quant_inspect.output_step(fm, i)
        if step is not None:
            desc["step"] = step
            desc["step_tensor"] = src
    entry["op_counts"] = dict(sorted(counts.items()))
    entry["op_signatures"] = dict(sorted(sigs.items()))
    entry["op_variants"] = {s: dict(sorted(variants[s].items())) for s in sorted(variants)}
    entry["float_compute_ops"] = dict(sorted(float_ops.items()))
    npz = os.path.splitext(path)[0] + ".io.npz"
    try:
        inputs, results, timings = record_model(name, path)
    except Exception as e:  # LiteRT cannot run what TF made: say so, keep no stale reference
        entry["litert_runs"] = False
        entry["litert_error"] = f"{type(e).__name__}: {e}".strip()
        if os.path.exists(npz):
            os.remove(npz)
        return entry
    entry["litert_runs"] = True
    diffs = []
    for k, desc in enumerate(entry["outputs"]):
        step = desc.get("step")
        r = results[""][k]
        o = {"unit": "quantization steps" if step else "max abs difference / max |BUILTIN_REF|",
             "builtin_vs_ref": _diff(results["_builtin"][k], r, step),
             "xnnpack_vs_ref": _diff(results["_xnnpack"][k], r, step),
             "xnnpack_vs_builtin": _diff(results["_xnnpack"][k], results["_builtin"][k], step)}
        if step:
            o["ref_distinct_values"] = int(np.unique(r).size)
        o.update({"ref_min": float(r.min()), "ref_max": float(r.max())})
        diffs.append(o)
    entry["reference"] = collections.OrderedDict(
        file=os.path.splitext(rel)[0] + ".io.npz", seed=ref_seed, samples=REFERENCE_SAMPLES,
        input_distribution=_dist_desc(ARCHS[arch][1]),
        runner=f"ai_edge_litert {versions.get('ai_edge_litert')} Interpreter, num_threads=1",
        differences=diffs)
    entry["reference"]["xnnpack_left_ops"], entry["reference"]["xnnpack_partitions"] = _xnnpack_left(path)
    entry["reference"]["builtin_vs_ref_per_op"] = _per_op_differences(fm, path, inputs)
    print(f"[ref] {rel}: seconds per invoke {timings}")  # not in the manifest: it would differ on each rerun
    return entry


def record_all(notes=None, names=None):
    notes = notes or {}
    old = {}
    if os.path.exists(MANIFEST):
        with open(MANIFEST) as f:
            for m in json.load(f).get("models", []):
                old[m["path"]] = m
    entries = []
    for name in MODELS:
        rel = f"tf_quant/{name}.tflite"
        if not os.path.exists(os.path.join(MODELS_DIR, rel)):
            print(f"[ref] {rel}: missing, skipped")
            continue
        if names and name not in names and rel in old:
            entries.append(old[rel])  # not asked for: keep its entry (its files are untouched)
            continue
        e = _entry(name, notes, old)
        entries.append(e)
        if not e["litert_runs"]:
            print(f"[ref] {rel}: {e['size_bytes']} bytes; LiteRT cannot run it: {e['litert_error']}", flush=True)
            continue
        d = e["reference"]["differences"]
        print(f"[ref] {rel}: {e['size_bytes']} bytes; float ops {e['float_compute_ops'] or 'none'}; "
              f"builtin/xnnpack vs ref {[(x['builtin_vs_ref'], x['xnnpack_vs_ref']) for x in d]}", flush=True)
    worklist = quant_inspect.worklist(entries)
    manifest = collections.OrderedDict(
        description="Quantized golden models for edgelite: made by TensorFlow's own TFLiteConverter in four "
                    "modes (int8 float I/O, int8 int8 I/O, int16x8, dynamic range), with reference outputs "
                    "from LiteRT's reference, optimized and XNNPACK kernels.",
        generator="tests/golden/make_quant_models.py",
        reference_format=REFERENCE_LAYOUT,
        signature_format="'OP in0,in1,..->out0,..' with tensor dtypes; 'none' is an omitted optional input",
        versions=golden._versions(),
        modes=MODES,
        models=entries,
        worklist=worklist)
    text = json.dumps(manifest, indent=1)
    text = re.sub(r"\[\s*(-?[0-9.e+-]+(?:,\s*-?[0-9.e+-]+)*)\s*\]",  # one line per number list
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(MANIFEST, "w") as f:
        f.write(text + "\n")
    with open(WORKLIST_MD, "w") as f:
        f.write(quant_inspect.worklist_markdown(worklist, entries))
    total = sum(e["size_bytes"] for e in entries)
    npz = sum(os.path.getsize(os.path.join(MODELS_DIR, e["reference"]["file"])) for e in entries if e["litert_runs"])
    print(f"\n{len(entries)} models, {total} bytes of .tflite, {npz} bytes of references")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["all", "refs"], default="all",
                   help="refs: only re-record references and the manifest (no conversion)")
    p.add_argument("--models", nargs="*", choices=list(MODELS), help="only these models (names without .tflite)")
    args = p.parse_args(argv)
    notes = {}
    if args.only == "all":
        notes = convert_models(args.models)
    record_all(notes, args.models)
    return 0


if __name__ == "__main__":
    sys.exit(main())
