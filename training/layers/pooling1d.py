"""1-D pooling layers over (batch, steps, channels): windowed max/average and global average/max over steps."""

from .. import conv_ops, conv_utils, ops
from .layer import Layer


class _Pooling1D(Layer):
    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        (self.pool_size,) = conv_utils.normalize_tuple(pool_size, 1, "pool_size")
        # Keras: strides default to the pool size (non-overlapping windows).
        (self.strides,) = conv_utils.normalize_tuple(self.pool_size if strides is None else strides, 1, "strides")
        self.padding = conv_utils.normalize_padding(padding)

    def call(self, inputs):
        if inputs.ndim != 3:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs (batch, steps, channels) inputs, got "
                             f"shape {inputs.shape}")
        self.compute_output_shape(tuple(inputs.shape))  # a window that does not fit raises here, named
        return self._pool(inputs, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        n, steps, c = input_shape
        out = conv_utils.output_length(steps, self.pool_size, self.strides, 1, self.padding)
        if out is not None and out <= 0:
            raise ValueError(f"{type(self).__name__} {self.name!r}: pool {self.pool_size} does not fit {input_shape}")
        return (n, out, c)

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=[self.pool_size], strides=[self.strides], padding=self.padding,
                      data_format="channels_last")
        return config


class MaxPooling1D(_Pooling1D):
    """Max pooling over (N, steps, C) inputs (keras.layers.MaxPooling1D; alias MaxPool1D). Args: pool_size (2),
    strides (default: pool_size), padding ('valid' or 'same'). Other keyword arguments go to Layer."""

    _pool = staticmethod(conv_ops.max_pool1d)


class AveragePooling1D(_Pooling1D):
    """Average pooling over (N, steps, C) inputs (keras.layers.AveragePooling1D; alias AvgPool1D); 'same' windows
    average their real cells only, as TF. Args as MaxPooling1D."""

    _pool = staticmethod(conv_ops.avg_pool1d)


class _GlobalPooling1D(Layer):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.keepdims = bool(keepdims)

    def call(self, inputs):
        if inputs.ndim != 3:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs (batch, steps, channels) inputs, got "
                             f"shape {inputs.shape}")
        return self._reduce(inputs, axis=1, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        n, _, c = input_shape
        return (n, 1, c) if self.keepdims else (n, c)

    def get_config(self):
        config = super().get_config()
        config.update(data_format="channels_last", keepdims=self.keepdims)
        return config


class GlobalAveragePooling1D(_GlobalPooling1D):
    """The mean over the steps of (N, steps, C) inputs: (N, C), or (N, 1, C) with keepdims=True
    (keras.layers.GlobalAveragePooling1D; alias GlobalAvgPool1D)."""

    _reduce = staticmethod(ops.mean)


class GlobalMaxPooling1D(_GlobalPooling1D):
    """The maximum over the steps of (N, steps, C) inputs: (N, C), or (N, 1, C) with keepdims=True
    (keras.layers.GlobalMaxPooling1D; alias GlobalMaxPool1D)."""

    _reduce = staticmethod(ops.max)


MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D
