"""What EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share: a monitored log entry, the direction that counts
as better (mode), and min_delta."""

import warnings

from .callback import Callback


class MonitorCallback(Callback):
    """A callback that watches logs[monitor] (keras.callbacks.MonitorCallback). mode 'min' or 'max', or 'auto':
    minimize a loss, else follow the direction of the compiled metric of that name (accuracy, AUC, precision ...
    go up; errors go down). An improvement must beat the best value by more than min_delta. Raises ValueError in
    'auto' mode when the direction cannot be told."""

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown, falling back to 'auto'", stacklevel=3)
            mode = "auto"
        self.monitor, self.mode = monitor, mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        direction = {"min": "down", "max": "up"}.get(self.mode)
        if direction is None:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            if name == "loss":
                direction = "down"
            for metric in getattr(self.model, "metrics", None) or []:
                if metric.name == name and getattr(metric, "direction", None):
                    direction = metric.direction
        if direction is None:
            raise ValueError(f"{type(self).__name__}: cannot tell whether monitor={self.monitor!r} should be "
                             "minimized or maximized; pass mode='min' or mode='max'")
        self.monitor_op = (lambda a, b: a > b) if direction == "up" else (lambda a, b: a < b)
        self._sign = 1.0 if direction == "up" else -1.0

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        # Keras shifts the value by min_delta against the direction of improvement before comparing.
        return bool(self.monitor_op(value - self._sign * self.min_delta, reference))
