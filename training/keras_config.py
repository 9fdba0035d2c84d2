"""Model configs in Keras 3's serialization format (the config.json of a `.keras` archive, `to_json`), both ways.

Keras writes every object as {"module", "class_name", "config", "registered_name"}; a layer adds "build_config"
and, inside a functional model, "name" and "inbound_nodes" (each call: its tensor arguments as
__keras_tensor__ entries naming [layer name, node index, output index], plus keyword arguments). Our layer
configs already use Keras' argument names, so writing mostly adds that envelope; reading drops the options
Keras writes at their neutral value that we do not take (sparse=False, groups=1, quantization_config=None, ...)
and refuses, naming the layer and option, any that would change what the layer computes.
"""

import inspect
import json
import warnings

from . import constraints, initializers, losses, optimizers, regularizers
from .keras_layout import is_model, keras_class_name, keras_layers
from .layers import BUILTIN_LAYERS, InputLayer, Layer
from .serialization import _REGISTERED

# Catalogs of the objects a layer config nests, by Keras module.
_OBJECT_MODULES = {"keras.initializers": initializers, "keras.regularizers": regularizers,
                   "keras.constraints": constraints}
# Keras options we do not take, with the values at which leaving them out changes nothing.
_NEUTRAL = {"sparse": (False,), "ragged": (False,), "optional": (False,), "groups": (1,), "synchronized": (False,),
            "renorm": (False,), "renorm_clipping": (None,), "quantization_config": (None,), "lora_rank": (None,),
            "lora_alpha": (None,), "use_cudnn": ("auto", False, True), "data_format": ("channels_last",),
            "input_axes": (None,), "output_axes": (None,), "zero_output_for_mask": (False, True),
            "mask_zero": (False,), "embeddings_constraint": (None,), "embeddings_regularizer": (None,),
            "activity_regularizer": (None,), "stateful": (False,), "kernel_regularizer": (None,),
            "bias_regularizer": (None,), "recurrent_regularizer": (None,), "kernel_constraint": (None,),
            "bias_constraint": (None,), "recurrent_constraint": (None,), "beta_regularizer": (None,),
            "gamma_regularizer": (None,), "beta_constraint": (None,), "gamma_constraint": (None,),
            "depthwise_regularizer": (None,), "depthwise_constraint": (None,), "time_major": (False,),
            "implementation": (1, 2), "unit_forget_bias": (True, False), "noise_shape": (None,),
            # optimizers
            "use_ema": (False,), "ema_overwrite_frequency": (None,), "loss_scale_factor": (None,),
            "gradient_accumulation_steps": (None,),
            # MultiHeadAttention
            "use_gate": (False,), "sliding_window": (None,)}
# Options read only when another one is on.
_NEUTRAL_WHEN = {"renorm_momentum": lambda c: not c.get("renorm"), "ema_momentum": lambda c: not c.get("use_ema")}


