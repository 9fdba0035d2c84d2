"""Callbacks that set the optimizer's learning rate: LearningRateScheduler and ReduceLROnPlateau. Both put the rate
into the epoch's logs as 'learning_rate', as Keras 3 does, so History records it."""

import warnings

import numpy as np

from .callback import Callback
from .monitor import MonitorCallback


def _learning_rate(model):
    lr = model.optimizer.learning_rate
    if callable(lr):
        raise ValueError("the optimizer's learning rate is a schedule; these callbacks need a float learning rate")
    return float(lr)


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to schedule(epoch, lr) (epoch counted from 0, lr the current
    rate), as keras.callbacks.LearningRateScheduler. verbose=1 prints each change. Raises ValueError when schedule
    returns something that is not a number."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = self.schedule(epoch, _learning_rate(self.model))
        if not isinstance(lr, (float, int, np.floating, np.integer)) and np.ndim(lr) != 0:
            raise ValueError(f"the schedule must return a float, got {lr!r}")
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _learning_rate(self.model)


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by `factor` when logs[monitor] has not improved for `patience` epochs, as
    keras.callbacks.ReduceLROnPlateau.

    Args: monitor ('val_loss'), factor (0.1; must be < 1), patience (10), verbose, mode ('auto', 'min', 'max'),
    min_delta (1e-4), cooldown (epochs to wait after a reduction before counting again), min_lr (the floor).
    Raises ValueError for factor >= 1."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau needs factor < 1.0, got {factor}")
        self.factor, self.patience, self.verbose = factor, patience, verbose
        self.cooldown, self.min_lr = cooldown, min_lr
        self.cooldown_counter = self.wait = 0

    def on_train_begin(self, logs=None):
        self.best, self.cooldown_counter, self.wait = None, 0, 0

    def in_cooldown(self):
        """True while the cooldown after a reduction lasts."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _learning_rate(self.model)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"ReduceLROnPlateau monitors {self.monitor!r}, which is not in the logs "
                          f"(available: {', '.join(logs)})", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old = _learning_rate(self.model)
                # Compared in float32 as Keras does, so a rate already at min_lr is left alone.
                if old > np.float32(self.min_lr):
                    new = max(old * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0
