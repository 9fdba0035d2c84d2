"""Whole models of the issue-18 layers, written as a Keras 3 user would: trained briefly with fit, converted,
and matching predict at batch 5 (resize_tensor_input) in edgelite and LiteRT; and the older layers keep a
dynamic batch too (Flatten and Reshape included)."""

import numpy as np
import pytest

from converter_testutil import run_everywhere, tflite_ops
from edgelite.converter import convert
from edgelite.schema.Model import Model as TfliteModel, ModelT
from training_convert_testutil import check_converted, input_signatures, randn

et = pytest.importorskip("edgelite.training")
layers = et.layers


def text_model():
    tokens = et.Input((10,), dtype="int32")
    x = layers.Embedding(50, 16)(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=8, dropout=0.1)(x, x, use_causal_mask=True)
    x = layers.LayerNormalization()(layers.Add()([x, attended]))
    x = layers.Conv1D(16, 3, padding="causal", activation="relu")(x)
    x = layers.PReLU()(layers.Conv1D(8, 3, padding="same")(x))
    x = layers.GlobalAveragePooling1D()(x)
    return et.Model(tokens, layers.Dense(3, activation="softmax")(x))


def image_model():
    return et.Sequential([
        et.Input((16, 16, 3)), layers.Rescaling(1 / 127.5, offset=-1.0),
        layers.SeparableConv2D(8, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(8, 3, padding="same"), layers.PReLU(shared_axes=[1, 2]), layers.MaxPooling2D(),
        layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
        layers.UpSampling2D(2, interpolation="bilinear"), layers.ZeroPadding2D(1), layers.Cropping2D(1),
        layers.Conv2D(4, 1), layers.LayerNormalization(), layers.Flatten(), layers.Dense(5)])


def test_text_model_trains_and_converts():
    et.set_random_seed(0)
    model = text_model()
    rng = np.random.default_rng(0)
    x = rng.integers(0, 50, (64, 10)).astype(np.int32)
    y = (x[:, 0] % 3).astype(np.int32)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    check_converted(model, lambda b: [rng.integers(0, 50, (b, 10)).astype(np.int32)])


def test_image_model_trains_and_converts():
    et.set_random_seed(1)
    model = image_model()
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (32, 16, 16, 3)).astype(np.float32)
    y = rng.normal(size=(32, 5)).astype(np.float32)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    check_converted(model, lambda b: [rng.integers(0, 256, (b, 16, 16, 3)).astype(np.float32)])


def test_older_layers_keep_a_dynamic_batch():
    et.set_random_seed(2)
    inp = et.Input((8, 8, 2))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(inp)
    a = layers.BatchNormalization()(layers.DepthwiseConv2D(3, depth_multiplier=2)(a))
    a = layers.AveragePooling2D(padding="same")(layers.MaxPooling2D(1)(a))
    flat = layers.Flatten()(a)
    b = layers.Reshape((8, 16))(layers.Flatten()(inp))
    b = layers.Flatten()(layers.Dense(4, activation="tanh")(b))
    merged = layers.Concatenate()([flat, b])
    out = layers.Softmax()(layers.Dense(6)(layers.Dropout(0.3)(merged)))
    gap = layers.GlobalMaxPooling2D(keepdims=True)(inp)
    model = et.Model(inp, [out, layers.Multiply()([gap, layers.Subtract()([gap, gap])])])
    check_converted(model, lambda b: [randn(b, 8, 8, 2, seed=b)], batches=(1, 5, 2))


def test_resize_tensor_input_then_invoke_in_edgelite():
    from edgelite import Interpreter
    model = et.Sequential([et.Input((4, 4, 3)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)])
    content = convert(model)
    assert input_signatures(content) == [[-1, 4, 4, 3]]
    m = ModelT.InitFromObj(TfliteModel.GetRootAs(content, 0))
    sg = m.subgraphs[0]
    assert list(sg.tensors[sg.outputs[0]].shapeSignature) == [-1, 3]
    interp = Interpreter(model_content=content)
    index = interp.get_input_details()[0]["index"]
    interp.resize_tensor_input(index, [5, 4, 4, 3])
    interp.allocate_tensors()
    x = randn(5, 4, 4, 3, seed=7)
    interp.set_tensor(index, x)
    interp.invoke()
    got = interp.get_tensor(interp.get_output_details()[0]["index"])
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    assert run_everywhere(content, [x])


def test_nested_models_convert_inline():
    """A backbone model used as a layer (transfer-learning style), called twice with shared weights."""
    et.set_random_seed(4)
    backbone = et.Sequential([et.Input((8, 8, 3)), layers.Conv2D(4, 3, activation="relu"),
                              layers.LayerNormalization(), layers.GlobalAveragePooling2D()], name="backbone")
    head_in = et.Input((4,))
    head = et.Model(head_in, layers.Dense(2)(head_in), name="head")
    a, b = et.Input((8, 8, 3)), et.Input((8, 8, 3))
    out = head(layers.Subtract()([backbone(a), backbone(b)]))
    model = et.Model([a, b], out)
    check_converted(model, lambda n: [randn(n, 8, 8, 3, seed=n), randn(n, 8, 8, 3, seed=n + 1)])
    assert tflite_ops(convert(model)).count("CONV_2D") == 2
