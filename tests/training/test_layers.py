"""Layers: gradients of every built-in layer (input and weights) against finite differences, Keras shapes and
semantics, output-shape inference, and config round trips."""

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import Tensor, layers
from edgelite.training.layers import BUILTIN_LAYERS
from layer_cases_breadth import breadth_cases

F64 = {"dtype": "float64"}


def away_from(rng, shape, points, low, high, margin=0.05):
    """Uniform values in [low, high] kept `margin` away from each kink in `points`."""
    x = rng.uniform(low, high, shape)
    for p in points:
        near = np.abs(x - p) < margin
        x[near] = p + np.where(x[near] >= p, margin, -margin) * 2
    return x


def _dropout_case(rng):
    layer = layers.Dropout(0.4, seed=3, **F64)

    def reseed():  # the same mask on every evaluation, so the check differentiates a fixed function
        layer._rng = np.random.default_rng(3)
    return layer, rng.normal(size=(4, 6)), True, reseed


def _recurrent_dropout_case(make):
    def case(rng):
        layer = make()

        def reseed():  # fixed masks, so the check differentiates one function (of time-constant masks)
            for sub in [layer] + layer._layers:
                sub._rng = np.random.default_rng(5)
        return layer, rng.normal(size=(3, 4, 3)), True, reseed
    return case


# name -> list of (make(rng) -> (layer, inputs, training, before_call)); every built-in layer needs one.
def _cases():
    n = lambda r, *s: r.normal(size=s)  # noqa: E731
    return {
        "Dense": [lambda r: (layers.Dense(3, activation="tanh", **F64), n(r, 4, 5), None, None),
                  lambda r: (layers.Dense(2, use_bias=False, **F64), n(r, 2, 3, 4), None, None)],
        "Conv2D": [
            lambda r: (layers.Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="tanh", **F64),
                       n(r, 2, 5, 6, 2), None, None),
            lambda r: (layers.Conv2D(2, 3, dilation_rate=2, use_bias=False, **F64), n(r, 1, 7, 7, 2), None, None)],
        "DepthwiseConv2D": [
            lambda r: (layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, **F64),
                       n(r, 2, 5, 5, 3), None, None),
            lambda r: (layers.DepthwiseConv2D((2, 3), dilation_rate=(2, 1), activation="sigmoid", **F64),
                       n(r, 1, 6, 6, 2), None, None)],
        "MaxPooling2D": [lambda r: (layers.MaxPooling2D(2, **F64), n(r, 2, 4, 4, 3), None, None),
                         lambda r: (layers.MaxPooling2D(3, strides=2, padding="same", **F64), n(r, 1, 5, 6, 2),
                                    None, None)],
        "AveragePooling2D": [lambda r: (layers.AveragePooling2D(2, **F64), n(r, 2, 4, 4, 3), None, None),
                             lambda r: (layers.AveragePooling2D(3, strides=2, padding="same", **F64),
                                        n(r, 1, 5, 6, 2), None, None)],
        "GlobalAveragePooling2D": [lambda r: (layers.GlobalAveragePooling2D(**F64), n(r, 2, 3, 4, 5), None, None)],
        "GlobalMaxPooling2D": [lambda r: (layers.GlobalMaxPooling2D(keepdims=True, **F64), n(r, 2, 3, 4, 5),
                                          None, None)],
        "BatchNormalization": [
            lambda r: (layers.BatchNormalization(**F64), n(r, 6, 3, 3, 4), True, None),
            lambda r: (layers.BatchNormalization(momentum=0.5, **F64), n(r, 5, 4), False, None)],
        "Dropout": [_dropout_case],
        "Flatten": [lambda r: (layers.Flatten(**F64), n(r, 2, 3, 2, 2), None, None)],
        "Reshape": [lambda r: (layers.Reshape((2, -1), **F64), n(r, 3, 4, 3), None, None)],
        "Activation": [lambda r, a=a: (layers.Activation(a, **F64), n(r, 3, 4), None, None)
                       for a in ("gelu", "softmax", "tanh")],
        "ReLU": [lambda r: (layers.ReLU(**F64), away_from(r, (3, 5), [0.0], -2, 2), None, None),
                 lambda r: (layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5, **F64),
                            away_from(r, (3, 5), [0.5, 6.0], -3, 8), None, None)],
        "Softmax": [lambda r: (layers.Softmax(axis=1, **F64), n(r, 2, 3, 4), None, None)],
        "Add": [lambda r: (layers.Add(**F64), [n(r, 2, 3), n(r, 2, 3), n(r, 2, 3)], None, None)],
        "Subtract": [lambda r: (layers.Subtract(**F64), [n(r, 2, 3), n(r, 2, 3)], None, None)],
        "Multiply": [lambda r: (layers.Multiply(**F64), [n(r, 2, 3, 1), n(r, 2, 3, 4)], None, None)],
        "Concatenate": [lambda r: (layers.Concatenate(axis=-1, **F64), [n(r, 2, 3, 1), n(r, 2, 3, 2)], None, None),
                        lambda r: (layers.Concatenate(axis=1, **F64), [n(r, 2, 1, 2), n(r, 2, 3, 2)], None, None)],
        # Recurrent layers: gradients through every time step (inputs, kernels, biases) by finite differences.
        "SimpleRNN": [
            lambda r: (layers.SimpleRNN(3, return_sequences=True, **F64), n(r, 2, 5, 3), None, None),
            lambda r: (layers.SimpleRNN(2, activation="sigmoid", go_backwards=True, **F64), n(r, 3, 4, 2), None, None),
            _recurrent_dropout_case(lambda: layers.SimpleRNN(3, dropout=0.3, recurrent_dropout=0.3, seed=1, **F64))],
        "LSTM": [
            lambda r: (layers.LSTM(3, return_sequences=True, **F64), n(r, 2, 5, 3), None, None),
            lambda r: (layers.LSTM(2, go_backwards=True, use_bias=False, **F64), n(r, 2, 4, 3), None, None),
            _recurrent_dropout_case(lambda: layers.LSTM(2, dropout=0.3, **F64)),
            _recurrent_dropout_case(lambda: layers.LSTM(2, dropout=0.2, recurrent_dropout=0.4, **F64))],
        "GRU": [
            lambda r: (layers.GRU(3, return_sequences=True, **F64), n(r, 2, 5, 3), None, None),
            lambda r: (layers.GRU(2, reset_after=False, go_backwards=True, **F64), n(r, 2, 4, 3), None, None),
            _recurrent_dropout_case(lambda: layers.GRU(2, reset_after=False, dropout=0.2, recurrent_dropout=0.4,
                                                       **F64)),
            _recurrent_dropout_case(lambda: layers.GRU(2, dropout=0.2, recurrent_dropout=0.4, **F64))],
        "Bidirectional": [
            lambda r: (layers.Bidirectional(layers.LSTM(2, return_sequences=True, **F64), **F64), n(r, 2, 4, 3),
                       None, None),
            lambda r: (layers.Bidirectional(layers.GRU(2, **F64), merge_mode="mul", **F64), n(r, 2, 3, 2), None,
                       None),
            lambda r: (layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True, **F64), merge_mode="ave",
                                            **F64), n(r, 2, 3, 2), None, None)],
    }


