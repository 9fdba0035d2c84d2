"""save("x.keras") / load_model("x.keras") and to_json / model_from_json in Keras 3's format: Keras-written
archives load and predict as Keras did; ours have Keras' structure and round-trip; what Keras' format cannot hold
is refused before a file is written; Keras itself loads ours (slow: needs a Keras 3 install, see keras_runner)."""

import json
import re
import zipfile

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers as L


import keras_models as km  # helpers beside this file: pytest puts the folder on sys.path
import keras_runner
pytest.importorskip("h5py")
NAMES = sorted(km.MODELS)


def _golden(name):
    io = np.load(km.path(name, ".io.npz"))
    return io["x"], io["y"]


def _config(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def _wide_model():
    """Many layer kinds and a two-input, two-output graph (the shapes of test_saving's functional model)."""
    a, b = et.Input((8, 8, 1), name="a"), et.Input((4,), name="b")
    x = L.Conv2D(2, 3, dilation_rate=2, padding="same", activation="relu6")(a)
    x = L.Add()([x, L.AveragePooling2D(3, strides=1, padding="same")(x)])
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="hard_swish")(x)
    x = L.Reshape((-1,))(L.GlobalMaxPooling2D(keepdims=True)(x))
    x = L.Concatenate()([x, L.Dense(3, activation="gelu")(b)])
    shared = L.Dense(3)
    return et.Model([a, b], [L.Softmax()(shared(x)), L.Multiply()([shared(x), L.Dense(3)(x)])], name="wide")


def _nested_model():
    """Transfer learning's shape: a frozen functional base inside a Sequential, as Keras users write it."""
    inp = et.Input((6, 6, 2))
    x = L.Conv2D(3, 3, activation="relu", name="base_conv")(inp)
    base = et.Model(inp, L.GlobalAveragePooling2D()(L.BatchNormalization()(x)), name="base")
    base.trainable = False
    return et.Sequential([et.Input((6, 6, 2)), base, L.Dense(2)], name="nested")


def _wide_inputs(n=3):
    rng = np.random.default_rng(2)
    return [rng.normal(size=(n, 8, 8, 1)).astype(np.float32), rng.normal(size=(n, 4)).astype(np.float32)]


@pytest.mark.parametrize("name", NAMES)
def test_keras_archives_load_compiled_and_predict_as_keras(name):
    model = et.load_model(km.path(name, ".keras"))
    x, y = _golden(name)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-5)
    assert isinstance(model.optimizer, et.optimizers.Adam) and model.optimizer.iterations == 1
    assert model.loss is not None
    uncompiled = et.load_model(km.path(name, ".keras"), compile=False)
    assert not getattr(uncompiled, "compiled", False)


@pytest.mark.parametrize("name", NAMES)
def test_written_archive_has_keras_structure(name, tmp_path):
    model = et.load_model(km.path(name, ".keras"))
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        assert json.loads(archive.read("metadata.json"))["keras_version"].startswith("3.")
    ours, keras = _config(tmp_path / "m.keras"), _config(km.path(name, ".keras"))
    strip = lambda s: re.sub(r"_\d+\b", "", json.dumps(s))  # noqa: E731 - auto-name counters differ
    assert (ours["module"], ours["class_name"]) == (keras["module"], keras["class_name"])
    for key in ("input_layers", "output_layers", "build_input_shape"):
        assert strip(ours["config"].get(key)) == strip(keras["config"].get(key))
    assert len(ours["config"]["layers"]) == len(keras["config"]["layers"])
    for mine, theirs in zip(ours["config"]["layers"], keras["config"]["layers"]):
        assert (mine["module"], mine["class_name"]) == (theirs["module"], theirs["class_name"])
        if "build_config" in theirs:  # Keras leaves it out for layers without a build step; we may not
            assert mine.get("build_config") == theirs["build_config"]
        histories = lambda e: [strip(r) for n in e.get("inbound_nodes", []) for r in  # noqa: E731
                               re.findall(r'"keras_history": \[[^]]*\]', json.dumps(n["args"]))]
        assert histories(mine) == histories(theirs)
        for option, value in mine["config"].items():  # every option we set is one Keras writes
            assert option in theirs["config"] or value is None, (mine["class_name"], option)
    assert ours["compile_config"]["optimizer"]["class_name"] == "Adam"


