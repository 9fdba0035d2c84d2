"""Activation layers: Activation (by name), ReLU (max_value, negative_slope, threshold) and Softmax."""

from .. import activations, ops
from .layer import Layer


class _ElementWise(Layer):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Activation(_ElementWise):
    """Applies an activation function element-wise (keras.layers.Activation). Args: activation: a name from
    edgelite.training.activations ('relu', 'softmax', ...) or a callable. Other keyword arguments (name, trainable,
    dtype, input_shape) go to Layer. Raises ValueError for an unknown name."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        config = super().get_config()
        config.update(activation=activations.serialize(self.activation))
        return config


class ReLU(_ElementWise):
    """f(x) = min(x, max_value) for x >= threshold, negative_slope * (x - threshold) otherwise (Keras)."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU max_value must be >= 0, got {max_value}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs):
        x = inputs
        if self.negative_slope == 0 and self.threshold == 0:
            y = ops.relu(x)
        else:
            # The branch masks are constants: the function is piecewise linear, so its gradient is the mask.
            above = (x.data >= self.threshold).astype(x.dtype)
            below = ops.multiply(ops.subtract(x, self.threshold), self.negative_slope * (1 - above))
            y = ops.add(ops.multiply(x, above), below)
        return y if self.max_value is None else ops.minimum(y, self.max_value)

    def get_config(self):
        config = super().get_config()
        config.update(max_value=self.max_value, negative_slope=self.negative_slope, threshold=self.threshold)
        return config


class Softmax(_ElementWise):
    """Softmax over `axis` (default: the last), as keras.layers.Softmax. Other keyword arguments (name, trainable,
    dtype, input_shape) go to Layer."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.softmax(inputs, self.axis)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis)
        return config


