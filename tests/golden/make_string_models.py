#!/usr/bin/env python3
"""Regenerate the string golden models (tests/models/tf_strings) and the outputs TensorFlow and LiteRT give.

NOT part of the test suite: it needs TensorFlow and ai-edge-litert in one environment, e.g.

    /work/tfenv/bin/python tests/golden/make_string_models.py

It writes
  tests/models/tf_strings/text_lookup.tflite  converted by TensorFlow's TFLiteConverter from a tf.Module holding two
                                              tf.lookup.StaticHashTable (string -> int64 word ids with default -1,
                                              int64 -> string names with default "<unk>"): HASHTABLE,
                                              HASHTABLE_IMPORT and HASHTABLE_FIND on string tensors
  tests/models/tf_strings/text_lookup.io.npz  case<k>_input_0 (the words, NumPy bytes), case<k>_output_<name> from
                                              LiteRT, and case<k>_tf_<name> from TensorFlow itself
  tests/models/tf_strings/manifest.json       file, sha256, versions, the op counts, the cases
"""

from __future__ import annotations

import collections
import hashlib
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "tf_strings"))

WORDS = [b"hello", b"world", b"edge", b"lite", "caf\u00e9".encode(), b"", b"a\x00b"]
NAMES = [b"greeting", b"planet", b"border", b"light", b"coffee", b"empty", b"nul"]
CASES = [
    [b"hello", b"lite", b"nope", b"", "caf\u00e9".encode()],
    [b"a\x00b", b"world", b"WORLD"],
    [b"edge"],
    [],
]


def build_text_lookup(tf):
    class TextLookup(tf.Module):
        def __init__(self):
            super().__init__()
            self.ids = tf.lookup.StaticHashTable(
                tf.lookup.KeyValueTensorInitializer(tf.constant(WORDS), tf.range(len(WORDS), dtype=tf.int64)), -1)
            self.names = tf.lookup.StaticHashTable(
                tf.lookup.KeyValueTensorInitializer(tf.range(len(NAMES), dtype=tf.int64) * 10, tf.constant(NAMES)),
                "<unk>")

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="words")])
        def __call__(self, words):
            ids = self.ids.lookup(words)
            return {"ids": ids, "names": self.names.lookup(ids * 10)}

    module = TextLookup()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    return converter.convert(), module


def op_counts(model: bytes) -> dict:
    from ai_edge_litert.interpreter import Interpreter
    counts = collections.Counter(op["op_name"] for op in Interpreter(model_content=model)._get_ops_details())
    return dict(sorted(counts.items()))  # the primary subgraph's


def run_litert(model: bytes, cases):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interp = Interpreter(model_content=model, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    runner = interp.get_signature_runner()
    return [runner(words=np.array(case, dtype=object).reshape(len(case))) for case in cases]


def main():
    import tensorflow as tf
    import ai_edge_litert
    os.makedirs(OUT_DIR, exist_ok=True)
    model, module = build_text_lookup(tf)
    path = os.path.join(OUT_DIR, "text_lookup.tflite")
    with open(path, "wb") as f:
        f.write(model)
    arrays = {}
    for k, (case, litert_out) in enumerate(zip(CASES, run_litert(model, CASES))):
        arrays[f"case{k}_input_0"] = np.array(case, dtype="S16").reshape(len(case))
        tf_out = module(tf.constant(case, dtype=tf.string, shape=[len(case)]))
        for name in sorted(litert_out):
            ours = litert_out[name]
            theirs = tf_out[name].numpy()
            np.testing.assert_array_equal(ours, theirs)  # LiteRT agrees with TensorFlow
            arrays[f"case{k}_output_{name}"] = ours.astype("S16") if ours.dtype == object else ours
            arrays[f"case{k}_tf_{name}"] = theirs.astype("S16") if theirs.dtype == object else theirs
    np.savez(os.path.join(OUT_DIR, "text_lookup.io.npz"), **arrays)
    manifest = {
        "description": "String golden models for edgelite, converted by TensorFlow, outputs from TensorFlow and LiteRT.",
        "generator": "tests/golden/make_string_models.py",
        "versions": {"tensorflow": tf.__version__, "ai_edge_litert": ai_edge_litert.__version__,
                     "numpy": np.__version__},
        "models": [{
            "path": "tf_strings/text_lookup.tflite",
            "sha256": hashlib.sha256(model).hexdigest(),
            "what": "two tf.lookup.StaticHashTable: string -> int64 (default -1), int64 -> string (default <unk>)",
            "op_counts": op_counts(model),
            "cases": len(CASES),
        }],
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
