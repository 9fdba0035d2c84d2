"""Window arithmetic shared by convolution and pooling ops and layers: argument normalization, output sizes
and TF/Keras 'same' padding."""


def normalize_tuple(value, n, name):
    """`value` as a tuple of `n` ints (an int is repeated n times). Raises ValueError naming the argument `name`
    otherwise."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints, got {value}")
    return value


def normalize_padding(padding):
    """'valid' or 'same' (any case), in lower case. Raises ValueError for anything else."""
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"`padding` must be 'valid' or 'same', got {padding!r}")
    return padding


def check_channels_last(data_format):
    """Raises ValueError unless data_format is None or 'channels_last': the training side is NHWC only."""
    if data_format not in (None, "channels_last"):
        raise ValueError(f"only data_format='channels_last' (NHWC) is supported, got {data_format!r}")


def effective_size(kernel, dilation):
    """The extent of a `kernel`-tap window with `dilation`: (kernel - 1) * dilation + 1."""
    return (kernel - 1) * dilation + 1


def output_length(length, kernel, stride, dilation, padding):
    """Spatial output size of a window op along one axis (None stays None, like an unknown input size)."""
    if length is None:
        return None
    if padding == "same":
        return -(-length // stride)
    return (length - effective_size(kernel, dilation)) // stride + 1


def same_pads(length, kernel, stride, dilation):
    """(before, after) padding for 'same': as TF, the odd extra pixel goes after (bottom/right)."""
    out = -(-length // stride)
    total = max((out - 1) * stride + effective_size(kernel, dilation) - length, 0)
    return total // 2, total - total // 2


def window_output_shape(input_shape, kernel, strides, dilation, padding, channels):
    """NHWC output shape of a conv/pool window op; raises if a 'valid' window does not fit."""
    n, h, w, _ = input_shape
    ho = output_length(h, kernel[0], strides[0], dilation[0], padding)
    wo = output_length(w, kernel[1], strides[1], dilation[1], padding)
    if (ho is not None and ho <= 0) or (wo is not None and wo <= 0):
        raise ValueError(f"window {kernel} (dilation {dilation}) does not fit input {input_shape} "
                         f"with padding '{padding}'")
    return (n, ho, wo, channels)
