"""Front-end for models built with edgelite.training (Keras-style layers, NHWC, Keras weight shapes).

Reads the model's graph form (`model.get_graph()`: nodes in topological order, each with its layer, the
ids of the nodes it reads and its output shape), each layer's `get_config()` and `get_named_weights()`.
Layers are already channels-last, so no layout change is needed; activations are emitted as their own
ops and fused by the passes.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional

import numpy as np

from ..ir import ConversionError, Graph

# Layer class name -> handler(graph, layer, config, weights, inputs, output shape) -> value name (a list of
# names for a layer with several outputs, whose output shape is then a list too). Handlers registered with
# uses=True also get `used`: the set of the layer's outputs that something reads.
_LAYERS: Dict[str, Callable] = {}
_WANTS_USES = set()
# Handlers registered with call_kwargs=True also get `call_kwargs`: the node's keyword arguments of the call.
_WANTS_CALL_KWARGS = set()
# Layer class names whose conversion needs a static batch (fused sequence operators size their state by it).
_STATIC_BATCH: Dict[str, Callable] = {}


def _layer(*names: str, uses: bool = False, static_batch: Optional[Callable] = None, call_kwargs: bool = False):
    def register(fn):
        for n in names:
            _LAYERS[n] = fn
            if uses:
                _WANTS_USES.add(n)
            if call_kwargs:
                _WANTS_CALL_KWARGS.add(n)
            if static_batch is not None:
                _STATIC_BATCH[n] = static_batch
        return fn
    return register


def is_training_model(source) -> bool:
    """Whether `source` is an edgelite.training model (or quacks like one: get_graph and get_layer)."""
    module = type(source).__module__ or ""
    return (module.startswith("edgelite.training") or module.startswith("training.")) or \
        (hasattr(source, "get_graph") and hasattr(source, "get_layer"))


def _class_names(layer) -> List[str]:
    return [cls.__name__ for cls in type(layer).__mro__]


def _handler_for(layer):
    """The handler of the layer's class or of the nearest base class that has one."""
    name = _handler_name(layer)
    return None if name is None else _LAYERS[name]


def _model_graph(model):
    try:
        return model.get_graph()
    except ValueError as e:
        raise ConversionError(f"cannot convert {type(model).__name__} {getattr(model, 'name', '')!r}: {e}") from e


def _shapes(node) -> List[tuple]:
    return node.output_shape if isinstance(node.output_shape, list) else [node.output_shape]


def _handler_name(layer) -> Optional[str]:
    return next((n for n in _class_names(layer) if n in _LAYERS), None)


def _uses(nodes) -> Dict[int, set]:
    """Node id -> the outputs (slots) of that node that another node or the model's outputs read."""
    used: Dict[int, set] = {}
    for node in nodes:
        for i, slot in zip(node.inputs, node.input_slots):
            used.setdefault(i, set()).add(slot)
    for out_id, slot in zip(nodes.outputs, nodes.output_slots):
        used.setdefault(out_id, set()).add(slot)
    return used


def _needs_static_batch(node, used: set) -> bool:
    rule = _STATIC_BATCH.get(_handler_name(node.layer))
    return rule is not None and rule(node, used)


def _fixes_batch(nodes) -> bool:
    """Whether a node (or one inside a nested model) becomes a fused sequence operator, which fixes the batch."""
    used = _uses(nodes)
    for n in nodes:
        if _needs_static_batch(n, used.get(n.id, set())):
            return True
        inner = getattr(n.layer, "_graph", None)
        if _handler_name(n.layer) == "Model" and inner is not None and _fixes_batch(inner):
            return True
    return False


def training_symbols(model) -> List[str]:
    """["batch"] when the model's batch size is open (None), as Keras-style models have it, unless a layer
    becomes a fused sequence operator, whose state tensors fix the batch (it is then 1)."""
    nodes = _model_graph(model)
    if _fixes_batch(nodes):
        return []
    return ["batch"] if any(s and s[0] is None for n in nodes for s in _shapes(n)) else []


