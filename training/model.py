"""Model (functional: `Model(inputs, outputs)`) and Sequential, and the graph form tools read them in.

Graph form (what the .tflite converter walks)
---------------------------------------------
`model.get_graph()` returns a `Graph`: a list of `GraphNode`s in topological order (each node comes after
every node it reads), with `graph.inputs` and `graph.outputs` holding the ids of the model's input and
output nodes, in the model's input/output order. A `GraphNode` has:

  id            its position in the list; it also names the node's one output tensor
  layer         the Layer object; model inputs are `InputLayer` nodes (no inputs, `layer.batch_shape`)
  inputs        ids of the nodes whose outputs it consumes, in call order (the list order of Add/Concatenate;
                a recurrent layer given `initial_state` reads the sequence, then each state)
  output_shape  the output's shape with None for the batch axis; a list of shapes when the layer has several
                outputs (a recurrent layer with return_state=True: the output, then each final state)
  input_slots   for each input, which output of that node it reads (0 for a node with one output)
  call_kwargs   the keyword arguments of that call besides the inputs and `training` (use_causal_mask=True,
                a custom layer's method="bilinear", ...)

Per layer, `layer.get_config()` gives its options (activation by name, padding, strides, ...) and
`layer.get_named_weights()` its arrays by Keras name: kernel, bias, depthwise_kernel, gamma, beta,
moving_mean, moving_variance. A layer called twice (shared weights) appears in two nodes with the same
`layer`. `graph.output_slots` says which output of each output node the model returns. Sequential models
have the same form: an InputLayer node, then one node per layer in a chain.
`model.layers` lists each layer once in topological order (Keras: Sequential's list omits the InputLayer).
"""

import os
from collections import namedtuple

import numpy as np

from .autodiff import Tensor
from .layers import InputLayer, Layer, SymbolicTensor
from .ops import cast
from .saving import save_model
from .serialization import deserialize_layer, register_serializable, serialize_layer
from .summary import print_summary
from .weights_io import load_weights, save_weights
from .trainer import Trainer

GraphNode = namedtuple("GraphNode", ["id", "layer", "inputs", "output_shape", "input_slots", "call_kwargs"],
                       defaults=[None])


class Graph(list):
    """A list of GraphNodes plus the ids of the model's inputs and outputs (and which output of each)."""

    def __init__(self, nodes, inputs, outputs, output_slots=None):
        super().__init__(nodes)
        self.inputs, self.outputs = list(inputs), list(outputs)
        self.output_slots = list(output_slots) if output_slots is not None else [0] * len(self.outputs)


def _pick(value, slot):
    """Output `slot` of a layer call's result (a list for layers with several outputs)."""
    return value[slot] if isinstance(value, (list, tuple)) else value


def _output_shape(node):
    return [t.shape for t in node.output] if isinstance(node.output, list) else node.output.shape


def _topological_nodes(inputs, outputs):
    """LayerNodes from the inputs to the outputs, inputs first, every node after its producers."""
    order, done = [], set()
    for root in [t.node for t in inputs] + [t.node for t in outputs]:
        stack = [(root, iter(root.inputs))]
        while stack:
            node, pending = stack[-1]
            if id(node) in done:
                stack.pop()
                continue
            child = next((t.node for t in pending if id(t.node) not in done), None)
            if child is None:
                stack.pop()
                done.add(id(node))
                order.append(node)
            else:
                stack.append((child, iter(child.inputs)))
    return order


