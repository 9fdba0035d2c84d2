"""Accuracy metrics (Keras 3 formulas on NumPy): per-sample functions and the classes that average them."""

import numpy as np

from ..utils import merge_options
from .base import MeanMetricWrapper, as_array


def _targets(y_true, y_pred):
    y_true = as_array(y_true)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    return y_true


def accuracy(y_true, y_pred):
    """1.0 where y_true equals y_pred exactly, element by element (keras.metrics.Accuracy's function)."""
    y_pred = as_array(y_pred)
    return (_targets(y_true, y_pred) == y_pred).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample fraction of predictions on the right side of `threshold` (0.5) over the last axis."""
    y_pred = as_array(y_pred)
    return np.mean(_targets(y_true, y_pred) == (y_pred > threshold), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Per-sample 1.0 where the argmax of the one-hot targets equals the argmax of y_pred, else 0.0."""
    return (np.argmax(as_array(y_true), axis=-1) == np.argmax(as_array(y_pred), axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """Per-sample 1.0 where the integer class id in y_true equals the argmax of y_pred, else 0.0."""
    y_pred = as_array(y_pred)
    labels = as_array(y_true).reshape(y_pred.shape[:-1])
    return (labels == np.argmax(y_pred, axis=-1)).astype(np.float32)


def _in_top_k(labels, y_pred, k):
    # As tf.math.in_top_k: the label is in the top k when fewer than k classes score strictly higher (so ties at
    # the boundary count as in), and never for a non-finite score.
    y_pred = as_array(y_pred, np.float64)
    labels = labels.astype(np.int64).reshape(y_pred.shape[:-1])
    target = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    higher = np.sum(y_pred > target, axis=-1)
    return ((higher < k) & np.isfinite(target[..., 0])).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per-sample 1.0 where the class of the one-hot target is among the k highest scores of y_pred."""
    return _in_top_k(np.argmax(as_array(y_true), axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Per-sample 1.0 where the integer class id is among the k highest scores of y_pred; with
    from_sorted_ids=True y_pred holds class ids sorted by score (its first k columns are the top k)."""
    if from_sorted_ids:
        ids = as_array(y_pred)[..., :k]
        labels = as_array(y_true).reshape(ids.shape[:-1] + (1,))
        return np.any(ids == labels, axis=-1).astype(np.float32)
    return _in_top_k(as_array(y_true), y_pred, k)


def _wrapper_class(class_name, fn, default_name, doc, **defaults):
    """A MeanMetricWrapper subclass over fn whose constructor takes defaults' keywords, name and dtype."""

    def __init__(self, *args, name=default_name, dtype=None, **kwargs):
        options = merge_options(class_name, defaults, args, kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **options)

    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc, "direction": "up"})


Accuracy = _wrapper_class("Accuracy", accuracy, "accuracy",
                          "How often predictions equal the targets exactly (keras.metrics.Accuracy).")
BinaryAccuracy = _wrapper_class("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                                "How often y_pred > threshold matches 0/1 targets (keras.metrics.BinaryAccuracy). "
                                "Args: threshold (0.5), name, dtype.", threshold=0.5)
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                                     "How often the argmax matches one-hot targets "
                                     "(keras.metrics.CategoricalAccuracy).")
SparseCategoricalAccuracy = _wrapper_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                           "sparse_categorical_accuracy", "How often the argmax matches integer "
                                           "labels (keras.metrics.SparseCategoricalAccuracy).")
TopKCategoricalAccuracy = _wrapper_class("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                         "top_k_categorical_accuracy", "How often the one-hot target is in the top "
                                         "k scores (keras.metrics.TopKCategoricalAccuracy). Args: k (5).", k=5)
SparseTopKCategoricalAccuracy = _wrapper_class(
    "SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy, "sparse_top_k_categorical_accuracy",
    "How often the integer label is in the top k scores (keras.metrics.SparseTopKCategoricalAccuracy). Args: k (5), "
    "from_sorted_ids (False).", k=5, from_sorted_ids=False)
