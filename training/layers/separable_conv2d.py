"""SeparableConv2D: a depthwise convolution (kernel (kh, kw, in, depth_multiplier)) then a 1x1 pointwise one
(kernel (1, 1, in * depth_multiplier, filters)), one bias, as Keras."""

from .. import conv_utils, ops
from .conv_base import ConvBase
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class SeparableConv2D(ConvBase):
    """Depthwise-separable 2-D convolution over NHWC inputs (keras.layers.SeparableConv2D; alias
    SeparableConvolution2D). Weights depthwise_kernel (kh, kw, in_channels, depth_multiplier), pointwise_kernel (1,
    1, in_channels * depth_multiplier, filters) and bias (filters). Args: filters, kernel_size, strides, padding
    ('valid' or 'same'), dilation_rate, depth_multiplier (1), activation, use_bias, depthwise_/pointwise_/bias_
    initializer, regularizer and constraint, activity_regularizer. Other keyword arguments (name, trainable, dtype,
    input_shape) go to Layer."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        set_weight_options(self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint)
        set_weight_options(self, "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint)

    def build(self, input_shape):
        channels = input_shape[-1]
        self.depthwise_kernel = add_option_weight(self, "depthwise", self.kernel_size + (channels, self.depth_multiplier),
                                                  name="depthwise_kernel")
        self.pointwise_kernel = add_option_weight(self, "pointwise", (1, 1, channels * self.depth_multiplier,
                                                                      self.filters), name="pointwise_kernel")
        self.add_bias()
        self.built = True

    def _convolve(self, x):
        y = ops.depthwise_conv2d(x, self.depthwise_kernel, self.strides, self.padding, self.dilation_rate)
        return ops.conv2d(y, self.pointwise_kernel)

    def compute_output_shape(self, input_shape):
        return conv_utils.window_output_shape(input_shape, self.kernel_size, self.strides, self.dilation_rate,
                                              self.padding, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(depth_multiplier=self.depth_multiplier, **weight_options_config(self, "depthwise"),
                      **weight_options_config(self, "pointwise"))
        return config


SeparableConvolution2D = SeparableConv2D
