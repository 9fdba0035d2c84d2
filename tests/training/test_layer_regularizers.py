"""Regularizer and constraint arguments on the layers with weights (as Keras names them): the penalties each adds to
`losses`, the constraint fit applies after a step, and the config round trip."""

import numpy as np
import pytest

import edgelite.training as et
from edgelite.training import constraints, layers, regularizers

# layer class, constructor arguments, input shape (without batch), weight option names -> weight attribute
CASES = {
    "Conv2D": (layers.Conv2D, {"filters": 2, "kernel_size": 3}, (5, 5, 2), {"kernel": "kernel", "bias": "bias"}),
    "DepthwiseConv2D": (layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2}, (5, 5, 2),
                        {"depthwise": "depthwise_kernel", "bias": "bias"}),
    "Embedding": (layers.Embedding, {"input_dim": 6, "output_dim": 3}, (4,), {"embeddings": "embeddings"}),
    "BatchNormalization": (layers.BatchNormalization, {}, (4,), {"beta": "beta", "gamma": "gamma"}),
    "SimpleRNN": (layers.SimpleRNN, {"units": 3}, (4, 2),
                  {"kernel": "kernel", "recurrent": "recurrent_kernel", "bias": "bias"}),
    "LSTM": (layers.LSTM, {"units": 3}, (4, 2), {"kernel": "kernel", "recurrent": "recurrent_kernel", "bias": "bias"}),
    "GRU": (layers.GRU, {"units": 3}, (4, 2), {"kernel": "kernel", "recurrent": "recurrent_kernel", "bias": "bias"}),
}


def _inputs(name, shape, rng, batch=3):
    if name == "Embedding":
        return rng.integers(0, 6, size=(batch,) + shape)
    return rng.normal(size=(batch,) + shape).astype(np.float32)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_weight_penalty_and_the_activity_penalty_are_in_losses(name, rng):
    cls, kwargs, shape, weights = CASES[name]
    factors = {option: 0.1 * (k + 1) for k, option in enumerate(weights)}
    options = {f"{option}_regularizer": regularizers.L2(f) for option, f in factors.items()}
    layer = cls(**kwargs, **options, activity_regularizer=regularizers.L1(0.05))
    x = _inputs(name, shape, rng)
    out = layer(x)
    expected = [f * float(np.square(getattr(layer, weights[option]).data).sum()) for option, f in factors.items()]
    got = [float(t.data) for t in layer.losses]
    # Weight penalties (in weight order), then the activity penalty divided by the batch size, as Keras 3.
    assert sorted(got[:-1]) == pytest.approx(sorted(expected), rel=1e-6)
    assert got[-1] == pytest.approx(0.05 * np.abs(out.data).sum() / 3, rel=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_constraints_hold_after_fit_and_the_config_round_trips(name, rng):
    cls, kwargs, shape, weights = CASES[name]
    option = next(iter(weights))
    layer = cls(**kwargs, **{f"{option}_constraint": constraints.NonNeg(),
                             f"{option}_regularizer": regularizers.L1L2(0.01, 0.02)})
    model = et.Sequential([et.Input(shape, dtype="int64" if name == "Embedding" else "float32"), layer,
                           layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = _inputs(name, shape, rng, batch=8)
    model.fit(x, rng.normal(size=(8, 1)).astype(np.float32), epochs=2, verbose=0)
    assert getattr(layer, weights[option]).data.min() >= 0.0
    config = layer.get_config()
    assert config[f"{option}_constraint"]["class_name"] == "NonNeg"
    assert config[f"{option}_regularizer"]["config"] == {"l1": 0.01, "l2": 0.02}
    assert config["activity_regularizer"] is None
    clone = cls.from_config(config)
    assert clone.get_config() == config


def test_recurrent_activity_regularizer_covers_the_returned_states(rng):
    layer = layers.LSTM(2, return_state=True, activity_regularizer=regularizers.L2(1.0))
    outputs = layer(rng.normal(size=(2, 3, 2)).astype(np.float32))
    assert len(layer.losses) == 3
    for term, out in zip(layer.losses, outputs):
        assert float(term.data) == pytest.approx(np.square(out.data).sum() / 2, rel=1e-6)
