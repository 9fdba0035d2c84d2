"""Model.save_weights / load_weights: a model's weights (and optimizer state) alone, in Keras 3's layout.

Formats, by file name:
  .weights.h5   Keras 3's weight file (h5py needed): groups at the paths of keras_layout, each `vars/0..n`,
                the optimizer's under `optimizer/vars`. Keras loads what we write and we load what it writes.
  .weights.npz  the same paths and arrays in a NumPy .npz (no h5py needed), keys '<path>/vars/<i>'.
  .h5           (load only) Keras 2's HDF5 weights, as keras.applications ships them: a group per layer name
                listing its `weight_names`; layers are matched by name, so names must be Keras' own.
"""

import json
import os
import warnings

import numpy as np

from .keras_layout import keras_layers, optimizer_variables, weight_groups

NPZ_FORMAT = "edgelite.training.weights/1"


def import_h5py():
    """h5py, or an ImportError saying what needs it and how to install it."""
    try:
        import h5py
    except ImportError:
        raise ImportError("h5py is needed to read and write Keras .h5 / .keras weight files; install it with "
                          "`pip install h5py` (or use the .weights.npz format, which needs nothing)") from None
    return h5py


def check_weights_path(path, saving):
    """The format of `path` ('h5', 'npz' or, for loading, 'legacy_h5'); ValueError, worded as Keras', otherwise."""
    path = os.fspath(path)
    if path.endswith(".weights.h5"):
        return "h5"
    if path.endswith(".weights.npz"):
        return "npz"
    if saving:
        raise ValueError("The filename must end in `.weights.h5` (Keras' format) or `.weights.npz`. "
                         f"Received: filepath={path}")
    if path.endswith(".h5") or path.endswith(".hdf5"):
        return "legacy_h5"
    raise ValueError(f"File format not supported: filepath={path}. load_weights reads `.weights.h5` and "
                     "`.weights.npz` files and Keras 2 `.h5` weight files (as keras.applications ships them).")


# ---- what goes in a file: {path: (name, [arrays])} ----

def check_has_graph(model):
    """ValueError for a model without a layer graph: unbuilt (the message says how to build it), or subclassed,
    whose Keras layout (by attribute names) edgelite does not write."""
    if getattr(model, "_graph", None) is None and getattr(model, "_layers", None) and \
            not hasattr(model, "_stack"):
        raise ValueError(f"model {model.name!r} is a subclassed Model: saving its weights in Keras' layout is not "
                         "supported; use a functional or Sequential model, or get_weights()/set_weights()")
    model.get_graph()


def collect_weights(model):
    """{path: (name, [array, ...])} of every group of `model` plus its optimizer's state when it has one in a
    layout Keras knows (warns when it cannot be written)."""
    check_has_graph(model)
    groups = {path or "": (name, [v.data for v in variables]) for path, name, variables in weight_groups(model)}
    optimizer = getattr(model, "optimizer", None)
    if getattr(model, "compiled", False) and optimizer is not None and optimizer.built:
        order = optimizer_variables(optimizer, model.trainable_weights)
        if order is None:
            warnings.warn(f"the state of optimizer {type(optimizer).__name__} is not saved: its Keras variable "
                          "layout is not known to edgelite")
        else:
            groups["optimizer"] = (optimizer.name, [_optimizer_value(optimizer, name, i) for name, i in order])
    return groups


def _optimizer_value(optimizer, name, index):
    if name == "iterations":
        return np.array(optimizer.iterations, dtype=np.int64)
    if name == "learning_rate":
        return np.array(optimizer.learning_rate, dtype=np.float32)
    return optimizer._slots[name][index]


