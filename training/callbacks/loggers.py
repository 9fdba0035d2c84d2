"""Callbacks that report: ProgbarLogger (the progress bar), CSVLogger (one row per epoch), TerminateOnNaN, and
LambdaCallback (hooks given as functions)."""

import csv
import os

import numpy as np

from ..progbar import Progbar
from .callback import Callback


class ProgbarLogger(Callback):
    """Prints progress in Keras' format (an 'Epoch i/n' line, then a bar or one line per epoch); fit, evaluate and
    predict add one when verbose is not 0, as Keras does. verbose and the step count come from params."""

    def __init__(self):
        super().__init__()
        self._bar, self._seen = None, 0

    def _start(self):
        self._bar, self._seen = Progbar(self.params.get("steps"), self.params.get("verbose", 1)), 0

    def _step(self, batch, logs):
        self._seen = batch + 1
        self._bar.update(self._seen, logs)

    def _finish(self, logs):
        # A generator's length is only known once it is done.
        if self._bar.target is None:
            self._bar.target = self._seen
        self._bar.update(self._bar.target, logs, finalize=True)

    def _in_validation(self):
        return getattr(self.model, "_in_fit_validation", False)

    def on_epoch_begin(self, epoch, logs=None):
        if self.params.get("verbose", 1):
            print(f"Epoch {epoch + 1}/{self.params.get('epochs', 1)}")
        self._start()

    def on_train_batch_end(self, batch, logs=None):
        self._step(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._in_validation():
            self._start()

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_validation():
            self._step(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_validation():
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._start()

    def on_predict_batch_end(self, batch, logs=None):
        self._step(batch, None)

    def on_predict_end(self, logs=None):
        self._finish(None)


class CSVLogger(Callback):
    """Writes one row per epoch ('epoch' then the log entries, sorted) to a CSV file, as keras.callbacks.CSVLogger.
    Args: filename, separator (','), append (keep the file's rows and add to them; the header is written only
    into an empty file). Without validation entries the header still lists 'val_' columns, filled with 'NA'."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.csv_file = self.writer = self.keys = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as f:
                self.append_header = not f.readline()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer = self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            # Keras reserves the 'val_' columns even when this fit has no validation.
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            dialect = type("Dialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        for key in self.keys:
            value = logs.get(key, "NA")
            if not isinstance(value, str) and np.ndim(value) > 0:
                value = f'"[{", ".join(map(str, np.ravel(value)))}]"'
            row[key] = value
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


class TerminateOnNaN(Callback):
    """Stops fit at the first batch whose loss is NaN or infinite (keras.callbacks.TerminateOnNaN); with
    raise_error=True it raises RuntimeError there instead."""

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}: {loss}")
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of functions, as keras.callbacks.LambdaCallback: on_epoch_begin/on_epoch_end(epoch, logs),
    on_train_batch_begin/on_train_batch_end (also given as on_batch_begin/on_batch_end)(batch, logs),
    on_train_begin/on_train_end(logs), and any other hook name as a keyword."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end)
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not (name.startswith("on_") and callable(getattr(Callback, name, None))):
                raise TypeError(f"LambdaCallback: unknown hook {name!r}")
            setattr(self, name, fn)
