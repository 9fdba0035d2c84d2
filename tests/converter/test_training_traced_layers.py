"""Lambda layers and custom Layer subclasses written with edgelite.training.ops convert by tracing; layers
that compute outside the ops are refused with the layer's name."""

import numpy as np
import pytest

from converter_testutil import tflite_ops
from edgelite.converter import ConversionError, convert
from training_convert_testutil import check_converted, randn, randomize

et = pytest.importorskip("edgelite.training")
layers, ops = et.layers, et.ops


def test_lambda_of_ops_converts():
    inp = et.Input((4, 6))

    def block(x):
        y = ops.softmax(x * 2.0 - 1.0, axis=1) + ops.sqrt(ops.abs(x) + 1.0)
        y = ops.transpose(y, (0, 2, 1))[:, 1:5, ::2]
        y = ops.concatenate([ops.max(y, axis=-1, keepdims=True), ops.sum(y, axis=-1, keepdims=True), y], axis=-1)
        return ops.reshape(ops.tanh(y) / (1.0 + ops.exp(-y)), (y.shape[0], -1))
    out = layers.Dense(3)(layers.Lambda(block, name="block")(inp))
    model = et.Model(inp, out)
    randomize(model)
    check_converted(model, lambda b: [randn(b, 4, 6, seed=b)])
    assert "SOFTMAX" not in tflite_ops(convert(model))  # traced from primitives: EXP, SUM, DIV, ...


def test_lambda_with_arguments_and_matmul_on_a_constant():
    w = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    model = et.Sequential([et.Input((2, 5)), layers.Lambda(lambda x, k: ops.matmul(x, w) ** 3 * k,
                                                           arguments={"k": 0.5})])
    check_converted(model, lambda b: [randn(b, 2, 5, seed=b)])
    assert "FULLY_CONNECTED" in tflite_ops(convert(model))


class Gate(et.Layer):
    """A custom layer the Keras way: a weight in build, extra call arguments, a config."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight((input_shape[-1], self.units), name="w")
        self.b = self.add_weight((self.units,), initializer="zeros", name="b")

    def call(self, inputs, mode="sigmoid", scale=1.0):
        z = ops.matmul(inputs, self.w) + self.b
        gate = ops.sigmoid(z) if mode == "sigmoid" else ops.relu(z)
        return gate * z * scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_custom_layer_with_call_arguments_converts():
    inp = et.Input((6,))
    a = Gate(4, name="sig")(inp)
    b = Gate(4, name="rel")(inp, mode="relu", scale=2.0)
    model = et.Model(inp, layers.Add()([a, b]))
    randomize(model, 1)
    check_converted(model, lambda b: [randn(b, 6, seed=b)])


def test_value_dependent_layers_are_refused_by_name():
    class Peek(et.Layer):
        def call(self, inputs):
            return inputs * float(np.abs(inputs.data).max())  # reads the values outside the ops

    model = et.Sequential([et.Input((4,)), Peek(name="peek")])
    with pytest.raises(ConversionError, match="'peek'.*depends on the input values"):
        convert(model)


def test_untraceable_primitive_is_named():
    model = et.Sequential([et.Input((4, 4, 1)), layers.Lambda(lambda x: ops.conv2d(x, np.ones((2, 2, 1, 1),
                                                                                               np.float32)),
                                                              name="conv_in_lambda")])
    with pytest.raises(ConversionError, match="conv_in_lambda.*window"):
        convert(model)


def test_custom_resize_layer_with_method_argument_converts():
    class ScaledResize(et.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

        def call(self, inputs, method="bilinear"):
            size = (inputs.shape[1] * 2, inputs.shape[2] * 3)
            return ops.image.resize(inputs, size, interpolation=method) * self.scale

    inp = et.Input((3, 4, 2))
    a = ScaledResize(name="smooth")(inp, method="bilinear")
    b = ScaledResize(name="blocky")(inp, method="nearest")
    model = et.Model(inp, layers.Concatenate()([a, b]))
    randomize(model, 4)
    check_converted(model, lambda b: [randn(b, 3, 4, 2, seed=b)])
    ops_used = tflite_ops(convert(model))
    assert "GATHER" in ops_used and "FULLY_CONNECTED" in ops_used


def test_einsum_and_erf_in_a_custom_layer_convert():
    class TinyAttention(et.Layer):
        """Single-head attention written with einsum, and exact GELU (erf) on top."""

        def build(self, input_shape):
            d = input_shape[-1]
            self.wq = self.add_weight((d, 2, 3), name="wq")
            self.wk = self.add_weight((d, 2, 3), name="wk")

        def call(self, inputs):
            q = ops.einsum("btd,dhk->bhtk", inputs, self.wq)
            k = ops.einsum("bsd,dhk->bhks", inputs, self.wk)
            scores = ops.softmax(ops.einsum("bhtk,bhks->bhts", q, k), axis=-1)
            mixed = ops.einsum("bhts,bsd->bthd", scores, inputs)
            return et.activations.gelu(ops.reshape(mixed, (mixed.shape[0], mixed.shape[1], -1)))

    model = et.Sequential([et.Input((5, 4)), TinyAttention(name="tiny")])
    randomize(model, 5)
    check_converted(model, lambda b: [randn(b, 5, 4, seed=b)])
    assert "GELU" in tflite_ops(convert(model))


def test_every_builtin_layer_has_its_own_mapping():
    """Tracing is the fallback for user layers: each built-in layer class has a mapping of its own."""
    from edgelite.converter.frontends import training as frontend
    from edgelite.training.layers import BUILTIN_LAYERS
    own = {name for name, cls in BUILTIN_LAYERS.items()
           if next(k.__name__ for k in cls.__mro__ if k.__name__ in frontend.supported_layers()) == name}
    assert own == set(BUILTIN_LAYERS)