def _accepted_arguments(cls):
    """The keyword arguments cls(...) takes: its __init__'s named ones, and up the classes it passes **kwargs
    to."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters.values()
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {"self"}
        if not any(p.kind is p.VAR_KEYWORD for p in params) or klass is Layer:
            break
    return names


def _filter_options(cls, config, what):
    """config without the options cls does not take; ValueError when one of them is not at its neutral value."""
    accepted, kept = _accepted_arguments(cls), {}
    for key, value in config.items():
        if key in accepted:
            kept[key] = value
        elif not (value in _NEUTRAL.get(key, (None,)) or _NEUTRAL_WHEN.get(key, lambda c: False)(config)):
            raise ValueError(f"{what}: Keras option {key}={value!r} is not supported by edgelite.training")
    return kept


# ---- Keras -> ours ----

def _dtype_name(value):
    if isinstance(value, dict):  # a DTypePolicy
        name = value.get("config", {}).get("name")
        if not isinstance(name, str) or name.startswith("mixed"):
            raise ValueError(f"dtype policy {name!r} is not supported by edgelite.training (float32 / float64)")
        return name
    return value


def _from_keras_value(value, what):
    """A config value with the Keras objects it nests (initializers, layers, dtype policies) made ours."""
    if isinstance(value, list):
        return [_from_keras_value(v, what) for v in value]
    if not (isinstance(value, dict) and "class_name" in value):
        return value
    module = value.get("module") or ""
    if module in _OBJECT_MODULES:
        catalog = _OBJECT_MODULES[module]._CATALOG
        cls = catalog.classes.get(value["class_name"])
        if cls is None:
            raise ValueError(f"{what}: {module}.{value['class_name']} is not supported by edgelite.training")
        return {"class_name": value["class_name"],
                "config": _filter_options(cls, value.get("config") or {}, f"{what}: {value['class_name']}")}
    if value["class_name"] in ("DTypePolicy", "FloatDTypePolicy"):
        return _dtype_name(value)
    if module.startswith(("keras.layers", "keras.src.layers")) or value["class_name"] in BUILTIN_LAYERS:
        return layer_spec_from_keras(value)
    raise ValueError(f"{what}: Keras object {module}.{value['class_name']} is not supported by edgelite.training")


def _layer_class(class_name, custom_objects):
    cls = (custom_objects or {}).get(class_name) or _REGISTERED.get(class_name) or BUILTIN_LAYERS.get(class_name)
    if cls is None:
        raise ValueError(f"Keras layer {class_name!r} is not supported by edgelite.training (pass a class for it "
                         "in custom_objects, or decorate one with @register_serializable)")
    return cls


def layer_spec_from_keras(entry, custom_objects=None):
    """Our {'class_name', 'config'} for one Keras layer entry (the options filtered, nested objects made ours)."""
    class_name = entry["class_name"]
    if class_name in _KERAS_MODELS:  # a nested model (a base model inside a transfer-learning one)
        return {"class_name": class_name, "config": entry["config"], "keras": entry}
    cls = _layer_class(class_name, custom_objects)
    raw = dict(entry.get("config") or {})
    what = f"layer {raw.get('name', '?')!r} ({class_name})"
    if "dtype" in raw:
        raw["dtype"] = _dtype_name(raw["dtype"])
    config = {k: _from_keras_value(v, what) for k, v in raw.items()}
    if entry.get("registered_name") not in (None, class_name) and cls is BUILTIN_LAYERS.get(class_name):
        raise ValueError(f"{what}: a custom layer registered as {entry['registered_name']!r}; pass its class in "
                         "custom_objects")
    return {"class_name": class_name, "config": _filter_options(cls, config, what)}


_KERAS_MODELS = ("Functional", "Sequential", "Model")


def _make_layer(spec, custom_objects):
    if "keras" in spec:  # a nested model
        return model_from_keras_config(spec["keras"], custom_objects)
    cls = _layer_class(spec["class_name"], custom_objects)
    return cls.from_config(spec["config"])


def _tensor_refs(value):
    """The [layer, node, index] references of every __keras_tensor__ in a node argument, in order."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return [value["config"]["keras_history"]]
    if isinstance(value, (list, tuple)):
        return [r for v in value for r in _tensor_refs(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _tensor_refs(v)]
    return []


def _resolve(value, outputs):
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        name, node, index = value["config"]["keras_history"]
        out = outputs[(name, node)]
        return out[index] if isinstance(out, list) else out
    if isinstance(value, (list, tuple)):
        return [_resolve(v, outputs) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, outputs) for k, v in value.items()}
    return value


def _call_node(layer, node, outputs):
    args = [_resolve(a, outputs) for a in node.get("args", [])]
    kwargs = {k: _resolve(v, outputs) for k, v in (node.get("kwargs") or {}).items()
              if not (k.endswith("mask") and v is None) and k != "training"}
    if not args:
        raise ValueError(f"layer {layer.name!r}: a call without positional arguments is not supported")
    return layer(*args, **kwargs)  # MultiHeadAttention takes (query, value, key=..., ...)


# Keras operations (x + 3.0 on a symbolic tensor) we rebuild as layers: {class: (merge layer, scale, offset)} where
# a constant c makes the op Rescaling(scale(c), offset(c)).
_KERAS_OPS = {"Add": ("Add", lambda c: 1.0, lambda c: c), "Subtract": ("Subtract", lambda c: 1.0, lambda c: -c),
              "Multiply": ("Multiply", lambda c: c, lambda c: 0.0)}


