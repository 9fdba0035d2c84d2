"""LayerNormalization: per-sample normalization over the feature axes with learned gamma (scale) and beta
(center), as Keras 3 (biased variance, epsilon inside the square root)."""

from .. import ops
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class LayerNormalization(Layer):
    """(x - mean) / sqrt(variance + epsilon) * gamma + beta, the statistics taken per sample over `axis`
    (keras.layers.LayerNormalization). Args: axis (an int or a list; default -1), epsilon (1e-3), center (learn
    beta), scale (learn gamma), beta_/gamma_ initializer, regularizer and constraint; gamma and beta have the shape
    of the normalized axes. rms_scaling=True computes x / sqrt(variance + epsilon) * gamma instead (Keras 3's
    formula: the variance, not the mean square; no beta). Other keyword arguments (name, trainable, dtype,
    input_shape) go to Layer."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = bool(center), bool(scale), bool(rms_scaling)
        set_weight_options(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_options(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)

    def build(self, input_shape):
        rank = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -rank <= a < rank for a in axes) or any(a % rank == 0 for a in axes):
            raise ValueError(f"LayerNormalization {self.name!r}: axis {self.axis} must name non-batch axes of "
                             f"{input_shape}")
        self._axes = tuple(sorted(a % rank for a in axes))
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(f"LayerNormalization {self.name!r}: normalized axes of {input_shape} must be known")
        # Weights broadcast over the other axes; Keras keeps them in the normalized axes' shape.
        self._broadcast = tuple(input_shape[a] if a in self._axes else 1 for a in range(rank))
        self.gamma = add_option_weight(self, "gamma", shape) if self.scale or self.rms_scaling else None
        self.beta = add_option_weight(self, "beta", shape) if self.center and not self.rms_scaling else None
        self.built = True

    def call(self, inputs):
        x = inputs
        mean = ops.mean(x, self._axes, keepdims=True)
        centered = ops.subtract(x, mean)
        variance = ops.mean(ops.square(centered), self._axes, keepdims=True)
        y = ops.multiply(x if self.rms_scaling else centered, ops.power(ops.add(variance, self.epsilon), -0.5))
        if self.gamma is not None:
            y = ops.multiply(y, ops.reshape(self.gamma, self._broadcast[1:]))
        if self.beta is not None:
            y = ops.add(y, ops.reshape(self.beta, self._broadcast[1:]))
        return y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis, epsilon=self.epsilon, center=self.center, scale=self.scale,
                      rms_scaling=self.rms_scaling, **weight_options_config(self, "beta", "gamma"))
        return config
