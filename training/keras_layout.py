"""Where Keras 3 keeps each variable of a model in its weight files (`.weights.h5`, the model.weights.h5 inside a
`.keras` archive): the paths, the layer order they depend on, and the optimizer's variable order.

Keras addresses a layer not by its name but by where it sits: `layers/<snake-case class name>` in the order of
`model.layers`, with `_1`, `_2`, ... for repeats of a class (so `dense`, `dense_1`), then sub-layers under their
attribute names (`layers/bidirectional/forward_layer`), and a recurrent layer's weights under its `cell`. The
variables of one group are numbered `vars/0..n`, trainable ones first, in creation order. A functional model's
`layers` are ordered by depth from the outputs (deepest first), ties broken by first visit in a depth-first walk
from the outputs; our topological order can differ on branching graphs, so the paths use Keras' order.
"""

from .layers import Bidirectional, Layer
from .layers.recurrent import Recurrent
from .utils import snake_case

# The optimizer's slots in Keras 3's file order: after `iterations` and `learning_rate`, one block per
# add_optimizer_variables call, each block interleaving its slots variable by variable.
KERAS_SLOT_BLOCKS = {
    "SGD": [["momentum"]],
    "Adagrad": [["accumulator"]],
    "Adadelta": [["accumulated_grad", "accumulated_delta_var"]],
    "RMSprop": [["velocity"], ["momentum"], ["average_gradient"]],
    "Adam": [["momentum", "velocity"], ["velocity_hat"]],
    "AdamW": [["momentum", "velocity"], ["velocity_hat"]],
    "Adamax": [["m", "u"]],
    "Lion": [["momentum"]],
}

# Layers whose weights Keras keeps on sub-layers we do not have: {class: {our weight-name prefix: Keras attribute}}
# (our MultiHeadAttention names its weights 'query/kernel', ...; Keras' holds them on EinsumDense sub-layers).
KERAS_SUBLAYER_WEIGHTS = {"MultiHeadAttention": {"query": "query_dense", "key": "key_dense", "value": "value_dense",
                                                 "attention_output": "output_dense", "gate": "_gate_dense"}}
# Sub-layers without weights that Keras writes (empty) groups for: {class: [(attribute, name)]}.
KERAS_EMPTY_SUBLAYERS = {"MultiHeadAttention": [("_dropout_layer", "dropout"), ("_softmax", "softmax")]}

# Our model classes under the class names Keras gives them.
KERAS_MODEL_CLASS = {"Model": "Functional", "Sequential": "Sequential"}


def keras_class_name(layer):
    """The class name Keras uses for `layer` (our functional Model is Keras' Functional)."""
    name = type(layer).__name__
    return KERAS_MODEL_CLASS[name] if is_model(layer) and name in KERAS_MODEL_CLASS else name


def is_model(layer):
    """Whether `layer` is a functional or Sequential model (used as a layer, it nests its own layers)."""
    return hasattr(layer, "get_graph") and hasattr(layer, "_graph_layers")


def keras_layers(model):
    """`model.layers` in Keras' order: a Sequential's stack, or a functional model's layers (inputs included) by
    decreasing depth, ties by the order a depth-first walk from the outputs first meets them."""
    if hasattr(model, "_stack"):
        return list(model._stack)
    graph = model.get_graph()
    first_seen, post_order, finished = {}, [], set()

    def visit(node_id):  # Keras' _build_map_helper, without recursion limits on deep graphs
        stack = [(node_id, False)]
        while stack:
            nid, expanded = stack.pop()
            if expanded:
                finished.add(nid)
                post_order.append(nid)
                continue
            if nid in finished:
                continue
            first_seen.setdefault(id(graph[nid].layer), len(first_seen))
            stack.append((nid, True))
            stack.extend((i, False) for i in reversed(graph[nid].inputs))

    for out in graph.outputs:
        visit(out)
    node_depth, layer_depth = {}, {}
    for nid in reversed(post_order):
        layer = graph[nid].layer
        depth = max(node_depth.setdefault(nid, 0), layer_depth.get(id(layer), 0))
        layer_depth[id(layer)] = node_depth[nid] = depth
        for parent in graph[nid].inputs:
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for nid in graph.inputs:  # inputs the outputs do not use still count, at depth 0
        layer_depth.setdefault(id(graph[nid].layer), 0)
        first_seen.setdefault(id(graph[nid].layer), -1)
    layers = {id(node.layer): node.layer for node in graph}
    order = sorted(layer_depth, key=lambda k: (-layer_depth[k], first_seen[k]))
    return [layers[k] for k in order]


def _own_variables(layer):
    own = layer._weights
    return [w for w in own if w.trainable] + [w for w in own if not w.trainable]


def _attribute_sublayers(layer):
    """(attribute name, sub-layer) pairs in Keras' walk order: sorted names, private ones last."""
    names = sorted((k for k, v in vars(layer).items() if isinstance(v, Layer)),
                   key=lambda k: "~" + k if k.startswith("_") else k)
    return [(k, getattr(layer, k)) for k in names]


def weight_groups(model):
    """[(path, name, [Variable, ...])] for every group Keras writes for `model` (empty ones included, as Keras
    writes them), e.g. ('layers/dense', 'dense', [kernel, bias])."""
    groups, seen = [], set()

    def walk(layer, path):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        if is_model(layer):
            groups.append((path, layer.name, []))
            walk_list(keras_layers(layer), f"{path}/layers".lstrip("/"))
            return
        if isinstance(layer, Recurrent):  # Keras keeps the weights on the layer's cell
            groups.append((path, layer.name, []))
            groups.append((f"{path}/cell", f"{snake_case(type(layer).__name__)}_cell", _own_variables(layer)))
            return
        split = KERAS_SUBLAYER_WEIGHTS.get(type(layer).__name__)
        if split is not None:
            groups.append((path, layer.name, []))
            for prefix, attr in split.items():
                variables = [w for w in _own_variables(layer) if w.name.split("/")[0] == prefix]
                if variables:
                    groups.append((f"{path}/{attr}", prefix, variables))
            groups.extend((f"{path}/{attr}", name, []) for attr, name in KERAS_EMPTY_SUBLAYERS.get(type(layer).__name__, []))
            return
        groups.append((path, layer.name, _own_variables(layer)))
        subs = _attribute_sublayers(layer)
        if isinstance(layer, Bidirectional):
            subs = [("backward_layer", layer.backward_layer), ("forward_layer", layer.forward_layer)]
        for attr, sub in subs:
            walk(sub, f"{path}/{attr}")

    def walk_list(layers, path):
        used = {}
        for layer in layers:
            base = snake_case(keras_class_name(layer))
            used[base] = used.get(base, -1) + 1
            walk(layer, f"{path}/{base}" + (f"_{used[base]}" if used[base] else ""))

    walk(model, "")
    return groups


def optimizer_variables(optimizer, var_list):
    """The optimizer's values in Keras' file order ([iterations, learning_rate (unless a schedule), slots...]), or
    None when Keras' layout of this optimizer class is not known."""
    blocks = KERAS_SLOT_BLOCKS.get(type(optimizer).__name__)
    if blocks is None:
        return None
    values = [("iterations", None)]
    if not callable(optimizer.learning_rate):
        values.append(("learning_rate", None))
    for block in blocks:
        present = [name for name in block if name in optimizer._slots]
        for i in range(len(var_list)):
            values += [(name, i) for name in present]
    return values
