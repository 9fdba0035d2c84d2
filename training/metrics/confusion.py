"""Confusion-matrix metrics (Keras 3 semantics): TruePositives ... FalseNegatives, Precision, Recall and AUC. Each
accumulates weighted counts of (label, y_pred > threshold) at one or more thresholds."""

import numpy as np

from .base import Metric, as_array, weights_like

EPSILON = 1e-7  # keras.config.epsilon()
_NEG_INF = -1e10  # what Keras writes into the scores outside the top k


def _top_k_only(y_pred, k):
    # Keeps the k highest scores of the last axis (the first index wins a tie, as top_k) and pushes the rest far
    # below any threshold.
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, _NEG_INF)


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None):
    """Weighted (tp, fp, tn, fn) arrays, one entry per threshold, as Keras' update_confusion_matrix_variables:
    labels are cast to bool, a prediction is positive when y_pred > threshold, top_k keeps only the k highest scores
    per sample, class_id looks at one column only. Raises ValueError for predictions outside [0, 1]."""
    y_pred = as_array(y_pred, np.float64)
    y_true = as_array(y_true)
    if y_true.shape != y_pred.shape and y_true.size == y_pred.size:
        y_true = y_true.reshape(y_pred.shape)
    if y_pred.size and (y_pred.min() < 0 or y_pred.max() > 1):
        raise ValueError("predictions must be in [0, 1] for a confusion metric (apply a sigmoid or softmax first)")
    w = np.ones(y_pred.shape) if sample_weight is None else weights_like(sample_weight, y_pred)
    if top_k is not None:
        y_pred = _top_k_only(y_pred, top_k)
    if class_id is not None:
        y_true, y_pred, w = y_true[..., class_id], y_pred[..., class_id], w[..., class_id]
    label = y_true.astype(bool).ravel()
    w, y_pred = w.ravel(), y_pred.ravel()
    positive = y_pred[None, :] > np.asarray(thresholds, np.float64)[:, None]
    return (np.sum(w * (positive & label), axis=1), np.sum(w * (positive & ~label), axis=1),
            np.sum(w * (~positive & ~label), axis=1), np.sum(w * (~positive & label), axis=1))


def _divide_no_nan(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def _scalar_or_array(values, single):
    return float(values[0]) if single else np.asarray(values, np.float64)


class _Thresholded(Metric):
    """Shared by the count metrics, Precision and Recall: thresholds (a float or a list; default 0.5 unless top_k
    is set, then no threshold beyond the top k), top_k, class_id."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        default = 0.5 if top_k is None else _NEG_INF
        self.init_thresholds = thresholds
        self.thresholds = np.atleast_1d(np.asarray(default if thresholds is None else thresholds, np.float64))
        self._single = thresholds is None or np.ndim(thresholds) == 0
        self.top_k, self.class_id = top_k, class_id
        super().__init__(name, dtype)

    def reset_state(self):
        zeros = np.zeros(len(self.thresholds))
        self.true_positives, self.false_positives = zeros.copy(), zeros.copy()
        self.true_negatives, self.false_negatives = zeros.copy(), zeros.copy()

    def update_state(self, y_true, y_pred, sample_weight=None):
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, self.top_k, self.class_id)
        self.true_positives += tp
        self.false_positives += fp
        self.true_negatives += tn
        self.false_negatives += fn

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_Thresholded):
    """tp / (tp + fp) at each threshold (keras.metrics.Precision). Args: thresholds (0.5), top_k, class_id, name,
    dtype."""

    direction = "up"

    def result(self):
        return _scalar_or_array(_divide_no_nan(self.true_positives, self.true_positives + self.false_positives),
                                self._single)


class Recall(_Thresholded):
    """tp / (tp + fn) at each threshold (keras.metrics.Recall). Args: thresholds (0.5), top_k, class_id, name,
    dtype."""

    direction = "up"

    def result(self):
        return _scalar_or_array(_divide_no_nan(self.true_positives, self.true_positives + self.false_negatives),
                                self._single)


def _count_class(class_name, attribute, direction, doc):
    def __init__(self, thresholds=None, name=None, dtype=None):
        _Thresholded.__init__(self, thresholds, None, None, name, dtype)

    def result(self):
        return _scalar_or_array(getattr(self, attribute), self._single)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}

    return type(class_name, (_Thresholded,), {"__init__": __init__, "result": result, "get_config": get_config,
                                              "direction": direction, "__doc__": doc})


TruePositives = _count_class("TruePositives", "true_positives", "up",
                             "Weighted count of true positives (keras.metrics.TruePositives). Args: thresholds.")
FalsePositives = _count_class("FalsePositives", "false_positives", "down",
                              "Weighted count of false positives (keras.metrics.FalsePositives).")
TrueNegatives = _count_class("TrueNegatives", "true_negatives", "up",
                             "Weighted count of true negatives (keras.metrics.TrueNegatives).")
FalseNegatives = _count_class("FalseNegatives", "false_negatives", "down",
                              "Weighted count of false negatives (keras.metrics.FalseNegatives).")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, approximated over thresholds (keras.metrics.AUC).

    Args: num_thresholds (200: 0 - 1e-7, num_thresholds - 2 evenly spaced points inside (0, 1), 1 + 1e-7), curve
    ('ROC' or 'PR'), summation_method ('interpolation': trapezoids for ROC and Davis & Goadrich's interpolation for
    PR; 'minoring' or 'majoring': lower or upper Riemann sums), name, dtype, thresholds (explicit interior thresholds
    in place of the even ones), from_logits (apply a sigmoid first). Raises NotImplementedError for multi_label=True
    or label_weights (one curve over all labels only), ValueError for num_thresholds <= 1 or an unknown curve or
    summation."""

    direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        if multi_label or label_weights is not None:
            raise NotImplementedError("AUC(multi_label=True / label_weights) is not supported; one curve over all "
                                      "labels is")
        self.curve, self.summation_method = str(curve).upper(), str(summation_method).lower()
        if self.curve not in ("ROC", "PR"):
            raise ValueError(f"curve must be 'ROC' or 'PR', got {curve!r}")
        if self.summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"summation_method must be interpolation, minoring or majoring, got {summation_method!r}")
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(f"num_thresholds must be > 1, got {num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self._init_thresholds = thresholds
        # The end points sit just outside [0, 1] so that predictions of exactly 0 or 1 are counted.
        self.thresholds = np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON])
        self.multi_label, self.num_labels, self.from_logits = False, num_labels, from_logits
        super().__init__(name, dtype)

    def reset_state(self):
        zeros = np.zeros(self.num_thresholds)
        self.true_positives, self.false_positives = zeros.copy(), zeros.copy()
        self.true_negatives, self.false_negatives = zeros.copy(), zeros.copy()

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred, np.float64)
        if self.from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, self.thresholds, sample_weight)
        self.true_positives += tp
        self.false_positives += fp
        self.true_negatives += tn
        self.false_negatives += fn

    def _interpolated_pr_auc(self):
        # Davis & Goadrich (2006): between two thresholds precision is interpolated along tp as a function of
        # the predicted positives p = tp + fp, which integrates to a log term.
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        increments = _divide_no_nan(slope * (dtp + intercept * np.log(np.where(ratio > 0, ratio, 1.0))),
                                    np.maximum(tp[1:] + fn[1:], 0))
        return float(np.sum(increments))

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "from_logits": self.from_logits}
        if self._init_thresholds is not None:
            config["thresholds"] = list(self._init_thresholds)
        return config
