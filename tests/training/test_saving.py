"""save / load_model: one .npz file, no pickle; identical predictions, configs, compile settings and
optimizer state after the round trip; custom layers by name."""

import json
import zipfile

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers


def _models():
    seq = et.Sequential([et.Input((8, 8, 1)), layers.Conv2D(4, 3, strides=2, padding="same", activation="relu6"),
                         layers.BatchNormalization(), layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same",
                                                                             activation="hard_swish"),
                         layers.MaxPool2D(2), layers.Flatten(), layers.Dropout(0.2), layers.Dense(3)], name="seq")
    a, b = et.Input((8, 8, 1), name="a"), et.Input((4,), name="b")
    x = layers.Conv2D(2, 3, dilation_rate=2, padding="same")(a)
    x = layers.Add()([x, layers.AveragePooling2D(3, strides=1, padding="same")(x)])
    x = layers.Reshape((-1,))(layers.GlobalMaxPooling2D(keepdims=True)(x))
    x = layers.Concatenate()([x, layers.Dense(3, activation="gelu")(b)])
    functional = et.Model([a, b], layers.Softmax()(layers.Dense(3)(x)), name="func")
    return {"sequential": seq, "functional": functional}


def _data(model, n=20, seed=0):
    rng = np.random.default_rng(seed)
    xs = [rng.uniform(size=(n,) + t.shape[1:]).astype(np.float32) for t in model.inputs]
    return (xs if len(xs) > 1 else xs[0]), rng.integers(0, 3, size=n)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_round_trip_gives_identical_predictions(kind, tmp_path):
    et.set_random_seed(0)
    model = _models()[kind]
    x, y = _data(model)
    loss = "sparse_categorical_crossentropy" if kind == "functional" else \
        et.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=et.optimizers.Adam(0.01, clipnorm=1.0), loss=loss, metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = tmp_path / "model.npz"
    model.save(str(path))
    assert path.exists() and zipfile.is_zipfile(path)  # the exact name given, a single .npz archive

    loaded = et.load_model(str(path))
    assert type(loaded) is type(model) and loaded.name == model.name
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [l.get_config() for l in loaded.layers] == [l.get_config() for l in model.layers]
    assert [n.inputs for n in loaded.get_graph()] == [n.inputs for n in model.get_graph()]
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(a.data, b.data)
        assert a.path == b.path

    # Compile settings and optimizer state come back: one more epoch stays in lockstep.
    assert isinstance(loaded.optimizer, et.optimizers.Adam) and loaded.optimizer.clipnorm == 1.0
    assert loaded.optimizer.iterations == model.optimizer.iterations == 6
    et.set_random_seed(5)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    et.set_random_seed(5)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-6, atol=1e-7)


def test_file_holds_json_config_and_plain_arrays(tmp_path):
    model = _models()["sequential"]
    path = tmp_path / "m.npz"
    et.save_model(model, str(path))
    with np.load(path, allow_pickle=False) as data:  # loads with pickle disabled: no code in the file
        config = json.loads(str(data["config"]))
        conv = model.layers[0]
        np.testing.assert_array_equal(data[f"weights/{conv.name}/0/kernel"], conv.kernel.data)
    assert config["model"]["class_name"] == "Sequential"
    assert config["model"]["config"]["build_input_shape"] == [None, 8, 8, 1]
    assert config["compile"] is None  # never compiled


@et.register_serializable
class Offset(et.Layer):
    def __init__(self, amount=1.0, **kwargs):
        super().__init__(**kwargs)
        self.amount = amount

    def build(self, input_shape):
        self.shift = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="shift")

    def call(self, inputs):
        return inputs + self.shift * self.amount

    def get_config(self):
        return {**super().get_config(), "amount": self.amount}


class Unregistered(Offset):
    pass


def test_custom_layers_load_by_registration_or_custom_objects(tmp_path):
    x = np.ones((2, 3), np.float32)
    for layer_cls in (Offset, Unregistered):
        model = et.Sequential([et.Input((3,)), layer_cls(amount=2.0), layers.Dense(2)])
        path = str(tmp_path / f"{layer_cls.__name__}.npz")
        model.save(path)
        if layer_cls is Unregistered:
            with pytest.raises(ValueError, match="custom_objects"):
                et.load_model(path)
            loaded = et.load_model(path, custom_objects={"Unregistered": Unregistered})
        else:
            loaded = et.load_model(path)
        assert loaded.layers[0].amount == 2.0
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_mismatched_weights_are_reported(tmp_path):
    model = et.Sequential([et.Input((3,)), layers.Dense(2, name="d")])
    path = str(tmp_path / "m.npz")
    model.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if k != "weights/d/1/bias"}
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    with pytest.raises(ValueError, match="missing"):
        et.load_model(path)


def test_frozen_nested_model_stays_frozen(tmp_path):
    inp = et.Input((4,))
    base = et.Model(inp, layers.Dense(3)(inp), name="base")
    base.trainable = False
    model = et.Sequential([et.Input((4,)), base, layers.Dense(2)])
    model.save(tmp_path / "nested.npz")
    loaded = et.load_model(tmp_path / "nested.npz")
    assert not loaded.layers[0].trainable and loaded.layers[1].trainable
    assert len(loaded.trainable_weights) == 2
