"""Bad arguments and inputs to the issue-18 layers raise ValueError naming the problem (no crash, no silent
no-op)."""

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers


@pytest.mark.parametrize("make,match", [
    (lambda: layers.Conv1D(2, 3, padding="full"), "padding"),
    (lambda: layers.Conv1D(3, 3, groups=2), "groups"),
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.SeparableConv2D(0, 3), "filters"),
    (lambda: layers.UpSampling2D(interpolation="bicubic"), "interpolation"),
    (lambda: layers.Resizing(4, 4, antialias=True), "antialias"),
    (lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "only one"),
    (lambda: layers.Resizing(0, 4), "positive"),
    (lambda: layers.MultiHeadAttention(2, 3, attention_axes=(1, 2)), "attention_axes"),
    (lambda: layers.MultiHeadAttention(2, 3, sliding_window=0), "sliding_window"),
    (lambda: layers.LeakyReLU(negative_slope=-1), "negative_slope"),
    (lambda: layers.Permute((1, 3)), "permutation"),
    (lambda: layers.Conv1D(2, 3, data_format="channels_first"), "channels_last"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("layer,shape,match", [
    (lambda: layers.Conv1D(2, 3), (2, 5, 5, 1), "rank 3"),
    (lambda: layers.Conv1D(2, 2, groups=2), (2, 5, 3), "divide"),
    (lambda: layers.Conv1D(2, 6), (2, 5, 3), "does not fit"),
    (lambda: layers.MaxPooling1D(), (2, 4, 4, 1), "steps"),
    (lambda: layers.AveragePooling1D(4), (2, 3, 2), "does not fit"),
    (lambda: layers.UpSampling2D(), (2, 4, 3), "NHWC"),
    (lambda: layers.Cropping1D(3), (2, 5, 3), "leaves nothing"),
    (lambda: layers.RepeatVector(2), (2, 3, 4), "features"),
    (lambda: layers.LayerNormalization(axis=0), (2, 3), "non-batch"),
    (lambda: layers.PReLU(shared_axes=[3]), (2, 3, 4), "shared axis"),
])
def test_bad_inputs(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        layer()(np.zeros(shape, np.float32))


def test_attention_needs_query_and_value_of_rank_3():
    mha = layers.MultiHeadAttention(2, 3)
    with pytest.raises(ValueError, match="query and value"):
        mha(np.zeros((1, 4, 3), np.float32))
    with pytest.raises(ValueError, match=r"\(batch, steps, features\)"):
        layers.MultiHeadAttention(2, 3)(et.Input((4, 4, 3)), et.Input((4, 4, 3)))
