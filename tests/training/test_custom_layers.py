"""Custom layers as Keras users write them (build / call / compute_output_shape / get_config, extra call
arguments such as call(x, method="bilinear")) and Lambda layers: in functional and Sequential models, trained,
saved and loaded with custom_objects, and converted by tracing."""

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers, ops


class ScaledResize(et.Layer):
    """Resizes by a factor with a method chosen per call, then scales by a learned per-channel weight."""

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, inputs, method="bilinear"):
        h, w = inputs.shape[1] * self.factor, inputs.shape[2] * self.factor
        return ops.image.resize(inputs, (h, w), interpolation=method) * self.scale

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, h * self.factor, w * self.factor, c)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def make_model():
    inp = et.Input((3, 4, 2))
    a = ScaledResize(2, name="smooth")(inp, method="bilinear")
    b = ScaledResize(2, name="blocky")(inp, method="nearest")
    out = layers.Dense(1)(layers.GlobalAveragePooling2D()(layers.Concatenate()([a, b])))
    return et.Model(inp, out)


def test_extra_call_arguments_are_recorded_and_replayed(rng):
    et.set_random_seed(0)
    model = make_model()
    x = rng.normal(size=(2, 3, 4, 2)).astype(np.float32)
    smooth = model.get_layer("smooth")
    np.testing.assert_allclose(smooth(x, method="nearest").data, np.repeat(np.repeat(x, 2, 1), 2, 2))
    assert [n.call_kwargs for n in model.get_graph() if n.layer.name in ("smooth", "blocky")] == \
        [{"method": "bilinear"}, {"method": "nearest"}]
    y = model.predict(x, verbose=0)
    assert y.shape == (2, 1)


def test_custom_layer_trains_saves_and_loads_with_custom_objects(tmp_path, rng):
    et.set_random_seed(1)
    model = make_model()
    model.compile(optimizer="adam", loss="mse")
    x = rng.normal(size=(16, 3, 4, 2)).astype(np.float32)
    y = rng.normal(size=(16, 1)).astype(np.float32)
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert not np.allclose(model.get_layer("smooth").scale.data, 1.0)  # the custom weight was trained
    model.save(tmp_path / "custom.npz")
    with pytest.raises(ValueError, match="custom_objects"):
        et.load_model(tmp_path / "custom.npz")
    loaded = et.load_model(tmp_path / "custom.npz", custom_objects={"ScaledResize": ScaledResize})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert loaded.get_layer("blocky").factor == 2


def test_custom_layer_gradients(gradcheck, rng):
    layer = ScaledResize(3, dtype="float64")
    gradcheck.layer(layer, rng.normal(size=(1, 2, 3, 2)))


def test_custom_layers_in_sequential_with_default_output_shape(rng):
    class Doubler(et.Layer):  # no compute_output_shape: found by running call once
        def call(self, inputs):
            return ops.concatenate([inputs, inputs * 2.0], axis=-1)

    model = et.Sequential([et.Input((5,)), Doubler(), layers.Dense(2)])
    assert model.layers[0].output.shape == (None, 10)
    assert model.predict(rng.normal(size=(3, 5)), verbose=0).shape == (3, 2)


def double_then_shift(x, shift=0.0):
    return x * 2.0 + shift


def test_lambda_layer(tmp_path, rng, gradcheck):
    layer = layers.Lambda(double_then_shift, arguments={"shift": 1.0})
    x = rng.normal(size=(2, 3)).astype(np.float32)
    np.testing.assert_allclose(layer(x).data, x * 2 + 1)
    gradcheck.layer(layers.Lambda(lambda t: ops.tanh(t) * t, dtype="float64"), rng.normal(size=(2, 3)))
    model = et.Sequential([et.Input((3,)), layer, layers.Lambda(lambda t: ops.sum(t, axis=-1), output_shape=())])
    assert model.layers[-1].output.shape == (None,)
    model.save(tmp_path / "lambda.npz")
    with pytest.raises(ValueError, match="double_then_shift"):
        et.load_model(tmp_path / "lambda.npz", custom_objects={"<lambda>": lambda t: t})
    with pytest.raises(ValueError, match="mask"):
        layers.Lambda(double_then_shift, mask=lambda t: t)


def test_lambda_round_trip_with_named_function(tmp_path, rng):
    model = et.Sequential([et.Input((3,)), layers.Lambda(double_then_shift, arguments={"shift": -1.0}),
                           layers.Dense(2)])
    model.save(tmp_path / "named.npz")
    loaded = et.load_model(tmp_path / "named.npz", custom_objects={"double_then_shift": double_then_shift})
    x = rng.normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_breadth_layers_save_and_load(tmp_path, rng):
    """MultiHeadAttention's packed call (masks, causal, scores), an adapted Normalization and the other new
    layers survive save / load_model with their weights and call arguments."""
    et.set_random_seed(3)
    q_in, v_in = et.Input((4, 6)), et.Input((5, 6))
    mask_in = et.Input((4, 5), dtype="bool")
    norm = layers.Normalization()
    norm.adapt(rng.normal(2.0, 3.0, (30, 4, 6)).astype(np.float32))
    q = layers.PReLU()(layers.LayerNormalization()(norm(q_in)))
    out, scores = layers.MultiHeadAttention(2, 3, value_dim=2)(q, v_in, attention_mask=mask_in,
                                                                use_causal_mask=True, return_attention_scores=True)
    out = layers.Conv1D(3, 2, padding="causal")(layers.Lambda(double_then_shift)(out))
    model = et.Model([q_in, v_in, mask_in], [layers.GlobalMaxPooling1D()(out), scores])
    model.save(tmp_path / "breadth.npz")
    loaded = et.load_model(tmp_path / "breadth.npz", custom_objects={"double_then_shift": double_then_shift})
    mask = rng.random((3, 4, 5)) > 0.3
    mask[..., 0] = True
    xs = [rng.normal(size=(3, 4, 6)).astype(np.float32), rng.normal(size=(3, 5, 6)).astype(np.float32), mask]
    for got, want in zip(loaded.predict(xs, verbose=0), model.predict(xs, verbose=0)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert np.all(model.predict(xs, verbose=0)[1][:, :, 0, 1:] == 0)  # causal: the first query sees key 0 only
