"""edgelite.training.applications against keras.applications: with the same (deterministic) weights each model
predicts what Keras' own model predicted (golden files from scripts/make_keras_golden.py), its layers with
weights come in Keras' order with Keras' names and shapes, it converts to a .tflite that matches predict at
batches 1 and 5, and Keras weight files load through weights= (Keras-written ones in the slow test)."""

import json
import os

import numpy as np
import pytest

import edgelite
from edgelite.converter import convert
from edgelite.training import applications, utils
from edgelite.training.keras_layout import keras_layers

import keras_models as km  # helpers beside this file: pytest puts the folder on sys.path
import keras_runner

APPS = sorted(km.APPLICATIONS)
# ResNet50 (23.6M weights, a 94 MB .tflite) is the slow one; the others take about a second each.
HEAVY = {"resnet50"}


def _params(name):
    return [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY and name == "convert" else n for n in APPS]


def _build(name, **overrides):
    function, kwargs, _ = km.APPLICATIONS[name]
    model = getattr(applications, function)(weights=None, **{**kwargs, **overrides})
    km.set_deterministic_weights(model, utils.snake_case)
    return model


def _golden(name):
    io = np.load(os.path.join(km.DATA, "applications", f"{name}.io.npz"))
    with open(os.path.join(km.DATA, "applications", f"{name}.layers.json")) as f:
        return io["x"], io["y"], json.load(f)


def _relative_error(got, want):
    return float(np.max(np.abs(got - want))) / max(1.0, float(np.max(np.abs(want))))


def _images(name, batch, seed):
    rng = np.random.default_rng(seed)
    high = 255.0 if km.APPLICATIONS[name][0] in ("MobileNetV3Small", "EfficientNetB0") else 1.0
    return rng.uniform(-high if high == 1.0 else 0.0, high, (batch,) + km.APPLICATIONS[name][2][1:]).astype(
        np.float32)


@pytest.mark.parametrize("name", APPS)
def test_predicts_as_keras_with_the_same_weights(name):
    x, y, _ = _golden(name)
    got = _build(name).predict(x, verbose=0)
    assert got.shape == y.shape
    assert _relative_error(got, y) < 1e-5


@pytest.mark.parametrize("name", APPS)
def test_weighted_layers_have_keras_order_names_and_shapes(name):
    model = _build(name)
    _, _, reference = _golden(name)
    ours = [[type(l).__name__, km._layer_key(l, utils.snake_case), [list(w.shape) for w in l.weights]]
            for l in keras_layers(model) if l.weights]
    assert ours == [entry for entry in reference["layers"] if entry[2]]
    assert model.count_params() == reference["params"]


@pytest.mark.parametrize("name", _params("convert"))
def test_converts_and_matches_predict_at_batches_1_and_5(name):
    model = _build(name)
    content = convert(model)
    runtimes = [edgelite.Interpreter]
    try:
        from ai_edge_litert.interpreter import Interpreter as LiteRT
        runtimes.append(LiteRT)
    except ImportError:
        pass
    for batch in (1, 5):
        x = _images(name, batch, seed=batch)
        want = model.predict(x, verbose=0)
        for runtime in runtimes:
            interpreter = runtime(model_content=content)
            detail = interpreter.get_input_details()[0]
            assert detail["shape_signature"][0] == -1
            interpreter.resize_tensor_input(detail["index"], list(x.shape))
            interpreter.allocate_tensors()
            interpreter.set_tensor(detail["index"], x)
            interpreter.invoke()
            got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
            assert got.shape == want.shape
            assert _relative_error(got, want) <= 1e-4, (runtime.__module__, batch)


@pytest.mark.parametrize("name", ["mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0"])
def test_weights_argument_loads_keras_format_files(name, tmp_path):
    import h5py
    model = _build(name)
    x = _images(name, 2, seed=3)
    want = model.predict(x, verbose=0)
    function, kwargs, _ = km.APPLICATIONS[name]
    model.save_weights(tmp_path / "w.weights.h5")
    loaded = getattr(applications, function)(weights=str(tmp_path / "w.weights.h5"), **kwargs)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), want)
    with h5py.File(tmp_path / "w.h5", "w") as f:  # Keras 2's layout, as keras.applications' downloads
        f.attrs["layer_names"] = [l.name.encode() for l in model.layers]
        for layer in model.layers:
            group = f.create_group(layer.name)
            group.attrs["weight_names"] = [f"{layer.name}/{w.name}:0".encode() for w in layer.weights]
            for w in layer.weights:
                group.create_dataset(f"{layer.name}/{w.name}:0", data=w.data)
    legacy = getattr(applications, function)(weights=str(tmp_path / "w.h5"), **kwargs)
    np.testing.assert_array_equal(legacy.predict(x, verbose=0), want)