def load_training_model(model, *, nhwc_inputs: bool = False, dims=None) -> Graph:
    """The converter graph of an edgelite.training Model or Sequential (already NHWC: `nhwc_inputs` is
    accepted for symmetry with other sources and changes nothing). An open batch takes dims["batch"]."""
    nodes = _model_graph(model)
    batch = (dims or {}).get("batch", 1)
    missing = [(n.layer.name, type(n.layer).__name__) for n in nodes if _handler_for(n.layer) is None]
    if missing:
        listing = "\n".join(f"  - layer {name!r}: {cls}" for name, cls in missing)
        raise ConversionError(
            f"cannot convert: {len(missing)} layer(s) have no .tflite mapping:\n{listing}\n"
            f"Supported layers: {', '.join(sorted(_LAYERS))}. Build the model from these layers, or write "
            "the computation of a custom Layer or Lambda with edgelite.training.ops (the converter traces it).")
    for node in nodes:
        if _class_names(node.layer)[0] == "InputLayer" and None in tuple(node.output_shape)[1:]:
            raise ConversionError(f"input {node.layer.name!r} has shape {tuple(node.output_shape)}: only the batch "
                                  "may be open (None); give Input the other sizes (a fixed sequence length)")
    graph = Graph(getattr(model, "name", "main") or "main")
    for name in _emit_nodes(graph, nodes, batch):
        if name in graph.inputs or name in graph.outputs:
            name = graph.add_node1("RESHAPE", [name, graph.add_const(np.asarray(graph.shape(name), np.int32))],
                                   {"new_shape": list(graph.shape(name))}, name=f"{name}_output")
        graph.outputs.append(name)
    graph.metadata["source"] = f"edgelite.training {type(model).__name__} {getattr(model, 'name', '')!r}"
    graph.check()
    return graph


def _emit_nodes(graph: Graph, nodes, batch: int, given: Optional[Dict[int, str]] = None) -> List[str]:
    """Emits the nodes of a model's graph form; returns the names of its outputs. `given` maps input node ids
    to values that already exist (a nested model's inputs); other InputLayers become graph inputs."""
    values: Dict[int, object] = dict(given or {})
    used = _uses(nodes)

    def pick(node_id, slot):
        value = values[node_id]
        return value[slot] if isinstance(value, list) else value
    for node in nodes:
        if node.id in values:
            continue
        inputs = [pick(i, slot) for i, slot in zip(node.inputs, node.input_slots)]
        shapes = [[batch if d is None else int(d) for d in s] for s in _shapes(node)]
        shape = shapes if isinstance(node.output_shape, list) else shapes[0]
        handler = _handler_for(node.layer)
        if handler is None:
            raise ConversionError(f"layer {node.layer.name!r} ({type(node.layer).__name__}) has no .tflite mapping")
        extra = {"used": used.get(node.id, set())} if _handler_name(node.layer) in _WANTS_USES else {}
        if _handler_name(node.layer) in _WANTS_CALL_KWARGS:
            extra["call_kwargs"] = dict(getattr(node, "call_kwargs", None) or {})
        extra.update({"batch": batch} if _handler_name(node.layer) == "Model" else {})
        values[node.id] = handler(graph, node.layer, node.layer.get_config(), node.layer.get_named_weights(),
                                  inputs, shape, **extra)
    return [pick(out_id, slot) for out_id, slot in zip(nodes.outputs, nodes.output_slots)]


# ---- activations (by the names edgelite.training.activations registers) ----

def activation(graph: Graph, x: str, name: str, out: str) -> str:
    """Emits activation `name` on x; the last op's output is named `out`."""
    name = (name or "linear").lower()
    simple = {"linear": "IDENTITY", "relu": "RELU", "relu6": "RELU6", "sigmoid": "LOGISTIC", "tanh": "TANH",
              "hard_swish": "HARD_SWISH", "hard_silu": "HARD_SWISH"}
    if name in simple:
        return graph.add_node1(simple[name], [x], name=out)
    if name == "softmax":
        return _softmax(graph, x, -1, out)
    if name in ("gelu", "gelu_approximate"):
        return graph.add_node1("GELU", [x], {"approximate": name == "gelu_approximate"}, name=out)
    dtype = graph.dtype(x)
    if name == "hard_sigmoid":
        shifted = graph.add_node1("ADD", [x, graph.add_const(np.asarray(3, dtype))],
                                  {"fused_activation_function": "RELU6"})
        return graph.add_node1("MUL", [shifted, graph.add_const(np.asarray(1 / 6, dtype))], name=out)
    if name in ("swish", "silu"):
        return graph.add_node1("MUL", [x, graph.add_node1("LOGISTIC", [x])], name=out)
    raise ConversionError(f"activation {name!r} (layer {out!r}) has no .tflite mapping")


def _softmax(graph: Graph, x: str, axis: int, out: str) -> str:
    rank = graph.values[x].rank
    axis %= rank
    if axis == rank - 1:
        return graph.add_node1("SOFTMAX", [x], {"beta": 1.0}, name=out)
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    p = graph.add_const(np.asarray(perm, np.int32), "perm")
    y = graph.add_node1("SOFTMAX", [graph.add_node1("TRANSPOSE", [x, p])], {"beta": 1.0})
    return graph.add_node1("TRANSPOSE", [y, p], name=out)


def _with_activation(graph: Graph, y: str, config: dict, out: str) -> str:
    act = config.get("activation") or "linear"
    if act == "linear":
        return y
    return activation(graph, y, act, out)


# ---- layers ----

