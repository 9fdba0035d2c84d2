#!/usr/bin/env python3
"""Regenerate the committed recurrent golden models (tests/models/tf_seq/) and their recorded LiteRT outputs.

Like make_golden_models.py, this script is NOT part of the test suite. It needs TensorFlow with tf_keras (Keras 2,
whose LSTM layer the converter turns into the fused UNIDIRECTIONAL_SEQUENCE_LSTM; Keras 3's becomes a WHILE
loop) and ai-edge-litert, e.g.

    /work/tfenv/bin/pip install tensorflow-cpu==2.21.0 tf-keras==2.21.0 ai-edge-litert==2.3.0 numpy

Run from anywhere:

    python tests/golden/make_sequence_models.py                    # build every model, record, write the manifest
    python tests/golden/make_sequence_models.py --only refs        # re-record outputs + manifest only
    python tests/golden/make_sequence_models.py --models bilstm     # rebuild some models (then record all)
    python tests/golden/make_sequence_models.py --pending          # also build PENDING models into /tmp

It writes, into tests/models/tf_seq/,
  <model>.tflite   converted by tf.lite.TFLiteConverter.from_keras_model from a seeded tf_keras model with a fixed
                   batch (the converter needs one to fuse the LSTM)
  <model>.io.npz   REFERENCE_LAYOUT: seeded inputs for INVOKES successive invokes of one interpreter and LiteRT's
                   outputs for each. The fused LSTM's states are variable tensors, so each invoke starts from the
                   state the previous one left (LiteRT's behaviour for converted Keras LSTMs): the invokes differ
                   (manifest: reference.state_across_invokes); the WHILE loop of SimpleRNN starts from zeros.
  manifest.json    per model: path, size, sha256, source, inputs/outputs, operators with counts and the options
                   that matter to kernels, whether LiteRT runs it; and `pending`: models this runtime cannot run yet.
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

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_golden_models as golden  # noqa: E402  (npz writer, sha256, versions)

SEQ_DIR = os.path.join(golden.MODELS_DIR, "tf_seq")
MANIFEST = os.path.join(SEQ_DIR, "manifest.json")
INVOKES = 3
REFERENCE_LAYOUT = ("input_k: (invokes, *input k shape); output_k: (invokes, *output k shape) from "
                    "OpResolverType.BUILTIN_REF (reference kernels); output_k_builtin: "
                    "BUILTIN_WITHOUT_DEFAULT_DELEGATES (optimized kernels, XNNPACK off). One interpreter invoked "
                    f"{INVOKES} times in order, num_threads=1; k follows get_input_details()/get_output_details().")
RESOLVERS = (("", "BUILTIN_REF"), ("_builtin", "BUILTIN_WITHOUT_DEFAULT_DELEGATES"))

tf = keras = None


def _import_tf():
    """TensorFlow as make_golden_models sets it up, and tf_keras (Keras 2) for the layers."""
    global tf, keras
    if tf is None:
        import tf_keras as _keras
        tf, keras = golden._import_tf()[0], _keras


def _convert(model, mode="float", representative=None) -> bytes:
    with contextlib.redirect_stdout(io.StringIO()):
        conv = tf.lite.TFLiteConverter.from_keras_model(model)
        if mode in ("dynamic", "int8"):
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
        if mode == "int8":
            conv.representative_dataset = representative
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        return conv.convert()


def _seed(seed):
    keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


# ---- builders: name -> (function returning (keras model, conversion mode), input range, description) ----

def build_lstm_sequences():
    _seed(1)
    x = keras.Input((12, 8), batch_size=2)
    return keras.Model(x, keras.layers.LSTM(16, return_sequences=True)(x)), "float"


def build_lstm_last_step():
    _seed(2)
    x = keras.Input((9, 6), batch_size=1)
    return keras.Model(x, keras.layers.LSTM(10)(x)), "float"


def build_lstm_stacked():
    _seed(3)
    x = keras.Input((10, 5), batch_size=2)
    h = keras.layers.LSTM(12, return_sequences=True)(x)
    h = keras.layers.LSTM(8)(h)
    return keras.Model(x, keras.layers.Dense(3, activation="softmax")(h)), "float"


def build_bidirectional_lstm():
    _seed(4)
    x = keras.Input((8, 6), batch_size=2)
    h = keras.layers.Bidirectional(keras.layers.LSTM(10, return_sequences=True))(x)
    return keras.Model(x, keras.layers.Dense(4)(h)), "float"


def build_lstm_dynamic_range():
    # 32 units on 40 inputs: every weight matrix has 1024 elements or more, so the converter quantizes them all
    # (smaller ones stay float).
    _seed(5)
    x = keras.Input((10, 40), batch_size=1)
    return keras.Model(x, keras.layers.LSTM(32, return_sequences=True)(x)), "dynamic"


def build_simple_rnn():
    _seed(6)
    x = keras.Input((7, 5), batch_size=1)
    return keras.Model(x, keras.layers.SimpleRNN(8, return_sequences=True)(x)), "float"


def build_lstm_int8():
    _seed(7)
    x = keras.Input((10, 40), batch_size=1)
    return keras.Model(x, keras.layers.LSTM(32, return_sequences=True)(x)), "int8"


MODELS = collections.OrderedDict([
    ("lstm_sequences", (build_lstm_sequences, (-1, 1), "tf_keras LSTM(16, return_sequences=True), batch 2")),
    ("lstm_last_step", (build_lstm_last_step, (-1, 1), "tf_keras LSTM(10) (last step only: STRIDED_SLICE)")),
    ("lstm_stacked", (build_lstm_stacked, (-1, 1), "two stacked tf_keras LSTMs (12 returning sequences, 8), "
                                                   "Dense softmax, batch 2")),
    ("bidirectional_lstm", (build_bidirectional_lstm, (-1, 1),
                            "tf_keras Bidirectional(LSTM(10, return_sequences=True)), Dense: two LSTMs, the "
                            "backward one between REVERSE_V2s, CONCATENATION, batch 2")),
    ("lstm_dynamic_range", (build_lstm_dynamic_range, (-1, 1),
                            "tf_keras LSTM(32) on 40 inputs, Optimize.DEFAULT without representative data: "
                            "int8 weights, asymmetric per-row input quantization (hybrid)")),
    ("simple_rnn", (build_simple_rnn, (-1, 1),
                    "tf_keras SimpleRNN(8, return_sequences=True): converts to a WHILE loop (there is no fused "
                    "RNN conversion), stateless across invokes")),
])
# Built only with --pending: converted fine, but this runtime lacks what they need (reason), so not committed.
PENDING = collections.OrderedDict([
    ("lstm_int8", (build_lstm_int8, (-1, 1), "tf_keras LSTM(32), full int8 (representative data)",
                   "needs the integer (8x8_16) UNIDIRECTIONAL_SEQUENCE_LSTM, not written yet")),
])


def _representative():
    rng = np.random.default_rng(70)
    for _ in range(50):
        yield [rng.uniform(-1, 1, (1, 10, 40)).astype(np.float32)]


def build(names, table, out_dir=SEQ_DIR):
    _import_tf()
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        model, mode = table[name][0]()
        content = _convert(model, mode, _representative)
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(content)
        print(f"[build] {name}: {len(content)} bytes ({mode})")


# ---- inspection and references ----

def inspect_model(path):
    """Op names with counts, and the options that matter to the sequence kernels."""
    from tensorflow.lite.tools import flatbuffer_utils as fbu
    names, S = golden._op_name_table()
    model = fbu.read_model(path)
    ops, variants = [], set()
    for sg in model.subgraphs:
        for op in sg.operators:
            oc = model.operatorCodes[op.opcodeIndex]
            name = names.get(max(oc.builtinCode, oc.deprecatedBuiltinCode), "?")
            ops.append(name)
            o = op.builtinOptions
            if name == "UNIDIRECTIONAL_SEQUENCE_LSTM":
                weights = {9: "int8", 0: "float32"}.get(sg.tensors[op.inputs[2]].type, "?")
                variants.add(f"{name}(time_major={bool(o.timeMajor)},weights={weights},"
                             f"asymmetric={bool(o.asymmetricQuantizeInputs)},cell_clip={o.cellClip},"
                             f"proj_clip={o.projClip},inputs={len(op.inputs)},v{oc.version})")
            elif name == "REVERSE_V2":
                variants.add(f"REVERSE_V2(v{oc.version})")
    return ops, sorted(variants)


def record_reference(path, seed, value_range):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    rng = np.random.default_rng(seed)
    arrays, details = {}, None
    for suffix, resolver in RESOLVERS:
        interp = Interpreter(model_path=path, num_threads=1,
                             experimental_op_resolver_type=getattr(OpResolverType, resolver))
        interp.allocate_tensors()
        in_det, out_det = interp.get_input_details(), interp.get_output_details()
        if not suffix:
            for i, d in enumerate(in_det):
                arrays[f"input_{i}"] = rng.uniform(*value_range, (INVOKES, *d["shape"])).astype(d["dtype"])
        outs = [[] for _ in out_det]
        for k in range(INVOKES):
            for i, d in enumerate(in_det):
                interp.set_tensor(d["index"], arrays[f"input_{i}"][k])
            interp.invoke()
            for i, d in enumerate(out_det):
                outs[i].append(np.array(interp.get_tensor(d["index"])))
        for i, o in enumerate(outs):
            arrays[f"output_{i}{suffix}"] = np.stack(o)
        details = (in_det, out_det)
    golden._save_npz(os.path.splitext(path)[0] + ".io.npz", arrays)
    return details, arrays


def _spread(arrays, n_outputs):
    """Largest |BUILTIN_REF - builtin| relative to the output range: LiteRT's own disagreement."""
    worst = 0.0
    for i in range(n_outputs):
        a, b = arrays[f"output_{i}"].astype(np.float64), arrays[f"output_{i}_builtin"].astype(np.float64)
        worst = max(worst, float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-30)))
    return worst


