"""ModelCheckpoint: saves the model (or its weights) during fit, every epoch or every N batches."""

import os
import warnings

import numpy as np

from .monitor import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Saves the model through model.save (or model.save_weights with save_weights_only=True), as
    keras.callbacks.ModelCheckpoint.

    Args: filepath, formatted with the epoch (counted from 1), the batch (with an integer save_freq) and the log
    entries, e.g. 'ckpt-{epoch:02d}-{val_loss:.2f}.npz'; monitor ('val_loss'); verbose; save_best_only (save only
    when the monitor improves; when it is missing, save anyway with a warning); save_weights_only; mode ('auto',
    'min', 'max'); save_freq ('epoch', or an integer number of batches); initial_value_threshold (the value the
    first save must beat). Raises ValueError for another save_freq, KeyError when filepath names a missing entry."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"save_freq must be 'epoch' or a positive integer, got {save_freq!r}")
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only, self.save_freq = save_best_only, save_weights_only, save_freq
        self._batches_since_save, self._current_epoch = 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs or {})
        if batch is not None:
            fields.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(epoch=epoch + 1, **fields)
        except KeyError as e:
            raise KeyError(f"ModelCheckpoint filepath {self.filepath!r} names {e}, which is not in the logs "
                           f"(available: {', '.join(fields)})") from None

    def _should_save(self, epoch, logs, path):
        if not self.save_best_only:
            return True
        current = (logs or {}).get(self.monitor)
        if current is None or np.ndim(current) > 0:
            warnings.warn(f"ModelCheckpoint can save the best model only when {self.monitor!r} is a scalar in the "
                          "logs; saving anyway", stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                best = "None" if self.best is None else f"{self.best:.5f}"
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, saving to {path}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
        return False

    def _save(self, epoch, batch, logs):
        path = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, path):
            return
        if os.path.isdir(path):
            raise IOError(f"ModelCheckpoint filepath {path!r} is a directory; give a file name")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            if not hasattr(self.model, "save_weights"):
                raise NotImplementedError("save_weights_only=True needs model.save_weights, which this build lacks")
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose > 0 and not self.save_best_only:
            print(f"\nEpoch {epoch + 1}: saved model to {path}")
