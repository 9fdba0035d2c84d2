"""The Keras 3 `.keras` archive: a zip of metadata.json, config.json (keras_config's format, with the compile
settings) and model.weights.h5 (keras_layout's paths). Keras' keras.saving.load_model reads what save_keras
writes, and load_keras reads Keras' files for the layers edgelite has. Nothing in the file is executed."""

import datetime
import io
import json
import os
import warnings
import zipfile

from .keras_config import compile_from_keras, compile_to_keras, model_from_keras_config, model_to_keras_config
from .weights_io import assign_weights, collect_weights, import_h5py, read_h5, write_h5

# The Keras 3 version whose file layout this follows; Keras reads no field of metadata.json when loading.
KERAS_FORMAT_VERSION = "3.15.1"


def save_keras(model, path):
    """Writes `model` to the `.keras` archive `path`. Raises ValueError (before writing anything) when a layer has
    no Keras equivalent, and ImportError when h5py is missing."""
    import_h5py()
    entry = model_to_keras_config(model)  # raises for what Keras could not load, before the file exists
    compile_config = compile_to_keras(model)
    if compile_config is not None:
        entry["compile_config"] = compile_config
    weights = io.BytesIO()
    write_h5(collect_weights(model), weights)
    metadata = {"keras_version": KERAS_FORMAT_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"), "saved_by": "edgelite"}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(entry))
        archive.writestr("model.weights.h5", weights.getvalue())


def is_keras_archive(path):
    """Whether `path` is a zip holding Keras' config.json (whatever its name)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "config.json" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def load_keras(path, custom_objects=None, compile=True):  # noqa: A002 - Keras argument name
    """The model in the `.keras` archive `path` (Keras' or ours), with its weights, compiled (optimizer state
    included) when the file has compile settings and compile=True. Raises ValueError for a file that is not a
    Keras archive or a layer or option edgelite does not have."""
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path}: not a .keras archive (not a zip file)")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if not {"config.json", "model.weights.h5"} <= names:
            raise ValueError(f"{path}: not a Keras 3 archive (it has {sorted(names)}; config.json and "
                             "model.weights.h5 expected)")
        entry = json.loads(archive.read("config.json"))
        weights = io.BytesIO(archive.read("model.weights.h5"))
    model = model_from_keras_config(entry, custom_objects)
    if compile and entry.get("compile_config"):
        try:
            compile_from_keras(model, entry["compile_config"])
        except ValueError as e:
            warnings.warn(f"{os.fspath(path)}: the model is loaded uncompiled: {e}")
    assign_weights(model, read_h5(weights), os.fspath(path))
    return model
