"""edgelite.training.metrics: Keras 3's metric classes (update_state / result / reset_state), their per-sample
functions, and the lookup compile(metrics=[...]) uses, with Keras' string aliases. 'accuracy' / 'acc' resolve by
shape to binary, sparse categorical or categorical accuracy, keeping the name given, as in Keras' history."""

import copy

from .. import losses
from ..utils import snake_case
from .accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                       SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy, binary_accuracy,
                       categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                       top_k_categorical_accuracy)
from .base import Mean, MeanMetricWrapper, Metric, Sum
from .confusion import (AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives,
                        confusion_counts)
from .regression import (BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge,
                         KLDivergence, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, Poisson, RootMeanSquaredError,
                         SparseCategoricalCrossentropy, SquaredHinge, loss_metric_function)
from .scores import F1Score, FBetaScore, R2Score

CLASSES = {cls.__name__: cls for cls in (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, AUC, Precision, Recall, TruePositives, FalsePositives, TrueNegatives,
    FalseNegatives, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    RootMeanSquaredError, LogCoshError, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
    CosineSimilarity, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Mean, Sum,
    FBetaScore, F1Score, R2Score)}
# Keras' aliases: snake-case class names, function names, and the short forms.
ALIASES = {
    **{snake_case(name).lower(): cls for name, cls in CLASSES.items()},
    "auc": AUC, "mse": MeanSquaredError, "mae": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "rmse": RootMeanSquaredError, "logcosh": LogCoshError,
    "log_cosh": LogCoshError, "kld": KLDivergence, "kullback_leibler_divergence": KLDivergence,
    "kl_divergence": KLDivergence, "bce": BinaryCrossentropy, "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy, "f1_score": F1Score,
    "fbeta_score": FBetaScore, "r2_score": R2Score,
}


def resolve_accuracy(y_true_shape, y_pred_shape):
    """Keras 3 rule for 'accuracy': one output unit -> BinaryAccuracy; labels of lower rank or width 1 ->
    SparseCategoricalAccuracy; else CategoricalAccuracy."""
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy
    if len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def get(identifier, y_true_shape=None, y_pred_shape=None):
    """A new Metric from a name ('accuracy', 'acc', 'auc', 'precision', 'mse', 'top_k_categorical_accuracy', ...,
    or a class name), a serialized dict, a Metric (used as given) or a function fn(y_true, y_pred) -> per-sample
    values (wrapped in MeanMetricWrapper). The metric is named as the string given, as Keras names history
    entries. 'accuracy' / 'acc' need the target and prediction shapes. Raises ValueError for an unknown name."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        cls = CLASSES.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"unknown metric class {identifier.get('class_name')!r}")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            if y_true_shape is None or y_pred_shape is None:
                raise ValueError("'accuracy' resolves by the shapes of the targets and predictions; pass them")
            return resolve_accuracy(y_true_shape, y_pred_shape)(name=identifier)
        cls = CLASSES.get(identifier) or ALIASES.get(identifier.lower())
        if cls is None and identifier.lower() in losses.FUNCTIONS:
            # Keras exports every loss function as a metric too (keras.metrics.huber, ...).
            fn = loss_metric_function(losses.FUNCTIONS[identifier.lower()])
            return MeanMetricWrapper(fn, name=identifier, direction="down")
        if cls is None:
            raise ValueError(f"unknown metric {identifier!r}; known: accuracy, acc, {sorted(ALIASES)}")
        return cls(name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier, getattr(identifier, "__name__", "metric"))
    raise ValueError(f"cannot interpret {identifier!r} as a metric")


def serialize(metric):
    """{'class_name': ..., 'config': ...} of a built-in metric, which get() reads back. Raises ValueError for a
    metric wrapping a plain function."""
    if type(metric).__name__ not in CLASSES or type(metric) is MeanMetricWrapper:
        raise ValueError(f"metric {metric.name!r} is not a built-in metric and cannot be serialized")
    return {"class_name": type(metric).__name__, "config": metric.get_config()}


def fresh_copy(metric):
    """A copy of `metric` with its state reset (compile keeps the user's object untouched)."""
    clone = copy.deepcopy(metric)
    clone.reset_state()
    return clone


__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "get", "serialize", "resolve_accuracy", "confusion_counts",
           "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", *CLASSES]