def test_round_trip_of_a_wide_two_output_model(tmp_path):
    et.set_random_seed(3)
    model = _wide_model()
    model.compile("adam", "mse")
    path = tmp_path / "wide.keras"
    model.save(path)
    loaded = et.load_model(path)
    x = _wide_inputs()
    for a, b in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    again = et.model_from_json(model.to_json())
    again.set_weights(model.get_weights())
    np.testing.assert_array_equal(again.predict(x, verbose=0)[1], model.predict(x, verbose=0)[1])


def test_nested_models_round_trip_with_keras_paths(tmp_path):
    et.set_random_seed(6)
    model = _nested_model()
    for w in model.weights:
        w.assign(np.random.default_rng(6).uniform(0.5, 1.5, w.shape))
    model.save(tmp_path / "nested.keras")
    entry = _config(tmp_path / "nested.keras")
    assert [e["class_name"] for e in entry["config"]["layers"]] == ["InputLayer", "Functional", "Dense"]
    model.save_weights(tmp_path / "nested.weights.h5")
    from edgelite.training import weights_io
    groups = weights_io.read_h5(tmp_path / "nested.weights.h5")
    assert len(groups["layers/functional/layers/conv2d"][1]) == 2  # Keras' path of the base's convolution
    loaded = et.load_model(tmp_path / "nested.keras")
    assert not loaded.layers[0].trainable
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 2)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_to_json_is_keras_config_and_model_from_json_reads_keras_json():
    keras_entry = _config(km.path("conv", ".keras"))
    keras_entry.pop("compile_config")
    model = et.models.model_from_json(json.dumps(keras_entry))  # what keras Model.to_json() gives
    model.load_weights(km.path("conv", ".weights.h5"))
    x, y = _golden("conv")
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-5, atol=1e-5)
    entry = json.loads(model.to_json())
    assert entry["class_name"] == "Functional" and entry["config"]["input_layers"] == ["image", 0, 0]
    assert entry["config"]["layers"][1]["config"]["kernel_initializer"]["module"] == "keras.initializers"


@pytest.mark.parametrize("text", ['{"module": "keras", "class_name": "Sequential"}',
                                  '{"module": "keras", "class_name": "Functional", "config": {"layers": 3}}',
                                  '{"module": "keras", "class_name": "Sequential", "config": {"layers": [{}]}}'])
def test_malformed_keras_json_raises_value_error(text):
    with pytest.raises(ValueError, match="malformed Keras model config"):
        et.model_from_json(text)


def test_other_suffixes_are_refused(tmp_path):
    model = km.dense_bn(et)
    for bad in ("m.h5", "m.tflite", "m"):
        with pytest.raises(ValueError, match="Invalid filepath extension"):
            model.save(tmp_path / bad)
        assert not (tmp_path / bad).exists()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)
    with pytest.raises(NotImplementedError, match="sharded"):
        model.save_weights(tmp_path / "m.weights.h5", max_shard_size=1)


