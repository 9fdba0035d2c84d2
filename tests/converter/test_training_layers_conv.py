"""Conv1D, SeparableConv2D, Conv2DTranspose and 1-D pooling convert to builtins matching predict at batches 1
and 5."""

import pytest

from converter_testutil import tflite_ops
from edgelite.converter import ConversionError, convert
from training_convert_testutil import check_converted, randn, randomize

et = pytest.importorskip("edgelite.training")
layers = et.layers


def test_conv1d_family():
    model = et.Sequential([
        et.Input((12, 4)), layers.Conv1D(6, 3, padding="causal", dilation_rate=2, activation="relu"),
        layers.Conv1D(6, 3, strides=2, padding="same", groups=3), layers.MaxPooling1D(2, padding="same"),
        layers.Conv1D(4, 2, activation="tanh"), layers.AveragePooling1D(2, strides=1, padding="same"),
        layers.GlobalAveragePooling1D()])
    randomize(model)
    check_converted(model, lambda b: [randn(b, 12, 4, seed=b)])
    ops = tflite_ops(convert(model))
    assert "CONV_2D" in ops and "SPLIT" in ops and "MAX_POOL_2D" in ops


def test_global_max_pool1d_keepdims():
    model = et.Sequential([et.Input((5, 3)), layers.Conv1D(4, 2), layers.GlobalMaxPooling1D(keepdims=True),
                           layers.Flatten()])
    randomize(model, 1)
    check_converted(model, lambda b: [randn(b, 5, 3, seed=b)])


def test_separable_conv2d():
    model = et.Sequential([et.Input((9, 8, 3)),
                           layers.SeparableConv2D(5, 3, padding="same", depth_multiplier=2, activation="relu"),
                           layers.SeparableConv2D(4, (3, 2), strides=2, use_bias=False)])
    randomize(model, 2)
    check_converted(model, lambda b: [randn(b, 9, 8, 3, seed=b)])
    assert tflite_ops(convert(model)).count("DEPTHWISE_CONV_2D") == 2


@pytest.mark.parametrize("kwargs", [
    dict(filters=3, kernel_size=3, strides=2, padding="same"),
    dict(filters=2, kernel_size=(3, 2), strides=(2, 3)),
    dict(filters=2, kernel_size=2, strides=3),
    dict(filters=2, kernel_size=4, strides=3, padding="same", output_padding=1, activation="relu"),
    dict(filters=2, kernel_size=3, strides=2, output_padding=1),
    dict(filters=3, kernel_size=1, strides=2, padding="same"),
])
def test_conv2d_transpose(kwargs):
    model = et.Sequential([et.Input((4, 5, 2)), layers.Conv2DTranspose(**kwargs)])
    randomize(model, 3)
    check_converted(model, lambda b: [randn(b, 4, 5, 2, seed=b)])
    assert "TRANSPOSE_CONV" in tflite_ops(convert(model))


def test_conv2d_transpose_dilation_is_refused():
    model = et.Sequential([et.Input((4, 4, 2)), layers.Conv2DTranspose(2, 3, dilation_rate=2)])
    with pytest.raises(ConversionError, match="dilation"):
        convert(model)