@_layer("InputLayer")
def _input(graph, layer, config, weights, inputs, shape):
    return graph.add_input(layer.name, shape, np.dtype(config.get("dtype") or "float32"))


@_layer("Dense")
def _dense(graph, layer, config, weights, inputs, shape):
    kernel = weights["kernel"]  # (in, units)
    bias = weights.get("bias", np.zeros(kernel.shape[1], kernel.dtype))
    keep = graph.values[inputs[0]].rank > 2
    weights_t = graph.add_const(np.ascontiguousarray(kernel.T), f"{layer.name}/kernel")
    y = graph.add_node1("FULLY_CONNECTED", [inputs[0], weights_t, graph.add_const(bias, f"{layer.name}/bias")],
                        {"fused_activation_function": "NONE", "keep_num_dims": keep},
                        name=layer.name if config.get("activation", "linear") == "linear" else f"{layer.name}/linear")
    return _with_activation(graph, y, config, layer.name)


def _conv_attrs(config: dict) -> dict:
    padding = config.get("padding", "valid").upper()
    if padding not in ("SAME", "VALID"):
        raise ConversionError(f"padding {config.get('padding')!r} has no .tflite equivalent")
    strides, dilation = config.get("strides", [1, 1]), config.get("dilation_rate", [1, 1])
    return {"padding": padding, "stride_h": int(strides[0]), "stride_w": int(strides[1]),
            "dilation_h_factor": int(dilation[0]), "dilation_w_factor": int(dilation[1]),
            "fused_activation_function": "NONE"}


@_layer("Conv2D", "DepthwiseConv2D")
def _conv(graph, layer, config, weights, inputs, shape):
    attrs = _conv_attrs(config)
    if "depthwise_kernel" in weights:
        k = weights["depthwise_kernel"]  # (kh, kw, in, multiplier): output channel c * multiplier + m
        filt = k.reshape(1, k.shape[0], k.shape[1], k.shape[2] * k.shape[3])
        op, attrs["depth_multiplier"] = "DEPTHWISE_CONV_2D", int(k.shape[3])
    else:
        filt = np.transpose(weights["kernel"], (3, 0, 1, 2))  # (kh, kw, in, out) -> OHWI
        op = "CONV_2D"
    bias = weights.get("bias", np.zeros(filt.shape[0] if op == "CONV_2D" else filt.shape[3], filt.dtype))
    act = config.get("activation", "linear")
    y = graph.add_node1(op, [inputs[0], graph.add_const(np.ascontiguousarray(filt), f"{layer.name}/kernel"),
                             graph.add_const(bias, f"{layer.name}/bias")], attrs,
                        name=layer.name if act == "linear" else f"{layer.name}/linear")
    return _with_activation(graph, y, config, layer.name)


@_layer("BatchNormalization")
def _batch_norm(graph, layer, config, weights, inputs, shape):
    x = inputs[0]
    rank = graph.values[x].rank
    axis = config.get("axis", -1) % rank
    var, mean = weights["moving_variance"].astype(np.float64), weights["moving_mean"]
    multiplier = 1.0 / np.sqrt(var + config.get("epsilon", 1e-3))
    if "gamma" in weights:
        multiplier = multiplier * weights["gamma"]
    offset = -mean * multiplier + (weights["beta"] if "beta" in weights else 0.0)
    bshape = [1] * rank
    bshape[axis] = -1
    dtype = graph.dtype(x)
    y = graph.add_node1("MUL", [x, graph.add_const(multiplier.astype(dtype).reshape(bshape), f"{layer.name}/scale")],
                        {"fused_activation_function": "NONE"}, name=f"{layer.name}/scaled")
    return graph.add_node1("ADD", [y, graph.add_const(offset.astype(dtype).reshape(bshape), f"{layer.name}/offset")],
                           {"fused_activation_function": "NONE"}, name=layer.name)


@_layer("MaxPooling2D", "AveragePooling2D")
def _pool(graph, layer, config, weights, inputs, shape):
    size, strides = config["pool_size"], config["strides"]
    attrs = {"padding": config.get("padding", "valid").upper(), "stride_h": int(strides[0]),
             "stride_w": int(strides[1]), "filter_height": int(size[0]), "filter_width": int(size[1]),
             "fused_activation_function": "NONE"}
    op = "MAX_POOL_2D" if "MaxPooling2D" in _class_names(layer) else "AVERAGE_POOL_2D"
    return graph.add_node1(op, [inputs[0]], attrs, name=layer.name)


@_layer("GlobalAveragePooling2D", "GlobalMaxPooling2D")
def _global_pool(graph, layer, config, weights, inputs, shape):
    op = "REDUCE_MAX" if "GlobalMaxPooling2D" in _class_names(layer) else "MEAN"
    axes = graph.add_const(np.array([1, 2], np.int32), "axes")
    return graph.add_node1(op, [inputs[0], axes], {"keep_dims": bool(config.get("keepdims", False))}, name=layer.name)


