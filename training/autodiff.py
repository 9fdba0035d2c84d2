"""Reverse-mode automatic differentiation over NumPy arrays: Tensor, Variable, the tape and backprop.

A Tensor made by a primitive (see primitives.py) keeps a Node: the primitive's name, its input tensors,
attributes and output. `grad(y, xs)` walks those nodes in reverse topological order and applies each
primitive's backward rule. Nodes are only recorded while recording is on (`no_grad()` turns it off, which
`predict` uses) and only when some input requires a gradient, so inference builds no graph at all.
"""

import contextlib
import threading

import numpy as np

from .primitives import PRIMITIVES

_state = threading.local()


def is_recording():
    """True unless inside no_grad() (per thread): whether ops record graph nodes for gradients."""
    return getattr(_state, "recording", True)


@contextlib.contextmanager
def no_grad():
    """Run ops without recording a graph (inference, metric computation, moving-statistic updates)."""
    previous = is_recording()
    _state.recording = False
    try:
        yield
    finally:
        _state.recording = previous


class Node:
    """One recorded primitive application; also the `ctx` handed to the backward rule."""

    __slots__ = ("op", "parents", "args", "attrs", "out", "needs")

    def __init__(self, op, parents, attrs, out):
        self.op = op
        self.parents = parents
        self.args = tuple(p.data for p in parents)
        self.attrs = attrs
        self.out = out
        self.needs = tuple(p.requires_grad for p in parents)


def _to_array(value, dtype=None):
    if isinstance(value, (np.ndarray, np.generic)):  # NumPy results (scalars included) keep their dtype
        value = np.asarray(value)
        return value if dtype is None or value.dtype == dtype else value.astype(dtype)
    array = np.asarray(value, dtype=dtype)
    # Python floats and lists would become float64; training runs in float32 unless asked otherwise.
    if dtype is None and array.dtype == np.float64:
        array = array.astype(np.float32)
    return array


class Tensor:
    """An array plus the node that produced it. Operators build graph nodes through `apply`."""

    __array_ufunc__ = None  # make `ndarray + Tensor` defer to Tensor.__radd__ instead of looping elements

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = _to_array(data.data if isinstance(data, Tensor) else data, dtype)
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._node = None

    # -- array-like surface --
    shape = property(lambda self: self.data.shape, doc="The shape of the data, a tuple of ints.")
    dtype = property(lambda self: self.data.dtype, doc="The NumPy dtype of the data (float32 unless asked).")
    ndim = property(lambda self: self.data.ndim, doc="The number of axes.")
    size = property(lambda self: self.data.size, doc="The number of elements.")

    def numpy(self):
        """The data as a NumPy array (not a copy)."""
        return self.data

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor(shape={self.shape}, dtype={self.dtype}{grad})"

    def detach(self):
        """A new Tensor with the same data and no graph: gradients do not flow through it."""
        return Tensor(self.data)

    def backward(self, gradient=None):
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf tensor that requires a gradient."""
        leaves = [t for t in _toposort(self) if t._node is None]
        for leaf, g in zip(leaves, grad(self, leaves, gradient)):
            leaf.grad = g if leaf.grad is None else leaf.grad + g

    # -- operators; the methods live in ops.py and are attached there to avoid an import cycle --


class Variable(Tensor):
    """A named, assignable leaf tensor (a layer weight or optimizer slot)."""

    def __init__(self, value, name="variable", trainable=True, dtype=None):
        super().__init__(value, requires_grad=trainable, dtype=dtype)
        self.name = name
        self.path = name  # "<layer name>/<name>", set by Layer.add_weight
        self._trainable = bool(trainable)

    @property
    def trainable(self):
        """Whether the optimizer updates this variable (setting it also sets requires_grad)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = self.requires_grad = bool(value)

    def assign(self, value):
        """Replaces the value with `value` (an array, a Tensor or anything NumPy converts) of the same shape, cast
        to the variable's dtype. Raises ValueError on a shape mismatch."""
        value = np.asarray(value.data if isinstance(value, Tensor) else value)
        if value.shape != self.data.shape:
            raise ValueError(f"Variable {self.path}: cannot assign shape {value.shape} to {self.data.shape}")
        # A fresh array, not an in-place write: tensors recorded on the tape may still hold the old one.
        self.data = value.astype(self.data.dtype, copy=True)

    def __repr__(self):
        return f"Variable({self.path!r}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable})"


def as_tensor(value, dtype=None):
    """`value` itself when it is a Tensor, else a new Tensor of it (floats become float32 unless `dtype` says
    otherwise)."""
    if isinstance(value, Tensor):
        return value
    return Tensor(value, dtype=dtype)


@contextlib.contextmanager
def tracing():
    """Record a node for every op, also those no gradient needs (the converter reads the whole computation)."""
    previous = getattr(_state, "tracing", False)
    _state.tracing = True
    try:
        yield
    finally:
        _state.tracing = previous


def apply(op, *inputs, **attrs):
    """Run primitive `op` forward; record a node when recording and any input requires a gradient (every op
    inside tracing())."""
    tensors = tuple(as_tensor(x) for x in inputs)
    out = Tensor(PRIMITIVES[op].forward(*(t.data for t in tensors), **attrs))
    if is_recording() and (any(t.requires_grad for t in tensors) or getattr(_state, "tracing", False)):
        out.requires_grad = any(t.requires_grad for t in tensors)
        out._node = Node(op, tensors, attrs, out.data)
    return out


def topological_order(roots, parents):
    """Tensors reachable from `roots` through `parents(tensor)`, each after the tensors it comes from."""
    order, seen, stack = [], set(), [(t, False) for t in roots]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            order.append(tensor)
            continue
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        stack.append((tensor, True))
        stack.extend((p, False) for p in parents(tensor) if id(p) not in seen)
    return order


def _toposort(root):
    """Tensors reachable from `root` through gradient-requiring inputs, inputs before consumers."""
    return topological_order([root], lambda t: [p for p in t._node.parents if p.requires_grad]
                             if t._node is not None else ())


def _sum_to_shape(g, shape):
    """Undo broadcasting: sum `g` down to `shape` (the one place broadcast gradients are reduced)."""
    if g.shape == shape:
        return g
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def grad(y, xs, gradient=None):
    """Gradients of `y` with respect to each tensor in `xs` (NumPy arrays; zeros where unconnected).

    `gradient` seeds dy (defaults to ones, i.e. d sum(y)); it must have y's shape.
    """
    seed = np.ones_like(y.data) if gradient is None else _to_array(gradient, y.dtype)
    wanted = {id(x): i for i, x in enumerate(xs)}
    results = [None] * len(xs)
    grads = {id(y): seed}
    for tensor in reversed(_toposort(y)):
        g = grads.pop(id(tensor), None)
        if g is None:
            continue
        if id(tensor) in wanted:
            results[wanted[id(tensor)]] = g
        node = tensor._node
        if node is None:
            continue
        for parent, pg in zip(node.parents, PRIMITIVES[node.op].backward(node, g)):
            if pg is None or not parent.requires_grad:
                continue
            pg = _sum_to_shape(np.asarray(pg, dtype=parent.dtype), parent.shape)
            key = id(parent)
            grads[key] = pg if key not in grads else grads[key] + pg
    # Broadcast views are read-only; callers (optimizers, user code) may want to write into their gradients.
    return [np.zeros_like(x.data) if r is None else r if r.flags.writeable else r.copy()
            for x, r in zip(xs, results)]