def assign_weights(model, groups, source, skip_mismatch=False):
    """Sets `model`'s weights from collect_weights-shaped `groups` read from `source` (a file name, for
    messages). Raises ValueError naming the group when one is missing or its count or shapes differ (with
    skip_mismatch, warns and leaves that layer as it was, as Keras)."""
    for path, name, variables in weight_groups(model):
        stored = groups.get(path or "", (None, []))[1]
        _assign_list(variables, stored, f"{name!r} (at {path!r})", source, skip_mismatch)
    if "optimizer" in groups:
        _assign_optimizer(model, groups["optimizer"][1], source)


def _assign_optimizer(model, stored, source):
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None:
        return  # Keras too leaves the optimizer state of a file alone when the model has no optimizer
    var_list = model.trainable_weights
    if not optimizer.built:
        optimizer.build(var_list)
    order = optimizer_variables(optimizer, var_list)
    if order is None or len(order) != len(stored):
        warnings.warn(f"skipping the optimizer state in {source}: it holds {len(stored)} variables where "
                      f"optimizer {type(optimizer).__name__} of this model has "
                      f"{'an unknown layout' if order is None else len(order)}")
        return
    for (name, i), array in zip(order, stored):
        if name == "iterations":
            optimizer.iterations = int(array)
        elif name == "learning_rate":
            # The file holds the rate as float32 (as Keras' does). A float rate this optimizer already has to that
            # precision stays as it is, so that training on after a round trip takes the same steps bit for bit
            # (0.001 comes back as 0.0010000000474974513, whose Adam steps differed in the last bit).
            current = optimizer.learning_rate
            if callable(current) or np.float32(current) != np.float32(array):
                optimizer.learning_rate = float(array)
        else:
            optimizer._slots[name][i] = np.array(array, dtype=optimizer._slots[name][i].dtype)


# ---- the file formats ----

def write_h5(groups, target):
    """Writes {path: (name, arrays)} to `target` (a file name or an open binary file) in Keras 3's layout."""
    h5py = import_h5py()
    with h5py.File(target, "w") as f:
        for path, (name, arrays) in groups.items():
            group = f.create_group(f"{path}/vars" if path else "vars")
            group.attrs["name"] = name
            for i, array in enumerate(arrays):
                group.create_dataset(str(i), data=np.asarray(array))


def read_h5(source):
    """{path: (name, [arrays])} from a Keras 3 weight file (a file name or an open binary file)."""
    h5py = import_h5py()
    groups = {}
    with h5py.File(source, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Group) and (name == "vars" or name.endswith("/vars")):
                path = name[:-len("vars")].rstrip("/")
                keys = sorted(obj.keys(), key=int)
                groups[path] = (obj.attrs.get("name"), [obj[k][()] for k in keys])
        f.visititems(visit)
    return groups


def write_npz(groups, path):
    """Writes {path: (name, arrays)} to the .weights.npz file `path`: keys '<group path>/vars/<i>' plus the format
    tag and the group names as JSON."""
    arrays = {"__format__": np.array(NPZ_FORMAT),
              "__names__": np.array(json.dumps({p: name for p, (name, _) in groups.items()}))}
    for group_path, (_, values) in groups.items():
        prefix = f"{group_path}/vars" if group_path else "vars"
        arrays.update((f"{prefix}/{i}", np.asarray(a)) for i, a in enumerate(values))
    with open(path, "wb") as f:  # a file object keeps the name exactly as given
        np.savez(f, **arrays)


def read_npz(path):
    """{path: (name, [arrays])} from a .weights.npz file written by write_npz. Raises ValueError for another
    .npz."""
    with np.load(path, allow_pickle=False) as data:
        if "__format__" not in data.files or str(data["__format__"]) != NPZ_FORMAT:
            raise ValueError(f"{path}: not an edgelite .weights.npz file")
        names = json.loads(str(data["__names__"]))
        groups = {p: (name, []) for p, name in names.items()}
        by_index = {}
        for key in data.files:
            if key.startswith("__"):
                continue
            prefix, i = key.rsplit("/", 1)
            group_path = prefix[:-len("vars")].rstrip("/")
            by_index.setdefault(group_path, {})[int(i)] = data[key]
        for group_path, arrays in by_index.items():
            groups[group_path] = (names.get(group_path), [arrays[i] for i in sorted(arrays)])
    return groups


