"""Multi-input layers: Add, Subtract, Multiply (element-wise, broadcasting) and Concatenate."""

import functools

import numpy as np

from .. import ops
from .layer import Layer


class _Merge(Layer):
    _combine = None

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a list of at least 2 inputs")
        return functools.reduce(type(self)._combine, inputs)

    def compute_output_shape(self, input_shape):
        # Broadcast the per-sample shapes; an unknown size stays unknown.
        rest = [tuple(1 if d is None else d for d in s[1:]) for s in input_shape]
        try:
            out = np.broadcast_shapes(*rest)
        except ValueError:
            raise ValueError(f"{type(self).__name__} {self.name!r}: shapes {input_shape} do not broadcast") \
                from None
        unknown = {i for s in input_shape for i, d in enumerate(s[1:]) if d is None}
        return (None,) + tuple(None if i in unknown else d for i, d in enumerate(out))


class Add(_Merge):
    """Adds a list of two or more inputs element-wise, with broadcasting (keras.layers.Add). Other keyword arguments
    (name, trainable, dtype, input_shape) go to Layer. Raises ValueError for fewer than two inputs or shapes that do
    not broadcast."""

    _combine = staticmethod(ops.add)


class Subtract(_Merge):
    """Subtracts: inputs[0] - inputs[1] (- inputs[2] ...), element-wise with broadcasting (keras.layers.Subtract).
    Other keyword arguments (name, trainable, dtype, input_shape) go to Layer. Raises ValueError as Add."""

    _combine = staticmethod(ops.subtract)


class Multiply(_Merge):
    """Multiplies a list of two or more inputs element-wise, with broadcasting (keras.layers.Multiply). Other
    keyword arguments (name, trainable, dtype, input_shape) go to Layer. Raises ValueError as Add."""

    _combine = staticmethod(ops.multiply)


class Concatenate(Layer):
    """Joins a list of inputs along `axis` (default: the last), as keras.layers.Concatenate. Other keyword arguments
    (name, trainable, dtype, input_shape) go to Layer. Raises ValueError when the other axes differ."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs):
        return ops.concatenate(list(inputs), self.axis)

    def compute_output_shape(self, input_shape):
        rank = len(input_shape[0])
        axis = self.axis % rank
        if any(len(s) != rank for s in input_shape) or any(
                len({s[i] for s in input_shape if s[i] is not None}) > 1 for i in range(1, rank) if i != axis):
            raise ValueError(f"Concatenate {self.name!r}: shapes {input_shape} differ off axis {self.axis}")
        sizes = [s[axis] for s in input_shape]
        out = list(input_shape[0])
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis)
        return config
