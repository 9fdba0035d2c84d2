"""Losses with Keras 3 formulas: per-sample functions plus Loss classes that average over the batch.

Probability inputs are clipped to [1e-7, 1 - 1e-7] like Keras (so the gradient is zero where the clip
binds); `from_logits=True` uses the numerically stable log-softmax / log-sigmoid forms instead.
"""

import numpy as np

from . import ops
from .autodiff import Tensor
from .utils import snake_case

EPSILON = 1e-7  # keras.config.epsilon()


def _labels(y_true, y_pred):
    """Targets are constants: a NumPy array in the prediction's dtype (no gradient flows into labels)."""
    data = y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)
    # Like Keras, (N,) targets meet (N, 1) predictions by adding the unit axis (and the reverse).
    if data.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        data = data[..., None]
    elif data.ndim == y_pred.ndim + 1 and data.shape[-1] == 1:
        data = data[..., 0]
    return data.astype(y_pred.dtype, copy=False)


def _one_hot(y_true, y_pred):
    """Integer class ids -> one-hot over the last axis; accepts (N,) and Keras' (N, 1) label shapes."""
    labels = np.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
    labels = labels.reshape(y_pred.shape[:-1]).astype(np.int64)
    classes = y_pred.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"sparse labels must be in [0, {classes}), got range [{labels.min()}, {labels.max()}]")
    return np.eye(classes, dtype=y_pred.dtype)[labels]


def mean_squared_error(y_true, y_pred):
    """Per-sample mean over the last axis of (y_pred - y_true) ** 2 (keras.losses.mean_squared_error); a Tensor of
    the batch's shape less the last axis."""
    return ops.mean(ops.square(ops.subtract(y_pred, _labels(y_true, y_pred))), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Per-sample mean over the last axis of |y_pred - y_true| (keras.losses.mean_absolute_error)."""
    return ops.mean(ops.abs(ops.subtract(y_pred, _labels(y_true, y_pred))), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Per-sample binary cross-entropy, averaged over the last axis (keras.losses.binary_crossentropy). y_pred holds
    probabilities (clipped to [1e-7, 1 - 1e-7]), or logits with from_logits=True (computed without overflow).
    label_smoothing moves the targets towards 0.5 by that fraction."""
    y = _labels(y_true, y_pred)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # max(x, 0) - x*y + log(1 + exp(-|x|)): sigmoid cross-entropy that never overflows.
        x = y_pred
        soft = ops.log(ops.add(ops.exp(ops.negative(ops.abs(x))), 1.0))
        per_element = ops.add(ops.subtract(ops.relu(x), ops.multiply(x, y)), soft)
    else:
        p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
        per_element = ops.negative(ops.add(ops.multiply(ops.log(p), y),
                                           ops.multiply(ops.log(ops.subtract(1.0, p)), 1.0 - y)))
    return ops.mean(per_element, axis=-1)


def _log_probs(y_pred, from_logits, axis):
    if from_logits:
        return ops.log_softmax(y_pred, axis)
    p = ops.divide(y_pred, ops.sum(y_pred, axis, keepdims=True))
    return ops.log(ops.clip(p, EPSILON, 1.0 - EPSILON))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample cross-entropy between one-hot (or soft) targets and y_pred over `axis`
    (keras.losses.categorical_crossentropy). y_pred holds probabilities (normalized, then clipped) or, with
    from_logits=True, logits. label_smoothing spreads that fraction of each target over the classes."""
    y = _labels(y_true, y_pred)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return ops.negative(ops.sum(ops.multiply(_log_probs(y_pred, from_logits, axis), y), axis))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Class ids index the last axis of y_pred."""
    one_hot = _one_hot(y_true, y_pred)
    return ops.negative(ops.sum(ops.multiply(_log_probs(y_pred, from_logits, -1), one_hot), -1))


class Loss:
    """Callable loss: per-sample values averaged over the batch (Keras 'sum_over_batch_size')."""

    fn = None

    def __init__(self, name=None, **options):
        self.name = name or snake_case(type(self).__name__)
        self.options = options

    def __call__(self, y_true, y_pred):
        return ops.mean(type(self).fn(y_true, y_pred, **self.options))

    def get_config(self):
        """The constructor arguments as a dict (name and options), for serialize() and saved models."""
        return {"name": self.name, **self.options}

    @classmethod
    def from_config(cls, config):
        """A new loss of this class made from a get_config() dict."""
        return cls(**config)


class MeanSquaredError(Loss):
    """Mean squared error averaged over the batch (keras.losses.MeanSquaredError; 'mse')."""

    fn = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error"):
        super().__init__(name)


class MeanAbsoluteError(Loss):
    """Mean absolute error averaged over the batch (keras.losses.MeanAbsoluteError; 'mae')."""

    fn = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error"):
        super().__init__(name)


class BinaryCrossentropy(Loss):
    """Binary cross-entropy averaged over the batch (keras.losses.BinaryCrossentropy). Args: from_logits,
    label_smoothing (see binary_crossentropy), name."""

    fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0.0, name="binary_crossentropy"):
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(Loss):
    """Cross-entropy with one-hot targets, averaged over the batch (keras.losses.CategoricalCrossentropy). Args:
    from_logits, label_smoothing, axis (see categorical_crossentropy), name."""

    fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, name="categorical_crossentropy"):
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer class ids, averaged over the batch (keras.losses.SparseCategoricalCrossentropy).
    Args: from_logits, name."""

    fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits=False, name="sparse_categorical_crossentropy"):
        super().__init__(name, from_logits=from_logits)


class LossFunctionWrapper(Loss):
    """A plain function fn(y_true, y_pred) -> per-sample loss; trains, but is not saved with the model."""

    def __init__(self, fn, name=None):
        super().__init__(name or getattr(fn, "__name__", "loss"))
        self._fn = fn

    def __call__(self, y_true, y_pred):
        return ops.mean(self._fn(y_true, y_pred))


_CLASSES = {cls.__name__: cls for cls in (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy,
                                          CategoricalCrossentropy, SparseCategoricalCrossentropy)}
_NAMES = {"mse": MeanSquaredError, "mean_squared_error": MeanSquaredError, "mae": MeanAbsoluteError,
          "mean_absolute_error": MeanAbsoluteError, "binary_crossentropy": BinaryCrossentropy,
          "categorical_crossentropy": CategoricalCrossentropy,
          "sparse_categorical_crossentropy": SparseCategoricalCrossentropy}


def get(identifier):
    """Name ('sparse_categorical_crossentropy'), serialized dict or Loss -> Loss instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        try:
            return _NAMES[identifier.lower()]()
        except KeyError:
            raise ValueError(f"unknown loss {identifier!r}; known: {sorted(_NAMES)}") from None
    if isinstance(identifier, dict):
        return _CLASSES[identifier["class_name"]].from_config(identifier["config"])
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise ValueError(f"loss must be a name, a Loss or a function, got {identifier!r}")


def serialize(loss):
    """{'class_name': ..., 'config': ...} of a built-in loss, which get() reads back. Raises ValueError for a loss
    made from a plain function (not savable)."""
    if type(loss).__name__ not in _CLASSES:
        raise ValueError(f"loss {loss.name!r} is not a built-in Loss and cannot be serialized")
    return {"class_name": type(loss).__name__, "config": loss.get_config()}
