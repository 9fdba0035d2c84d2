"""save / load_model by file name: `.keras` is Keras 3's archive (keras_archive.py); `.npz` is edgelite's own
file, described here: the model config as JSON plus every weight and the optimizer state as plain arrays. Nothing is pickled: loading runs no code from the file, and custom layers are
found by class name (custom_objects or @register_serializable)."""

import json
import os

import numpy as np

from . import losses, metrics, optimizers
from .serialization import deserialize_layer, serialize_layer

FORMAT = "edgelite.training.model/1"


def _weight_keys(model):
    """'weights/<layer name>/<index>/<weight name>' for every weight, layer by layer (names are unique)."""
    for layer in model.layers:
        for i, variable in enumerate(layer.weights):
            yield f"weights/{layer.name}/{i}/{variable.name}", variable


def _savable_metrics(ids):
    """The compiled metrics as saved: names and serialized built-in Metric objects. A metric made from a plain
    function cannot be saved and is left out (the model loads without it)."""
    saved = []
    for metric in ids:
        if isinstance(metric, (str, dict)):
            saved.append(metric)
        elif isinstance(metric, metrics.Metric) and type(metric).__name__ in metrics.CLASSES:
            saved.append(metrics.serialize(metric))
    return saved


def _compile_config(model):
    if not model.compiled:
        return None
    try:
        return {"optimizer": optimizers.serialize(model.optimizer),
                "loss": None if model.loss is None else losses.serialize(model.loss),
                "metrics": _savable_metrics(model.metric_ids), "loss_weights": model.loss_weight,
                "weighted_metrics": _savable_metrics(model.weighted_metric_ids)}
    except ValueError:
        return None  # a custom loss or schedule: the architecture and weights still save


def _kind(path):
    path = os.fspath(path)
    if path.endswith(".keras"):
        return "keras"
    if path.endswith(".npz"):
        return "npz"
    raise ValueError("Invalid filepath extension for saving. Please add either a `.keras` extension for Keras' "
                     f"format or `.npz` for edgelite's own. Received: filepath={path}")


def save_model(model, path):
    """Saves `model` (its architecture, every weight, and the compile settings and optimizer state when they can
    be saved) to `path`: a Keras 3 archive for `x.keras` (Keras' load_model reads it; needs h5py), edgelite's .npz
    file for `x.npz`. Raises ValueError for another suffix, or (for .keras) a layer Keras does not have. Nothing is
    pickled. A model compiled with a custom loss or a learning-rate schedule saves without its compile settings."""
    if _kind(path) == "keras":
        from .keras_archive import save_keras
        save_keras(model, path)
        return
    model.get_graph()  # unbuilt models have no weights to save yet
    config = {"format": FORMAT, "model": serialize_layer(model), "compile": _compile_config(model)}
    arrays = {"config": np.array(json.dumps(config))}
    arrays.update((key, variable.data) for key, variable in _weight_keys(model))
    if config["compile"] is not None and model.optimizer.built:
        state = model.optimizer.get_state()
        arrays["optimizer/iterations"] = np.array(state["iterations"], dtype=np.int64)
        for name, slots in state["slots"].items():
            arrays.update((f"optimizer/{name}/{i}", a) for i, a in enumerate(slots))
    # Writing through a file object keeps `path` exactly as given (np.savez would append '.npz').
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load_model(path, custom_objects=None, compile=True):  # noqa: A002 - Keras argument name
    """The model saved at `path` by save_model (or Model.save), or a Keras 3 `.keras` file, with its weights; compiled again, with its optimizer
    state, when it was saved compiled and compile=True. Custom layer classes come from custom_objects ({class name:
    class}) or @register_serializable; no code is run from the file. Raises ValueError for a file of another format,
    weights that do not match the architecture, or an unknown layer class."""
    from .keras_archive import is_keras_archive, load_keras
    if os.fspath(path).endswith(".keras") or is_keras_archive(path):  # Keras' archive by name or by content
        return load_keras(path, custom_objects, compile)
    with np.load(path, allow_pickle=False) as data:
        config = json.loads(str(data["config"]))
        if config.get("format") != FORMAT:
            raise ValueError(f"{path}: not an edgelite training model (format {config.get('format')!r})")
        model = deserialize_layer(config["model"], custom_objects)
        expected = dict(_weight_keys(model))
        stored = {k for k in data.files if k.startswith("weights/")}
        if stored != set(expected):
            raise ValueError(f"{path}: weights do not match the architecture; missing "
                             f"{sorted(set(expected) - stored)}, unexpected {sorted(stored - set(expected))}")
        for key, variable in expected.items():
            variable.assign(data[key])
        if compile and config["compile"] is not None:
            c = config["compile"]
            model.compile(optimizers.get(c["optimizer"]), c["loss"] and losses.get(c["loss"]), c["metrics"],
                          loss_weights=c.get("loss_weights"), weighted_metrics=c.get("weighted_metrics"))
            if "optimizer/iterations" in data.files:
                slots = {}
                for key in data.files:
                    if key.startswith("optimizer/") and key != "optimizer/iterations":
                        _, name, i = key.split("/")
                        slots.setdefault(name, {})[int(i)] = data[key]
                state = {"iterations": int(data["optimizer/iterations"]),
                         "slots": {name: [by_index[i] for i in sorted(by_index)] for name, by_index in slots.items()}}
                model.optimizer.set_state(model.trainable_weights, state)
    return model
