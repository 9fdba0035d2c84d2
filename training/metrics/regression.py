"""Regression and probabilistic metrics: the losses' per-sample formulas evaluated on NumPy, averaged over the
samples seen (keras.metrics.MeanSquaredError, RootMeanSquaredError, KLDivergence, ...)."""

import numpy as np

from .. import losses
from ..autodiff import Tensor, no_grad
from .accuracy import _wrapper_class
from .base import Mean, as_array


def loss_metric_function(loss_fn):
    """fn(y_true, y_pred, **options) -> per-sample NumPy values, from a loss function of edgelite.training.losses."""

    def metric_fn(y_true, y_pred, **options):
        with no_grad():
            return loss_fn(as_array(y_true), Tensor(as_array(y_pred, np.float32)), **options).data

    metric_fn.__name__ = loss_fn.__name__
    return metric_fn


def _loss_metric(class_name, loss_fn, default_name, direction, doc, **defaults):
    cls = _wrapper_class(class_name, loss_metric_function(loss_fn), default_name, doc, **defaults)
    cls.direction = direction
    return cls


MeanSquaredError = _loss_metric("MeanSquaredError", losses.mean_squared_error, "mean_squared_error", "down",
                                "Mean squared error (keras.metrics.MeanSquaredError).")
MeanAbsoluteError = _loss_metric("MeanAbsoluteError", losses.mean_absolute_error, "mean_absolute_error", "down",
                                 "Mean absolute error (keras.metrics.MeanAbsoluteError).")
MeanAbsolutePercentageError = _loss_metric(
    "MeanAbsolutePercentageError", losses.mean_absolute_percentage_error, "mean_absolute_percentage_error", "down",
    "Mean absolute percentage error (keras.metrics.MeanAbsolutePercentageError).")
MeanSquaredLogarithmicError = _loss_metric(
    "MeanSquaredLogarithmicError", losses.mean_squared_logarithmic_error, "mean_squared_logarithmic_error", "down",
    "Mean squared logarithmic error (keras.metrics.MeanSquaredLogarithmicError).")
LogCoshError = _loss_metric("LogCoshError", losses.log_cosh, "logcosh", "down",
                            "log(cosh(error)) (keras.metrics.LogCoshError).")
KLDivergence = _loss_metric("KLDivergence", losses.kl_divergence, "kl_divergence", "down",
                            "Kullback-Leibler divergence (keras.metrics.KLDivergence).")
Poisson = _loss_metric("Poisson", losses.poisson, "poisson", "down", "Poisson loss (keras.metrics.Poisson).")
Hinge = _loss_metric("Hinge", losses.hinge, "hinge", "down", "Hinge loss (keras.metrics.Hinge).")
SquaredHinge = _loss_metric("SquaredHinge", losses.squared_hinge, "squared_hinge", "down",
                            "Squared hinge loss (keras.metrics.SquaredHinge).")
CategoricalHinge = _loss_metric("CategoricalHinge", losses.categorical_hinge, "categorical_hinge", "down",
                                "Categorical hinge loss (keras.metrics.CategoricalHinge).")
BinaryCrossentropy = _loss_metric("BinaryCrossentropy", losses.binary_crossentropy, "binary_crossentropy", "down",
                                  "Binary cross-entropy (keras.metrics.BinaryCrossentropy). Args: from_logits, "
                                  "label_smoothing.", from_logits=False, label_smoothing=0.0)
CategoricalCrossentropy = _loss_metric(
    "CategoricalCrossentropy", losses.categorical_crossentropy, "categorical_crossentropy", "down",
    "Cross-entropy with one-hot targets (keras.metrics.CategoricalCrossentropy).", from_logits=False,
    label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _loss_metric(
    "SparseCategoricalCrossentropy", losses.sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    "down", "Cross-entropy with integer labels (keras.metrics.SparseCategoricalCrossentropy).", from_logits=False)


def _cosine(y_true, y_pred, axis=-1):
    return -loss_metric_function(losses.cosine_similarity)(y_true, y_pred, axis=axis)


_cosine.__name__ = "cosine_similarity"
CosineSimilarity = _wrapper_class("CosineSimilarity", _cosine, "cosine_similarity",
                                  "Cosine similarity of targets and predictions (keras.metrics.CosineSimilarity); "
                                  "1 when they point the same way. Args: axis (-1).", axis=-1)


class RootMeanSquaredError(Mean):
    """sqrt of the (weighted) mean of (y_pred - y_true) ** 2 over every element seen
    (keras.metrics.RootMeanSquaredError)."""

    direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred, np.float64)
        y_true = as_array(y_true, np.float64)
        if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
            y_true = y_true[..., None]
        super().update_state((y_pred - y_true) ** 2, sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))