class Model(Trainer, Layer):
    """`Model(inputs, outputs)` over symbolic tensors from `Input`, Keras functional API.

    inputs and outputs are a symbolic tensor or a list of them; name defaults to 'model' (numbered when taken).
    Train it with compile/fit (see Trainer), run it with predict or by calling it on arrays, save it with
    save, convert it with edgelite.converter.convert. Raises TypeError when inputs or outputs are not symbolic
    tensors, ValueError when layer names repeat or an output does not depend on the inputs."""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self._graph = None
        if inputs is not None or outputs is not None:
            self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        self._multi_input = isinstance(inputs, (list, tuple))
        self._multi_output = isinstance(outputs, (list, tuple))
        inputs = list(inputs) if self._multi_input else [inputs]
        outputs = list(outputs) if self._multi_output else [outputs]
        for t in inputs + outputs:
            if not isinstance(t, SymbolicTensor):
                raise TypeError(f"Model inputs and outputs must be symbolic tensors (from Input), got {t!r}")
        for t in inputs:
            if not isinstance(t.node.layer, InputLayer):
                raise ValueError(f"model input {t} is not the output of Input()")
        nodes = _topological_nodes(inputs, outputs)
        ids = {id(node): i for i, node in enumerate(nodes)}
        input_nodes = {id(t.node) for t in inputs}
        stray = [n.layer.name for n in nodes if isinstance(n.layer, InputLayer) and id(n) not in input_nodes]
        if stray:
            raise ValueError(f"graph disconnected: outputs depend on inputs {stray} not given to Model()")
        self._graph = Graph([GraphNode(i, n.layer, [ids[id(t.node)] for t in n.inputs], _output_shape(n),
                                       [t.index for t in n.inputs], dict(n.kwargs)) for i, n in enumerate(nodes)],
                            [ids[id(t.node)] for t in inputs], [ids[id(t.node)] for t in outputs],
                            [t.index for t in outputs])
        self._input_tensors, self._output_tensors = inputs, outputs
        self._node_calls = [(n.kwargs, n.multi) for n in nodes]
        self._graph_layers = []
        for node in self._graph:
            if all(node.layer is not known for known in self._graph_layers):
                self._graph_layers.append(node.layer)
        names = [layer.name for layer in self._graph_layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"layer names must be unique within a model; repeated: {duplicates}")
        self.built = True

    # ---- introspection ----

    def get_graph(self):
        """The model as a Graph of GraphNodes (see the module docstring)."""
        if self._graph is None:
            raise ValueError(f"model {self.name!r} is not built yet: give it an Input / input_shape, or call "
                             "it on data once")
        return self._graph

    @property
    def layers(self):
        """The model's layers, each once, in topological order (a Sequential omits its InputLayer, as Keras). Raises
        ValueError before the model is built."""
        if self._graph is None and self._layers:  # a subclassed model: its attribute-tracked layers
            return list(self._layers)
        self.get_graph()
        return list(self._graph_layers)

    def get_layer(self, name=None, index=None):
        """The layer named `name`, or the one at position `index` of `layers`. Raises ValueError when no layer has
        that name."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"no layer named {name!r} in model {self.name!r}")

    @property
    def inputs(self):
        """The model's symbolic input tensors, in order. Raises ValueError before the model is built."""
        self.get_graph()
        return list(self._input_tensors)

    @property
    def outputs(self):
        """The model's symbolic output tensors, in order. Raises ValueError before the model is built."""
        self.get_graph()
        return list(self._output_tensors)

    def _sublayers(self):
        graph_layers = [] if self._graph is None else [l for l in self._graph_layers if not isinstance(
            l, InputLayer)]
        return graph_layers + [l for l in self._layers if all(l is not g for g in graph_layers)]

    def summary(self, line_length=None, print_fn=None):
        """Prints a Keras-style table of the layers, their output shapes and parameter counts (see
        summary.print_summary)."""
        print_summary(self, line_length, print_fn)

    def save(self, path, overwrite=True):
        """Saves the architecture, weights, compile settings and optimizer state: `x.keras` writes a Keras 3 archive
        Keras can load (keras_archive.py), `x.npz` edgelite's own file (saving.py). Raises ValueError for another
        suffix, FileExistsError when overwrite=False and the file exists."""
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{path} exists and overwrite=False")
        save_model(self, path)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Writes the weights and optimizer state to `filepath`, which must end in `.weights.h5` (Keras 3's file;
        needs h5py) or `.weights.npz` (see weights_io.py). Raises NotImplementedError for max_shard_size (Keras'
        sharded files)."""
        if max_shard_size is not None:
            raise NotImplementedError("save_weights(max_shard_size=...): sharded weight files are not supported")
        save_weights(self, filepath, overwrite)

    def load_weights(self, filepath, skip_mismatch=False):
        """Loads weights from a `.weights.h5` file (ours or Keras 3's), a `.weights.npz` file, or a Keras 2 `.h5`
        weight file such as keras.applications ships (matched by layer name). Raises ValueError when they do not
        fit the model (skip_mismatch=True warns and skips those layers instead)."""
        load_weights(self, filepath, skip_mismatch)

    def to_json(self, **kwargs):
        """The architecture as a JSON string in Keras 3's format: keras.models.model_from_json reads it, and so does
        edgelite.training.model_from_json. kwargs go to json.dumps. Raises ValueError for a layer Keras does not
        have."""
        from .keras_config import model_to_json  # keras_config imports this module
        return model_to_json(self, **kwargs)

    # ---- running ----

    def call(self, inputs, training=None):
        graph = self.get_graph()
        flat = list(inputs) if self._multi_input else [inputs]
        if len(flat) != len(graph.inputs):
            raise ValueError(f"model {self.name!r} expects {len(graph.inputs)} inputs, got {len(flat)}")
        values = {}
        for node_id, x in zip(graph.inputs, flat):
            # Inputs take the declared Input dtype (so uint8 images become float32), like Keras.
            dtype = graph[node_id].layer.dtype
            values[node_id] = cast(x, dtype) if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=dtype))
        for node, (kwargs, multi) in zip(graph, self._node_calls):
            if isinstance(node.layer, InputLayer):
                continue
            args = [_pick(values[i], slot) for i, slot in zip(node.inputs, node.input_slots)]
            values[node.id] = node.layer(args if multi else args[0], training=training, **kwargs)
        outputs = [_pick(values[i], slot) for i, slot in zip(graph.outputs, graph.output_slots)]
        return outputs if self._multi_output else outputs[0]

    def _convert_input(self, x):
        # No autocast at the model boundary: each input is cast to its own Input's dtype in call().
        return x if isinstance(x, Tensor) else Tensor(np.asarray(x))

    def compute_output_shape(self, input_shape):
        graph = self.get_graph()
        shape = graph[graph.outputs[0]].output_shape
        return shape[graph.output_slots[0]] if isinstance(shape, list) else shape

    # ---- config ----

    def get_config(self):
        graph = self.get_graph()
        index = {id(layer): i for i, layer in enumerate(self._graph_layers)}
        return {"name": self.name, "trainable": self.trainable,
                "layers": [serialize_layer(layer) for layer in self._graph_layers],
                "nodes": [{"layer": index[id(node.layer)], "inputs": node.inputs, "slots": node.input_slots,
                           "multi": multi, "kwargs": kwargs} for node, (kwargs, multi) in zip(graph, self._node_calls)],
                "inputs": graph.inputs, "outputs": graph.outputs, "output_slots": graph.output_slots,
                "multi_input": self._multi_input, "multi_output": self._multi_output}

    @classmethod
    def from_config(cls, config):
        return cls._from_config_with_objects(config, None)

    @classmethod
    def _from_config_with_objects(cls, config, custom_objects):
        layers = [deserialize_layer(c, custom_objects) for c in config["layers"]]
        tensors = []
        for node in config["nodes"]:
            layer = layers[node["layer"]]
            if isinstance(layer, InputLayer):
                tensors.append(layer.output)
                continue
            slots = node.get("slots", [0] * len(node["inputs"]))
            args = [_pick(tensors[i], slot) for i, slot in zip(node["inputs"], slots)]
            tensors.append(layer(args if node["multi"] else args[0], **node["kwargs"]))
        inputs = [tensors[i] for i in config["inputs"]]
        output_slots = config.get("output_slots", [0] * len(config["outputs"]))
        outputs = [_pick(tensors[i], slot) for i, slot in zip(config["outputs"], output_slots)]
        model = cls(inputs if config["multi_input"] else inputs[0],
                    outputs if config["multi_output"] else outputs[0], name=config["name"])
        if not config.get("trainable", True):  # setting True would unfreeze frozen layers inside
            model.trainable = False
        return model


class Sequential(Model):
    """A linear stack of single-input layers. Built once the input shape is known: from an Input / an
    InputLayer first, `input_shape=` on the first layer, or the first call / fit on data."""

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self._stack = []
        self._input_layer = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Appends `layer` to the stack (an Input or InputLayer only as the first entry, which builds the model).
        Raises TypeError for something that is not a Layer, ValueError for an Input after the first entry."""
        if isinstance(layer, SymbolicTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError("an Input can only be the first entry of a Sequential model")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer, got {layer!r}")
        self._stack.append(layer)
        if self._graph is not None:  # already built: extend the chain instead of rebuilding it
            self._last_output = _single_output(layer, layer(self._last_output))
            self._init_graph(self._input_layer.output, self._last_output)
        elif self._input_layer is None and len(self._stack) == 1 and layer._input_shape_arg is not None:
            self._input_layer = InputLayer(shape=layer._input_shape_arg)
        if self._graph is None and self._input_layer is not None:
            self.build(self._input_layer.batch_shape)

    def build(self, input_shape):
        if self._graph is not None:
            return
        if self._input_layer is None:
            self._input_layer = InputLayer(batch_shape=(None,) + tuple(input_shape[1:]))
        x = self._input_layer.output
        for layer in self._stack:
            x = _single_output(layer, layer(x))
        self._last_output = x
        self._init_graph(self._input_layer.output, x)

    @property
    def layers(self):
        """The stacked layers, in order, without the InputLayer (as Keras)."""
        return list(self._stack)

    def _sublayers(self):
        return list(self._stack) + [l for l in self._layers if all(l is not s for s in self._stack)]

    def get_config(self):
        shape = None if self._input_layer is None else list(self._input_layer.batch_shape)
        return {"name": self.name, "trainable": self.trainable, "build_input_shape": shape,
                "layers": [serialize_layer(layer) for layer in self._stack]}

    @classmethod
    def _from_config_with_objects(cls, config, custom_objects):
        model = cls([deserialize_layer(c, custom_objects) for c in config["layers"]], name=config["name"])
        if config.get("build_input_shape") is not None and model._graph is None:
            model.build(tuple(config["build_input_shape"]))
        if not config.get("trainable", True):  # setting True would unfreeze frozen layers inside
            model.trainable = False
        return model

def _single_output(layer, output):
    if isinstance(output, list):
        raise ValueError(f"layer {layer.name!r} has {len(output)} outputs (return_state=True?); a Sequential "
                         "model's layers must have one output each: use the functional Model(inputs, outputs)")
    return output


register_serializable(Model)
register_serializable(Sequential)
