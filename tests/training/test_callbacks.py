"""edgelite.training.callbacks: the hook order of fit/evaluate/predict and each built-in callback's Keras 3
behaviour."""

import csv
import os
import warnings

import numpy as np
import pytest

import edgelite.training as et
from edgelite.training import callbacks, layers


def _linear_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    return x, y


def _model(lr=0.05):
    et.set_random_seed(0)
    model = et.Sequential([et.Input((3,)), layers.Dense(1)])
    model.compile(et.optimizers.SGD(lr), "mse", metrics=["mae"])
    return model


class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        attr = object.__getattribute__(self, name)
        if name.startswith("on_") and callable(attr):
            def hook(*args, **kwargs):
                object.__getattribute__(self, "calls").append((name,) + tuple(a for a in args if isinstance(a, int)))
                return attr(*args, **kwargs)
            return hook
        return attr


def test_fit_calls_the_hooks_in_keras_order_with_params_and_model():
    x, y = _linear_data(10)
    model = _model()
    recorder = Recorder()
    history = model.fit(x, y, batch_size=5, epochs=2, validation_data=(x, y), callbacks=[recorder], verbose=0)
    names = [c for c in recorder.calls if c[0] not in ("on_batch_begin", "on_batch_end")]
    epoch = [("on_epoch_begin", 0), ("on_train_batch_begin", 0), ("on_train_batch_end", 0),
             ("on_train_batch_begin", 1), ("on_train_batch_end", 1), ("on_test_begin",),
             ("on_test_batch_begin", 0), ("on_test_batch_end", 0), ("on_test_batch_begin", 1),
             ("on_test_batch_end", 1), ("on_test_end",), ("on_epoch_end", 0)]
    second = [(c[0], 1) if c[0].startswith("on_epoch") else c for c in epoch]
    assert names == [("on_train_begin",)] + epoch + second + [("on_train_end",)]
    # The old names still run from the new hooks, as Keras' Callback does.
    assert ("on_batch_end", 1) in recorder.calls
    assert recorder.model is model and recorder.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert isinstance(history, callbacks.History) and model.history is history
    assert history.epoch == [0, 1] and history.params["epochs"] == 2
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}


def test_evaluate_and_predict_call_their_hooks():
    x, y = _linear_data(6)
    model = _model()
    recorder = Recorder()
    model.evaluate(x, y, batch_size=4, callbacks=[recorder], verbose=0)
    model.predict(x, batch_size=4, callbacks=[recorder], verbose=0)
    assert [c[0] for c in recorder.calls] == [
        "on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_batch_begin", "on_test_batch_end",
        "on_test_end", "on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end",
        "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]


def test_callback_list_calls_each_in_order():
    seen = []
    a = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("a", epoch)))
    b = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(("b", epoch)))
    group = callbacks.CallbackList([a, b], add_history=True)
    group.set_model(_model())
    group.on_epoch_end(3, {"loss": 1.0})
    assert seen == [("a", 3), ("b", 3)] and group.history.history == {"loss": [1.0]}
    with pytest.raises(TypeError, match="unknown hook"):
        callbacks.LambdaCallback(on_epoch_finish=print)
    # fit takes one callback, or a CallbackList, as Keras does.
    x, y = _linear_data(6)
    history = _model().fit(x, y, epochs=2, verbose=0, callbacks=callbacks.CallbackList([a]))
    assert history.epoch == [0, 1] and seen[-1] == ("a", 1)
    _model().fit(x, y, epochs=1, verbose=0, callbacks=b)
    assert seen[-1] == ("b", 0)


def _monitored_fit(callback, values, monitor="val_loss"):
    """Runs the callback's epoch hooks on a given series of monitored values; returns the epochs that ran."""
    model = _model()
    callback.set_model(model)
    callback.on_train_begin()
    ran = []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        ran.append(epoch)
        callback.on_epoch_end(epoch, {monitor: value})
        if model.stop_training:
            break
    callback.on_train_end()
    return ran, model


def test_early_stopping_patience_min_delta_and_mode():
    ran, _ = _monitored_fit(callbacks.EarlyStopping(patience=2), [1.0, 0.9, 0.95, 0.91, 0.5])
    assert ran == [0, 1, 2, 3]
    # An improvement smaller than min_delta does not count.
    ran, _ = _monitored_fit(callbacks.EarlyStopping(patience=1, min_delta=0.1), [1.0, 0.95, 0.5])
    assert ran == [0, 1]
    ran, _ = _monitored_fit(callbacks.EarlyStopping(monitor="val_auc", mode="max", patience=1),
                            [0.5, 0.6, 0.55, 0.7], monitor="val_auc")
    assert ran == [0, 1, 2]


def test_early_stopping_baseline_and_start_from_epoch():
    # As Keras: an epoch that improves never stops; without beating the baseline the wait is not reset, so the
    # first epochs that do not improve stop sooner than without a baseline.
    stopper = callbacks.EarlyStopping(patience=2, baseline=0.1)
    ran, _ = _monitored_fit(stopper, [1.0, 1.1, 1.2, 1.3])
    assert ran == [0, 1] and stopper.stopped_epoch == 1
    ran, _ = _monitored_fit(callbacks.EarlyStopping(patience=2), [1.0, 1.1, 1.2, 1.3])
    assert ran == [0, 1, 2]
    ran, _ = _monitored_fit(callbacks.EarlyStopping(patience=2, baseline=0.1), [1.0, 0.9, 0.8, 0.7])
    assert ran == [0, 1, 2, 3]
    ran, _ = _monitored_fit(callbacks.EarlyStopping(patience=0, start_from_epoch=3), [1.0, 2.0, 3.0, 4.0, 5.0])
    assert ran == [0, 1, 2, 3, 4]


