"""The Layer base class (Keras semantics: build/call/add_weight/get_config) and the symbolic tensors that
functional models are defined with.

Calling a layer on NumPy arrays or Tensors computes; calling it on SymbolicTensors (from `Input`) records a
LayerNode instead, which is what `Model(inputs, outputs)` later walks. A layer with several outputs (a
recurrent layer with return_state=True) returns a list, and its compute_output_shape a list of shapes.
"""

import inspect

import numpy as np

from .. import constraints, initializers, regularizers
from ..autodiff import Tensor, Variable, no_grad
from ..ops import cast
from ..utils import snake_case, unique_name


class SymbolicTensor:
    """A placeholder for a layer output while a functional model is wired; batch axis is None."""

    def __init__(self, shape, dtype="float32", node=None, index=0):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.node = node  # the LayerNode that produced it
        self.index = index  # which of the node's outputs it is (0 unless the layer has several)

    ndim = property(lambda self: len(self.shape), doc="The number of axes, batch included.")

    def __repr__(self):
        layer = self.node.layer.name if self.node else None
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype} from layer={layer!r}>"


class LayerNode:
    """One call of `layer` on symbolic `inputs`, producing `output`: one SymbolicTensor, or a list of them for
    a layer with several outputs."""

    def __init__(self, layer, inputs, kwargs, multi=False):
        self.layer = layer
        self.inputs = list(inputs)
        self.multi = multi  # the layer was called with a list (Add, Concatenate, ...), not one tensor
        self.kwargs = dict(kwargs)
        self.output = None

    @property
    def outputs(self):
        """The node's output SymbolicTensors as a list (one entry unless the layer has several outputs)."""
        return list(self.output) if isinstance(self.output, list) else [self.output]


def is_shape_list(shape):
    """Whether compute_output_shape's result lists several outputs' shapes (a shape itself is a tuple)."""
    return isinstance(shape, list)


