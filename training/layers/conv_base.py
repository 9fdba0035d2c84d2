"""The base of Conv1D, SeparableConv2D and Conv2DTranspose: window options of any rank, kernels made with their
regularizer and constraint, bias, activation, activity regularizer and the shared config (Keras' argument names)."""

from .. import activations, conv_utils, ops, regularizers
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class ConvBase(Layer):
    """Subclasses set `rank` and `paddings`, make their kernels with weight_options.add_option_weight in build, then call
    `add_bias`, and define `_convolve(x)` and `compute_output_shape`."""

    rank = 2
    paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation=None, use_bias=True, bias_initializer="zeros", bias_regularizer=None,
                 activity_regularizer=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.filters = int(filters)
        if self.filters <= 0:
            raise ValueError(f"{type(self).__name__}: filters must be positive, got {filters}")
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, self.rank, "strides")
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = str(padding).lower()
        if self.padding not in self.paddings:
            raise ValueError(f"{type(self).__name__}: `padding` must be one of {self.paddings}, got {padding!r}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def add_bias(self):
        """Creates the (filters,) bias (when use_bias) with its initializer, regularizer and constraint."""
        self.bias = add_option_weight(self, "bias", (self.filters,)) if self.use_bias else None

    def call(self, inputs):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs of rank {self.rank + 2} (batch, "
                             f"{self.rank} spatial axes, channels), got shape {inputs.shape}")
        self.compute_output_shape(tuple(inputs.shape))  # a window that does not fit raises here, named
        y = self._convolve(inputs)
        if self.use_bias:
            y = ops.add(y, self.bias)
        y = self.activation(y)
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(y) / y.shape[0])  # Keras divides by the batch size
        return y

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=list(self.kernel_size), strides=list(self.strides),
                      padding=self.padding, data_format="channels_last", dilation_rate=list(self.dilation_rate),
                      activation=activations.serialize(self.activation), use_bias=self.use_bias,
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      **weight_options_config(self, "bias"))
        return config

