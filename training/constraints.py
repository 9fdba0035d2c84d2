"""Weight constraints with Keras names and formulas: a constraint maps a weight's value to the value it is projected
onto after each optimizer step (keras.constraints). Layers take them as kernel_constraint / bias_constraint and hand
them to Layer.add_weight; fit applies them after apply_gradients."""

import numpy as np


class Constraint:
    """Base class: called as constraint(array) -> the projected array (NumPy in, NumPy out)."""

    def __call__(self, w):
        return w

    def get_config(self):
        """The constructor arguments as a dict, for serialize() and saved models."""
        return {}

    @classmethod
    def from_config(cls, config):
        """A new constraint of this class made from a get_config() dict."""
        return cls(**config)


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

_CLASSES = {cls.__name__: cls for cls in (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
_ALIASES = {"max_norm": "MaxNorm", "non_neg": "NonNeg", "unit_norm": "UnitNorm", "min_max_norm": "MinMaxNorm"}


def get(identifier):
    """None, a name ('non_neg'), a serialized dict, a Constraint or a callable(array) -> constraint (or None)."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        name = _ALIASES.get(identifier.lower(), identifier)
        if name not in _CLASSES:
            raise ValueError(f"unknown constraint {identifier!r}")
        return _CLASSES[name]()
    if isinstance(identifier, dict):
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ValueError(f"unknown constraint {identifier!r}")


def serialize(constraint):
    """None, or {'class_name': ..., 'config': ...} that get() reads back. Raises ValueError for a plain callable."""
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        raise ValueError(f"constraint {constraint!r} cannot be serialized; use an edgelite Constraint")
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}
