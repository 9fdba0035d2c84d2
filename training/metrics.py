"""Metrics computed on NumPy outputs (no gradients) and averaged over an epoch, with Keras names and the
Keras 3 rule that resolves 'accuracy' to binary, sparse categorical or categorical accuracy by shape."""

import numpy as np


def _targets(y_true, y_pred):
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample fraction of predictions on the right side of `threshold` (0.5) over the last axis."""
    return np.mean(_targets(y_true, y_pred) == (y_pred > threshold), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Per-sample 1.0 where the argmax of the one-hot targets equals the argmax of y_pred, else 0.0."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """Per-sample 1.0 where the integer class id in y_true equals the argmax of y_pred, else 0.0."""
    labels = np.asarray(y_true).reshape(y_pred.shape[:-1])
    return (labels == np.argmax(y_pred, axis=-1)).astype(np.float32)


def mean_squared_error(y_true, y_pred):
    """Per-sample mean of (y_pred - y_true) ** 2 over the last axis, as a NumPy array."""
    return np.mean((y_pred - _targets(y_true, y_pred)) ** 2, axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Per-sample mean of |y_pred - y_true| over the last axis, as a NumPy array."""
    return np.mean(np.abs(y_pred - _targets(y_true, y_pred)), axis=-1)


_FUNCTIONS = {
    "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy, "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error, "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
}


class Mean:
    """Running, sample-weighted mean of a per-sample metric function (Keras MeanMetricWrapper)."""

    def __init__(self, fn, name):
        self.fn, self.name = fn, name
        self.reset_state()

    def reset_state(self):
        """Forgets the values seen so far (at the start of each epoch)."""
        self.total, self.count = 0.0, 0

    def update_state(self, y_true, y_pred):
        """Adds the per-sample values of the metric on one batch (NumPy y_true and y_pred)."""
        values = np.asarray(self.fn(y_true, y_pred), dtype=np.float64)
        self.total += float(values.sum())
        self.count += values.size

    def result(self):
        """The mean of every per-sample value since reset_state, as a float (0.0 before any)."""
        return self.total / self.count if self.count else 0.0


def resolve_accuracy(y_true_shape, y_pred_shape):
    """Keras 3 rule: one output unit -> binary; labels of lower rank or width 1 -> sparse; else one-hot."""
    if y_pred_shape[-1] == 1:
        return binary_accuracy
    if len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier, y_true_shape, y_pred_shape):
    """Name or fn(y_true, y_pred) -> Mean metric; 'accuracy'/'acc' keep their name, as in Keras history."""
    if callable(identifier):
        return Mean(identifier, getattr(identifier, "__name__", "metric"))
    name = str(identifier)
    if name.lower() in ("accuracy", "acc"):
        return Mean(resolve_accuracy(y_true_shape, y_pred_shape), name)
    try:
        return Mean(_FUNCTIONS[name.lower()], name)
    except KeyError:
        raise ValueError(f"unknown metric {identifier!r}; known: accuracy, {sorted(_FUNCTIONS)}") from None