def _takes_training(call):
    params = inspect.signature(call).parameters
    return "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class Layer:
    """Subclass and override `build(input_shape)` (create weights with `add_weight`) and
    `call(inputs, training=None)`; override `get_config` when `__init__` takes arguments.
    `input_shape` passed to build has None for the batch axis (a list of shapes for multi-input layers)."""

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, input_dim=None):
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = np.dtype(dtype or "float32").name
        self.built = False
        self._weights = []
        self._inbound_nodes = []
        self._layers = []  # sub-layers assigned as attributes (tracked like Keras does)
        self._extra_losses = []  # add_loss outside call: kept until the layer is gone
        self._call_losses = []  # add_loss inside call: replaced at each call
        if input_dim is not None:
            input_shape = (input_dim,)
        self._input_shape_arg = None if input_shape is None else tuple(input_shape)
        self._call_takes_training = _takes_training(self.call)

    def __setattr__(self, name, value):
        if not name.startswith("_") and "_layers" in self.__dict__:
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                if isinstance(item, Layer) and all(item is not known for known in self._layers):
                    self._layers.append(item)
        object.__setattr__(self, name, value)

    # ---- building and calling ----

    def build(self, input_shape):
        """Creates the layer's weights (with add_weight) for inputs of `input_shape` (None for the batch axis; a
        list of shapes for a layer called on a list). Called once, before the first call; the base only marks the
        layer built."""
        self.built = True

    def call(self, inputs, training=None):
        """The layer's computation on `inputs` (a Tensor, or a list of them), returning a Tensor. `training` is True
        inside fit (Dropout and BatchNormalization behave differently then), False or None otherwise. The base
        returns its input."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Default: run `call` once on zeros (unknown sizes as 1). Built-in layers override this."""
        def zeros(shape):
            return Tensor(np.zeros(tuple(1 if d is None else d for d in shape), dtype=self.dtype))
        multi = isinstance(input_shape, list)
        x = [zeros(s) for s in input_shape] if multi else zeros(input_shape)
        with no_grad():
            # The keyword arguments of the symbolic call being shaped (method="bilinear", ...), if any.
            y = self._call_built(x, training=False, **self.__dict__.get("_shaping_kwargs", {}))
        if isinstance(y, (list, tuple)):
            return [(None,) + tuple(t.shape[1:]) for t in y]
        return (None,) + tuple(y.shape[1:])

    def __call__(self, inputs, training=None, **kwargs):
        multi = isinstance(inputs, (list, tuple))
        flat = list(inputs) if multi else [inputs]
        if any(isinstance(x, SymbolicTensor) for x in flat):
            return self._symbolic_call(flat, multi, kwargs)
        flat = [self._convert_input(x) for x in flat]
        inputs = flat if multi else flat[0]
        self._maybe_build([x.shape for x in flat] if multi else flat[0].shape)
        return self._call_built(inputs, training, **kwargs)

    def _call_built(self, inputs, training=None, **kwargs):
        if self._call_takes_training:
            kwargs["training"] = training
        self._call_losses, self._in_call = [], True
        try:
            return self.call(inputs, **kwargs)
        finally:
            self._in_call = False

    def _convert_input(self, x):
        if not isinstance(x, Tensor):
            x = Tensor(np.asarray(x))
        # Like Keras autocasting: float inputs run in the layer's dtype; integer inputs pass through.
        if np.issubdtype(x.dtype, np.floating) and x.dtype != np.dtype(self.dtype):
            x = cast(x, self.dtype)
        return x

    def _maybe_build(self, input_shape):
        if self.built:
            return
        def unbatched(shape):
            return (None,) + tuple(shape[1:])
        shape = [unbatched(s) for s in input_shape] if isinstance(input_shape, list) else \
            unbatched(input_shape)
        self.build(shape)
        self.built = True

    def _symbolic_call(self, flat, multi, kwargs):
        shapes = [x.shape for x in flat]
        shape_arg = shapes if multi else shapes[0]
        self._maybe_build(shape_arg)
        node = LayerNode(self, flat, kwargs, multi)
        self._shaping_kwargs = kwargs
        try:
            out_shape = self.compute_output_shape(shape_arg)
        finally:
            self._shaping_kwargs = {}
        if is_shape_list(out_shape):
            node.output = [SymbolicTensor(s, self.dtype, node, k) for k, s in enumerate(out_shape)]
        else:
            node.output = SymbolicTensor(out_shape, self.dtype, node)
        self._inbound_nodes.append(node)
        return node.output

    # ---- weights ----

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, name=None, regularizer=None,
                   constraint=None):
        """Creates, tracks and returns a Variable named `name` ("<layer name>/<name>" as its path) of `shape`,
        filled by `initializer` (a name, an Initializer or a callable; default glorot_uniform for floats, zeros
        otherwise), in `dtype` (default: the layer's). trainable=False makes a weight the optimizer leaves alone
        (e.g. moving statistics). `regularizer` (a name, a Regularizer or a callable) adds its penalty of the
        weight to `losses`, which fit adds to the loss; `constraint` (a name, a Constraint or a callable on arrays)
        projects the weight after every optimizer step."""
        dtype = np.dtype(dtype or self.dtype).name
        if initializer is None:
            initializer = "glorot_uniform" if np.issubdtype(dtype, np.floating) else "zeros"
        value = initializers.get(initializer)(tuple(shape or ()), dtype)
        variable = Variable(value, name=name or "variable", trainable=trainable, dtype=dtype)
        variable.path = f"{self.name}/{variable.name}"
        variable.requires_grad = trainable and self._trainable
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        self._weights.append(variable)
        return variable

    def add_loss(self, loss):
        """Adds a scalar Tensor (or a zero-argument callable returning one) to `losses`, as keras Layer.add_loss:
        call it inside `call` for activity penalties (cleared at each call of the layer) or outside for
        penalties that hold across calls."""
        (self._call_losses if getattr(self, "_in_call", False) else self._extra_losses).append(loss)

    @property
    def losses(self):
        """The scalar penalties fit adds to the loss: the regularizers of this layer's and its sub-layers'
        weights, computed now from their current values, plus add_loss terms."""
        terms = [w.regularizer(w) for w in self.weights if getattr(w, "regularizer", None) is not None]
        for layer in [self] + _all_sublayers(self):
            terms += list(layer.__dict__.get("_call_losses", ()))
            terms += [t() if callable(t) else t for t in layer.__dict__.get("_extra_losses", ())]
        return terms

    @property
    def trainable(self):
        """Whether fit updates this layer's weights; setting it applies to its sub-layers too."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for w in self._weights:
            w.requires_grad = w.trainable and self._trainable
        for layer in self._sublayers():
            layer.trainable = value

    def _sublayers(self):
        return self._layers

    @property
    def weights(self):
        """Own trainable, own non-trainable, then sub-layers' weights (Keras order)."""
        own = [w for w in self._weights if w.trainable] + [w for w in self._weights if not w.trainable]
        return _unique(own + [w for layer in self._sublayers() for w in layer.weights])

    @property
    def trainable_weights(self):
        """The weights the optimizer updates: none when the layer is frozen (trainable=False)."""
        if not self._trainable:
            return []
        own = [w for w in self._weights if w.trainable]
        return _unique(own + [w for layer in self._sublayers() for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self):
        """The weights the optimizer leaves alone: the non-trainable ones, and all of them when the layer is
        frozen."""
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    def get_weights(self):
        """Copies of the weights' values as NumPy arrays, in the order of `weights`."""
        return [w.data.copy() for w in self.weights]

    def set_weights(self, weights):
        """Sets the weights from a list of arrays in the order of `weights`. Raises ValueError when the count or a
        shape differs."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(f"layer {self.name!r} has {len(own)} weights, got {len(weights)}")
        for variable, value in zip(own, weights):
            variable.assign(value)

    def get_named_weights(self):
        """{short name: array} of this layer's own weights, e.g. {'kernel': ..., 'bias': ...}."""
        return {w.name: w.data for w in self._weights}

    def count_params(self):
        """The number of scalars in the layer's weights."""
        return int(sum(w.size for w in self.weights))

    # ---- serialization ----

    def get_config(self):
        """The constructor arguments as a dict (name, trainable, dtype, and each subclass's own), enough for
        from_config to make the layer again; saving stores it."""
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """A new, unbuilt layer of this class made from a get_config() dict."""
        return cls(**config)

    # ---- introspection ----

    @property
    def input(self):
        """The symbolic input (or list of inputs) the layer was called on in a functional model. Raises
        AttributeError when it was called on symbolic tensors other than exactly once."""
        node = self._only_node()
        return node.inputs if node.multi else node.inputs[0]

    @property
    def output(self):
        """The symbolic output of the layer's one call in a functional model (AttributeError otherwise, as
        `input`)."""
        return self._only_node().output

    @property
    def output_shape(self):
        """The shape of `output`, with None for the batch axis (a list of shapes for several outputs)."""
        output = self.output
        return [t.shape for t in output] if isinstance(output, list) else output.shape

    def _only_node(self):
        if len(self._inbound_nodes) != 1:
            raise AttributeError(f"layer {self.name!r} has been called {len(self._inbound_nodes)} times on "
                                 "symbolic inputs; use model.get_graph() for its per-call connections")
        return self._inbound_nodes[0]

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


def _all_sublayers(layer):
    found = []
    for sub in layer._sublayers():
        if all(sub is not known for known in found):
            found += [sub] + [s for s in _all_sublayers(sub) if all(s is not k for k in found)]
    return found


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out