@_layer("Activation")
def _activation_layer(graph, layer, config, weights, inputs, shape):
    return activation(graph, inputs[0], config.get("activation"), layer.name)


@_layer("ReLU")
def _relu(graph, layer, config, weights, inputs, shape):
    top, slope, threshold = config.get("max_value"), config.get("negative_slope", 0.0), config.get("threshold", 0.0)
    x = inputs[0]
    if threshold:
        raise ConversionError(f"ReLU layer {layer.name!r}: threshold {threshold} has no .tflite equivalent")
    if slope:
        if top is not None:
            raise ConversionError(f"ReLU layer {layer.name!r}: negative_slope with max_value is not supported")
        return graph.add_node1("LEAKY_RELU", [x], {"alpha": float(slope)}, name=layer.name)
    if top is None:
        return graph.add_node1("RELU", [x], name=layer.name)
    if top == 6.0:
        return graph.add_node1("RELU6", [x], name=layer.name)
    y = graph.add_node1("RELU", [x], name=f"{layer.name}/relu")
    return graph.add_node1("MINIMUM", [y, graph.add_const(np.asarray(top, graph.dtype(x)))], name=layer.name)


@_layer("Softmax")
def _softmax_layer(graph, layer, config, weights, inputs, shape):
    return _softmax(graph, inputs[0], int(config.get("axis", -1)), layer.name)


@_layer("Dropout")
def _dropout(graph, layer, config, weights, inputs, shape):
    return graph.add_node1("DROPOUT", [inputs[0]], name=layer.name)


@_layer("Flatten", "Reshape")
def _reshape(graph, layer, config, weights, inputs, shape):
    target = [graph.shape(inputs[0])[0]] + [int(d) for d in shape[1:]]
    return graph.add_node1("RESHAPE", [inputs[0], graph.add_const(np.asarray(target, np.int32), "shape")],
                           {"new_shape": target}, name=layer.name)


@_layer("Add", "Subtract", "Multiply")
def _merge(graph, layer, config, weights, inputs, shape):
    names = _class_names(layer)
    op = "ADD" if "Add" in names else "SUB" if "Subtract" in names else "MUL"
    acc = inputs[0]
    for k, x in enumerate(inputs[1:], start=1):
        acc = graph.add_node1(op, [acc, x], {"fused_activation_function": "NONE"},
                              name=layer.name if k == len(inputs) - 1 else f"{layer.name}/{k}")
    return acc


@_layer("Concatenate")
def _concat(graph, layer, config, weights, inputs, shape):
    axis = int(config.get("axis", -1)) % graph.values[inputs[0]].rank
    return graph.add_node1("CONCATENATION", inputs, {"axis": axis, "fused_activation_function": "NONE"},
                           name=layer.name)


def supported_layers() -> List[str]:
    """The names of the edgelite.training layer classes the converter maps to .tflite operators, sorted."""
    return sorted(_LAYERS)


from . import training_recurrent  # noqa: E402,F401  (registers the recurrent layers and Embedding)
from . import training_layers_spatial  # noqa: E402,F401  (preprocessing, padding and cropping layers)
from . import training_layers_conv  # noqa: E402,F401  (Conv1D, SeparableConv2D, Conv2DTranspose, 1-D pooling)
from . import training_layers_activation  # noqa: E402,F401  (LeakyReLU, PReLU, ELU)
from . import training_layers_attention  # noqa: E402,F401  (LayerNormalization, MultiHeadAttention)
from .training_trace import trace_layer  # noqa: E402


@_layer("Lambda", call_kwargs=True)
def _lambda(graph, layer, config, weights, inputs, shape, call_kwargs):
    return trace_layer(graph, layer, inputs, len(inputs) > 1, call_kwargs, "Lambda layer")


@_layer("Model", call_kwargs=True)
def _nested_model(graph, layer, config, weights, inputs, shape, call_kwargs, batch=1):
    """A model used as a layer (a backbone inside a functional model): its own nodes, emitted inline. A
    subclassed model without a functional graph is traced like a custom layer."""
    nodes = getattr(layer, "_graph", None)
    if nodes is None:
        return trace_layer(graph, layer, inputs, len(inputs) > 1, call_kwargs, f"model ({type(layer).__name__})")
    outputs = _emit_nodes(graph, nodes, batch, dict(zip(nodes.inputs, inputs)))
    return outputs if isinstance(shape[0], list) else outputs[0]


# Any other Layer subclass (a custom layer written with edgelite.training.ops) is traced the same way.
@_layer("Layer", call_kwargs=True)
def _custom_layer(graph, layer, config, weights, inputs, shape, call_kwargs):
    return trace_layer(graph, layer, inputs, len(inputs) > 1, call_kwargs, f"custom layer ({type(layer).__name__})")
