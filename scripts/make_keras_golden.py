"""Makes the Keras 3 golden files in tests/training/data/keras/ with Keras itself (run with a TF + Keras 3
install, e.g. /work/tfenv/bin/python scripts/make_keras_golden.py):

- <model>.weights.h5: Keras' save_weights of a small model with random weights (nonzero biases and batch-norm
  statistics, so a misplaced array shows), compiled with Adam and trained one step (optimizer state included);
- <model>.keras: keras Model.save of the same model;
- <model>.io.npz: a fixed input `x` and Keras' own prediction `y` on it;
- applications/<name>.io.npz and .layers.json: keras.applications models at 32x32 (10 classes, logits) with
  deterministic weights (keras_models.set_deterministic_weights: a function of layer and weight names, so
  edgelite gives its twin the same values without a weight file): a fixed input, Keras' prediction, and
  Keras' model.layers as [class, name, [weight shapes]] in order.
The architectures are in tests/training/keras_models.py; test_save_weights.py and test_keras_format.py build them
with edgelite and
check that these files load and predict the same, and that what edgelite writes has Keras' layout.
"""

import functools
import importlib.util
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "training", "data", "keras")
_spec = importlib.util.spec_from_file_location("keras_models", os.path.join(HERE, "..", "tests", "training",
                                                                            "keras_models.py"))
keras_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(keras_models)
MODELS = {name: functools.partial(make, keras) for name, make in keras_models.MODELS.items()}


def sample_input(model, rng, n=4):
    shape = (n,) + tuple(model.inputs[0].shape[1:])
    if model.inputs[0].dtype == "int32":
        return rng.integers(0, 12, size=shape).astype(np.int32)
    return rng.normal(size=shape).astype(np.float32)


def randomize(model, rng):
    """Random weights everywhere (variances positive), so every array matters to the prediction."""
    for layer in model.layers:
        weights = layer.get_weights()
        new = [np.abs(rng.normal(size=w.shape)) + 0.5 if "variance" in v.path else rng.normal(scale=0.5,
                                                                                               size=w.shape)
               for w, v in zip(weights, layer.weights)]
        layer.set_weights([w.astype(np.float32) for w in new])
        if hasattr(layer, "finalize_state"):  # Normalization computes from its weights only here (or on load)
            layer.finalize_state()


def applications():
    from keras.src.utils.naming import to_snake_case
    out = os.path.join(OUT, "applications")
    os.makedirs(out, exist_ok=True)
    for name, (function, kwargs, input_shape) in keras_models.APPLICATIONS.items():
        model = getattr(keras.applications, function)(weights=None, **kwargs)
        keras_models.set_deterministic_weights(model, to_snake_case)
        x = np.random.default_rng(7).uniform(-1, 1, input_shape).astype(np.float32)
        if function in ("MobileNetV3Small", "EfficientNetB0"):  # they rescale [0, 255] images themselves
            x = (x + 1) * 127.5
        y = model.predict(x, verbose=0)
        np.savez(os.path.join(out, f"{name}.io.npz"), x=x, y=y)
        summary = [[type(l).__name__, keras_models._layer_key(l, to_snake_case), [list(w.shape) for w in l.weights]]
                   for l in model.layers]
        with open(os.path.join(out, f"{name}.layers.json"), "w") as f:
            json.dump({"layers": summary, "params": int(model.count_params())}, f)
        print(name, "ok", y.shape, model.count_params())


def keras_ops():
    """Keras operations on symbolic tensors (as MobileNetV3's hard sigmoid writes them): ops.numpy Add, Subtract
    and Multiply with constants and with two tensors. Only Keras can build it; keras_ops.keras + .io.npz."""
    L = keras.layers
    inp = keras.Input((5,), name="features")
    x = L.Dense(4, name="dense")(inp)
    y = L.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)
    z = (x - 1.0) * y + x
    model = keras.Model(inp, L.Dense(2, name="head")(z), name="keras_ops")
    randomize(model, np.random.default_rng(3))
    x_in = np.random.default_rng(4).normal(size=(3, 5)).astype(np.float32)
    model.save(os.path.join(OUT, "keras_ops.keras"))
    np.savez(os.path.join(OUT, "keras_ops.io.npz"), x=x_in, y=model.predict(x_in, verbose=0))


def main():
    keras_ops()
    applications()
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    for name, make in MODELS.items():
        model = make()
        randomize(model, rng)
        x = sample_input(model, rng)
        model.compile(optimizer="adam", loss="mse")
        y_target = rng.normal(size=(len(x),) + tuple(model.outputs[0].shape[1:])).astype(np.float32)
        model.train_on_batch(x, y_target)
        y = model.predict(x, verbose=0)
        model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        model.save(os.path.join(OUT, f"{name}.keras"))
        np.savez(os.path.join(OUT, f"{name}.io.npz"), x=x, y=y)
        print(name, "ok", y.shape)


if __name__ == "__main__":
    main()