def _op_layer(entry):
    """A layer computing the Keras operation of `entry` (keras.src.ops...): two tensors give our merge layer, a
    tensor and a number a Rescaling. The node is rewritten to pass the tensors only. Raises ValueError for other
    operations."""
    what = f"Keras operation {entry['module']}.{entry['class_name']} ({entry.get('name')!r})"
    nodes = entry.get("inbound_nodes", [])
    if entry["class_name"] not in _KERAS_OPS or len(nodes) != 1 or (nodes[0].get("kwargs") or {}):
        raise ValueError(f"{what} is not supported by edgelite.training")
    merge, scale, offset = _KERAS_OPS[entry["class_name"]]
    args = nodes[0]["args"]
    tensors = [a for a in args if _tensor_refs(a)]
    numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
    if len(tensors) == 2 and not numbers:
        nodes[0] = {"args": [tensors], "kwargs": {}}
        return BUILTIN_LAYERS[merge](name=entry["name"])
    if len(tensors) == 1 and len(numbers) == 1 and (merge != "Subtract" or args[0] is tensors[0]):
        nodes[0] = {"args": tensors, "kwargs": {}}
        c = float(numbers[0])
        return BUILTIN_LAYERS["Rescaling"](scale(c), offset(c), name=entry["name"])
    raise ValueError(f"{what} with arguments {args!r} is not supported by edgelite.training")


def _functional_from_keras(config, custom_objects, cls):
    from .model import Model
    layers, pending = {}, []
    for entry in config["layers"]:
        if str(entry.get("module")).startswith("keras.src.ops"):
            entry = dict(entry, inbound_nodes=list(entry.get("inbound_nodes", [])))
            layer = _op_layer(entry)
        else:
            layer = _make_layer(layer_spec_from_keras(entry, custom_objects), custom_objects)
        layers[entry["name"]] = layer
        pending += [(entry["name"], i, node) for i, node in enumerate(entry.get("inbound_nodes", []))]
    outputs = {name: layer.output for name, layer in layers.items() if isinstance(layer, InputLayer)}
    outputs = {(name, 0): out for name, out in outputs.items()}
    while pending:  # Keras lists layers by depth; a shared layer's later calls may wait for other layers
        ready = [p for p in pending if all((r[0], r[1]) in outputs for r in _tensor_refs(p[2]))]
        if not ready:
            raise ValueError(f"model {config.get('name')!r}: layer calls reference missing layers: "
                             f"{sorted({p[0] for p in pending})}")
        for name, index, node in ready:
            outputs[(name, index)] = _call_node(layers[name], node, outputs)
        pending = [p for p in pending if p not in ready]

    def endpoints(spec):
        single = bool(spec) and isinstance(spec[0], str)
        refs = [spec] if single else spec
        tensors = [_resolve({"class_name": "__keras_tensor__", "config": {"keras_history": r}}, outputs)
                   for r in refs]
        return tensors[0] if single else tensors

    model_cls = cls if cls is not None and issubclass(cls, Model) else Model
    return model_cls(endpoints(config["input_layers"]), endpoints(config["output_layers"]), name=config["name"])


def model_from_keras_config(entry, custom_objects=None):
    """Our Model or Sequential from a Keras model entry (config.json, to_json). Raises ValueError naming the
    layer and option Keras used that edgelite.training does not have, or the part of a malformed entry."""
    try:
        return _model_from_keras_config(entry, custom_objects)
    except (KeyError, TypeError, IndexError, AttributeError) as e:
        raise ValueError(f"malformed Keras model config ({type(e).__name__}: {e})") from e


def _model_from_keras_config(entry, custom_objects):
    from .model import Sequential
    class_name, config = entry["class_name"], entry["config"]
    if class_name == "Sequential":
        layers = [_make_layer(layer_spec_from_keras(e, custom_objects), custom_objects) for e in config["layers"]]
        model = Sequential(layers, name=config.get("name"))
        if model._graph is None and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
    elif class_name in ("Functional", "Model"):
        model = _functional_from_keras(config, custom_objects, None)
    else:
        raise ValueError(f"Keras model class {class_name!r} is not supported by edgelite.training (a subclassed "
                         "model's code is not in the file); Sequential and functional models are")
    if not config.get("trainable", True):  # setting True would unfreeze the frozen layers inside
        model.trainable = False
    return model


# ---- ours -> Keras ----

def _to_keras_value(key, value):
    if isinstance(value, dict) and set(value) == {"class_name", "config"}:
        kind = key.rsplit("_", 1)[-1]
        module = {"initializer": "keras.initializers", "regularizer": "keras.regularizers",
                  "constraint": "keras.constraints"}.get(kind)
        if module is not None:
            return {"module": module, "class_name": value["class_name"], "config": value["config"],
                    "registered_name": None}
        if value["class_name"] in BUILTIN_LAYERS:
            return _keras_layer_entry(_rebuilt(value), None)
    return value


def _rebuilt(spec):
    return BUILTIN_LAYERS[spec["class_name"]].from_config(spec["config"])


