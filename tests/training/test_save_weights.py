"""save_weights / load_weights: Keras 3's .weights.h5 both ways (files Keras wrote load and predict the same;
files we write have Keras' paths, names, shapes and values, and Keras loads them), our .weights.npz, Keras 2 .h5
files by layer name, optimizer state, and Keras' errors for bad names and mismatched models."""

import re
import sys

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers as L
from edgelite.training import weights_io

import keras_models as km  # helpers beside this file: pytest puts the folder on sys.path
import keras_runner

pytest.importorskip("h5py")
NAMES = sorted(km.MODELS)


def _golden(name):
    io = np.load(km.path(name, ".io.npz"))
    return io["x"], io["y"]


@pytest.mark.parametrize("name", NAMES)
def test_keras_written_weights_predict_as_keras(name):
    model = km.MODELS[name](et)
    model.load_weights(km.path(name, ".weights.h5"))
    x, y = _golden(name)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_written_file_matches_keras_layout_and_values(name, tmp_path):
    """Loaded from Keras' file (optimizer state included) and written again, every group has Keras' path, vars
    count, shapes, dtypes and values, and the layer groups Keras' names."""
    model = km.MODELS[name](et)
    model.compile("adam", "mse")
    model.load_weights(km.path(name, ".weights.h5"))
    out = tmp_path / f"{name}.weights.h5"
    model.save_weights(out)
    keras_groups, ours = weights_io.read_h5(km.path(name, ".weights.h5")), weights_io.read_h5(out)
    assert set(keras_groups) == set(ours)
    for path, (keras_name, keras_arrays) in keras_groups.items():
        name_, arrays = ours[path]
        if path.startswith("layers") and not path.endswith("cell"):  # auto-names differ only in the count
            assert re.sub(r"_\d+$", "", name_) == re.sub(r"_\d+$", "", keras_name), path
        assert len(arrays) == len(keras_arrays), path
        for a, b in zip(arrays, keras_arrays):
            assert a.dtype == b.dtype and a.shape == b.shape, path
            np.testing.assert_array_equal(a, b, err_msg=path)
    assert ours["optimizer"][1][0] == 1  # iterations: Keras trained one step


@pytest.mark.parametrize("suffix", [".weights.h5", ".weights.npz"])
def test_round_trip_keeps_predictions_and_optimizer_state(suffix, tmp_path):
    et.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 6)).astype(np.float32), rng.integers(0, 3, 16)
    model = km.dense_bn(et)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = tmp_path / f"m{suffix}"
    model.save_weights(path)
    again = km.dense_bn(et)
    again.compile("adam", "sparse_categorical_crossentropy")
    again.load_weights(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert again.optimizer.iterations == model.optimizer.iterations == 4
    for slot, arrays in model.optimizer._slots.items():
        for a, b in zip(arrays, again.optimizer._slots[slot]):
            np.testing.assert_array_equal(a, b)
    # Training on continues identically from the restored state (the same dropout masks in both).
    et.set_random_seed(5)
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    et.set_random_seed(5)
    again.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_uncompiled_model_loads_weights_and_ignores_optimizer_state():
    model = km.conv(et)  # Keras' file holds Adam's state; a model without optimizer takes only the weights
    model.load_weights(km.path("conv", ".weights.h5"))
    x, y = _golden("conv")
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-5)


