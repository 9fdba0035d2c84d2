"""Activations, losses and metrics: gradients against finite differences and values against the Keras
formulas written out in NumPy."""

import math

import numpy as np
import pytest

from edgelite.training import Tensor, activations, losses, metrics

ACTIVATIONS = ["linear", "relu", "relu6", "sigmoid", "tanh", "softmax", "gelu", "gelu_approximate",
               "hard_swish", "hard_sigmoid", "swish"]
# Kinks each activation must be kept away from during finite differences.
KINKS = {"relu": [0.0], "relu6": [0.0, 6.0], "hard_swish": [-3.0, 3.0], "hard_sigmoid": [-3.0, 3.0]}


def _inputs(rng, name):
    x = rng.uniform(-8, 8, size=(4, 5))
    for p in KINKS.get(name, []):
        near = np.abs(x - p) < 0.1
        x[near] += 0.3
    return x


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients(name, gradcheck, rng):
    gradcheck.function(activations.get(name), [_inputs(rng, name)])


def _erf(x):
    return np.vectorize(math.erf)(x)


REFERENCES = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "gelu_approximate": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))),
    "hard_swish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "swish": lambda x: x / (1 + np.exp(-x)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values(name, rng):
    x = rng.uniform(-8, 8, size=(4, 5))
    np.testing.assert_allclose(activations.get(name)(Tensor(x)).data, REFERENCES[name](x), rtol=1e-12, atol=1e-14)


def test_activation_names_round_trip():
    for name in ACTIVATIONS:
        assert activations.get(activations.serialize(activations.get(name))) is activations.get(name)
    assert activations.get(None) is activations.linear
    with pytest.raises(ValueError):
        activations.get("nope")


def test_sigmoid_is_stable_for_large_inputs():
    y = activations.sigmoid(Tensor(np.array([-1000.0, 1000.0], dtype=np.float32))).data
    np.testing.assert_array_equal(y, [0.0, 1.0])


# ---- losses ----

def _loss_cases(rng):
    logits = rng.normal(size=(6, 4)) * 2
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = rng.integers(0, 4, size=6)
    one_hot = np.eye(4)[labels]
    binary = rng.integers(0, 2, size=(6, 3)).astype(float)
    p_binary = rng.uniform(0.05, 0.95, size=(6, 3))
    return {
        "mse": (losses.MeanSquaredError(), rng.normal(size=(6, 3)), rng.normal(size=(6, 3))),
        "bce": (losses.BinaryCrossentropy(), binary, p_binary),
        "bce_logits": (losses.BinaryCrossentropy(from_logits=True), binary, rng.normal(size=(6, 3)) * 3),
        "bce_smoothing": (losses.BinaryCrossentropy(label_smoothing=0.2), binary, p_binary),
        "cce": (losses.CategoricalCrossentropy(), one_hot, probs),
        "cce_logits": (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), one_hot, logits),
        "scce": (losses.SparseCategoricalCrossentropy(), labels, probs),
        "scce_logits": (losses.SparseCategoricalCrossentropy(from_logits=True), labels[:, None], logits),
    }


LOSS_NAMES = sorted(_loss_cases(np.random.default_rng(0)))


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_gradients(name, gradcheck, rng):
    loss, y_true, y_pred = _loss_cases(rng)[name]
    gradcheck.function(lambda p: loss(y_true, p), [y_pred])


def _log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _keras_reference(name, y, p):
    eps = 1e-7
    if name == "mse":
        return np.mean((p - y) ** 2)
    if name.startswith("bce"):
        if name == "bce_logits":
            p = 1 / (1 + np.exp(-p))
        if name == "bce_smoothing":
            y = y * 0.8 + 0.1
        p = np.clip(p, eps, 1 - eps)
        return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    if name == "cce":
        return np.mean(-np.sum(y * np.log(np.clip(p, eps, 1 - eps)), -1))
    if name == "cce_logits":
        y = y * 0.9 + 0.1 / 4
        return np.mean(-np.sum(y * _log_softmax(p), -1))
    labels = np.asarray(y).reshape(-1)
    log_p = _log_softmax(p) if name == "scce_logits" else np.log(np.clip(p, eps, 1 - eps))
    return np.mean(-log_p[np.arange(len(labels)), labels])


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_values_match_keras_formulas(name, rng):
    loss, y_true, y_pred = _loss_cases(rng)[name]
    value = loss(y_true, Tensor(y_pred)).data
    assert value.shape == ()
    np.testing.assert_allclose(value, _keras_reference(name, y_true, y_pred), rtol=1e-10)


def test_losses_by_name_and_from_logits_agree_with_probabilities(rng):
    logits = rng.normal(size=(5, 3))
    labels = rng.integers(0, 3, size=5)
    probs = np.exp(_log_softmax(logits))
    a = losses.get("sparse_categorical_crossentropy")(labels, Tensor(probs)).data
    b = losses.SparseCategoricalCrossentropy(from_logits=True)(labels, Tensor(logits)).data
    np.testing.assert_allclose(a, b, rtol=1e-9)
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    with pytest.raises(ValueError, match="sparse labels"):
        losses.get("sparse_categorical_crossentropy")(np.array([0, 3, 1, 1, 1]), Tensor(probs))


def test_probability_losses_clip_like_keras():
    # p = 0 would be log(0); Keras clips to epsilon, giving a finite loss of -log(1e-7).
    value = losses.CategoricalCrossentropy()(np.array([[1.0, 0.0]]), Tensor(np.array([[0.0, 1.0]]))).data
    np.testing.assert_allclose(value, -np.log(1e-7), rtol=1e-6)


# ---- metrics ----

def test_accuracy_resolves_by_shape_like_keras():
    probs = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    sparse = metrics.get("accuracy", (3,), probs.shape)
    sparse.update_state(np.array([1, 1, 1]), probs)
    assert sparse.name == "accuracy" and sparse.result() == pytest.approx(2 / 3)
    one_hot = metrics.get("acc", (3, 2), probs.shape)
    one_hot.update_state(np.eye(2)[[1, 0, 0]], probs)
    assert one_hot.result() == pytest.approx(2 / 3)
    binary = metrics.get("accuracy", (3, 1), (3, 1))
    binary.update_state(np.array([[1], [0], [1]]), np.array([[0.7], [0.4], [0.2]]))
    assert binary.result() == pytest.approx(2 / 3)
    assert metrics.resolve_accuracy((3, 1), (3, 5)) is metrics.SparseCategoricalAccuracy
