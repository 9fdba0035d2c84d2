"""Dense: y = activation(x @ kernel + bias), kernel (in, out) as Keras; applies to the last axis."""

from .. import activations, constraints, initializers, ops, regularizers
from .layer import Layer


class Dense(Layer):
    """Fully connected layer on the last axis: activation(inputs @ kernel + bias), kernel (in, units), as
    keras.layers.Dense. Args: units, activation (a name or callable; default none), use_bias (True),
    kernel_initializer ('glorot_uniform'), bias_initializer ('zeros'), kernel_regularizer / bias_regularizer /
    activity_regularizer and kernel_constraint / bias_constraint (None). Other keyword arguments (name, trainable,
    dtype, input_shape) go to Layer."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight((input_shape[-1], self.units), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias",
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.built = True

    def call(self, inputs):
        x = inputs
        if x.ndim == 1:
            raise ValueError(f"Dense {self.name!r} needs inputs of rank >= 2, got shape {x.shape}")
        y = ops.matmul(x, self.kernel)
        if self.use_bias:
            y = ops.add(y, self.bias)
        y = self.activation(y)
        if self.activity_regularizer is not None:
            # Keras divides the activity penalty by the batch size.
            self.add_loss(self.activity_regularizer(y) / y.shape[0])
        return y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, activation=activations.serialize(self.activation),
                      use_bias=self.use_bias,
                      kernel_initializer=initializers.serialize(self.kernel_initializer),
                      bias_initializer=initializers.serialize(self.bias_initializer),
                      kernel_regularizer=regularizers.serialize(self.kernel_regularizer),
                      bias_regularizer=regularizers.serialize(self.bias_regularizer),
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      kernel_constraint=constraints.serialize(self.kernel_constraint),
                      bias_constraint=constraints.serialize(self.bias_constraint))
        return config
