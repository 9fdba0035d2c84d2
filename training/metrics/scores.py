"""Score metrics with Keras 3 formulas: FBetaScore / F1Score (per class, or averaged micro, macro or weighted) and
R2Score (coefficient of determination, optionally adjusted for the number of regressors)."""

import warnings

import numpy as np

from .base import Metric, as_array, weights_like

EPSILON = 1e-7  # keras.config.epsilon()


def _check_2d(name, y_true, y_pred):
    if y_true.ndim != 2 or y_pred.ndim != 2:
        raise ValueError(f"{name} needs 2-D inputs (batch, classes), got {y_true.shape} and {y_pred.shape}")


class FBetaScore(Metric):
    """F-beta score (keras.metrics.FBetaScore): (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
    per class, over (batch, classes) targets. A prediction counts as positive where it is the row's maximum (and
    not ~0) when threshold is None, else where it exceeds threshold.

    Args: average (None: one score per class; 'micro': over all entries; 'macro': the mean of the class scores;
    'weighted': their mean weighted by each class's (weighted) count of true labels), beta (a float > 0), threshold
    (None or a float in (0, 1]), name, dtype. Raises ValueError for other values or inputs that are not 2-D."""

    direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"average must be None, 'micro', 'macro' or 'weighted', got {average!r}")
        if not isinstance(beta, float) or beta <= 0:
            raise ValueError(f"beta must be a float > 0, got {beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0 < threshold <= 1):
            raise ValueError(f"threshold must be None or a float in (0, 1], got {threshold!r}")
        self.average, self.beta, self.threshold = average, beta, threshold
        super().__init__(name, dtype)

    def reset_state(self):
        self.true_positives = self.false_positives = self.false_negatives = self.intermediate_weights = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true, np.float64), as_array(y_pred, np.float64)
        _check_2d(type(self).__name__, y_true, y_pred)
        if self.threshold is None:
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        w = np.ones_like(y_true) if sample_weight is None else weights_like(sample_weight, y_true)
        axis = None if self.average == "micro" else 0
        self.true_positives = self.true_positives + np.sum(predicted * y_true * w, axis=axis)
        self.false_positives = self.false_positives + np.sum(predicted * (1 - y_true) * w, axis=axis)
        self.false_negatives = self.false_negatives + np.sum((1 - predicted) * y_true * w, axis=axis)
        self.intermediate_weights = self.intermediate_weights + np.sum(y_true * w, axis=axis)

    def result(self):
        tp = np.asarray(self.true_positives, np.float64)
        precision = tp / (tp + self.false_positives + EPSILON)
        recall = tp / (tp + self.false_negatives + EPSILON)
        beta2 = self.beta ** 2
        score = (1 + beta2) * precision * recall / (beta2 * precision + recall + EPSILON)
        if self.average == "weighted":
            weights = np.asarray(self.intermediate_weights, np.float64)
            return float(np.sum(score * weights / (np.sum(weights) + EPSILON)))
        if self.average is not None:
            return float(np.mean(score))
        return score

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with beta = 1 (keras.metrics.F1Score). Args: average, threshold, name, dtype."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average, 1.0, threshold, name, dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


class R2Score(Metric):
    """Coefficient of determination, 1 - residual / total sum of squares per output column (keras.metrics.R2Score),
    over (batch, outputs) values, sample-weighted.

    Args: class_aggregation ('uniform_average': mean over columns; 'variance_weighted_average': weighted by each
    column's total variance; None: one score per column), num_regressors (> 0 gives the adjusted R2; as Keras, the
    sample count is the number of target values), name, dtype. Raises ValueError for other values or inputs that
    are not 2-D."""

    direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(f"class_aggregation must be None, 'uniform_average' or 'variance_weighted_average', "
                             f"got {class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"num_regressors must be >= 0, got {num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name, dtype)

    def reset_state(self):
        self.sum = self.squared_sum = self.total_mse = self.count = 0.0
        self.num_samples = 0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true, np.float64), as_array(y_pred, np.float64)
        if y_true.ndim == y_pred.ndim - 1:
            y_true = y_true[..., None]
        _check_2d(type(self).__name__, y_true, y_pred)
        w = np.ones_like(y_true) if sample_weight is None else weights_like(sample_weight, y_true)
        self.sum = self.sum + np.sum(y_true * w, axis=0)
        self.squared_sum = self.squared_sum + np.sum(y_true * y_true * w, axis=0)
        self.total_mse = self.total_mse + np.sum((y_true - y_pred) ** 2 * w, axis=0)
        self.count = self.count + np.sum(w, axis=0)
        self.num_samples += y_true.size

    def result(self):
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = 1 - self.total_mse / total
        raw = np.where(np.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = float(np.mean(raw))
        elif self.class_aggregation == "variance_weighted_average":
            score = float(np.sum(total * raw) / np.sum(total))
        else:
            score = raw
        if self.num_regressors:
            n, p = self.num_samples, self.num_regressors
            if p >= n - 1:
                warnings.warn("adjusted R2 needs more samples than regressors + 1; giving the plain R2",
                              stacklevel=2)
            else:
                score = 1 - (1 - score) * (n - 1) / (n - p - 1)
        return score

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
