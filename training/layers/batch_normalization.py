"""BatchNormalization over the last axis (Keras 3 semantics: biased batch variance, moving averages with
`momentum`, inference mode when training is falsy or the layer is frozen)."""

from .. import initializers, ops, regularizers
from ..autodiff import no_grad
from .activity_regularization import add_activity_loss
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class BatchNormalization(Layer):
    """Normalizes over the feature axis with batch statistics in training (fit) and the moving averages otherwise,
    as keras.layers.BatchNormalization. Args: axis (an int, default -1), momentum of the moving averages (0.99),
    epsilon (1e-3), center (learn beta) and scale (learn gamma), the initializers of beta, gamma, moving_mean and
    moving_variance, beta_ / gamma_regularizer, beta_ / gamma_constraint, activity_regularizer. A frozen layer
    (trainable=False) always runs in inference mode. Other keyword arguments (name, trainable, dtype, input_shape) go
    to Layer. Raises ValueError for an axis that is not an int."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, activity_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise ValueError(f"BatchNormalization axis must be an int, got {axis!r}")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        self.activity_regularizer = regularizers.get(activity_regularizer)  # Keras' base Layer takes one
        set_weight_options(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_options(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self._initializers = {name: initializers.get(init) for name, init in (
            ("moving_mean", moving_mean_initializer), ("moving_variance", moving_variance_initializer))}

    def build(self, input_shape):
        self._axis = self.axis % len(input_shape)
        shape = (input_shape[self._axis],)
        init = self._initializers
        self.gamma = add_option_weight(self, "gamma", shape) if self.scale else None
        self.beta = add_option_weight(self, "beta", shape) if self.center else None
        self.moving_mean = self.add_weight(shape, init["moving_mean"], trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape, init["moving_variance"], trainable=False,
                                               name="moving_variance")
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        # Statistics reduce over every axis but the feature axis; reshape keeps them broadcastable.
        reduce_axes = tuple(a for a in range(x.ndim) if a != self._axis)
        bshape = [1] * x.ndim
        bshape[self._axis] = x.shape[self._axis]
        if training and self.trainable:
            mean = ops.mean(x, reduce_axes, keepdims=True)
            variance = ops.mean(ops.square(ops.subtract(x, mean)), reduce_axes, keepdims=True)
            with no_grad():
                m = self.momentum
                self.moving_mean.assign(self.moving_mean.data * m + mean.data.reshape(-1) * (1 - m))
                self.moving_variance.assign(self.moving_variance.data * m + variance.data.reshape(-1) * (1 - m))
        else:
            mean = ops.reshape(self.moving_mean, bshape)
            variance = ops.reshape(self.moving_variance, bshape)
        inv = ops.power(ops.add(variance, self.epsilon), -0.5)
        if self.scale:
            inv = ops.multiply(inv, ops.reshape(self.gamma, bshape))
        y = ops.multiply(ops.subtract(x, mean), inv)
        y = ops.add(y, ops.reshape(self.beta, bshape)) if self.center else y
        return add_activity_loss(self, y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis, momentum=self.momentum, epsilon=self.epsilon, center=self.center,
                      scale=self.scale, **weight_options_config(self, "beta", "gamma"),
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      **{f"{name}_initializer": initializers.serialize(init)
                         for name, init in self._initializers.items()})
        return config