def test_keras_suffix_rules_and_messages(tmp_path):
    model = km.dense_bn(et)
    for bad in ("w.h5", "w.npz", "w.keras", "weights"):
        with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
            model.save_weights(tmp_path / bad)
    with pytest.raises(ValueError, match="File format not supported"):
        model.load_weights(tmp_path / "w.foo")
    with pytest.raises(FileNotFoundError):
        model.load_weights(tmp_path / "missing.weights.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(FileExistsError):
        model.save_weights(tmp_path / "w.weights.h5", overwrite=False)


def test_mismatched_model_raises_naming_the_layer(tmp_path):
    model = km.dense_bn(et)
    other = et.Sequential([et.Input((6,)), L.Dense(5), L.BatchNormalization(), L.Dropout(0.1), L.Dense(3)])
    model.save_weights(tmp_path / "w.weights.h5")
    before = other.get_weights()
    with pytest.raises(ValueError, match="'dense.*shape mismatch"):
        other.load_weights(tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="skipping"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    after = other.get_weights()
    np.testing.assert_array_equal(after[0], before[0])  # the mismatched layer kept its weights
    missing = et.Sequential([et.Input((6,)), L.Dense(8), L.BatchNormalization(), L.Dense(3), L.Dense(2)])
    with pytest.raises(ValueError, match="expected 2 variables, but received 0"):
        missing.load_weights(tmp_path / "w.weights.h5")


def test_npz_weights_are_not_h5_and_vice_versa(tmp_path):
    model = km.dense_bn(et)
    np.savez(tmp_path / "x.weights.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not an edgelite .weights.npz"):
        model.load_weights(tmp_path / "x.weights.npz")


def test_h5py_missing_gives_a_clear_import_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match="pip install h5py"):
        km.dense_bn(et).save_weights(tmp_path / "w.weights.h5")
    km.dense_bn(et).save_weights(tmp_path / "w.weights.npz")  # the npz format needs no h5py


def test_keras2_h5_weights_load_by_layer_name(tmp_path):
    """The layout keras.applications' downloads use: root attrs layer_names, a group per layer name with
    weight_names (recurrent weights under the layer's name)."""
    import h5py
    model = km.recurrent(et)
    reference = km.recurrent(et)
    reference.load_weights(km.path("recurrent", ".weights.h5"))
    with h5py.File(tmp_path / "legacy.h5", "w") as f:  # the values of `reference` under `model`'s names
        f.attrs["layer_names"] = [layer.name.encode() for layer in model.layers[::-1]]  # by name, not position
        for layer, ref in zip(model.layers, reference.layers):
            group = f.create_group(layer.name)
            weight_names = [f"{layer.name}/{w.path}:0".encode() for w in layer.weights]
            group.attrs["weight_names"] = weight_names
            for wn, w in zip(weight_names, ref.weights):
                group.create_dataset(wn.decode(), data=w.data)
    model.load_weights(tmp_path / "legacy.h5")
    x, y = _golden("recurrent")
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-5)
    renamed = et.Sequential([et.Input((7,), dtype="int32"), L.Embedding(12, 5, name="other")])
    with pytest.raises(ValueError, match="weights for 5 layers, the model 1 .*none for \\['other'\\]"):
        renamed.load_weights(tmp_path / "legacy.h5")
    # Names that differ but the same layers in the same order: matched by position, as Keras does.
    with h5py.File(tmp_path / "legacy.h5", "a") as f:
        f.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
    by_position = km.recurrent(et)
    by_position.layers[1].name = "embedding_renamed"
    by_position.load_weights(tmp_path / "legacy.h5")
    np.testing.assert_allclose(by_position.predict(x, verbose=0), y, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_keras_loads_what_we_write(name, tmp_path):
    et.set_random_seed(1)
    model = km.MODELS[name](et)
    rng = np.random.default_rng(1)
    for w in model.weights:  # random values everywhere (variances positive) so every array counts
        value = rng.normal(scale=0.5, size=w.shape)
        w.assign(np.abs(value) + 0.5 if "variance" in w.name else value)
    path = tmp_path / f"{name}.weights.h5"
    model.save_weights(path)
    x, _ = _golden(name)
    np.save(tmp_path / "x.npy", x)
    result = keras_runner.run_keras(
        "import json, numpy as np, make_keras_golden as g\n"
        f"m = g.MODELS[{name!r}](); m.load_weights({str(path)!r})\n"
        f"print(json.dumps(m.predict(np.load({str(tmp_path / 'x.npy')!r}), verbose=0).tolist()))")
    np.testing.assert_allclose(np.array(result), model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


def test_subclassed_and_unbuilt_models_are_refused_clearly(tmp_path):
    class TwoLayers(et.Model):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = L.Dense(4), L.Dense(2)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = TwoLayers()
    model(np.zeros((1, 3), np.float32))
    with pytest.raises(ValueError, match="subclassed Model"):
        model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="not built yet"):
        et.Sequential([L.Dense(2)]).save_weights(tmp_path / "w.weights.h5")


def test_gated_attention_weights_sit_on_keras_gate_dense(tmp_path):
    inp = et.Input((4, 6))
    model = et.Model(inp, L.MultiHeadAttention(2, 3, use_gate=True)(inp, inp))
    model.save_weights(tmp_path / "gate.weights.h5")
    groups = weights_io.read_h5(tmp_path / "gate.weights.h5")
    assert [a.shape for a in groups["layers/multi_head_attention/_gate_dense"][1]] == [(6, 2, 3), (2, 3)]
