"""LSTM with Keras' gate order (input, forget, cell, output) in kernel, recurrent_kernel and bias columns.

    i, f, o = recurrent_activation(...)   c_t = f * c_{t-1} + i * activation(x_t W_c + h_{t-1} U_c + b_c)
    h_t = o * activation(c_t)
States are [h, c]; unit_forget_bias=True starts the forget bias at 1, as Keras does.
"""

import numpy as np

from .. import activations, ops
from .recurrent import Recurrent


class LSTM(Recurrent):
    """keras.layers.LSTM (see the module docstring). Args: units, activation ('tanh'), recurrent_activation
    ('sigmoid'), unit_forget_bias (True), and Recurrent's arguments. Weights: kernel (features, 4 * units),
    recurrent_kernel (units, 4 * units), bias (4 * units); states [h, c]."""

    gates = 4
    state_names = ("h", "c")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias_initial_value(self, shape, dtype):
        if not self.unit_forget_bias:
            return self.bias_initializer(shape, dtype)
        u = self.units
        return np.concatenate([self.bias_initializer((u,), dtype), np.ones(u, dtype),
                               self.bias_initializer((2 * u,), dtype)])

    def step(self, projected_input, states, recurrent_masks):
        h, c = states
        z = ops.add(projected_input, self.recurrent_product(h, recurrent_masks))
        zi, zf, zc, zo = ops.split(z, 4, axis=1)
        gate = self.recurrent_activation
        c = ops.add(ops.multiply(gate(zf), c), ops.multiply(gate(zi), self.activation(zc)))
        h = ops.multiply(gate(zo), self.activation(c))
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                      unit_forget_bias=self.unit_forget_bias)
        return config
