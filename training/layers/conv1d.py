"""Conv1D: convolution over (batch, steps, channels) with kernel (kernel_size, in_channels / groups, filters)."""

from .. import conv_ops, conv_utils
from .conv_base import ConvBase
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class Conv1D(ConvBase):
    """1-D convolution over (N, steps, channels) inputs (keras.layers.Conv1D); the kernel has shape
    (kernel_size, in_channels // groups, filters). Args: filters, kernel_size, strides (1), padding ('valid',
    'same' or 'causal': left padding only, for sequence models), dilation_rate (1), groups (1: in_channels and
    filters must both divide by it), activation, use_bias, kernel_/bias_ initializer, regularizer and constraint,
    activity_regularizer. data_format must be None or 'channels_last'. Other keyword arguments (name, trainable,
    dtype, input_shape) go to Layer."""

    rank = 1
    paddings = ("valid", "same", "causal")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs)
        self.groups = int(groups)
        if self.groups < 1 or self.filters % self.groups:
            raise ValueError(f"Conv1D: filters ({self.filters}) must divide by groups ({groups})")
        set_weight_options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels % self.groups:
            raise ValueError(f"Conv1D {self.name!r}: {channels} input channels do not divide by groups {self.groups}")
        self.kernel = add_option_weight(self, "kernel", self.kernel_size + (channels // self.groups, self.filters))
        self.add_bias()
        self.built = True

    def _convolve(self, x):
        return conv_ops.conv1d(x, self.kernel, self.strides[0], self.padding, self.dilation_rate[0], self.groups)

    def compute_output_shape(self, input_shape):
        n, steps, _ = input_shape
        padding = "valid" if self.padding == "causal" else self.padding
        if self.padding == "causal" and steps is not None:
            steps += conv_utils.effective_size(self.kernel_size[0], self.dilation_rate[0]) - 1
        out = conv_utils.output_length(steps, self.kernel_size[0], self.strides[0], self.dilation_rate[0], padding)
        if out is not None and out <= 0:
            raise ValueError(f"Conv1D {self.name!r}: window {self.kernel_size} does not fit input {input_shape}")
        return (n, out, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(groups=self.groups, **weight_options_config(self, "kernel"))
        return config
