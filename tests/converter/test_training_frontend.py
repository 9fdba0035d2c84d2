"""Models built with edgelite.training convert to .tflite files that compute what model.predict computes."""

import numpy as np
import pytest

from converter_testutil import run_everywhere, tflite_ops
from edgelite.converter import ConversionError, convert

et = pytest.importorskip("edgelite.training")
layers = et.layers


def randomize_batch_norms(model, seed=0):
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            n = layer.moving_mean.data.shape[0]
            layer.moving_mean.assign(rng.standard_normal(n).astype(np.float32) * 0.2)
            layer.moving_variance.assign(rng.random(n).astype(np.float32) + 0.5)
            layer.gamma.assign(rng.random(n).astype(np.float32) + 0.5)
            layer.beta.assign(rng.standard_normal(n).astype(np.float32) * 0.1)


def check_model(model, x, rtol=1e-4, atol=1e-5):
    content = convert(model)
    expected = model.predict(x, verbose=0)
    results = run_everywhere(content, [x])
    if not results:
        pytest.skip(f"no runtime here runs {sorted(set(tflite_ops(content)))}")
    for runtime, (got,) in results.items():
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=runtime)
    return content


def test_sequential_cnn():
    et.set_random_seed(1)
    model = et.Sequential([
        et.Input((12, 12, 3)), layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.BatchNormalization(), layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, activation="relu6"),
        layers.MaxPooling2D(), layers.Conv2D(4, 1, use_bias=False), layers.BatchNormalization(),
        layers.AveragePooling2D(pool_size=2, strides=1, padding="same"), layers.GlobalAveragePooling2D(),
        layers.Dense(10), layers.Softmax()])
    randomize_batch_norms(model)
    x = np.random.default_rng(2).standard_normal((1, 12, 12, 3)).astype(np.float32)
    ops = tflite_ops(check_model(model, x))
    # The first batch norm follows a ReLU and stays (MUL, ADD); the second folds into its 1x1 conv; the
    # activations fuse into their convolutions.
    assert ops == ["CONV_2D", "MUL", "ADD", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "CONV_2D", "AVERAGE_POOL_2D",
                   "MEAN", "FULLY_CONNECTED", "SOFTMAX"]


def test_functional_model_with_merges_and_activations():
    et.set_random_seed(3)
    inp = et.Input((6,), name="features")
    h = layers.Dense(8, activation="relu", name="hidden")(inp)
    a = layers.Dense(8, activation="swish", name="a")(h)
    b = layers.Dense(8, activation="hard_sigmoid", name="b")(h)
    c = layers.Dense(8, activation="gelu", name="c")(h)
    merged = layers.Add(name="sum")([a, b, c])
    diff = layers.Subtract(name="diff")([merged, h])
    prod = layers.Multiply(name="prod")([diff, layers.Activation("tanh", name="t")(a)])
    cat = layers.Concatenate(name="cat")([prod, layers.ReLU(max_value=3.0, name="r3")(diff)])
    r = layers.Reshape((4, 4), name="square")(cat)
    r = layers.ReLU(negative_slope=0.1, name="leaky")(r)
    out = layers.Dense(3, name="per_row")(layers.Dropout(0.5, name="drop")(r))
    out = layers.Flatten(name="flat")(out)
    model = et.Model(inp, out, name="functional")
    x = np.random.default_rng(4).standard_normal((1, 6)).astype(np.float32)
    check_model(model, x, atol=1e-4)


def test_signature_uses_layer_names():
    from edgelite.schema.Model import Model, ModelT
    model = et.Sequential([et.Input((4,), name="pixels"), layers.Dense(2, name="logits")])
    m = ModelT.InitFromObj(Model.GetRootAs(convert(model), 0))
    (sig,) = m.signatureDefs
    assert [t.name for t in sig.inputs] == [b"pixels"] and [t.name for t in sig.outputs] == [b"logits"]


def test_custom_layers_convert_by_tracing_their_call():
    class Mystery(et.Layer):
        def call(self, inputs):
            return inputs

    class Peek(et.Layer):
        def call(self, inputs):
            return inputs * float(inputs.data.max())  # NumPy on the values: no fixed graph computes it

    model = et.Sequential([et.Input((4,)), Mystery(name="m1"), layers.Dense(2), Mystery(name="m2")])
    check_model(model, np.random.default_rng(5).standard_normal((1, 4)).astype(np.float32))
    with pytest.raises(ConversionError, match="'peek'"):
        convert(et.Sequential([et.Input((4,)), Peek(name="peek")]))
