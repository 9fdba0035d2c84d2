"""GRU with Keras' gate order (update z, reset r, candidate h) and both reset conventions.

    z, r = recurrent_activation(...)      h_t = z * h_{t-1} + (1 - z) * candidate
reset_after=True (Keras' default, cuDNN's form): candidate = activation(x W_h + b_h + r * (h U_h + b'_h)),
with the bias a (2, 3 * units) array: row 0 for the input projection, row 1 for the recurrent one.
reset_after=False: candidate = activation(x W_h + (r * h) U_h + b_h), with one bias row.
"""

from .. import activations, ops
from .recurrent import Recurrent


class GRU(Recurrent):
    """keras.layers.GRU (see the module docstring). Args: units, activation ('tanh'), recurrent_activation
    ('sigmoid'), reset_after (True), and Recurrent's arguments (use_bias, initializers, dropout,
    recurrent_dropout, return_sequences, return_state, go_backwards, unroll, seed). Weights: kernel
    (features, 3 * units), recurrent_kernel (units, 3 * units), bias; state [h]."""

    gates = 3
    state_names = ("h",)

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return ops.getitem(self.bias, 0)

    def step(self, projected_input, states, recurrent_masks):
        (h,) = states
        u, gate = self.units, self.recurrent_activation
        xz, xr, xh = ops.split(projected_input, 3, axis=1)
        if self.reset_after:
            inner = self.recurrent_product(h, recurrent_masks)
            if self.bias is not None:
                inner = ops.add(inner, ops.getitem(self.bias, 1))
            hz, hr, hh = ops.split(inner, 3, axis=1)
            z, r = gate(ops.add(xz, hz)), gate(ops.add(xr, hr))
            candidate = self.activation(ops.add(xh, ops.multiply(r, hh)))
        else:
            hz, hr = ops.split(self.recurrent_product(h, recurrent_masks, 0, 2), [u], axis=1)
            z, r = gate(ops.add(xz, hz)), gate(ops.add(xr, hr))
            candidate = self.activation(ops.add(xh, self.recurrent_product(ops.multiply(r, h), recurrent_masks, 2, 1)))
        h = ops.add(ops.multiply(z, h), ops.multiply(ops.subtract(1.0, z), candidate))
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                      reset_after=self.reset_after)
        return config