CASES = {**_cases(), **breadth_cases()}
CASE_IDS = [(name, i) for name in sorted(CASES) for i in range(len(CASES[name]))]


def test_every_builtin_layer_has_gradient_cases():
    # Embedding reads integer indices, which have no gradient: test_recurrent_layers checks its table's.
    assert set(BUILTIN_LAYERS) - {"InputLayer", "Embedding"} == set(CASES)


@pytest.mark.parametrize("name,index", CASE_IDS)
def test_layer_gradients(name, index, gradcheck, rng):
    layer, x, training, before = CASES[name][index](rng)
    gradcheck.layer(layer, x, training=training, before_call=before)


@pytest.mark.parametrize("name,index", CASE_IDS)
def test_symbolic_output_shape_matches_computed_shape(name, index, rng):
    layer, x, training, _ = CASES[name][index](rng)
    xs = x if isinstance(x, list) else [x]
    symbolic = [et.Input(a.shape[1:], dtype="float64") for a in xs]
    out = layer(symbolic if isinstance(x, list) else symbolic[0])
    concrete = layer(x, training=training)
    assert out.shape == (None,) + concrete.shape[1:]


@pytest.mark.parametrize("name,index", CASE_IDS)
def test_config_round_trip_rebuilds_an_equal_layer(name, index, rng):
    layer, x, _, _ = CASES[name][index](rng)
    expected = layer(x).data
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x).data, expected)


# ---- Keras shapes and semantics ----

