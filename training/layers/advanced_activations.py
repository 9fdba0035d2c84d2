"""Activation layers with their own parameters: LeakyReLU (negative_slope), PReLU (learned alpha) and ELU
(alpha), with Keras 3's defaults."""

import numpy as np

from .. import ops
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class _ElementWise(Layer):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class LeakyReLU(_ElementWise):
    """x for x >= 0, negative_slope * x otherwise (keras.layers.LeakyReLU; Keras 3's default negative_slope is 0.3).
    Raises ValueError for a negative slope. Other keyword arguments (name, trainable, dtype, input_shape) go to
    Layer."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # the Keras 2 name, which Keras 3 still accepts
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU negative_slope must be a number >= 0, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        return ops.subtract(ops.relu(inputs), ops.multiply(ops.relu(ops.negative(inputs)), self.negative_slope))

    def get_config(self):
        config = super().get_config()
        config.update(negative_slope=self.negative_slope)
        return config


class PReLU(_ElementWise):
    """x for x >= 0, alpha * x otherwise, with alpha a weight (keras.layers.PReLU) of shape input_shape[1:], size 1
    on each of `shared_axes` (axes counted with the batch as 0). Args: alpha_initializer ('zeros'),
    alpha_regularizer, alpha_constraint, shared_axes (None, an int or a list). Other keyword arguments go to
    Layer."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        set_weight_options(self, "alpha", alpha_initializer, alpha_regularizer, alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [int(a) for a in np.atleast_1d(shared_axes)]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"PReLU {self.name!r}: shared axis {axis} is not a non-batch axis of {input_shape}")
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(f"PReLU {self.name!r}: input shape {input_shape} has unknown sizes not in shared_axes")
        self.alpha = add_option_weight(self, "alpha", tuple(shape))
        self.built = True

    def call(self, inputs):
        return ops.subtract(ops.relu(inputs), ops.multiply(self.alpha, ops.relu(ops.negative(inputs))))

    def get_config(self):
        config = super().get_config()
        config.update(shared_axes=self.shared_axes, **weight_options_config(self, "alpha"))
        return config


class ELU(_ElementWise):
    """x for x > 0, alpha * (exp(x) - 1) otherwise (keras.layers.ELU; alpha default 1.0). Other keyword arguments
    go to Layer."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        # exp of min(x, 0): the negative branch never overflows for large positive x.
        negative = ops.subtract(ops.exp(ops.minimum(inputs, 0.0)), 1.0)
        return ops.add(ops.relu(inputs), ops.multiply(negative, self.alpha))

    def get_config(self):
        config = super().get_config()
        config.update(alpha=self.alpha)
        return config
