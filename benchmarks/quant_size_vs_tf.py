"""File sizes of quantized models: edgelite's converter against TensorFlow's, for the same architectures.

Two steps, because TensorFlow lives in its own environment:
    /work/tfenv/bin/python benchmarks/quant_size_vs_tf.py --tf /tmp/tf_sizes.json   # TensorFlow's sizes
    python benchmarks/quant_size_vs_tf.py --merge /tmp/tf_sizes.json                 # ours, and the table
The second step writes benchmarks/results/quant_size_vs_tf.json and prints the comparison. Sizes depend on the
architecture, not on the weights; both sides use seeded random weights and 32 random calibration samples.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

MODES = ("float32", "float16", "dynamic", "int8", "int16x8")
# name -> layer list, (kind, arguments); the same on both sides.
ARCHS = {
    "digits_cnn": [("conv", 16), ("maxpool",), ("conv", 32), ("gap",), ("dense", 10, "softmax")],
    "cnn30k": [("conv", 16), ("maxpool",), ("conv", 32), ("gap",), ("dense", 32, "relu"),
               ("dense", 10, "softmax")],
}
INPUT = (8, 8, 1)
RESULT = os.path.join(os.path.dirname(__file__), "results", "quant_size_vs_tf.json")


def calibration():
    return np.random.default_rng(0).random((32,) + INPUT).astype(np.float32)


def keras_model(spec):
    import keras
    keras.utils.set_random_seed(0)
    L = keras.layers
    layers = [keras.Input(INPUT)]
    for s in spec:
        if s[0] == "conv":
            layers.append(L.Conv2D(s[1], 3, padding="same", activation="relu"))
        elif s[0] == "maxpool":
            layers.append(L.MaxPool2D())
        elif s[0] == "gap":
            layers.append(L.GlobalAveragePooling2D())
        else:
            layers.append(L.Dense(s[1], activation=s[2]))
    return keras.Sequential(layers)


def tf_sizes():
    import tensorflow as tf
    out = {"tensorflow": tf.__version__, "sizes": {}}
    for name, spec in ARCHS.items():
        model = keras_model(spec)
        sizes = {}
        for mode in MODES:
            c = tf.lite.TFLiteConverter.from_keras_model(model)
            if mode != "float32":
                c.optimizations = [tf.lite.Optimize.DEFAULT]
            if mode == "float16":
                c.target_spec.supported_types = [tf.float16]
            if mode in ("int8", "int16x8"):
                c.representative_dataset = lambda: ([s[None]] for s in calibration())
                c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8 if mode == "int8" else
                                               tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            sizes[mode] = len(c.convert())
        out["sizes"][name] = sizes
    return out


def edgelite_model(spec):
    from edgelite import training as et
    from edgelite.training import layers
    et.set_random_seed(0)
    stack = [et.Input(INPUT)]
    for s in spec:
        if s[0] == "conv":
            stack.append(layers.Conv2D(s[1], 3, padding="same", activation="relu"))
        elif s[0] == "maxpool":
            stack.append(layers.MaxPool2D())
        elif s[0] == "gap":
            stack.append(layers.GlobalAveragePooling2D())
        else:
            stack.append(layers.Dense(s[1], activation=s[2]))
    return et.Sequential(stack)


def edgelite_sizes():
    from edgelite.converter import convert
    sizes = {}
    for name, spec in ARCHS.items():
        model = edgelite_model(spec)
        sizes[name] = {m: len(convert(model, quantize=None if m == "float32" else m,
                                      representative_data=calibration() if m in ("int8", "int16x8") else None))
                       for m in MODES}
    return sizes


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tf", metavar="OUT.json", help="write TensorFlow's sizes (run in the TensorFlow environment)")
    p.add_argument("--merge", metavar="TF.json", help="TensorFlow's sizes to compare edgelite's with")
    args = p.parse_args(argv)
    if args.tf:
        with open(args.tf, "w") as f:
            json.dump(tf_sizes(), f, indent=1)
        return 0
    if not args.merge:
        p.error("give --tf or --merge")
    with open(args.merge) as f:
        tf = json.load(f)
    ours = edgelite_sizes()
    result = {"tensorflow": tf["tensorflow"], "unit": "bytes", "architectures": {}}
    for name in ARCHS:
        rows = {}
        for m in MODES:
            t, e = tf["sizes"][name][m], ours[name][m]
            rows[m] = {"tensorflow": t, "edgelite": e, "tf_ratio_to_float": round(t / tf["sizes"][name]["float32"], 3),
                       "edgelite_ratio_to_float": round(e / ours[name]["float32"], 3),
                       "edgelite_vs_tf": round(e / t, 3)}
            print(f"{name:12s} {m:8s} TF {t:7d} ({rows[m]['tf_ratio_to_float']:.3f})  edgelite {e:7d} "
                  f"({rows[m]['edgelite_ratio_to_float']:.3f})  edgelite/TF {rows[m]['edgelite_vs_tf']:.3f}")
        result["architectures"][name] = rows
    os.makedirs(os.path.dirname(RESULT), exist_ok=True)
    with open(RESULT, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
