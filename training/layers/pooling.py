"""2-D pooling layers (NHWC): windowed max/average, and global average/max over H and W."""

from .. import conv_utils, ops
from .layer import Layer


class _Pooling2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.pool_size = conv_utils.normalize_tuple(pool_size, 2, "pool_size")
        # Keras: strides default to the pool size (non-overlapping windows).
        self.strides = conv_utils.normalize_tuple(strides if strides is not None else self.pool_size, 2,
                                                  "strides")
        self.padding = conv_utils.normalize_padding(padding)

    def call(self, inputs):
        return self._pool(inputs, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        return conv_utils.window_output_shape(input_shape, self.pool_size, self.strides, (1, 1), self.padding,
                                              input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=list(self.pool_size), strides=list(self.strides), padding=self.padding,
                      data_format="channels_last")
        return config


class MaxPooling2D(_Pooling2D):
    """Max pooling over NHWC inputs (keras.layers.MaxPooling2D; alias MaxPool2D). Args: pool_size (default (2, 2)),
    strides (default: pool_size), padding ('valid' or 'same'). data_format must be None or 'channels_last'. Other
    keyword arguments (name, trainable, dtype, input_shape) go to Layer."""

    _pool = staticmethod(ops.max_pool2d)


class AveragePooling2D(_Pooling2D):
    """Average pooling over NHWC inputs (keras.layers.AveragePooling2D; alias AvgPool2D); with padding 'same' each
    window averages its real cells only, as TF. Args as MaxPooling2D. Other keyword arguments (name, trainable,
    dtype, input_shape) go to Layer."""

    _pool = staticmethod(ops.avg_pool2d)


class _GlobalPooling2D(Layer):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.keepdims = keepdims

    def call(self, inputs):
        return self._reduce(inputs, axis=(1, 2), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        n, _, _, c = input_shape
        return (n, 1, 1, c) if self.keepdims else (n, c)

    def get_config(self):
        config = super().get_config()
        config.update(data_format="channels_last", keepdims=self.keepdims)
        return config


class GlobalAveragePooling2D(_GlobalPooling2D):
    """The mean over H and W of NHWC inputs: (N, C), or (N, 1, 1, C) with keepdims=True
    (keras.layers.GlobalAveragePooling2D; alias GlobalAvgPool2D). Other keyword arguments (name, trainable, dtype,
    input_shape) go to Layer."""

    _reduce = staticmethod(ops.mean)


class GlobalMaxPooling2D(_GlobalPooling2D):
    """The maximum over H and W of NHWC inputs: (N, C), or (N, 1, 1, C) with keepdims=True
    (keras.layers.GlobalMaxPooling2D; alias GlobalMaxPool2D). Other keyword arguments (name, trainable, dtype,
    input_shape) go to Layer."""

    _reduce = staticmethod(ops.max)


MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
