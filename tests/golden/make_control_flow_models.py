#!/usr/bin/env python3
"""Regenerate the control-flow golden models (tests/models/tf_control) and their recorded LiteRT outputs.

NOT part of the test suite: it needs TensorFlow 2.21 / Keras 3 and ai-edge-litert 2.3 in one environment, e.g.

    /work/tfenv/bin/python tests/golden/make_control_flow_models.py            # convert, record, manifest
    /work/tfenv/bin/python tests/golden/make_control_flow_models.py --only refs # re-record and manifest only

It writes
  tests/models/tf_control/<model>.tflite   converted by TensorFlow's TFLiteConverter: tf.while_loop (a
                                           data-dependent trip count, a growing tensor), tf.cond, the two nested,
                                           tf.Variable state (CALL_ONCE + resource variables), Keras 3 LSTM, GRU and
                                           SimpleRNN stacks (which Keras 3 lowers to WHILE loops)
  tests/models/tf_control/<model>.io.npz   case<k>_input_<i> / case<k>_output_<i>: the cases run in order on ONE
                                           LiteRT interpreter (builtin kernels, XNNPACK off, 1 thread); an input of
                                           a new shape is resized and the interpreter allocated again. Stateful
                                           models (variables) carry their state from case to case.
  tests/models/tf_control/manifest.json    per model: file, sha256, source, inputs, outputs, op counts, cases

Everything is seeded (keras.utils.set_random_seed and numpy generators), so reruns with the same versions give the
same files.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_golden_models as golden  # noqa: E402
from make_golden_models import _save_npz, _sha256  # noqa: E402  (byte-reproducible npz, file hashes)

OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "tf_control"))
MANIFEST = os.path.join(OUT_DIR, "manifest.json")

tf = None
keras = None


def _import_tf():
    global tf, keras
    golden._import_tf()  # TensorFlow with the thread settings the other golden models use
    tf, keras = golden.tf, golden.keras


def _convert_function(fn, module=None) -> bytes:
    """A tf.function with a fixed input signature, converted as it is (variables stay resource variables)."""
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], module)
    return converter.convert()


def _convert_keras(model) -> bytes:
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):  # the Keras export prints its signature
        return tf.lite.TFLiteConverter.from_keras_model(model).convert()


# ---- the models: each builder returns (tflite bytes, cases) where a case is a list of input arrays ----

def build_while_growing():
    """acc grows by one row per iteration, n (an input) iterations: a data-dependent trip count."""
    @tf.function(input_signature=[tf.TensorSpec([1, 3], tf.float32, name="x"), tf.TensorSpec([], tf.int32, name="n")])
    def grow(x, n):
        def body(i, acc):
            row = acc[-1:] * 0.5 + tf.cast(i, tf.float32)
            return i + 1, tf.concat([acc, row], axis=0)
        _, acc = tf.while_loop(lambda i, acc: i < n, body, [tf.constant(0), x],
                               shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 3])])
        return acc

    rng = np.random.default_rng(20)
    x = rng.uniform(-1, 1, (1, 3)).astype(np.float32)
    return _convert_function(grow), [[x, np.int32(n)] for n in (5, 0, 2, 9)]


def build_cond():
    @tf.function(input_signature=[tf.TensorSpec([2, 3], tf.float32, name="x"), tf.TensorSpec([], tf.bool, name="flag")])
    def branch(x, flag):
        return tf.cond(flag, lambda: tf.nn.relu(x) * 2.0, lambda: tf.tanh(x) - 1.0)

    rng = np.random.default_rng(21)
    return _convert_function(branch), [[rng.uniform(-2, 2, (2, 3)).astype(np.float32), np.bool_(f)]
                                       for f in (True, False, False, True)]


def build_cond_in_while():
    """A tf.cond inside the body of a tf.while_loop (an IF in the WHILE's body subgraph)."""
    @tf.function(input_signature=[tf.TensorSpec([2, 3], tf.float32, name="x"), tf.TensorSpec([], tf.int32, name="n")])
    def nested(x, n):
        def body(i, y):
            y = tf.cond(tf.reduce_sum(y) > 0.0, lambda: y * 0.5 - 1.0, lambda: y + 2.0 * tf.sin(y))
            return i + 1, y
        return tf.while_loop(lambda i, y: i < n, body, [tf.constant(0), x])[1]

    rng = np.random.default_rng(22)
    return _convert_function(nested), [[rng.uniform(-1, 2, (2, 3)).astype(np.float32), np.int32(n)]
                                       for n in (6, 0, 1, 11)]


def build_while_in_cond():
    """A tf.while_loop inside one branch of a tf.cond."""
    @tf.function(input_signature=[tf.TensorSpec([4], tf.float32, name="x"), tf.TensorSpec([], tf.bool, name="flag")])
    def nested(x, flag):
        def loop():
            return tf.while_loop(lambda i, y: tf.reduce_max(y) < 10.0, lambda i, y: (i + 1, y * 1.5 + 0.1),
                                 [tf.constant(0), x])[1]
        return tf.cond(flag, loop, lambda: -x)

    rng = np.random.default_rng(23)
    return _convert_function(nested), [[rng.uniform(0.2, 1, (4,)).astype(np.float32), np.bool_(f)]
                                       for f in (True, False, True)]


def build_variables():
    """tf.Variables updated every call: CALL_ONCE runs the init subgraph, VAR_HANDLE / READ_VARIABLE /
    ASSIGN_VARIABLE carry the state from invoke to invoke."""
    class Accumulator(tf.Module):
        def __init__(self):
            super().__init__()
            self.total = tf.Variable(tf.fill([2, 3], 0.25))
            self.decayed = tf.Variable(tf.zeros([2, 3]))
            self.count = tf.Variable(0.0)

        @tf.function(input_signature=[tf.TensorSpec([2, 3], tf.float32, name="x")])
        def __call__(self, x):
            self.total.assign_add(x)
            self.decayed.assign(self.decayed * 0.5 + x)
            self.count.assign_add(1.0)
            return self.total * 2.0, self.decayed, self.count

    module = Accumulator()
    rng = np.random.default_rng(24)
    return _convert_function(module.__call__, module), [[rng.normal(size=(2, 3)).astype(np.float32)]
                                                        for _ in range(4)]


def _sequence_input(seed, steps=7, features=4, batch=2):
    keras.utils.set_random_seed(seed)  # the layers' initial weights
    return keras.Input((steps, features), batch_size=batch, name="sequence"), keras.layers


def _sequence_cases(seed, steps=7, features=4, batch=2, count=2):
    rng = np.random.default_rng(seed)
    return [[rng.uniform(-1, 1, (batch, steps, features)).astype(np.float32)] for _ in range(count)]


def build_keras_lstm():
    """Keras 3 LSTM stack: LSTM(8, return_sequences=True) -> LSTM(6) -> Dense(3)."""
    inp, L = _sequence_input(30)
    x = L.LSTM(8, return_sequences=True)(inp)
    x = L.LSTM(6)(x)
    model = keras.Model(inp, L.Dense(3)(x))
    return _convert_keras(model), _sequence_cases(30)


def build_keras_gru():
    """Keras 3 GRU stack: GRU(8, return_sequences=True) -> GRU(5, return_sequences=True) -> GRU(4)."""
    inp, L = _sequence_input(31)
    x = L.GRU(8, return_sequences=True)(inp)
    x = L.GRU(5, return_sequences=True)(x)
    model = keras.Model(inp, L.GRU(4)(x))
    return _convert_keras(model), _sequence_cases(31)


def build_keras_simple_rnn():
    """Keras 3 SimpleRNN stack returning sequences: SimpleRNN(8, tanh) -> SimpleRNN(4, relu), both sequences."""
    inp, L = _sequence_input(32)
    x = L.SimpleRNN(8, return_sequences=True)(inp)
    model = keras.Model(inp, L.SimpleRNN(4, activation="relu", return_sequences=True)(x))
    return _convert_keras(model), _sequence_cases(32)


MODELS = collections.OrderedDict([
    ("while_growing", (build_while_growing, "tf.while_loop: n iterations (an input, 0 included), acc grows a row "
                                            "each (dynamic WHILE)")),
    ("cond", (build_cond, "tf.cond on an input flag (IF)")),
    ("cond_in_while", (build_cond_in_while, "tf.cond inside a tf.while_loop body (IF in WHILE), 0 to 11 "
                                            "iterations")),
    ("while_in_cond", (build_while_in_cond, "tf.while_loop with a value-dependent end inside a tf.cond branch")),
    ("variables", (build_variables, "tf.Variable assign / assign_add over 4 invokes (CALL_ONCE, VAR_HANDLE, "
                                    "READ_VARIABLE, ASSIGN_VARIABLE); stateful")),
    ("keras_lstm", (build_keras_lstm, "Keras 3 LSTM(8, return_sequences) -> LSTM(6) -> Dense(3), batch 2, 7 steps")),
    ("keras_gru", (build_keras_gru, "Keras 3 GRU(8, seq) -> GRU(5, seq) -> GRU(4), batch 2, 7 steps")),
    ("keras_simple_rnn", (build_keras_simple_rnn, "Keras 3 SimpleRNN(8, seq) -> SimpleRNN(4, relu, seq), batch 2")),
])
STATEFUL = {"variables"}


def _op_counts(path):
    from tensorflow.lite.python import schema_py_generated as S
    from tensorflow.lite.tools import flatbuffer_utils as fbu
    names = {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}
    model = fbu.read_model(path)
    counts = collections.Counter()
    for sg in model.subgraphs:
        for op in sg.operators:
            oc = model.operatorCodes[op.opcodeIndex]
            counts[names.get(max(oc.builtinCode, oc.deprecatedBuiltinCode), "?")] += 1
    return dict(sorted(counts.items())), len(model.subgraphs)


def run_cases(interp, cases):
    """Outputs of every case run in order on one interpreter (LiteRT's or edgelite's): an input of a new shape is
    resized and the interpreter allocated again. tests/interpreter/test_control_flow_golden.py runs edgelite so."""
    interp.allocate_tensors()
    results = []
    for inputs in cases:
        details = interp.get_input_details()
        if any(list(d["shape"]) != list(np.shape(x)) for d, x in zip(details, inputs)):
            for d, x in zip(details, inputs):
                interp.resize_tensor_input(d["index"], list(np.shape(x)))
            interp.allocate_tensors()
        for d, x in zip(details, inputs):
            interp.set_tensor(d["index"], np.asarray(x, d["dtype"]))
        interp.invoke()
        results.append([interp.get_tensor(d["index"]) for d in interp.get_output_details()])
    return results


def litert_interpreter(path):
    """LiteRT as the references are recorded: builtin kernels, XNNPACK off, one thread."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    return Interpreter(model_path=path, num_threads=1,
                       experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)


def _desc(d):
    return {"name": d["name"], "shape": [int(v) for v in d["shape"]],
            "shape_signature": [int(v) for v in d["shape_signature"]], "dtype": np.dtype(d["dtype"]).name}


def record(name, cases, note, versions):
    path = os.path.join(OUT_DIR, name + ".tflite")
    interp = litert_interpreter(path)
    outputs = run_cases(interp, cases)
    arrays = {}
    for k, (inputs, outs) in enumerate(zip(cases, outputs)):
        for i, x in enumerate(inputs):
            arrays[f"case{k}_input_{i}"] = np.asarray(x)
        for i, y in enumerate(outs):
            arrays[f"case{k}_output_{i}"] = y
    _save_npz(os.path.join(OUT_DIR, name + ".io.npz"), arrays)
    counts, subgraphs = _op_counts(path)
    return collections.OrderedDict(
        path=f"tf_control/{name}.tflite", size_bytes=os.path.getsize(path), sha256=_sha256(path),
        source={"kind": "tensorflow tf.lite.TFLiteConverter", "tensorflow": versions["tensorflow"],
                "keras": versions["keras"], "script": "tests/golden/make_control_flow_models.py",
                "builder": f"build_{name}"},
        what=note, subgraphs=subgraphs, op_counts=counts, stateful=name in STATEFUL,
        inputs=[_desc(d) for d in interp.get_input_details()],
        outputs=[_desc(d) for d in interp.get_output_details()],
        cases=[{"input_shapes": [list(np.shape(x)) for x in inputs], "output_shapes": [list(y.shape) for y in outs]}
               for inputs, outs in zip(cases, outputs)],
        reference={"file": f"tf_control/{name}.io.npz",
                   "runner": f"ai_edge_litert {versions['ai_edge_litert']}, BUILTIN_WITHOUT_DEFAULT_DELEGATES, "
                             "num_threads=1, cases in order on one interpreter"})


def _versions():
    from importlib.metadata import version
    return {"tensorflow": version("tensorflow"), "keras": version("keras"), "ai_edge_litert": version("ai-edge-litert"),
            "numpy": version("numpy")}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["all", "refs"], default="all")
    p.add_argument("--models", nargs="*", help="only these models (names without .tflite)")
    args = p.parse_args(argv)
    _import_tf()
    os.makedirs(OUT_DIR, exist_ok=True)
    versions = _versions()
    previous = {}
    if os.path.exists(MANIFEST):
        previous = {m["path"]: m for m in json.load(open(MANIFEST))["models"]}
    entries = []
    for name, (builder, note) in MODELS.items():
        rel = f"tf_control/{name}.tflite"
        if args.models and name not in args.models:
            if rel in previous:
                entries.append(previous[rel])
            continue
        data, cases = builder()
        if args.only == "all":
            with open(os.path.join(OUT_DIR, name + ".tflite"), "wb") as f:
                f.write(data)
        keras.backend.clear_session()
        entry = record(name, cases, note, versions)
        entries.append(entry)
        print(f"{rel}: {entry['size_bytes']} bytes, {entry['subgraphs']} subgraphs, ops {entry['op_counts']}")
    manifest = collections.OrderedDict(
        description="Control-flow golden models for edgelite, converted by TensorFlow, outputs recorded from LiteRT.",
        generator="tests/golden/make_control_flow_models.py",
        reference_format="<model>.io.npz holds case<k>_input_<i>, case<k>_output_<i>; run the cases in order on one "
                         "interpreter (resize and allocate again when an input's shape changes)",
        versions=versions, models=entries)
    with open(MANIFEST, "w") as f:
        f.write(json.dumps(manifest, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
