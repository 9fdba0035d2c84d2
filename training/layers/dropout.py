"""Dropout: inverted dropout (scale kept units by 1 / (1 - rate)) in training, identity in inference."""

import numpy as np

from .. import ops
from ..utils import global_rng
from .layer import Layer


class Dropout(Layer):
    """Inverted dropout (keras.layers.Dropout): in training, zeroes each unit with probability `rate` and scales the
    kept ones by 1 / (1 - rate); outside training it passes its input through. Args: rate in [0, 1), noise_shape (a
    shape broadcast against the input; None for one draw per element), seed. Other keyword arguments (name,
    trainable, dtype, input_shape) go to Layer. Raises ValueError for a rate outside [0, 1)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape if self.noise_shape is None else tuple(
            n if d is None else d for n, d in zip(inputs.shape, self.noise_shape))
        rng = self._rng or global_rng()
        keep = (rng.random(shape) >= self.rate).astype(inputs.dtype) / (1.0 - self.rate)
        return ops.multiply(inputs, keep)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, noise_shape=None if self.noise_shape is None else list(self.noise_shape),
                      seed=self.seed)
        return config
