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


def asymmetric(lo: float, hi: float, dtype=np.int8) -> Dict:
    """Per-tensor activation parameters covering [lo, hi] widened to contain zero (so zero is exact), zero
    point rounded into range (TensorFlow's nudging). int16 is symmetric with zero point 0, as TFLite wants.
    A degenerate range (all zeros) gets a small valid scale."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if dtype == np.int16:
        scale = max(abs(lo), abs(hi)) / 32767.0
        return {"scale": [scale if scale > 0 else 1.0 / 32768], "zero_point": [0]}
    qmin, qmax = (-128, 127) if dtype == np.int8 else (0, 255)
    scale = (hi - lo) / (qmax - qmin)
    if scale <= 0:
        return {"scale": [1.0 / 256], "zero_point": [qmin if dtype != np.int8 else -128]}
    zp = int(np.clip(_round_half_away(np.asarray(qmin - lo / scale)), qmin, qmax))
    return {"scale": [float(np.float32(scale))], "zero_point": [zp]}


def quantize_array(x: np.ndarray, quant: Dict, dtype) -> np.ndarray:
    """x in the integer type `dtype` with per-tensor parameters `quant`."""
    info = np.iinfo(dtype)
    q = _round_half_away(np.asarray(x, np.float64) / quant["scale"][0]) + quant["zero_point"][0]
    return np.clip(q, info.min, info.max).astype(dtype)
