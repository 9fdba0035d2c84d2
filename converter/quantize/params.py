"""Quantization parameters: symmetric per-channel int8 weights (as TensorFlow's converter computes them)."""

from __future__ import annotations

from typing import Dict, Tuple

import numpy as np


def symmetric_per_channel(weights: np.ndarray, axis: int, bits: int = 8) -> Tuple[np.ndarray, Dict]:
    """(int8 weights, quantization dict): per slice along `axis`, scale = max|w| / 127 and zero point 0, values
    rounded half away from zero and clipped to [-127, 127]. A slice of zeros gets scale 1 (any positive scale
    represents it exactly), so degenerate layers still quantize validly."""
    qmax = 2 ** (bits - 1) - 1
    w = np.asarray(weights, np.float64)
    axis = axis % w.ndim
    reduce_axes = tuple(a for a in range(w.ndim) if a != axis)
    max_abs = np.max(np.abs(w), axis=reduce_axes) if reduce_axes else np.abs(w)
    scale = np.where(max_abs > 0, max_abs / qmax, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(_round_half_away(w / scale.astype(np.float64).reshape(shape)), -qmax, qmax).astype(np.int8)
    return q, {"scale": scale, "zero_point": np.zeros(len(scale), np.int64), "quantized_dimension": axis}


def _round_half_away(x: np.ndarray) -> np.ndarray:
    """Rounds halves away from zero (std::round, TFLite's rounding), not to even as np.round does."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)
