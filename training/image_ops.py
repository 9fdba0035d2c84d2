"""Image resizing for NHWC tensors with TF's (and Keras') half-pixel conventions, differentiable: bilinear as two
constant interpolation matrices (matmul), nearest as a gather of rows then columns. Also reachable as
edgelite.training.ops.image (keras.ops.image's place)."""

import numpy as np

from . import ops
from .autodiff import as_tensor

INTERPOLATIONS = ("bilinear", "nearest")


def bilinear_matrix(out_len, in_len):
    """(out_len, in_len) weights of half-pixel bilinear resizing along one axis, as tf.image.resize: source
    coordinate (i + 0.5) * in / out - 0.5, clamped to the edge pixels."""
    scale = in_len / out_len
    src = (np.arange(out_len) + 0.5) * scale - 0.5
    low = np.floor(src)
    frac = src - low
    lo = np.clip(low, 0, in_len - 1).astype(np.int64)
    hi = np.clip(low + 1, 0, in_len - 1).astype(np.int64)
    matrix = np.zeros((out_len, in_len))
    np.add.at(matrix, (np.arange(out_len), lo), 1 - frac)
    np.add.at(matrix, (np.arange(out_len), hi), frac)
    return matrix


def nearest_indices(out_len, in_len):
    """The input index half-pixel nearest resizing reads for each output index (TF: floor((i + 0.5) * in / out),
    clamped), in float32 like TF's and TFLite's kernels."""
    scale = np.float32(in_len) / np.float32(out_len)
    index = np.floor((np.arange(out_len, dtype=np.float32) + np.float32(0.5)) * scale)
    return np.clip(index, 0, in_len - 1).astype(np.int64)


def resize(images, size, interpolation="bilinear"):
    """images (N, H, W, C) resized to (N, height, width, C) for size = (height, width), as keras.ops.image.resize
    (antialias off): half-pixel 'bilinear' or 'nearest'."""
    x = as_tensor(images)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"resize: interpolation must be one of {INTERPOLATIONS}, got {interpolation!r}")
    if x.ndim != 4:
        raise ValueError(f"resize needs NHWC images, got shape {x.shape}")
    height, width = (int(s) for s in size)
    _, h, w, _ = x.shape
    if interpolation == "nearest":
        rows = x if height == h else ops.getitem(x, (slice(None), nearest_indices(height, h)))
        return rows if width == w else ops.getitem(rows, (slice(None), slice(None), nearest_indices(width, w)))
    # Each axis is a matmul with a constant (in, out) matrix on the last axis: H moved last, then W.
    if height != h:
        moved = ops.matmul(ops.transpose(x, (0, 2, 3, 1)), bilinear_matrix(height, h).T.astype(x.dtype))
        x = ops.transpose(moved, (0, 3, 1, 2))
    if width != w:
        moved = ops.matmul(ops.transpose(x, (0, 1, 3, 2)), bilinear_matrix(width, w).T.astype(x.dtype))
        x = ops.transpose(moved, (0, 1, 3, 2))
    return x


def aspect_crop(h, w, height, width):
    """(top, left, crop height, crop width) of the centred crop with the target's aspect ratio, as Keras'
    crop_to_aspect_ratio computes it."""
    crop_h = max(min(h, int(np.float32(w * height) / np.float32(width))), 1)
    crop_w = max(min(w, int(np.float32(h * width) / np.float32(height))), 1)
    return int(np.float32(h - crop_h) / 2), int(np.float32(w - crop_w) / 2), crop_h, crop_w


def aspect_pad(h, w, height, width):
    """(rows, columns) of fill Keras' pad_to_aspect_ratio puts on each side of an h x w image (the same on both
    sides, so an odd difference loses a pixel, as Keras)."""
    pad_h = max(h, int(np.float32(w * height) / np.float32(width)))
    pad_w = max(w, int(np.float32(h * width) / np.float32(height)))
    return int(np.float32(pad_h - h) / 2), int(np.float32(pad_w - w) / 2)