def _check_expressible(layer):
    cls = type(layer)
    if BUILTIN_LAYERS.get(cls.__name__) is not cls:
        raise ValueError(f"layer {layer.name!r} is a {cls.__name__}, which is not a Keras layer: a .keras file "
                         "with it would not load in Keras (save to .npz instead)")


def _keras_layer_entry(layer, build_shape):
    if is_model(layer):  # nested models are written whole, as Keras does
        return model_to_keras_config(layer)
    _check_expressible(layer)
    config = {k: _to_keras_value(k, v) for k, v in layer.get_config().items()}
    entry = {"module": "keras.layers", "class_name": type(layer).__name__, "config": config,
             "registered_name": None}
    if build_shape is not None:  # Keras leaves it out for layers without a build step; it is harmless there
        entry["build_config"] = {"input_shape": build_shape}
    return entry


def _shape_json(shape):
    return [list(s) for s in shape] if isinstance(shape, list) else list(shape)


def _keras_call(layer, args, multi, kwargs):
    """One inbound node: the call's tensors as Keras passes them, and its JSON-able keyword arguments."""
    slots = kwargs.pop("slots", None)
    if slots is not None:  # a packed call (MultiHeadAttention): query and value positional, the rest by name
        named = dict(zip(slots, args))
        positional = [named.pop("query"), named.pop("value")]
        kwargs.update(named)
        return {"args": positional, "kwargs": kwargs}
    for key, value in kwargs.items():
        if not isinstance(value, (bool, int, float, str, type(None))):
            raise ValueError(f"layer {layer.name!r} is called with {key}={value!r}, which Keras' format cannot hold")
    return {"args": [args if multi else args[0]], "kwargs": kwargs}


def _functional_to_keras(model):
    graph = model.get_graph()
    layer_nodes = {}  # id(layer) -> [graph node, ...] in call order: Keras' node indices
    for node in graph:
        layer_nodes.setdefault(id(node.layer), []).append(node)
    node_index = {node.id: layer_nodes[id(node.layer)].index(node) for node in graph}
    kwargs_of = {node.id: kwargs for node, (kwargs, _) in zip(graph, model._node_calls)}
    multi_of = {node.id: multi for node, (_, multi) in zip(graph, model._node_calls)}

    def tensor(node_id, slot):
        node = graph[node_id]
        shape = node.output_shape[slot] if isinstance(node.output_shape, list) else node.output_shape
        return {"class_name": "__keras_tensor__", "config": {"shape": list(shape), "dtype": node.layer.dtype,
                                                             "keras_history": [node.layer.name,
                                                                               node_index[node_id], slot]}}

    entries = []
    for layer in keras_layers(model):
        nodes = layer_nodes[id(layer)]
        if isinstance(layer, InputLayer):
            entry = {"module": "keras.layers", "class_name": "InputLayer", "config": layer.get_config(),
                     "registered_name": None, "name": layer.name, "inbound_nodes": []}
            entries.append(entry)
            continue
        first = nodes[0]
        shapes = [graph[i].output_shape for i in first.inputs]
        shapes = [s[slot] if isinstance(s, list) else s for s, slot in zip(shapes, first.input_slots)]
        entry = _keras_layer_entry(layer, _shape_json(shapes if multi_of[first.id] else shapes[0]))
        entry["name"] = layer.name
        entry["inbound_nodes"] = []
        for node in nodes:
            args = [tensor(i, slot) for i, slot in zip(node.inputs, node.input_slots)]
            entry["inbound_nodes"].append(_keras_call(layer, args, multi_of[node.id], dict(kwargs_of[node.id])))
        if "slots" in kwargs_of[first.id]:  # Keras builds such layers from named shapes
            entry["build_config"] = {"shapes_dict": {f"{slot}_shape": _shape_json(shape) for slot, shape in
                                                     zip(kwargs_of[first.id]["slots"], shapes)}}
        entries.append(entry)

    def endpoints(ids, slots, multi):
        refs = [[graph[i].layer.name, node_index[i], slot] for i, slot in zip(ids, slots)]
        return refs if multi else refs[0]

    config = {"name": model.name, "trainable": model.trainable, "layers": entries,
              "input_layers": endpoints(graph.inputs, [0] * len(graph.inputs), model._multi_input),
              "output_layers": endpoints(graph.outputs, graph.output_slots, model._multi_output)}
    return {"module": "keras.src.models.functional", "class_name": "Functional", "config": config,
            "registered_name": "Functional", "build_config": {"input_shape": None}}


