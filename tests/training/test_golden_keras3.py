"""edgelite's optimizers, schedules, losses, metrics and fit weighting against Keras 3's numbers, stored in
golden/keras3_training.npz by scripts/make_training_golden.py (the cases are in golden_cases.py)."""

import os

import numpy as np
import pytest

import edgelite.training as et
from edgelite.training import Variable, callbacks, layers, losses, metrics, optimizers
from edgelite.training.optimizers import schedules
from golden_cases import (CALLBACK_CASES, CALLBACK_START_LR, FIT_CASES, LOSS_CASES, METRIC_CASES,
                          OPTIMIZER_CASES, OPTIMIZER_STEPS, SCHEDULE_CASES, SCHEDULE_STEPS, drive_callback,
                          fit_data, loss_inputs, metric_inputs, optimizer_inputs)

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), "golden", "keras3_training.npz"))


@pytest.mark.parametrize("name", sorted(OPTIMIZER_CASES))
def test_optimizer_steps_match_keras(name):
    spec = OPTIMIZER_CASES[name]
    optimizer = optimizers.get(spec)  # the same {'class_name', 'config'} Keras was built from
    inputs = optimizer_inputs()
    variables = [Variable(v.copy()) for v in inputs["initial"]]
    for step in range(OPTIMIZER_STEPS):
        optimizer.apply_gradients(zip(inputs["gradients"][step], variables))
        for k, v in enumerate(variables):
            expected = GOLDEN[f"optimizer/{name}/step{step}/var{k}"]
            np.testing.assert_allclose(v.data, expected, rtol=2e-5, atol=2e-6, err_msg=f"{name} step {step}")


@pytest.mark.parametrize("name", sorted(SCHEDULE_CASES))
def test_schedule_values_match_keras(name):
    schedule = schedules.deserialize(SCHEDULE_CASES[name])
    values = [schedule(step) for step in SCHEDULE_STEPS]
    np.testing.assert_allclose(values, GOLDEN[f"schedule/{name}/values"], rtol=1e-5, atol=1e-8)
    clone = schedules.deserialize(schedules.serialize(schedule))
    assert [clone(s) for s in SCHEDULE_STEPS] == values


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_reductions_match_keras(name):
    class_name, kwargs, kind = LOSS_CASES[name]
    y_true, y_pred, weights = loss_inputs(kind)
    cls = getattr(losses, class_name)
    np.testing.assert_allclose(cls(reduction=None, **kwargs)(y_true, y_pred).data, GOLDEN[f"loss/{name}/none"],
                               rtol=1e-5, atol=1e-6)
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
        value = cls(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=weights).data
        np.testing.assert_allclose(value, GOLDEN[f"loss/{name}/{reduction}"], rtol=1e-5, atol=1e-6,
                                   err_msg=reduction)


@pytest.mark.parametrize("name", sorted(METRIC_CASES))
def test_metric_results_match_keras(name):
    class_name, kwargs, kind, weighted = METRIC_CASES[name]
    metric = getattr(metrics, class_name)(**kwargs)
    for y_true, y_pred, weights in metric_inputs(kind):
        metric.update_state(y_true, y_pred, sample_weight=weights if weighted else None)
    np.testing.assert_allclose(metric.result(), GOLDEN[f"metric/{name}/result"], rtol=1e-5, atol=1e-6)
    metric.reset_state()
    clone = type(metric).from_config(metric.get_config())
    assert clone.name == metric.name


@pytest.mark.parametrize("name", sorted(FIT_CASES))
def test_fit_weighting_matches_keras(name):
    case = FIT_CASES[name]
    data = fit_data(case)
    model = et.Sequential([et.Input((data["x"].shape[1],)), layers.Dense(case["units"], activation=case["activation"])])
    model.set_weights([data["kernel"], data["bias"]])
    model.compile(optimizers.SGD(case["lr"]), case["loss"], metrics=case["metrics"],
                  weighted_metrics=case["weighted_metrics"])
    history = model.fit(data["x"], data["y"], batch_size=case["batch_size"], epochs=case["epochs"], shuffle=False,
                        verbose=0, sample_weight=data.get("sample_weight"), class_weight=case.get("class_weight"))
    prefix = f"fit/{name}/history/"
    expected_keys = {k[len(prefix):] for k in GOLDEN.files if k.startswith(prefix)}
    assert set(history.history) == expected_keys
    for key in expected_keys:
        np.testing.assert_allclose(history.history[key], GOLDEN[prefix + key], rtol=1e-5, atol=1e-6, err_msg=key)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, GOLDEN[f"fit/{name}/kernel"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bias, GOLDEN[f"fit/{name}/bias"], rtol=1e-5, atol=1e-6)
    evaluated = model.evaluate(data["x"], data["y"], sample_weight=data.get("sample_weight"), verbose=0,
                               return_dict=True)
    for key, value in evaluated.items():
        np.testing.assert_allclose(value, GOLDEN[f"fit/{name}/evaluate/{key}"], rtol=1e-5, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("name", sorted(CALLBACK_CASES))
def test_monitor_callbacks_follow_keras_epoch_by_epoch(name):
    class_name, kwargs, values = CALLBACK_CASES[name]
    model = et.Sequential([et.Input((1,)), layers.Dense(1)])
    model.compile(optimizers.SGD(CALLBACK_START_LR), "mse")
    ran, rates = drive_callback(model, getattr(callbacks, class_name)(monitor="val_loss", **kwargs), values)
    assert ran == list(GOLDEN[f"callback/{name}/epochs"])
    # Keras keeps the rate in float32.
    np.testing.assert_allclose(rates, GOLDEN[f"callback/{name}/learning_rate"], rtol=1e-6)
