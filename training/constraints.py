"""Weight constraints with Keras names and formulas: a constraint maps a weight's value to the value it is projected
onto after each optimizer step (keras.constraints). Layers take them as kernel_constraint / bias_constraint and hand
them to Layer.add_weight; fit applies them after apply_gradients."""

import numpy as np

from .catalog import Catalog, Configurable


class Constraint(Configurable):
    """Base class: called as constraint(array) -> the projected array (NumPy in, NumPy out)."""

    def __call__(self, w):
        return w


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales slices along `axis` (default 0: each output unit of a Dense kernel) whose L2 norm exceeds
    max_value (default 2) down to it."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative entries to zero."""

    def __call__(self, w):
        return w * (w >= 0).astype(w.dtype)


class UnitNorm(Constraint):
    """Rescales slices along `axis` (default 0) to unit L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Rescales slices along `axis` so their norm lies in [min_value, max_value]; rate (default 1) blends the
    rescaled and the current norm as Keras does."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CATALOG = Catalog("constraint", Constraint, (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm),
                   {"max_norm": "MaxNorm", "non_neg": "NonNeg", "unit_norm": "UnitNorm", "min_max_norm": "MinMaxNorm"})
get = _CATALOG.get
serialize = _CATALOG.serialize
