"""ZeroPadding2D and Cropping2D (NHWC): add zeros around, or cut rows and columns off, the spatial axes."""

from .. import conv_utils, ops
from .layer import Layer


def normalize_margins(value, what):
    """An int, a pair (symmetric height, width) or ((top, bottom), (left, right)) -> ((top, bottom), (left,
    right)) of non-negative ints, as Keras' ZeroPadding2D / Cropping2D read them."""
    if isinstance(value, int):
        margins = ((value, value), (value, value))
    else:
        value = tuple(value)
        if len(value) != 2:
            raise ValueError(f"`{what}` must be an int, 2 ints or 2 pairs of ints, got {value!r}")
        margins = tuple((int(v), int(v)) if isinstance(v, int) else tuple(int(e) for e in v) for v in value)
    if any(len(m) != 2 or min(m) < 0 for m in margins):
        raise ValueError(f"`{what}` must hold non-negative ints (before, after) per axis, got {value!r}")
    return margins


class _Margins2D(Layer):
    """Shared by ZeroPadding2D and Cropping2D: the margins argument (named `_argument`) and the NHWC check."""

    _argument = ""

    def __init__(self, margins, data_format=None, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        setattr(self, self._argument, normalize_margins(margins, self._argument))

    def _check_rank(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs NHWC inputs, got shape {inputs.shape}")

    def get_config(self):
        config = super().get_config()
        config.update({self._argument: [list(m) for m in getattr(self, self._argument)],
                       "data_format": "channels_last"})
        return config


class ZeroPadding2D(_Margins2D):
    """Pads the H and W axes of NHWC inputs with zeros (keras.layers.ZeroPadding2D). padding: an int (all four
    sides), a pair (height, width; both sides each) or ((top, bottom), (left, right)); default (1, 1). data_format
    must be None or 'channels_last'. Other keyword arguments (name, trainable, dtype, input_shape) go to Layer."""

    _argument = "padding"

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)

    def call(self, inputs):
        self._check_rank(inputs)
        return ops.pad(inputs, ((0, 0),) + self.padding + ((0, 0),))

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        (top, bottom), (left, right) = self.padding
        return (n, None if h is None else h + top + bottom, None if w is None else w + left + right, c)



class Cropping2D(_Margins2D):
    """Cuts rows and columns off the H and W axes of NHWC inputs (keras.layers.Cropping2D). cropping: an int, a
    pair (height, width) or ((top, bottom), (left, right)); default ((0, 0), (0, 0)). data_format must be None or
    'channels_last'. Other keyword arguments (name, trainable, dtype, input_shape) go to Layer. Raises ValueError when
    the cropping leaves nothing."""

    _argument = "cropping"

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)

    def call(self, inputs):
        self._check_rank(inputs)
        self.compute_output_shape(inputs.shape)
        (top, bottom), (left, right) = self.cropping
        h, w = inputs.shape[1:3]
        return ops.getitem(inputs, (slice(None), slice(top, h - bottom), slice(left, w - right)))

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        (top, bottom), (left, right) = self.cropping
        out_h = None if h is None else h - top - bottom
        out_w = None if w is None else w - left - right
        if (out_h is not None and out_h <= 0) or (out_w is not None and out_w <= 0):
            raise ValueError(f"Cropping2D {self.name!r}: cropping {self.cropping} leaves nothing of {input_shape}")
        return (n, out_h, out_w, c)


def _pair(value, what):
    pair = (int(value), int(value)) if isinstance(value, int) else tuple(int(v) for v in value)
    if len(pair) != 2 or min(pair) < 0:
        raise ValueError(f"`{what}` must be an int or a pair of non-negative ints, got {value!r}")
    return pair


class ZeroPadding1D(Layer):
    """Pads the steps axis of (N, steps, C) inputs with zeros (keras.layers.ZeroPadding1D). padding: an int (both
    ends) or (left, right); default 1. data_format must be None or 'channels_last'. Other keyword arguments (name, trainable, dtype, input_shape) go to Layer."""

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.padding = _pair(padding, "padding")

    def call(self, inputs):
        return ops.pad(inputs, ((0, 0), self.padding, (0, 0)))

    def compute_output_shape(self, input_shape):
        n, steps, c = input_shape
        return (n, None if steps is None else steps + sum(self.padding), c)

    def get_config(self):
        config = super().get_config()
        config.update(padding=list(self.padding), data_format="channels_last")
        return config


class Cropping1D(Layer):
    """Cuts steps off both ends of (N, steps, C) inputs (keras.layers.Cropping1D). cropping: an int or (start,
    end); default (1, 1). Raises ValueError when nothing is left. Other keyword arguments go to Layer."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pair(cropping, "cropping")

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        start, end = self.cropping
        return ops.getitem(inputs, (slice(None), slice(start, inputs.shape[1] - end)))

    def compute_output_shape(self, input_shape):
        n, steps, c = input_shape
        out = None if steps is None else steps - sum(self.cropping)
        if out is not None and out <= 0:
            raise ValueError(f"Cropping1D {self.name!r}: cropping {self.cropping} leaves nothing of {input_shape}")
        return (n, out, c)

    def get_config(self):
        config = super().get_config()
        config.update(cropping=list(self.cropping))
        return config