def test_early_stopping_restores_the_best_weights_in_fit():
    x, y = _linear_data()
    model = _model(lr=0.05)
    snapshots = []
    record = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    # Validation on shifted targets: the loss there gets worse as training fits the real ones.
    stopper = callbacks.EarlyStopping(patience=1, restore_best_weights=True)
    history = model.fit(x, y, epochs=30, validation_data=(x, y + 3.0 * x[:, :1]), callbacks=[record, stopper],
                        verbose=0)
    val = history.history["val_loss"]
    assert len(val) < 30 and stopper.best_epoch == int(np.argmin(val))
    for a, b in zip(model.get_weights(), snapshots[stopper.best_epoch]):
        np.testing.assert_array_equal(a, b)


def test_monitor_auto_mode_uses_the_metric_direction():
    x, y = _linear_data(8)
    model = et.Sequential([et.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=["auc", "mse"])
    model.fit(x, (y > 0).astype(np.float32), epochs=1, verbose=0)
    up = callbacks.EarlyStopping(monitor="val_auc")
    up.set_model(model)
    up._set_monitor_op()
    assert up._is_improvement(0.8, 0.7) and not up._is_improvement(0.6, 0.7)
    down = callbacks.EarlyStopping(monitor="mse")
    down.set_model(model)
    down._set_monitor_op()
    assert down._is_improvement(0.1, 0.2)
    unknown = callbacks.EarlyStopping(monitor="something")
    unknown.set_model(model)
    with pytest.raises(ValueError, match="mode='min'"):
        unknown._set_monitor_op()


def test_model_checkpoint_formats_names_and_saves_best_only(tmp_path):
    x, y = _linear_data()
    model = _model()
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.npz")
    model.fit(x, y, epochs=3, validation_data=(x, y), verbose=0,
              callbacks=[callbacks.ModelCheckpoint(pattern, save_best_only=False)])
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 3 and names[0].startswith("ckpt-01-") and names[2].startswith("ckpt-03-")
    best = str(tmp_path / "best.npz")
    checkpoint = callbacks.ModelCheckpoint(best, monitor="val_loss", save_best_only=True)
    ran, _ = _monitored_fit(checkpoint, [1.0, 2.0, 3.0])
    assert os.path.exists(best) and checkpoint.best == 1.0
    os.remove(best)
    checkpoint.on_epoch_end(3, {"val_loss": 5.0})
    assert not os.path.exists(best)  # no improvement: nothing written
    loaded = et.load_model(str(tmp_path / names[-1]))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_model_checkpoint_batch_frequency_and_errors(tmp_path):
    x, y = _linear_data(20)
    model = _model()
    model.fit(x, y, batch_size=5, epochs=1, verbose=0,
              callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "b{batch}.npz"), save_freq=2)])
    assert sorted(os.listdir(tmp_path)) == ["b2.npz", "b4.npz"]
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint("x.npz", save_freq="sometimes")
    with pytest.raises(KeyError, match="val_acc"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "{val_acc}.npz"))])


@pytest.mark.skipif(not hasattr(et.Model, "save_weights"), reason="model.save_weights is not in this build yet")
def test_model_checkpoint_weights_only(tmp_path):
    x, y = _linear_data(10)
    model = _model()
    path = str(tmp_path / "w.weights.npz")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.ModelCheckpoint(path, save_weights_only=True)])
    assert os.path.exists(path)


def test_reduce_lr_on_plateau_factor_patience_cooldown_min_lr():
    reducer = callbacks.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2, min_lr=0.02, min_delta=0.0)
    model = _model(lr=0.1)
    reducer.set_model(model)
    reducer.on_train_begin()
    rates = []
    for epoch, value in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        logs = {"val_loss": value}
        reducer.on_epoch_end(epoch, logs)
        rates.append(logs["learning_rate"])
    # Reduced after each plateau of `patience`; the cooldown counts down from the epoch after a reduction (Keras
    # order), so cooldown=2 skips one epoch; never below min_lr.
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02])
    assert model.optimizer.learning_rate == pytest.approx(0.02)
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler_sets_and_logs_the_rate():
    x, y = _linear_data(10)
    model = _model(lr=0.1)
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[scheduler])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025])
    with pytest.raises(ValueError, match="float"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda e, lr: "fast")])


def test_csv_logger_writes_rows_and_appends(tmp_path):
    x, y = _linear_data(10)
    path = str(tmp_path / "log.csv")
    model = _model()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(path, separator=";", append=True)])
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[0] == "epoch,loss,mae,val_loss,val_mae"
    assert len(lines) == 4 and lines[1].startswith("0,") and lines[1].endswith(",NA,NA")
    assert lines[3].count(";") == 4
    rows = list(csv.reader(lines[1:3]))
    assert float(rows[1][1]) < float(rows[0][1])


def test_terminate_on_nan_stops_or_raises():
    x, y = _linear_data(20)
    y[5] = np.nan
    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(x, y, batch_size=5, epochs=3, verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    assert history.epoch == [0]
    with pytest.raises(RuntimeError, match="NaN"):
        _model().fit(x, y, batch_size=5, epochs=1, verbose=0, callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


def test_progbar_logger_prints_epoch_lines(capsys):
    x, y = _linear_data(10)
    _model().fit(x, y, epochs=2, verbose=2, validation_data=(x, y))
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "val_loss" in out
    _model().fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""
    # A generator's step count is unknown until it ends; the finished line shows the count seen.
    _model().fit(((x[i:i + 5], y[i:i + 5]) for i in (0, 5)), epochs=1, verbose=2)
    assert "2/2" in capsys.readouterr().out


def test_old_import_names_still_work():
    from edgelite.training.trainer import Callback, History
    assert Callback is callbacks.Callback and History is callbacks.History and et.Callback is callbacks.Callback
