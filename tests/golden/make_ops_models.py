#!/usr/bin/env python3
"""Regenerates tests/models/tf_ops/: golden models from TensorFlow's own converter for operator breadth
(issue 17), with TensorFlow's outputs and LiteRT's recorded beside them.

Not part of the test suite: it needs TensorFlow 2.21 and ai-edge-litert 2.3.0 (/work/tfenv here):

    /work/tfenv/bin/python tests/golden/make_ops_models.py

It writes, per model, tests/models/tf_ops/<name>.tflite and <name>.io.npz holding, by the serving signature's
keys, input_<key>, output_<key> (LiteRT's builtin kernels, XNNPACK off, one thread) and tf_output_<key> (the
TensorFlow function or Keras model itself on the same inputs; for the int8 model, the float model's), and
tests/models/tf_ops/manifest.json with each model's operators. Everything is seeded.

Models:
  misc_ops          TOPK_V2, ARG_MAX, CUMSUM, GATHER_ND, REVERSE_V2, TILE, SELECT_V2, SPACE_TO_DEPTH, LOG_SOFTMAX and
                    the new core operators TensorFlow emits from plain TF ops (ADD_N, REDUCE_ANY, UNPACK,
                    SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, BITCAST, BITWISE_XOR, RIGHT_SHIFT, SPARSE_TO_DENSE, ...)
  segmentation      a small encoder-decoder: strided and dilated convs, TRANSPOSE_CONV, bilinear resize, concat
  segmentation_int8 the same model fully integer-quantized (int8 in and out) from a representative dataset
"""

from __future__ import annotations

import collections
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "tf_ops"))


def misc_ops_function():
    """A tf.function over x [1, 8, 8, 4] float32 and bits [6] int32 with one output per operator family."""
    gather_indices = tf.constant([[0, 1, 2], [0, 7, 5], [0, 3, 3]], tf.int32)

    @tf.function(input_signature=[tf.TensorSpec([1, 8, 8, 4], tf.float32, name="x"),
                                  tf.TensorSpec([6], tf.int32, name="bits")])
    def f(x, bits):
        flat = tf.reshape(x, [1, -1])
        top_values, top_indices = tf.math.top_k(flat, k=5)
        unstacked = tf.unstack(x[0, :3, 0, :], axis=0)
        batched = tf.space_to_batch_nd(x, block_shape=[2, 2], paddings=[[0, 0], [2, 0]])
        return {
            "topk_values": top_values,
            "topk_indices": top_indices,
            "argmax": tf.argmax(x, axis=-1, output_type=tf.int32),
            "cumsum": tf.cumsum(x, axis=1),
            "gather_nd": tf.gather_nd(x, gather_indices),
            "reverse": tf.reverse(x, axis=[2]),
            "tile": tf.tile(x[:, :2, :3, :], [1, 2, 1, 3]),
            "select": tf.where(x > 0.2, x, -0.5 * x),
            "space_to_depth": tf.nn.space_to_depth(x, 2),
            "log_softmax": tf.nn.log_softmax(flat),
            "add_n": tf.add_n([x, 2.0 * x, tf.nn.relu(x)]),
            "reduce_any": tf.reduce_any(x > 1.0, axis=[1, 2]),
            "reduce_all": tf.reduce_all(x > -1.5, axis=3),
            "unpack_sum": unstacked[0] + 2.0 * unstacked[1] - unstacked[2],
            "space_to_batch": batched,
            "batch_to_space": tf.batch_to_space(batched * 2.0, block_shape=[2, 2], crops=[[0, 0], [2, 0]]),
            "bitcast": tf.bitcast(x[0, 0], tf.int32),
            "bitwise_xor": tf.bitwise.bitwise_xor(bits, tf.constant([5, -1, 255, 0, 1 << 20, -7], tf.int32)),
            "right_shift": tf.bitwise.right_shift(bits, tf.constant([0, 1, 3, 7, 31, 12], tf.int32)),
            "sparse_to_dense": tf.raw_ops.SparseToDense(
                sparse_indices=tf.constant([[0, 1], [2, 3], [3, 0]], tf.int32), output_shape=[4, 5],
                sparse_values=x[0, 0, :3, 0], default_value=tf.constant(-1.0)),
            "expand_dims": tf.expand_dims(tf.reduce_sum(x, axis=[1, 2]), 1) * 3.0,
        }
    return f


def misc_ops_inputs(rng):
    return [rng.standard_normal((1, 8, 8, 4)).astype(np.float32),
            rng.integers(-2 ** 31, 2 ** 31 - 1, 6).astype(np.int32)]