def test_layers_keras_cannot_load_are_refused_before_writing(tmp_path):
    @et.register_serializable
    class Shift(et.Layer):
        def call(self, inputs):
            return inputs + 1.0

    model = et.Sequential([et.Input((3,)), Shift(), L.Dense(2)])
    with pytest.raises(ValueError, match="Shift.*not a Keras layer"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()
    with pytest.raises(ValueError, match="not a Keras layer"):
        model.to_json()
    model.save(tmp_path / "m.npz")  # edgelite's own format keeps it


def _edited_archive(tmp_path, edit, name="conv"):
    with zipfile.ZipFile(km.path(name, ".keras")) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    entry = json.loads(files["config.json"])
    edit(entry)
    files["config.json"] = json.dumps(entry).encode()
    path = tmp_path / "edited.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in files.items():
            archive.writestr(n, data)
    return path


def test_keras_options_we_lack_are_named(tmp_path):
    def low_rank(entry):  # Keras' LoRA option changes what Dense computes; we do not have it
        entry["config"]["layers"][-1]["config"]["lora_rank"] = 4
    with pytest.raises(ValueError, match=r"layer 'dense.*' \(Dense\): Keras option lora_rank=4 is not supported"):
        et.load_model(_edited_archive(tmp_path, low_rank))

    def unknown(entry):
        entry["config"]["layers"][1]["class_name"] = "Conv3D"
    with pytest.raises(ValueError, match="Keras layer 'Conv3D' is not supported"):
        et.load_model(_edited_archive(tmp_path, unknown))
    (tmp_path / "not.keras").write_bytes(b"plain")
    with pytest.raises(ValueError, match="not a .keras archive"):
        et.load_model(tmp_path / "not.keras")


@pytest.mark.slow
def test_keras_loads_our_archives_and_json(tmp_path):
    et.set_random_seed(4)
    models = {name: km.MODELS[name](et) for name in NAMES}
    models["wide"], models["nested"] = _wide_model(), _nested_model()
    inputs = {name: _golden(name)[0] for name in NAMES}
    inputs["wide"] = _wide_inputs()
    inputs["nested"] = np.random.default_rng(1).normal(size=(2, 6, 6, 2)).astype(np.float32)
    expected = {}
    for name, model in models.items():
        model.compile("adam", "mse")
        model.save(tmp_path / f"{name}.keras")
        (tmp_path / f"{name}.json").write_text(model.to_json())
        x = inputs[name]
        np.savez(tmp_path / f"{name}.x.npz", *(x if isinstance(x, list) else [x]))
        y = model.predict(x, verbose=0)
        expected[name] = y if isinstance(y, list) else [y]
    result = keras_runner.run_keras(
        "import json, numpy as np, keras\n"
        f"d = {str(tmp_path)!r}; out = {{}}\n"
        f"for name in {sorted(models)!r}:\n"
        "    m = keras.saving.load_model(f'{d}/{name}.keras')\n"
        "    x = list(np.load(f'{d}/{name}.x.npz').values())\n"
        "    y = m.predict(x if len(x) > 1 else x[0], verbose=0)\n"
        "    j = keras.models.model_from_json(open(f'{d}/{name}.json').read())\n"
        "    out[name] = {'y': [a.tolist() for a in (y if isinstance(y, list) else [y])],\n"
        "                 'optimizer': type(m.optimizer).__name__, 'json_layers': len(j.layers)}\n"
        "print(json.dumps(out))")
    for name, model in models.items():
        assert result[name]["optimizer"] == "Adam"
        assert result[name]["json_layers"] == len(model.layers)
        for got, want in zip(result[name]["y"], expected[name]):
            np.testing.assert_allclose(np.array(got), want, rtol=1e-5, atol=1e-5)


def test_keras_operations_load_as_layers(tmp_path):
    """x + 3.0, relu6, * (1/6), (x - 1) * y + x written by Keras as ops.numpy entries (as in MobileNetV3) load as
    Rescaling and merge layers and predict as Keras; an operation we lack is named."""
    model = et.load_model(km.path("keras_ops", ".keras"))
    io = np.load(km.path("keras_ops", ".io.npz"))
    np.testing.assert_allclose(model.predict(io["x"], verbose=0), io["y"], rtol=1e-6, atol=1e-6)
    kinds = sorted(type(l).__name__ for l in model.layers)
    assert kinds.count("Rescaling") == 3 and kinds.count("Add") == 1 and kinds.count("Multiply") == 1

    def sine(entry):
        op = next(e for e in entry["config"]["layers"] if e["module"] == "keras.src.ops.numpy")
        op["class_name"] = "Sin"
    path = _edited_archive(tmp_path, sine, "keras_ops")
    with pytest.raises(ValueError, match=r"Keras operation keras\.src\.ops\.numpy\.Sin .* is not supported"):
        et.load_model(path)


def test_edgelite_convert_takes_keras_archives(tmp_path):
    """`edgelite convert` reads a Keras-written .keras (also under another name: it is told by content) and the
    .tflite computes what Keras predicted."""
    from edgelite import Interpreter
    from edgelite.cli import main
    renamed = tmp_path / "conv_model.zip"
    renamed.write_bytes(open(km.path("conv", ".keras"), "rb").read())
    x, y = _golden("conv")
    for source in (km.path("conv", ".keras"), str(renamed)):
        out = tmp_path / "conv.tflite"
        assert main(["convert", source, "-o", str(out)]) == 0
        interpreter = Interpreter(model_path=str(out))
        detail = interpreter.get_input_details()[0]
        interpreter.resize_tensor_input(detail["index"], list(x.shape))
        interpreter.allocate_tensors()
        interpreter.set_tensor(detail["index"], x)
        interpreter.invoke()
        got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
        np.testing.assert_allclose(got, y, rtol=1e-4, atol=1e-4)