@pytest.mark.parametrize("pooling, shape", [(None, (None, 1, 1, 1280)), ("avg", (None, 1280)),
                                            ("max", (None, 1280))])
def test_include_top_false_gives_features_or_pooled_features(pooling, shape):
    model = applications.EfficientNetB0(include_top=False, input_shape=(32, 32, 3), pooling=pooling)
    assert model.outputs[0].shape == shape
    assert "predictions" not in [l.name for l in model.layers]


def test_keras_argument_checks():
    with pytest.raises(ValueError, match="weights='imagenet' would download"):
        applications.MobileNetV2(weights="imagenet")
    with pytest.raises(ValueError, match="path to the weights file"):
        applications.ResNet50(weights="/no/such/file.h5", input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="at least 32x32"):
        applications.MobileNetV3Small(input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="three integers"):
        applications.EfficientNetB0(input_shape=(32, 32))
    with pytest.raises(ValueError, match="pooling"):
        applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, pooling="mean")
    with pytest.raises(ValueError, match="static `input_shape`"):
        applications.ResNet50(input_shape=(None, None, 3))


def test_defaults_follow_keras():
    model = applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, classes=4)
    assert model.name == "mobilenetv2_0.35_96" and model.outputs[0].shape == (None, 4)
    assert model.get_layer("predictions").activation.__name__ == "softmax"
    small = applications.MobileNetV3Small(input_shape=(32, 32, 3), include_preprocessing=False, classes=3)
    assert small.name == "MobileNetV3Small"
    assert not any(type(l).__name__ == "Rescaling" for l in small.layers)


@pytest.mark.slow
@pytest.mark.parametrize("name", APPS)
def test_keras_written_weight_files_load(name, tmp_path):
    """Keras builds the application with its own random weights and writes a .weights.h5, a Keras 2 .h5 (the
    layout of keras.applications' downloads) and a .keras archive; the first two load here through weights=, the
    archive through load_model, and all predict as Keras. Then Keras loads our own .keras of the application and
    predicts as we do."""
    function, kwargs, input_shape = km.APPLICATIONS[name]
    x = _images(name, 2, seed=4)
    np.save(tmp_path / "x.npy", x)
    keras_runner.run_keras(
        "import json, h5py, numpy as np, keras\n"
        "from keras.src.legacy.saving import legacy_h5_format\n"
        f"m = keras.applications.{function}(weights=None, **{kwargs!r})\n"
        f"d = {str(tmp_path)!r}\n"
        "m.save_weights(f'{d}/k.weights.h5')\n"
        "with h5py.File(f'{d}/k.h5', 'w') as f:\n"
        "    legacy_h5_format.save_weights_to_hdf5_group(f, m)\n"
        "m.save(f'{d}/k.keras')\n"
        "np.save(f'{d}/y.npy', m.predict(np.load(f'{d}/x.npy'), verbose=0))\n"
        "print(json.dumps('ok'))")
    want = np.load(tmp_path / "y.npy")
    for file in ("k.weights.h5", "k.h5"):
        model = getattr(applications, function)(weights=str(tmp_path / file), **kwargs)
        assert _relative_error(model.predict(x, verbose=0), want) < 1e-5, file
    from edgelite.training import load_model
    assert _relative_error(load_model(tmp_path / "k.keras").predict(x, verbose=0), want) < 1e-5
    ours = _build(name)
    ours.save(tmp_path / "ours.keras")
    got = keras_runner.run_keras(
        "import json, numpy as np, keras\n"
        f"m = keras.saving.load_model({str(tmp_path / 'ours.keras')!r})\n"
        f"print(json.dumps(m.predict(np.load({str(tmp_path / 'x.npy')!r}), verbose=0).tolist()))")
    assert _relative_error(np.array(got), ours.predict(x, verbose=0)) < 1e-5
