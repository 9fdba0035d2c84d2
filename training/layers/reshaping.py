"""Flatten, Reshape, Permute and RepeatVector: change the per-sample shape, keeping the batch axis."""

import math

import numpy as np

from .. import ops
from .layer import Layer


class Flatten(Layer):
    """Flattens each sample to one axis: (N, ...) -> (N, product of the rest), as keras.layers.Flatten. Other
    keyword arguments (name, trainable, dtype, input_shape) go to Layer."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


class Reshape(Layer):
    """target_shape excludes the batch axis and may hold one -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        shape = list(self.target_shape)
        if -1 in shape:
            known = math.prod(d for d in shape if d != -1)
            total = None if None in input_shape[1:] else math.prod(input_shape[1:])
            if total is not None and total % known:
                raise ValueError(f"Reshape {self.name!r}: cannot reshape {input_shape} to {self.target_shape}")
            shape[shape.index(-1)] = None if total is None else total // known
        elif None not in input_shape[1:] and math.prod(input_shape[1:]) != math.prod(shape):
            raise ValueError(f"Reshape {self.name!r}: cannot reshape {input_shape} to {self.target_shape}")
        return (input_shape[0],) + tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update(target_shape=list(self.target_shape))
        return config


class Permute(Layer):
    """Permutes the non-batch axes (keras.layers.Permute): dims is a permutation of 1..rank-1, e.g. (2, 1) swaps
    the two axes of (N, a, b). Raises ValueError for anything else. Other keyword arguments go to Layer."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute dims must be a permutation of 1..{len(self.dims)}, got {dims!r}")

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f"Permute {self.name!r}: dims {self.dims} do not fit inputs {input_shape}")
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config.update(dims=list(self.dims))
        return config


class RepeatVector(Layer):
    """(N, features) -> (N, n, features), the input repeated n times (keras.layers.RepeatVector). Other keyword
    arguments go to Layer."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(f"RepeatVector {self.name!r} needs (batch, features) inputs, got shape {inputs.shape}")
        batch, features = inputs.shape
        return ops.multiply(ops.reshape(inputs, (batch, 1, features)), np.ones((1, self.n, 1), inputs.dtype))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(n=self.n)
        return config
