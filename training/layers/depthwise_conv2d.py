"""DepthwiseConv2D: one (kh, kw) filter per input channel and multiplier; kernel (kh, kw, Cin, multiplier),
output channel c * multiplier + m (TF order)."""

from .. import ops
from .conv2d import BaseConv2D
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class DepthwiseConv2D(BaseConv2D):
    """Depthwise 2-D convolution over NHWC inputs (keras.layers.DepthwiseConv2D): one (kh, kw) filter per input
    channel and multiplier, output channel c * depth_multiplier + m. Args as Conv2D, with depth_multiplier (default
    1) and depthwise_initializer / depthwise_regularizer / depthwise_constraint in place of filters and the kernel_
    arguments. Other keyword arguments (name,
    trainable, dtype, input_shape) go to Layer."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        set_weight_options(self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint)

    def build(self, input_shape):
        shape = self.kernel_size + (input_shape[-1], self.depth_multiplier)
        self.depthwise_kernel = add_option_weight(self, "depthwise", shape, name="depthwise_kernel")
        self._add_bias(input_shape[-1] * self.depth_multiplier)
        self.built = True

    def _convolve(self, x):
        return ops.depthwise_conv2d(x, self.depthwise_kernel, self.strides, self.padding, self.dilation_rate)

    def _output_channels(self, input_channels):
        return input_channels * self.depth_multiplier

    def get_config(self):
        config = super().get_config()
        config.update(depth_multiplier=self.depth_multiplier, **weight_options_config(self, "depthwise"))
        return config
