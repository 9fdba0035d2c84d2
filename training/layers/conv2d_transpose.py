"""Conv2DTranspose: the transposed 2-D convolution (kernel (kh, kw, filters, in_channels)), Keras' output sizes
and TF's placement."""

from .. import conv_ops, conv_utils
from .conv_base import ConvBase
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class Conv2DTranspose(ConvBase):
    """Transposed 2-D convolution over NHWC inputs (keras.layers.Conv2DTranspose; alias Convolution2DTranspose);
    the kernel has shape (kh, kw, filters, in_channels). Output size per axis: 'valid' in * stride + max(kernel -
    stride, 0), 'same' in * stride, or with output_padding p (< stride): (in - 1) * stride + kernel - 2 * pad + p
    (pad = kernel // 2 for 'same'). Args: filters, kernel_size, strides, padding, output_padding (None, an int or a
    pair), dilation_rate, activation, use_bias, kernel_/bias_ initializer, regularizer and constraint,
    activity_regularizer. Other keyword arguments (name, trainable, dtype, input_shape) go to Layer. Raises
    ValueError for an output_padding not below the stride."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
                         bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs)
        self.output_padding = None if output_padding is None else \
            conv_utils.normalize_tuple(output_padding, 2, "output_padding")
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"Conv2DTranspose: output_padding {self.output_padding} must be smaller than the "
                             f"strides {self.strides}")
        set_weight_options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)

    def build(self, input_shape):
        self.kernel = add_option_weight(self, "kernel", self.kernel_size + (self.filters, input_shape[-1]))
        self.add_bias()
        self.built = True

    def _convolve(self, x):
        return conv_ops.conv2d_transpose(x, self.kernel, self.strides, self.padding, self.output_padding,
                                         self.dilation_rate)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        pads = self.output_padding or (None, None)
        out = [conv_ops.transpose_output_length(size, k, s, self.padding, p, d) for size, k, s, p, d in
               zip((h, w), self.kernel_size, self.strides, pads, self.dilation_rate)]
        return (n, out[0], out[1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(output_padding=None if self.output_padding is None else list(self.output_padding),
                      **weight_options_config(self, "kernel"))
        return config


Convolution2DTranspose = Conv2DTranspose