def segmentation_model():
    """A small encoder-decoder (32x32x3 -> 32x32x5 class scores)."""
    import keras
    from keras import layers
    keras.utils.set_random_seed(17)
    inp = layers.Input((32, 32, 3), batch_size=1, name="image")
    e1 = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inp)           # 16x16
    e2 = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(e1)           # 8x8
    d1 = layers.Conv2D(16, 3, dilation_rate=2, padding="same", activation="relu")(e2)     # dilated
    d2 = layers.Conv2D(16, 3, dilation_rate=3, padding="same", activation="relu")(e2)
    ctx = layers.Concatenate()([d1, d2])
    up1 = layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(ctx)  # 16x16
    skip = layers.Concatenate()([up1, e1])
    up2 = layers.UpSampling2D(2, interpolation="bilinear")(skip)                          # 32x32
    logits = layers.Conv2D(5, 1)(up2)
    return keras.Model(inp, layers.Softmax()(logits))


def convert_function(f):
    """Through a SavedModel, so that the file has the serving signature (output keys)."""
    import tempfile
    module = tf.Module()
    module.f = f
    with tempfile.TemporaryDirectory() as d:
        tf.saved_model.save(module, d, signatures={"serving_default": f.get_concrete_function()})
        return tf.lite.TFLiteConverter.from_saved_model(d).convert()


def convert_keras(model, int8=False, rng=None):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8:
        def representative():
            for _ in range(32):
                yield [rng.uniform(-1, 1, (1, 32, 32, 3)).astype(np.float32)]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def litert_run(content, inputs):
    """LiteRT's outputs (builtin kernels, XNNPACK off, one thread) by the serving signature's output keys."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interp = Interpreter(model_content=content, num_threads=1,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    runner = interp.get_signature_runner()
    return {k: np.asarray(v) for k, v in runner(**inputs).items()}


def operator_counts(content):
    from ai_edge_litert.interpreter import Interpreter
    ops = Interpreter(model_content=content)._get_ops_details()
    return dict(sorted(collections.Counter(op["op_name"] for op in ops).items()))


def save(name, content, inputs, tf_outputs, note):
    """Writes <name>.tflite and <name>.io.npz (input_<key>, output_<key> from LiteRT, tf_output_<key> from TF)."""
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, f"{name}.tflite"), "wb") as f:
        f.write(content)
    outputs = litert_run(content, inputs)
    assert sorted(outputs) == sorted(tf_outputs), (name, sorted(outputs), sorted(tf_outputs))
    arrays = {f"input_{k}": v for k, v in inputs.items()}
    arrays.update({f"output_{k}": v for k, v in outputs.items()})
    arrays.update({f"tf_output_{k}": np.asarray(v) for k, v in tf_outputs.items()})
    for k in outputs:
        assert outputs[k].shape == np.shape(tf_outputs[k]), (name, k, outputs[k].shape, np.shape(tf_outputs[k]))
    np.savez_compressed(os.path.join(OUT_DIR, f"{name}.io.npz"), **arrays)
    return {"path": f"tf_ops/{name}.tflite", "operators": operator_counts(content), "note": note,
            "inputs": sorted(inputs), "outputs": sorted(outputs),
            "source": f"tf.lite.TFLiteConverter (TensorFlow {tf.__version__})"}


def main():
    manifest = {}
    rng = np.random.default_rng(17)
    f = misc_ops_function()
    x, bits = misc_ops_inputs(rng)
    tf_out = {k: v.numpy() for k, v in f(tf.constant(x), tf.constant(bits)).items()}
    manifest["misc_ops"] = save("misc_ops", convert_function(f), {"x": x, "bits": bits}, tf_out,
                                "one output per operator family (signature serving_default)")

    model = segmentation_model()
    image = rng.uniform(-1, 1, (1, 32, 32, 3)).astype(np.float32)
    content = convert_keras(model)
    from ai_edge_litert.interpreter import Interpreter
    sig = Interpreter(model_content=content).get_signature_list()["serving_default"]
    in_key, out_key = sig["inputs"][0], sig["outputs"][0]
    tf_scores = {out_key: model(image).numpy()}
    manifest["segmentation"] = save("segmentation", content, {in_key: image}, tf_scores, "float32 encoder-decoder")
    content = convert_keras(model, int8=True, rng=np.random.default_rng(18))
    q_in = Interpreter(model_content=content).get_input_details()[0]["quantization"]
    q_image = np.clip(np.round(image / q_in[0] + q_in[1]), -128, 127).astype(np.int8)
    manifest["segmentation_int8"] = save("segmentation_int8", content, {in_key: q_image}, tf_scores,
                                         "int8 in and out; tf_output is the float model's softmax")
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    for name, entry in manifest.items():
        print(name, entry["operators"])


if __name__ == "__main__":
    main()
