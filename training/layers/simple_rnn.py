"""SimpleRNN: h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias), Keras weights and defaults."""

from .. import ops
from .recurrent import Recurrent


class SimpleRNN(Recurrent):
    """keras.layers.SimpleRNN. Args: units, activation ('tanh'), and Recurrent's arguments. Weights: kernel
    (features, units), recurrent_kernel (units, units), bias (units); state [h]."""

    gates = 1
    state_names = ("h",)

    def step(self, projected_input, states, recurrent_masks):
        (h,) = states
        h = self.activation(ops.add(projected_input, self.recurrent_product(h, recurrent_masks)))
        return h, [h]