def load_legacy_h5(model, path, skip_mismatch=False):
    """Loads a Keras 2 HDF5 weight file (keras.applications' downloads, `model.save_weights('x.h5')` of Keras 2)
    into `model`: layer by layer name when every layer with weights has a group of its name, otherwise, as Keras
    does, the layers with weights in Keras' order against the file's groups with weights in its order. Raises
    ValueError when the layer counts, a weight count or a shape differ."""
    h5py = import_h5py()
    with h5py.File(path, "r") as f:
        root = f["model_weights"] if "model_weights" in f else f
        if "layer_names" not in root.attrs:
            raise ValueError(f"{path}: not a Keras weights file (no layer_names); Keras 3 weight files end in "
                             "`.weights.h5`")
        stored = {}
        for name in (_text(n) for n in root.attrs["layer_names"]):
            group = root[name]
            arrays = [group[_text(n)][()] for n in group.attrs.get("weight_names", [])]
            if arrays:
                stored[name] = arrays
        # A layer's group holds its sub-layers' weights too, in the order of layer.weights.
        weighted = [layer for layer in keras_layers(model) if layer.weights]
        if all(layer.name in stored for layer in weighted):
            pairs = [(layer, stored[layer.name]) for layer in weighted]
        elif len(weighted) == len(stored):
            pairs = list(zip(weighted, stored.values()))
        else:
            missing = [layer.name for layer in weighted if layer.name not in stored]
            raise ValueError(f"{path}: the file has weights for {len(stored)} layers, the model {len(weighted)} "
                             f"layers with weights; by name, none for {missing[:5]}")
        for layer, arrays in pairs:
            _assign_list(layer.weights, arrays, repr(layer.name), path, skip_mismatch)


def _assign_list(variables, arrays, layer, source, skip_mismatch):
    """Assigns `arrays` to `variables` when their count and shapes match; otherwise raises ValueError (or, with
    skip_mismatch, warns and leaves the variables as they were, as Keras does)."""
    problem = None
    if len(arrays) != len(variables):
        problem = (f"layer {layer} expected {len(variables)} variables, but received {len(arrays)} variables "
                   f"during loading from {source}")
    else:
        bad = [(v.name, v.shape, tuple(a.shape)) for v, a in zip(variables, arrays) if v.shape != tuple(a.shape)]
        if bad:
            problem = f"layer {layer} in {source}: shape mismatch (name, expected, stored): {bad}"
    if problem is not None:
        if not skip_mismatch:
            raise ValueError(problem)
        warnings.warn(f"skipping {problem}")
        return
    for variable, array in zip(variables, arrays):
        variable.assign(np.asarray(array, dtype=variable.dtype))


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def save_weights(model, path, overwrite=True):
    """Writes `model`'s weights (and its optimizer's state) to `path`: `.weights.h5` (Keras 3's file, needs h5py)
    or `.weights.npz`. Raises ValueError for another suffix, FileExistsError when overwrite=False and the file
    exists."""
    kind = check_weights_path(path, saving=True)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} exists and overwrite=False")
    groups = collect_weights(model)
    if kind == "h5":
        write_h5(groups, path)
    else:
        write_npz(groups, path)


def load_weights(model, path, skip_mismatch=False):
    """Loads weights written by save_weights (ours or Keras 3's `.weights.h5`) or a Keras 2 `.h5` weight file
    into `model`. Raises ValueError for another suffix or weights that do not fit the model."""
    kind = check_weights_path(path, saving=False)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such weights file: {path}")
    check_has_graph(model)
    if kind == "legacy_h5":
        load_legacy_h5(model, path, skip_mismatch)
        return
    groups = read_h5(path) if kind == "h5" else read_npz(path)
    assign_weights(model, groups, path, skip_mismatch)
