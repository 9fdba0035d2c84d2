"""What the applications share, with keras.applications' rules: the input shape check, the padding before a
stride-2 'valid' convolution, channel rounding, the classifier top or pooling, and the `weights` argument."""

import os

from .. import layers
from ..layers import Input


def obtain_input_shape(input_shape, default_size, min_size, require_flatten, weights):
    """The (rows, cols, 3) input shape as Keras computes it: `input_shape` checked, or the default (with
    include_top) / (None, None, 3) (without). Raises ValueError, worded as Keras', for a shape that is not 3-D,
    smaller than min_size, not 3-channel with weights, or not static with include_top."""
    if input_shape is None:
        return (default_size, default_size, 3) if require_flatten else (None, None, 3)
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"`input_shape` must be a tuple of three integers (rows, cols, channels). Received: "
                         f"input_shape={input_shape}")
    if weights is not None and input_shape[-1] != 3:
        raise ValueError(f"The input must have 3 channels to load weights; Received `input_shape={input_shape}`")
    if any(d is not None and d < min_size for d in input_shape[:2]):
        raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. Received: "
                         f"input_shape={input_shape}")
    return input_shape


def image_input_for(model_name, input_shape, input_tensor, weights, classes, pooling, default_size, min_size,
                    require_flatten):
    """The checks every application starts with (weights, classes, pooling, input shape, as Keras'), then its
    image input: `input_tensor`, or a new Input of the checked shape."""
    check_weights(weights, classes, model_name)
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"`pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape[1:])
    input_shape = obtain_input_shape(input_shape, default_size, min_size, require_flatten, weights)
    if input_tensor is None:
        return Input(shape=input_shape)
    if not hasattr(input_tensor, "node"):
        raise ValueError(f"input_tensor must be a symbolic tensor from Input(); got {input_tensor!r}")
    return input_tensor


def check_weights(weights, classes, model_name):
    """Keras' check of `weights`: None, or the path of an existing weights file. 'imagenet' needs a download,
    which edgelite does not do: the message says which file to pass instead."""
    if weights == "imagenet":
        raise ValueError(f"{model_name}: weights='imagenet' would download Keras' file, which edgelite does not do; "
                         "download it once (keras.applications caches it under ~/.keras/models/) and pass its path "
                         "as weights=")
    if weights is not None and not (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        raise ValueError("The `weights` argument should be either `None` (random initialization) or the path to "
                         f"the weights file to be loaded. Received `weights={weights}`")
    if not isinstance(classes, int) or classes <= 0:
        raise ValueError(f"`classes` must be a positive integer, got {classes!r}")


def correct_pad(x, kernel_size):
    """((top, bottom), (left, right)) zero padding so a stride-2 'valid' convolution of `kernel_size` over x
    covers it as TF's 'same' does (one row less on top for even sizes), as keras' imagenet_utils.correct_pad."""
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    rows, cols = x.shape[1:3]
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def make_divisible(value, divisor=8, min_value=None):
    """`value` rounded to a multiple of `divisor` (at least min_value, never below 90% of value): the channel
    rounding of MobileNet and EfficientNet."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def pooled(x, pooling, avg_name=None, max_name=None):
    """include_top=False: the features as they are, or globally averaged / maxed."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def finish(model, weights):
    """Loads `weights` (a Keras weights file) into `model` when given, and returns it."""
    if weights is not None:
        model.load_weights(weights)
    return model
