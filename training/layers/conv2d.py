"""Conv2D (NHWC, kernel (kh, kw, Cin, Cout)) and the base it shares with DepthwiseConv2D: window options,
bias, activation, output shape and config."""

from .. import activations, conv_utils, ops, regularizers
from .activity_regularization import add_activity_loss
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class BaseConv2D(Layer):
    """Subclasses create their kernel in build, and define `_convolve(x)` and `_output_channels(cin)`."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1),
                 activation=None, use_bias=True, bias_initializer="zeros", bias_regularizer=None,
                 activity_regularizer=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, 2, "strides")
        self.padding = conv_utils.normalize_padding(padding)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, 2, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        set_weight_options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def _add_bias(self, channels):
        self.bias = add_option_weight(self, "bias", (channels,)) if self.use_bias else None

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs NHWC inputs, got shape {inputs.shape}")
        y = self._convolve(inputs)
        if self.use_bias:
            y = ops.add(y, self.bias)
        return add_activity_loss(self, self.activation(y))

    def compute_output_shape(self, input_shape):
        return conv_utils.window_output_shape(input_shape, self.kernel_size, self.strides, self.dilation_rate,
                                              self.padding, self._output_channels(input_shape[-1]))

    def get_config(self):
        config = super().get_config()
        config.update(kernel_size=list(self.kernel_size), strides=list(self.strides), padding=self.padding,
                      data_format="channels_last", dilation_rate=list(self.dilation_rate),
                      activation=activations.serialize(self.activation), use_bias=self.use_bias,
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      **weight_options_config(self, "bias"))
        return config


class Conv2D(BaseConv2D):
    """2-D convolution over NHWC inputs (keras.layers.Conv2D); the kernel has shape (kh, kw, in_channels, filters).
    Args: filters, kernel_size (an int or a pair), strides, padding ('valid' or 'same', TF's placement),
    dilation_rate, activation (a name or callable), use_bias, kernel_ and bias_ initializer, regularizer and
    constraint, activity_regularizer. data_format must
    be None or 'channels_last'. Other keyword arguments (name, trainable, dtype, input_shape) go to Layer. Raises
    ValueError for groups other than 1 (use DepthwiseConv2D), another data_format or padding, or a malformed
    size."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        if groups != 1:
            raise ValueError("Conv2D groups > 1 is not supported; use DepthwiseConv2D for groups == channels")
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs)
        self.filters = int(filters)
        set_weight_options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)

    def build(self, input_shape):
        shape = self.kernel_size + (input_shape[-1], self.filters)
        self.kernel = add_option_weight(self, "kernel", shape)
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, x):
        return ops.conv2d(x, self.kernel, self.strides, self.padding, self.dilation_rate)

    def _output_channels(self, input_channels):
        return self.filters

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, **weight_options_config(self, "kernel"))
        return config
