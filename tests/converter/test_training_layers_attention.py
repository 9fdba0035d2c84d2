"""LayerNormalization, MultiHeadAttention (masks, causal, scores) and the parametric activations convert to
builtins matching predict at batches 1 and 5."""

import numpy as np
import pytest

from converter_testutil import tflite_ops
from edgelite.converter import convert
from training_convert_testutil import check_converted, randn, randomize

et = pytest.importorskip("edgelite.training")
layers = et.layers


def test_layer_normalization_and_activations():
    model = et.Sequential([et.Input((5, 6)), layers.LayerNormalization(), layers.LeakyReLU(),
                           layers.Dense(6), layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False),
                           layers.PReLU(alpha_initializer="ones", shared_axes=[1]), layers.ELU(),
                           layers.Dense(4), layers.ELU(alpha=0.4), layers.PReLU(),
                           layers.LayerNormalization(rms_scaling=True)])
    randomize(model)
    check_converted(model, lambda b: [randn(b, 5, 6, seed=b) * 3])
    ops = tflite_ops(convert(model))
    assert {"RSQRT", "SQUARED_DIFFERENCE", "LEAKY_RELU", "PRELU", "ELU"} <= set(ops)


def test_self_attention_block():
    inp = et.Input((6, 8))
    h = layers.MultiHeadAttention(num_heads=2, key_dim=4)(inp, inp)
    h = layers.LayerNormalization()(layers.Add()([inp, h]))
    out = layers.GlobalAveragePooling1D()(layers.Dense(8, activation="relu")(h))
    model = et.Model(inp, out)
    randomize(model, 1)
    check_converted(model, lambda b: [randn(b, 6, 8, seed=b)])
    ops = tflite_ops(convert(model))
    assert ops.count("BATCH_MATMUL") == 2 and "SOFTMAX" in ops


def test_cross_attention_causal_with_scores():
    q_in, v_in = et.Input((4, 5)), et.Input((6, 3))
    mha = layers.MultiHeadAttention(3, 2, value_dim=4, output_shape=7, use_bias=False)
    out, scores = mha(q_in, v_in, return_attention_scores=True, use_causal_mask=True)
    model = et.Model([q_in, v_in], [out, scores])
    randomize(model, 2)
    check_converted(model, lambda b: [randn(b, 4, 5, seed=b), randn(b, 6, 3, seed=b + 9)])


def test_attention_mask_and_key_as_inputs():
    q_in, v_in, k_in = et.Input((3, 4)), et.Input((5, 4)), et.Input((5, 2))
    mask_in = et.Input((3, 5), dtype="bool")
    out = layers.MultiHeadAttention(2, 3)(q_in, v_in, key=k_in, attention_mask=mask_in)
    model = et.Model([q_in, v_in, k_in, mask_in], out)
    randomize(model, 3)

    def inputs(b):
        mask = np.random.default_rng(b).random((b, 3, 5)) > 0.5
        mask[..., 0] = True
        return [randn(b, 3, 4, seed=b), randn(b, 5, 4, seed=b + 1), randn(b, 5, 2, seed=b + 2), mask]
    check_converted(model, inputs)


def test_gated_attention_with_a_sliding_window():
    inp = et.Input((7, 6))
    out = layers.MultiHeadAttention(2, 3, value_dim=4, use_gate=True, sliding_window=3)(inp, inp, use_causal_mask=True)
    model = et.Model(inp, out)
    randomize(model, 4)
    check_converted(model, lambda b: [randn(b, 7, 6, seed=b)])
