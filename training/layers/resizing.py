"""UpSampling1D (repeat steps), UpSampling2D (repeat or bilinear by integer factors) and Resizing (to a fixed height and width, optionally
after a centred crop to the target's aspect ratio), NHWC, with Keras' half-pixel interpolation."""

import numpy as np

from .. import conv_utils, image_ops, ops
from .layer import Layer


def _check_interpolation(layer, interpolation):
    interpolation = str(interpolation).lower()
    if interpolation not in image_ops.INTERPOLATIONS:
        raise ValueError(f"{type(layer).__name__}: interpolation must be one of {image_ops.INTERPOLATIONS} "
                         f"(others are not supported), got {interpolation!r}")
    return interpolation


class UpSampling2D(Layer):
    """Scales H and W of NHWC inputs by integer factors (keras.layers.UpSampling2D). Args: size (an int or a pair;
    default (2, 2)), interpolation ('nearest' repeats pixels, 'bilinear' interpolates with half-pixel centres).
    Other keyword arguments (name, trainable, dtype, input_shape) go to Layer."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        self.size = conv_utils.normalize_tuple(size, 2, "size")
        if min(self.size) < 1:
            raise ValueError(f"UpSampling2D size must be positive, got {size}")
        self.interpolation = _check_interpolation(self, interpolation)

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"UpSampling2D {self.name!r} needs NHWC inputs, got shape {inputs.shape}")
        n, h, w, c = inputs.shape
        sh, sw = self.size
        if self.interpolation == "bilinear":
            return image_ops.resize(inputs, (h * sh, w * sw), "bilinear")
        # Repeat each pixel: broadcast against ones over two new axes, then merge them into H and W.
        tiled = ops.multiply(ops.reshape(inputs, (n, h, 1, w, 1, c)), np.ones((1, 1, sh, 1, sw, 1), inputs.dtype))
        return ops.reshape(tiled, (n, h * sh, w * sw, c))

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0], None if w is None else w * self.size[1], c)

    def get_config(self):
        config = super().get_config()
        config.update(size=list(self.size), data_format="channels_last", interpolation=self.interpolation)
        return config


class UpSampling1D(Layer):
    """Repeats each step of (N, steps, C) inputs `size` times (keras.layers.UpSampling1D; default 2). Other keyword
    arguments (name, trainable, dtype, input_shape) go to Layer."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        if self.size < 1:
            raise ValueError(f"UpSampling1D size must be positive, got {size}")

    def call(self, inputs):
        n, steps, c = inputs.shape
        tiled = ops.multiply(ops.reshape(inputs, (n, steps, 1, c)), np.ones((1, 1, self.size, 1), inputs.dtype))
        return ops.reshape(tiled, (n, steps * self.size, c))

    def compute_output_shape(self, input_shape):
        n, steps, c = input_shape
        return (n, None if steps is None else steps * self.size, c)

    def get_config(self):
        config = super().get_config()
        config.update(size=self.size)
        return config


class Resizing(Layer):
    """Resizes NHWC images to (height, width) (keras.layers.Resizing). Args: height, width, interpolation
    ('bilinear' or 'nearest', half-pixel centres as tf.image.resize), crop_to_aspect_ratio (False: crop the
    largest centred window with the target's aspect ratio first), pad_to_aspect_ratio (False: pad both sides
    with fill_value to the target's aspect ratio first; fill_mode must be 'constant'). antialias is not supported
    (ValueError). Integer inputs are cast to the layer's dtype. Other keyword arguments (name, trainable, dtype,
    input_shape) go to Layer."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False, data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        conv_utils.check_channels_last(data_format)
        if antialias:
            raise ValueError("Resizing: antialias=True is not supported by edgelite.training")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode must be 'constant' (as Keras), got {fill_mode!r}")
        self.height, self.width = int(height), int(width)
        if self.height <= 0 or self.width <= 0:
            raise ValueError(f"Resizing: height and width must be positive, got {height}, {width}")
        self.interpolation = _check_interpolation(self, interpolation)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_value = float(fill_value)

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"Resizing {self.name!r} needs NHWC inputs, got shape {inputs.shape}")
        x = inputs if inputs.dtype.kind == "f" else ops.cast(inputs, self.dtype)
        if self.crop_to_aspect_ratio:
            top, left, crop_h, crop_w = self.crop_box(x.shape[1], x.shape[2])
            x = ops.getitem(x, (slice(None), slice(top, top + crop_h), slice(left, left + crop_w)))
        rows, columns = self.aspect_padding(x.shape[1], x.shape[2])
        if rows or columns:
            x = ops.pad(x, ((0, 0), (rows, rows), (columns, columns), (0, 0)), self.fill_value)
        return image_ops.resize(x, (self.height, self.width), self.interpolation)

    def crop_box(self, h, w):
        """(top, left, height, width) of the aspect-ratio crop of an h x w image (the whole image without it)."""
        if not self.crop_to_aspect_ratio:
            return 0, 0, h, w
        return image_ops.aspect_crop(h, w, self.height, self.width)

    def aspect_padding(self, h, w):
        """(rows, columns) of fill on each side for pad_to_aspect_ratio ((0, 0) without it)."""
        if not self.pad_to_aspect_ratio:
            return 0, 0
        return image_ops.aspect_pad(h, w, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(height=self.height, width=self.width, interpolation=self.interpolation,
                      crop_to_aspect_ratio=self.crop_to_aspect_ratio, pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                      fill_mode="constant", fill_value=self.fill_value, antialias=False, data_format="channels_last")
        return config
