"""Writes tests/training/golden/keras3_training.npz: reference numbers from Keras 3 for the training side's
optimizers, schedules, losses, metrics and fit's sample/class weighting, so the default tests need no TensorFlow.

Run with a Python that has Keras 3 (the values committed came from TF 2.21 + Keras 3.15.1):
    /work/tfenv/bin/python scripts/make_training_golden.py
Every case is keyed '<group>/<case>/<what>'; tests/training/golden_cases.py holds the same case list for the tests.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "training"))
from golden_cases import (CALLBACK_CASES, CALLBACK_START_LR, FIT_CASES, LOSS_CASES, METRIC_CASES,  # noqa: E402
                          OPTIMIZER_CASES, SCHEDULE_CASES, SCHEDULE_STEPS, drive_callback,
                          fit_data, loss_inputs, metric_inputs, optimizer_inputs)

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "training", "golden", "keras3_training.npz")


def keras_schedule(spec):
    return getattr(keras.optimizers.schedules, spec["class_name"])(**spec["config"])


def run_optimizer(name, spec, arrays):
    config = dict(spec["config"])
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = keras_schedule(config["learning_rate"])
    optimizer = getattr(keras.optimizers, spec["class_name"])(**config)
    variables = [keras.Variable(v, dtype="float32") for v in arrays["initial"]]
    out = {}
    for step, grads in enumerate(arrays["gradients"]):
        optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], variables))
        for k, v in enumerate(variables):
            out[f"optimizer/{name}/step{step}/var{k}"] = np.array(v.numpy())
    return out


def run_losses():
    out = {}
    for name, (class_name, kwargs, kind) in LOSS_CASES.items():
        y_true, y_pred, weights = loss_inputs(kind)
        cls = getattr(keras.losses, class_name)
        out[f"loss/{name}/none"] = np.array(cls(reduction=None, **kwargs)(y_true, y_pred))
        for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
            out[f"loss/{name}/{reduction}"] = np.array(cls(reduction=reduction, **kwargs)(y_true, y_pred, weights))
    return out


def run_metrics():
    out = {}
    for name, (class_name, kwargs, kind, weighted) in METRIC_CASES.items():
        metric = getattr(keras.metrics, class_name)(**kwargs)
        for y_true, y_pred, weights in metric_inputs(kind):
            metric.update_state(y_true, y_pred, sample_weight=weights if weighted else None)
        out[f"metric/{name}/result"] = np.array(metric.result())
    return out


def run_schedules():
    out = {}
    for name, spec in SCHEDULE_CASES.items():
        schedule = keras_schedule(spec)
        out[f"schedule/{name}/values"] = np.array([float(schedule(s)) for s in SCHEDULE_STEPS])
    return out


def run_fit():
    out = {}
    for name, case in FIT_CASES.items():
        data = fit_data(case)
        model = keras.Sequential([keras.Input((data["x"].shape[1],)),
                                  keras.layers.Dense(data["kernel"].shape[1], activation=case["activation"])])
        model.set_weights([data["kernel"], data["bias"]])
        model.compile(keras.optimizers.SGD(case["lr"]), case["loss"], metrics=case["metrics"],
                      weighted_metrics=case["weighted_metrics"])
        history = model.fit(data["x"], data["y"], batch_size=case["batch_size"], epochs=case["epochs"],
                            shuffle=False, verbose=0, sample_weight=data.get("sample_weight"),
                            class_weight=case.get("class_weight"))
        for key, values in history.history.items():
            out[f"fit/{name}/history/{key}"] = np.array(values)
        out[f"fit/{name}/kernel"], out[f"fit/{name}/bias"] = model.get_weights()
        evaluated = model.evaluate(data["x"], data["y"], sample_weight=data.get("sample_weight"), verbose=0,
                                   return_dict=True)
        for key, value in evaluated.items():
            out[f"fit/{name}/evaluate/{key}"] = np.array(value)
    return out


def run_callbacks():
    out = {}
    for name, (class_name, kwargs, values) in CALLBACK_CASES.items():
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(CALLBACK_START_LR), "mse")
        ran, rates = drive_callback(model, getattr(keras.callbacks, class_name)(monitor="val_loss", **kwargs),
                                    values)
        out[f"callback/{name}/epochs"] = np.array(ran)
        out[f"callback/{name}/learning_rate"] = np.array(rates)
    return out


def main():
    arrays = {}
    for name, spec in OPTIMIZER_CASES.items():
        arrays.update(run_optimizer(name, spec, optimizer_inputs()))
    arrays.update(run_losses())
    arrays.update(run_metrics())
    arrays.update(run_schedules())
    arrays.update(run_fit())
    arrays.update(run_callbacks())
    arrays["meta"] = np.array(json.dumps({"keras": keras.__version__}))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {len(arrays)} arrays to {os.path.normpath(OUT)} (Keras {keras.__version__})")


if __name__ == "__main__":
    main()
