"""Random values of any dtype for the data-movement and index kernels' tests: bools, integers in
[-spread, spread] (the whole type with spread=None), normal floats. A plain module, like kernel_twins."""

import numpy as np


def random_values(shape, dtype, seed=0, spread=100):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        lo, hi = (info.min, info.max) if spread is None else (max(info.min, -spread), min(info.max, spread))
        return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)
