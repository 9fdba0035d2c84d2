"""Losses with Keras 3 formulas: per-sample functions plus Loss classes that weight and reduce them over the batch
(Keras' reductions: 'sum_over_batch_size' by default, 'sum', 'mean_with_sample_weight', 'none').

Probability inputs are clipped to [1e-7, 1 - 1e-7] like Keras (so the gradient is zero where the clip
binds); `from_logits=True` uses the numerically stable log-softmax / log-sigmoid forms instead.
"""

import numpy as np

from . import ops
from .autodiff import Tensor
from .utils import merge_options, snake_case

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


def huber(y_true, y_pred, delta=1.0):
    """Per-sample Huber loss (keras.losses.huber): 0.5 * e**2 where |e| <= delta, else delta * (|e| - 0.5 * delta),
    with e = y_pred - y_true, averaged over the last axis."""
    error = ops.abs(ops.subtract(y_pred, _labels(y_true, y_pred)))
    # Splitting |e| into min(|e|, delta) and the rest gives both branches without a select.
    quadratic = ops.minimum(error, delta)
    linear = ops.subtract(error, quadratic)
    return ops.mean(ops.add(ops.multiply(ops.square(quadratic), 0.5), ops.multiply(linear, delta)), axis=-1)


def _softplus(x):
    # log(1 + exp(x)) without overflow: relu(x) + log(1 + exp(-|x|)).
    return ops.add(ops.relu(x), ops.log(ops.add(ops.exp(ops.negative(ops.abs(x))), 1.0)))


def log_cosh(y_true, y_pred):
    """Per-sample mean of log(cosh(y_pred - y_true)) over the last axis (keras.losses.log_cosh), computed as
    x + softplus(-2x) - log 2 so large errors do not overflow."""
    x = ops.subtract(y_pred, _labels(y_true, y_pred))
    return ops.mean(ops.subtract(ops.add(x, _softplus(ops.multiply(x, -2.0))), float(np.log(2.0))), axis=-1)


def kl_divergence(y_true, y_pred):
    """Per-sample sum of y_true * log(y_true / y_pred) over the last axis (keras.losses.kl_divergence), both
    clipped to [1e-7, 1]."""
    y = np.clip(_labels(y_true, y_pred), EPSILON, 1.0)
    p = ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(ops.multiply(ops.subtract(np.log(y), ops.log(p)), y), axis=-1)


def poisson(y_true, y_pred):
    """Per-sample mean of y_pred - y_true * log(y_pred + 1e-7) over the last axis (keras.losses.poisson)."""
    y = _labels(y_true, y_pred)
    return ops.mean(ops.subtract(y_pred, ops.multiply(ops.log(ops.add(y_pred, EPSILON)), y)), axis=-1)


def _hinge_labels(y_true, y_pred):
    # Keras maps 0/1 labels to -1/+1; labels already in another form are used as given.
    y = _labels(y_true, y_pred)
    return 2.0 * y - 1.0 if np.all((y == 0) | (y == 1)) else y


def hinge(y_true, y_pred):
    """Per-sample mean of max(1 - y_true * y_pred, 0) over the last axis (keras.losses.hinge); 0/1 labels are taken
    as -1/+1."""
    return ops.mean(ops.relu(ops.subtract(1.0, ops.multiply(y_pred, _hinge_labels(y_true, y_pred)))), axis=-1)


def squared_hinge(y_true, y_pred):
    """Per-sample mean of max(1 - y_true * y_pred, 0) ** 2 over the last axis (keras.losses.squared_hinge)."""
    margin = ops.relu(ops.subtract(1.0, ops.multiply(y_pred, _hinge_labels(y_true, y_pred))))
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Per-sample max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis with one-hot
    targets (keras.losses.categorical_hinge)."""
    y = _labels(y_true, y_pred)
    positive = ops.sum(ops.multiply(y_pred, y), axis=-1)
    negative = ops.max(ops.multiply(y_pred, 1.0 - y), axis=-1)
    return ops.relu(ops.add(ops.subtract(negative, positive), 1.0))


def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample 100 * mean(|(y_true - y_pred) / max(|y_true|, 1e-7)|) over the last axis
    (keras.losses.mean_absolute_percentage_error)."""
    y = _labels(y_true, y_pred)
    scale = 100.0 / np.maximum(np.abs(y), EPSILON)
    return ops.mean(ops.multiply(ops.abs(ops.subtract(y_pred, y)), scale), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample mean of (log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)) ** 2 over the last axis
    (keras.losses.mean_squared_logarithmic_error)."""
    y = np.log(np.maximum(_labels(y_true, y_pred), EPSILON) + 1.0)
    return ops.mean(ops.square(ops.subtract(ops.log(ops.add(ops.maximum(y_pred, EPSILON), 1.0)), y)), axis=-1)


def _l2_normalize(x, axis):
    # x / max(||x||, 1e-7), as keras.ops.normalize.
    return ops.divide(x, ops.maximum(ops.sqrt(ops.sum(ops.square(x), axis, keepdims=True)), EPSILON))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample negative cosine similarity of y_true and y_pred along `axis` (keras.losses.cosine_similarity):
    -1 when they point the same way, 0 when orthogonal."""
    y = _labels(y_true, y_pred)
    y = y / np.maximum(np.sqrt(np.sum(y * y, axis=axis, keepdims=True)), EPSILON)
    return ops.negative(ops.sum(ops.multiply(_l2_normalize(y_pred, axis), y), axis))


REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _weights_like(sample_weight, values):
    """sample_weight as an array of the values' rank (Keras squeezes or adds one trailing axis to match)."""
    w = np.asarray(sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight, dtype=values.dtype)
    if w.ndim == values.ndim + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    elif w.ndim == values.ndim - 1:
        w = w[..., None]
    return w


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Keras' weighting and reduction of per-sample losses: values * sample_weight, then 'sum', or the sum divided
    by the number of values ('sum_over_batch_size' and 'mean') or by the sum of the weights
    ('mean_with_sample_weight'); 'none' / None keep the weighted per-sample values."""
    if sample_weight is not None:
        values = ops.multiply(values, _weights_like(sample_weight, values))
    if reduction in ("none", None) or values.ndim == 0:
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(np.broadcast_to(_weights_like(sample_weight, values), values.shape)))
    else:
        divisor = float(values.size)
    # divide_no_nan: an empty batch, or all-zero weights, gives 0.
    return ops.multiply(total, 1.0 / divisor) if divisor else ops.multiply(total, 0.0)



class Loss:
    """Callable loss as keras.losses.Loss: loss(y_true, y_pred, sample_weight=None) applies the per-sample function,
    multiplies by sample_weight and reduces ('sum_over_batch_size': the weighted sum divided by the batch size).
    Args: reduction (one of REDUCTIONS), name, dtype (accepted as Keras; computation runs in y_pred's dtype).
    Raises ValueError for an unknown reduction."""

    fn = None

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None, **options):
        if reduction not in REDUCTIONS:
            raise ValueError(f"unknown reduction {reduction!r}; expected one of {REDUCTIONS}")
        self.name = name or snake_case(type(self).__name__)
        self.reduction, self.dtype = reduction, dtype
        self.options = options

    def call(self, y_true, y_pred):
        """The per-sample losses (before weighting and reduction)."""
        return type(self).fn(y_true, y_pred, **self.options)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not isinstance(y_pred, Tensor):
            y_pred = Tensor(np.asarray(y_pred, dtype=self.dtype or np.float32))
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def get_config(self):
        """The constructor arguments as a dict (name, reduction and options), for serialize() and saved models."""
        return {"name": self.name, "reduction": self.reduction, **self.options}

    @classmethod
    def from_config(cls, config):
        """A new loss of this class made from a get_config() dict."""
        return cls(**config)


def _loss_class(class_name, function, default_name, doc, **option_defaults):
    """A Loss subclass over `function`: its constructor takes option_defaults' keywords, then reduction, name and
    dtype, as the Keras class of that name."""

    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None, **kwargs):
        Loss.__init__(self, name, reduction, dtype, **merge_options(class_name, option_defaults, args, kwargs))

    return type(class_name, (Loss,), {"fn": staticmethod(function), "__init__": __init__, "__doc__": doc})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                               "Mean squared error (keras.losses.MeanSquaredError; 'mse').")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                "Mean absolute error (keras.losses.MeanAbsoluteError; 'mae').")
BinaryCrossentropy = _loss_class(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    "Binary cross-entropy (keras.losses.BinaryCrossentropy). Args: from_logits, label_smoothing (see "
    "binary_crossentropy), reduction, name.", from_logits=False, label_smoothing=0.0)
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    "Cross-entropy with one-hot targets (keras.losses.CategoricalCrossentropy). Args: from_logits, label_smoothing, "
    "axis (see categorical_crossentropy), reduction, name.", from_logits=False, label_smoothing=0.0, axis=-1)
SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    "Cross-entropy with integer class ids (keras.losses.SparseCategoricalCrossentropy). Args: from_logits, "
    "reduction, name.", from_logits=False)
Huber = _loss_class("Huber", huber, "huber_loss", "Huber loss (keras.losses.Huber). Args: delta (1.0), reduction, "
                    "name.", delta=1.0)
LogCosh = _loss_class("LogCosh", log_cosh, "log_cosh", "log(cosh(error)) (keras.losses.LogCosh).")
KLDivergence = _loss_class("KLDivergence", kl_divergence, "kl_divergence",
                           "Kullback-Leibler divergence (keras.losses.KLDivergence).")
Poisson = _loss_class("Poisson", poisson, "poisson", "Poisson loss (keras.losses.Poisson).")
Hinge = _loss_class("Hinge", hinge, "hinge", "Hinge loss (keras.losses.Hinge).")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge",
                           "Squared hinge loss (keras.losses.SquaredHinge).")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                               "Categorical hinge loss (keras.losses.CategoricalHinge).")
MeanAbsolutePercentageError = _loss_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error, "mean_absolute_percentage_error",
    "Mean absolute percentage error (keras.losses.MeanAbsolutePercentageError; 'mape').")
MeanSquaredLogarithmicError = _loss_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
    "Mean squared logarithmic error (keras.losses.MeanSquaredLogarithmicError; 'msle').")
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                               "Negative cosine similarity (keras.losses.CosineSimilarity). Args: axis (-1).",
                               axis=-1)


class LossFunctionWrapper(Loss):
    """A plain function fn(y_true, y_pred) -> per-sample loss; trains, but is not saved with the model."""

    def __init__(self, fn, name=None, reduction="sum_over_batch_size"):
        super().__init__(name or getattr(fn, "__name__", "loss"), reduction)
        self._fn = fn

    def call(self, y_true, y_pred):
        return self._fn(y_true, y_pred)


class ShapeResolvedCrossentropy(Loss):
    """compile(loss='crossentropy' or 'ce'), as Keras 3: binary cross-entropy for one output unit, sparse categorical
    for labels of lower rank or width 1, else categorical, picked by the shapes of each call. Not savable (Keras
    saves the function it picked)."""

    def __init__(self, name="crossentropy", reduction="sum_over_batch_size"):
        super().__init__(name, reduction)

    def call(self, y_true, y_pred):
        true_shape = np.shape(y_true.data if isinstance(y_true, Tensor) else y_true)
        if y_pred.shape[-1] == 1:
            return binary_crossentropy(y_true, y_pred)
        if len(true_shape) < y_pred.ndim or true_shape[-1] == 1:
            return sparse_categorical_crossentropy(y_true, y_pred)
        return categorical_crossentropy(y_true, y_pred)


_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Huber, LogCosh, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity)}
# Keras' string aliases: the function names, their short forms, and the snake-case class names.
FUNCTIONS = {
    "mean_squared_error": mean_squared_error, "mean_absolute_error": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy, "huber": huber, "log_cosh": log_cosh,
    "kl_divergence": kl_divergence, "poisson": poisson, "hinge": hinge, "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge, "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "cosine_similarity": cosine_similarity,
}
_NAMES = {
    "mse": MeanSquaredError, "mae": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "kld": KLDivergence,
    "kullback_leibler_divergence": KLDivergence, "logcosh": LogCosh, "huber_loss": Huber,
    **{fn_name: cls for cls in _CLASSES.values() for fn_name in FUNCTIONS if FUNCTIONS[fn_name] is cls.fn},
    **{snake_case(name): cls for name, cls in _CLASSES.items()},
}


def get(identifier):
    """Name ('sparse_categorical_crossentropy', 'huber', 'mse' ...), serialized dict, Loss or function -> Loss."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in ("crossentropy", "ce"):
            return ShapeResolvedCrossentropy(name=identifier)
        cls = _CLASSES.get(identifier) or _NAMES.get(identifier.lower())
        if cls is None:
            raise ValueError(f"unknown loss {identifier!r}; known: {sorted(_NAMES)}")
        return cls()
    if isinstance(identifier, dict):
        if identifier.get("class_name") not in _CLASSES:
            raise ValueError(f"unknown loss class {identifier.get('class_name')!r}")
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise ValueError(f"loss must be a name, a Loss or a function, got {identifier!r}")


def serialize(loss):
    """{'class_name': ..., 'config': ...} of a built-in loss, which get() reads back. Raises ValueError for a loss
    made from a plain function (not savable)."""
    if type(loss).__name__ not in _CLASSES:
        raise ValueError(f"loss {loss.name!r} is not a built-in Loss and cannot be serialized")
    return {"class_name": type(loss).__name__, "config": loss.get_config()}
