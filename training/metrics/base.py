"""The metric base (Keras 3's update_state / result / reset_state) and the reducing metrics built on it: Sum, Mean,
MeanMetricWrapper. Metrics run on NumPy values, outside the tape."""

import numpy as np

from ..catalog import Configurable
from ..utils import snake_case


def as_array(value, dtype=None):
    """A Tensor, array or nested list as a NumPy array."""
    return np.asarray(getattr(value, "data", value), dtype=dtype)


def weights_like(sample_weight, values):
    """sample_weight broadcast to the shape of `values` (Keras squeezes or adds trailing unit axes to match ranks).
    Raises ValueError when the shapes cannot meet."""
    w = as_array(sample_weight, np.float64)
    while w.ndim > values.ndim and w.shape[-1] == 1:
        w = w[..., 0]
    while w.ndim < values.ndim:
        w = w[..., None]
    try:
        return np.broadcast_to(w, values.shape)
    except ValueError:
        raise ValueError(f"sample_weight of shape {np.shape(sample_weight)} does not match values of shape "
                         f"{values.shape}") from None


class Metric(Configurable):
    """Base of the metrics, as keras.metrics.Metric: update_state(y_true, y_pred, sample_weight=None) accumulates,
    result() gives the value (a float, or an array for several thresholds), reset_state() forgets. Calling the
    metric updates it and returns result(). `direction` ('up' or 'down') tells callbacks in mode 'auto' which way
    is better. Args: name (default: the snake-case class name), dtype (kept for the config)."""

    direction = None

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype
        self.reset_state()

    def reset_state(self):
        """Forgets everything seen since the last reset (fit calls it at the start of every epoch)."""
        raise NotImplementedError

    def update_state(self, *args, **kwargs):
        """Accumulates one batch; the arguments depend on the metric."""
        raise NotImplementedError

    def result(self):
        """The metric's value over everything seen since the last reset."""
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class Sum(Metric):
    """The (weighted) sum of every value given to update_state(values, sample_weight=None) (keras.metrics.Sum)."""

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = as_array(values, np.float64)
        if sample_weight is not None:
            values = values * weights_like(sample_weight, values)
        self.total += float(np.sum(values))

    def result(self):
        return self.total


class Mean(Metric):
    """The (weighted) mean of every value given to update_state(values, sample_weight=None) (keras.metrics.Mean):
    sum(values * weight) / sum(weight), 0.0 before any value."""

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None):
        values = as_array(values, np.float64)
        if sample_weight is None:
            self.total += float(np.sum(values))
            self.count += values.size
            return
        w = weights_like(sample_weight, values)
        self.total += float(np.sum(values * w))
        self.count += float(np.sum(w))

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The weighted mean of a per-sample function fn(y_true, y_pred, **kwargs) (keras.metrics.MeanMetricWrapper).
    Args: fn, name, dtype, direction ('up', 'down' or None), and keyword arguments for fn."""

    def __init__(self, fn, name=None, dtype=None, direction=None, **kwargs):
        self._fn, self._fn_kwargs = fn, kwargs
        if direction is not None:
            self.direction = direction
        super().__init__(name or getattr(fn, "__name__", "metric"), dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = as_array(self._fn(as_array(y_true), as_array(y_pred), **self._fn_kwargs), np.float64)
        super().update_state(values, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