def record_all():
    versions = golden._versions()
    from importlib.metadata import version
    versions["tf_keras"] = version("tf-keras")
    entries = []
    for seed, (name, (_, value_range, description)) in enumerate(MODELS.items(), start=300):
        rel = f"tf_seq/{name}.tflite"
        path = os.path.join(golden.MODELS_DIR, rel)
        ops, variants = inspect_model(path)
        (in_det, out_det), arrays = record_reference(path, seed, value_range)
        entry = collections.OrderedDict(path=rel, size_bytes=os.path.getsize(path), sha256=golden._sha256(path))
        entry["source"] = {"kind": "tensorflow tf.lite.TFLiteConverter.from_keras_model (tf_keras)",
                           "tensorflow": versions.get("tensorflow"), "tf_keras": versions["tf_keras"],
                           "script": "tests/golden/make_sequence_models.py", "builder": f"build_{name}",
                           "description": description}
        entry["ops"] = sorted(set(ops))
        entry["op_counts"] = dict(sorted(collections.Counter(ops).items()))
        entry["op_variants"] = variants
        entry["inputs"] = [golden._tensor_desc(d) for d in in_det]
        entry["outputs"] = [golden._tensor_desc(d) for d in out_det]
        carried = not np.array_equal(arrays["output_0"][0], arrays["output_0"][1])
        entry["reference"] = {"file": f"tf_seq/{name}.io.npz", "seed": seed, "input_range": list(value_range),
                              "invokes": INVOKES, "litert_spread": _spread(arrays, len(out_det)),
                              "state_across_invokes": carried}
        entry["litert_runs"] = True
        entries.append(entry)
        print(f"[ref] {rel}: ops {entry['op_counts']}, LiteRT spread {entry['reference']['litert_spread']:.3g}")
    manifest = collections.OrderedDict(
        description="Recurrent golden models for edgelite: tf_keras layers converted by TensorFlow's converter, "
                    "with outputs recorded from LiteRT over successive invokes (state carried over).",
        generator="tests/golden/make_sequence_models.py", reference_format=REFERENCE_LAYOUT, versions=versions,
        models=entries,
        pending=[{"name": n, "description": d, "reason": r} for n, (_, _, d, r) in PENDING.items()])
    text = json.dumps(manifest, indent=1)
    text = re.sub(r"\[\s*(-?[0-9.e+-]+(?:,\s*-?[0-9.e+-]+)*)\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(MANIFEST, "w") as f:
        f.write(text + "\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["all", "refs"], default="all")
    p.add_argument("--models", nargs="*", help="only rebuild these models")
    p.add_argument("--pending", action="store_true", help="also build the PENDING models (not recorded)")
    p.add_argument("--pending-dir", default="/tmp/tf_seq_pending", help="where --pending writes them")
    args = p.parse_args(argv)
    if args.only == "all":
        build(args.models or list(MODELS), MODELS)
        if args.pending:
            build(list(PENDING), PENDING, args.pending_dir)
    _import_tf()
    record_all()


if __name__ == "__main__":
    main()