def test_kernel_shapes_and_names_follow_keras():
    dense = layers.Dense(4)
    dense(np.zeros((1, 3)))
    conv = layers.Conv2D(5, (3, 2))
    conv(np.zeros((1, 6, 6, 2)))
    dw = layers.DepthwiseConv2D(3, depth_multiplier=2)
    dw(np.zeros((1, 6, 6, 3)))
    bn = layers.BatchNormalization()
    bn(np.zeros((2, 3)))
    assert {k: v.shape for k, v in dense.get_named_weights().items()} == {"kernel": (3, 4), "bias": (4,)}
    assert conv.kernel.shape == (3, 2, 2, 5) and conv.bias.shape == (5,)
    assert dw.get_named_weights()["depthwise_kernel"].shape == (3, 3, 3, 2) and dw.bias.shape == (6,)
    assert list(bn.get_named_weights()) == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.path for w in bn.non_trainable_weights] == [f"{bn.name}/moving_mean", f"{bn.name}/moving_variance"]
    assert conv.kernel.dtype == np.float32


@pytest.mark.parametrize("size,stride,expected", [(5, 2, 3), (6, 2, 3), (7, 3, 3), (1, 2, 1)])
def test_same_padding_output_size_is_ceil_of_input_over_stride(size, stride, expected):
    y = layers.Conv2D(1, 3, strides=stride, padding="same")(np.zeros((1, size, size, 1), np.float32))
    assert y.shape == (1, expected, expected, 1)


def test_valid_window_larger_than_input_is_rejected_at_definition():
    with pytest.raises(ValueError, match="does not fit"):
        layers.Conv2D(1, 5)(et.Input((3, 3, 1)))


def test_batch_normalization_training_and_inference(rng):
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-3, **F64)
    x = rng.normal(2.0, 3.0, size=(8, 4))
    y = bn(x, training=True).data
    np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-10)
    np.testing.assert_allclose(bn.moving_mean.data, 0.1 * x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(bn.moving_variance.data, 0.9 + 0.1 * x.var(0), rtol=1e-12)  # biased variance
    inference = bn(x, training=False).data
    np.testing.assert_allclose(inference, (x - bn.moving_mean.data) / np.sqrt(bn.moving_variance.data + 1e-3))
    bn.trainable = False  # Keras: a frozen BN always runs in inference mode
    np.testing.assert_array_equal(bn(x, training=True).data, inference)
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4


def test_dropout_scales_kept_units_and_is_identity_in_inference():
    x = np.ones((200, 50), np.float32)
    drop = layers.Dropout(0.25, seed=0)
    np.testing.assert_array_equal(drop(x).data, x)
    y = drop(x, training=True).data
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02


def test_relu_options_match_keras_formula():
    x = np.array([-2.0, -0.5, 0.2, 0.7, 3.0, 9.0])
    y = layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5, **F64)(x[None]).data[0]
    np.testing.assert_allclose(y, [0.1 * (-2.5), 0.1 * (-1.0), 0.1 * (-0.3), 0.7, 3.0, 6.0])


def test_merge_and_reshape_shapes():
    a, b = et.Input((4, 4, 3)), et.Input((4, 4, 5))
    assert layers.Concatenate()([a, b]).shape == (None, 4, 4, 8)
    assert layers.Add()([a, et.Input((1, 1, 3))]).shape == (None, 4, 4, 3)
    assert layers.Reshape((-1, 3))(a).shape == (None, 16, 3)
    assert layers.Flatten()(b).shape == (None, 80)
    with pytest.raises(ValueError):
        layers.Concatenate(axis=-1)([a, et.Input((5, 4, 3))])


class Scale(et.Layer):
    """A custom layer the Keras way: weights in build, a training flag in call."""

    def __init__(self, offset=1.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, inputs, training=None):
        y = inputs * self.w
        return y + self.offset if training else y

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


def test_custom_layer_subclass(gradcheck, rng):
    layer = Scale(offset=2.0, dtype="float64")
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(layer(x, training=True).data, x + 2.0)
    np.testing.assert_allclose(layer(x).data, x)
    assert [w.path for w in layer.weights] == [f"{layer.name}/w"]
    assert layer(et.Input((4,))).shape == (None, 4)  # output shape traced from call
    gradcheck.layer(layer, x, training=True)


def test_custom_layer_tracks_sublayers_assigned_as_attributes():
    class Block(et.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.Dense(3)
            self.norm = layers.BatchNormalization()

        def call(self, inputs, training=None):
            return self.norm(self.inner(inputs), training=training)

    block = Block()
    block(np.zeros((2, 5), np.float32))
    assert len(block.weights) == 6 and len(block.trainable_weights) == 4
    block.trainable = False
    assert block.trainable_weights == [] and not block.inner.kernel.requires_grad


def test_layer_input_casts_to_layer_dtype():
    y = layers.Dense(2)(np.ones((1, 3), dtype=np.float64))
    assert y.dtype == np.float32
    assert isinstance(y, Tensor)
