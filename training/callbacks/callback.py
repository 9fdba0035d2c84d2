"""Callback (Keras 3's hooks), CallbackList (calls every callback's hook in order) and History (fit's record)."""


class Callback:
    """Base class of fit/evaluate/predict callbacks, as keras.callbacks.Callback: override any hook. `self.model` is
    the model being run (set_model) and `self.params` fit's {'verbose', 'epochs', 'steps'} (set_params). Set
    `self.model.stop_training = True` to end fit after the current epoch."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        """Gives the callback the model it runs with (as `self.model`), before the loop starts."""
        self.model = model

    def set_params(self, params):
        """Gives the callback the loop's parameters (as `self.params`): {'verbose', 'epochs', 'steps'}."""
        self.params = params

    # Keras calls on_batch_begin/end from the training-batch hooks, so overriding either name works.
    def on_batch_begin(self, batch, logs=None):
        """Old name of on_train_batch_begin, called by it."""

    def on_batch_end(self, batch, logs=None):
        """Old name of on_train_batch_end, called by it."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called before epoch `epoch` (counted from 0) of fit."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after epoch `epoch` with its logs: 'loss', metric names and their 'val_' twins."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before training step `batch` of the epoch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after training step `batch` with the running logs of the epoch."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before step `batch` of evaluate (and of fit's validation)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after step `batch` of evaluate with its running logs."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before step `batch` of predict."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after step `batch` of predict; logs hold {'outputs': the batch's outputs}."""

    def on_train_begin(self, logs=None):
        """Called once when fit starts."""

    def on_train_end(self, logs=None):
        """Called once when fit ends, with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called when evaluate (or fit's validation) starts."""

    def on_test_end(self, logs=None):
        """Called when evaluate ends, with its logs."""

    def on_predict_begin(self, logs=None):
        """Called when predict starts."""

    def on_predict_end(self, logs=None):
        """Called when predict ends."""


class History(Callback):
    """Records fit's epochs, as keras.callbacks.History: `history` maps 'loss', metric names and their 'val_' twins
    to per-epoch lists, `epoch` lists the epoch indices, `params` holds fit's parameters. fit returns it (also as
    model.history)."""

    def __init__(self):
        super().__init__()
        self.history, self.epoch = {}, []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class CallbackList(Callback):
    """Many callbacks behind one Callback: each hook calls that hook of every callback in order, as
    keras.callbacks.CallbackList. With add_history a History is appended last (so it records what the callbacks
    before it added to the logs), with add_progbar a ProgbarLogger is put first."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if isinstance(callbacks, CallbackList):
            callbacks = callbacks.callbacks
        elif isinstance(callbacks, Callback):
            callbacks = [callbacks]  # Keras flattens what it is given, so one callback works too
        self.callbacks = list(callbacks or [])
        self._history = None
        if add_progbar and not any(type(c).__name__ == "ProgbarLogger" for c in self.callbacks):
            from .loggers import ProgbarLogger
            self.callbacks.insert(0, ProgbarLogger())
        if add_history:
            found = [c for c in self.callbacks if isinstance(c, History)]
            self._history = found[0] if found else History()
            if not found:
                self.callbacks.append(self._history)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    @property
    def history(self):
        """The History of this list (add_history=True), else None."""
        return self._history

    def append(self, callback):
        """Adds `callback` at the end."""
        self.callbacks.append(callback)

    def set_model(self, model):
        super().set_model(model)
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def _call(self, hook, *args):
        for callback in self.callbacks:
            method = getattr(callback, hook, None)
            if method is not None:
                method(*args)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)