def _sequential_to_keras(model):
    graph = model.get_graph()
    input_layer = graph[graph.inputs[0]].layer
    layers = [{"module": "keras.layers", "class_name": "InputLayer", "config": input_layer.get_config(),
               "registered_name": None}]
    for node in graph:
        if node.layer is input_layer:
            continue
        shape = graph[node.inputs[0]].output_shape
        layers.append(_keras_layer_entry(node.layer, list(shape)))
    shape = list(input_layer.batch_shape)
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": model.name, "trainable": model.trainable, "layers": layers,
                       "build_input_shape": shape},
            "registered_name": None, "build_config": {"input_shape": shape}}


def model_to_keras_config(model):
    """`model` as a Keras model entry (the content of config.json). Raises ValueError for a layer Keras does not
    have (a custom layer, or one of ours without a Keras twin)."""
    if keras_class_name(model) == "Sequential":
        return _sequential_to_keras(model)
    if keras_class_name(model) != "Functional":
        raise ValueError(f"model class {type(model).__name__} cannot be written in Keras' format")
    return _functional_to_keras(model)


def compile_to_keras(model):
    """Keras' compile_config for a compiled model, or None when it is not compiled or uses something Keras'
    format cannot name (a custom loss, a schedule)."""
    if not getattr(model, "compiled", False):
        return None
    try:
        optimizer = optimizers.serialize(model.optimizer)
        loss = None if model.loss is None else losses.serialize(model.loss)
    except ValueError:
        return None
    dropped = [m for m in model.metric_ids if not isinstance(m, str)]
    if dropped:
        warnings.warn(f"metrics {dropped} are not names, so the saved compile settings leave them out")
    config = dict(optimizer["config"])
    if isinstance(config.get("learning_rate"), dict):  # a schedule, in Keras' envelope
        config["learning_rate"] = {"module": "keras.optimizers.schedules", "registered_name": None,
                                   **config["learning_rate"]}
    return {"optimizer": {"module": "keras.optimizers", "class_name": optimizer["class_name"],
                          "config": config, "registered_name": None},
            "loss": None if loss is None else {"module": "keras.losses", "class_name": loss["class_name"],
                                                 "config": loss["config"], "registered_name": None},
            "loss_weights": None, "metrics": [m for m in model.metric_ids if isinstance(m, str)] or None,
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def compile_from_keras(model, compile_config):
    """Compiles `model` as Keras' compile_config says. Raises ValueError for an optimizer, loss or option we do
    not have."""
    opt = compile_config.get("optimizer")
    if isinstance(opt, dict):
        cls = optimizers._CLASSES.get(opt["class_name"])
        if cls is None:
            raise ValueError(f"Keras optimizer {opt['class_name']!r} is not supported by edgelite.training")
        if isinstance(opt["config"].get("learning_rate"), dict) and not hasattr(optimizers, "schedules"):
            raise ValueError("a Keras learning-rate schedule in a saved compile config is not supported")
        opt = cls.from_config(_filter_options(cls, opt["config"], f"optimizer {opt['class_name']}"))
    loss = compile_config.get("loss")
    if isinstance(loss, dict):
        loss_cls = losses._CLASSES.get(loss["class_name"])
        if loss_cls is None:
            raise ValueError(f"Keras loss {loss['class_name']!r} is not supported by edgelite.training")
        config = {k: v for k, v in (loss.get("config") or {}).items()
                  if not (k == "reduction" and v == "sum_over_batch_size") and not (k == "dtype" and v is None)}
        loss = loss_cls.from_config(config)
    given = compile_config.get("metrics") or []
    metrics = [m for m in given if isinstance(m, str)]
    if len(metrics) != len(given):
        warnings.warn(f"compiled without the metrics saved as objects: {[m for m in given if m not in metrics]}; "
                      "pass them to compile() again")
    model.compile(opt, loss, metrics)


def model_to_json(model, **kwargs):
    """`model`'s architecture as a JSON string in Keras 3's format (Model.to_json)."""
    return json.dumps(model_to_keras_config(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A model from a JSON architecture: Keras 3's (keras Model.to_json, ours) or edgelite's older
    {'class_name', 'config'} form. The weights are fresh; load them with load_weights."""
    from .serialization import deserialize_layer
    entry = json.loads(json_string)
    if "module" in entry:
        return model_from_keras_config(entry, custom_objects)
    return deserialize_layer(entry, custom_objects)
