"""compile / fit / evaluate / predict for Model (a mixin, as Keras' Trainer), History and Callback hooks.

One training step: forward in training mode on the tape, the compiled loss, `grad` of the loss with
respect to the trainable weights, then `optimizer.apply_gradients`.
"""

import numpy as np

from . import losses, metrics as metrics_module, optimizers
from .autodiff import grad, no_grad
from .progbar import Progbar
from .utils import global_rng


class History:
    """Returned by fit: `history` maps 'loss', metric names and their 'val_' twins to per-epoch lists."""

    def __init__(self, model, params):
        self.model, self.params = model, params
        self.history, self.epoch = {}, []

    def record(self, epoch, logs):
        """Appends the logs of epoch `epoch` ({name: value}) to `history`."""
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)


class Callback:
    """Override any of the hooks; set `self.model.stop_training = True` to end fit after this epoch."""

    def set_model(self, model):
        """Gives the callback the model being trained (as `self.model`), before training starts."""
        self.model = model

    def on_train_begin(self, logs=None):
        """Called once when fit starts."""

    def on_train_end(self, logs=None):
        """Called once when fit ends (after the last epoch, or when stop_training was set)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called before epoch `epoch` (counted from 0) starts."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after epoch `epoch` with its logs: {'loss': ..., metric names, 'val_' entries}."""

    def on_train_batch_end(self, batch, logs=None):
        """Called after training step `batch` of the epoch with the running logs of the epoch."""


def _as_arrays(x):
    return [np.asarray(a) for a in x] if isinstance(x, (list, tuple)) else [np.asarray(x)]


def _num_samples(arrays):
    sizes = {len(a) for a in arrays}
    if len(sizes) != 1:
        raise ValueError(f"all inputs and targets must have the same number of samples, got {sorted(sizes)}")
    return sizes.pop()


def _verbosity(verbose):
    return 1 if verbose == "auto" else int(verbose)


class Trainer:
    """The compile/fit/evaluate/predict methods of Model (Keras's training loop); not used on its own."""

    optimizer = None
    loss = None
    compiled = False
    stop_training = False

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Configures training: `optimizer` (a name such as 'adam', a dict from serialize, or an Optimizer; default
        'rmsprop' as Keras), `loss` (a name such as 'sparse_categorical_crossentropy', a Loss, or a function
        fn(y_true, y_pred) -> per-sample loss) and `metrics` (names such as 'accuracy', or functions). Raises
        ValueError for an unknown name."""
        self.optimizer = optimizers.get(optimizer)
        self.loss = None if loss is None else losses.get(loss)
        self.metric_ids = list(metrics or [])
        self.compiled = True

    def _feed(self, arrays, index=None):
        arrays = arrays if index is None else [a[index] for a in arrays]
        return arrays if getattr(self, "_multi_input", False) else arrays[0]

    def _make_metrics(self, y, y_pred):
        return [metrics_module.get(m, np.shape(y), np.shape(y_pred)) for m in self.metric_ids]

    def _check_trainable(self):
        if not self.compiled or self.loss is None:
            raise RuntimeError(f"model {self.name!r}: call compile(optimizer, loss) before fit/evaluate")
        if getattr(self, "_multi_output", False):
            raise NotImplementedError("fit/evaluate support single-output models; predict supports several")

    # ---- steps ----

    def train_on_batch(self, x, y):
        """One optimizer step on (x, y); returns the batch loss (float) and the predictions (NumPy)."""
        self._check_trainable()
        y_pred = self(self._feed(_as_arrays(x)), training=True)
        loss = self.loss(y, y_pred)
        # Keras adds the regularization and add_loss penalties to the reported loss too.
        for penalty in self.losses:
            loss = loss + penalty
        variables = self.trainable_weights
        self.optimizer.apply_gradients(zip(grad(loss, variables), variables))
        for variable in variables:
            if getattr(variable, "constraint", None) is not None:
                variable.assign(variable.constraint(variable.data))
        return float(loss.data), y_pred.data

    def _run_epoch(self, xs, y, batch_size, order, bar, logs_fn, train):
        state = {"loss_sum": 0.0, "seen": 0, "metrics": None}
        callbacks = self._callbacks if train else []
        for step, start in enumerate(range(0, len(order), batch_size)):
            index = order[start:start + batch_size]
            yb = y[index]
            if train:
                loss_value, y_pred = self.train_on_batch(self._feed(xs, index), yb)
            else:
                with no_grad():
                    pred = self(self._feed(xs, index), training=False)
                    loss_value, y_pred = float(self.loss(yb, pred).data), pred.data
            if state["metrics"] is None:
                state["metrics"] = self._make_metrics(yb, y_pred)
            for metric in state["metrics"]:
                metric.update_state(yb, y_pred)
            # Keras averages batch losses weighted by batch size, so the epoch loss is a per-sample mean.
            state["loss_sum"] += loss_value * len(index)
            state["seen"] += len(index)
            logs = logs_fn(state)
            bar.update(step + 1, logs)
            for callback in callbacks:
                if hasattr(callback, "on_train_batch_end"):
                    callback.on_train_batch_end(step, logs)
        return logs_fn(state)

    @staticmethod
    def _logs(state):
        logs = {"loss": state["loss_sum"] / max(state["seen"], 1)}
        logs.update((m.name, m.result()) for m in state["metrics"] or [])
        return logs

    # ---- public loops ----

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0):
        """Trains for `epochs` over (x, y) in batches of `batch_size` (default 32), shuffled each epoch unless
        shuffle=False, and returns a History. x is an array (or a list of arrays for several inputs), y the targets.
        validation_data=(x_val, y_val), or validation_split: the last fraction of the samples, taken before
        shuffling, is evaluated after each epoch ('val_' entries). callbacks: Callback objects; verbose: 'auto' or 1
        (a progress bar), 2 (a line per epoch), 0 (silent); initial_epoch: the epoch to start counting at. Raises
        RuntimeError before compile(), NotImplementedError for a model with several outputs, ValueError when inputs
        and targets differ in sample count."""
        self._check_trainable()
        verbose, batch_size = _verbosity(verbose), batch_size or 32
        xs, y = _as_arrays(x), np.asarray(y)
        n = _num_samples(xs + [y])
        if validation_split and validation_data is None:
            # Keras takes the last fraction of the samples, before any shuffling.
            cut = int(n * (1.0 - validation_split))
            validation_data = ([a[cut:] for a in xs] if len(xs) > 1 else xs[0][cut:], y[cut:])
            xs, y, n = [a[:cut] for a in xs], y[:cut], cut
        steps = -(-n // batch_size)
        history = History(self, {"epochs": epochs, "steps": steps, "verbose": verbose})
        self._callbacks = list(callbacks or [])
        self.stop_training = False
        self._notify("set_model", self)
        self._notify("on_train_begin")
        for epoch in range(initial_epoch, epochs):
            self._notify("on_epoch_begin", epoch)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            bar = Progbar(steps, verbose)
            order = global_rng().permutation(n) if shuffle else np.arange(n)
            logs = self._run_epoch(xs, y, batch_size, order, bar, self._logs, train=True)
            if validation_data is not None:
                val = self.evaluate(*validation_data[:2], batch_size=batch_size, verbose=0, return_dict=True)
                logs.update((f"val_{k}", v) for k, v in val.items())
            bar.update(steps, logs, finalize=True)
            history.record(epoch, logs)
            self._notify("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        self._notify("on_train_end")
        self.history = history
        return history

    def _notify(self, hook, *args):
        for callback in self._callbacks:
            if hasattr(callback, hook):
                getattr(callback, hook)(*args)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False):
        """Loss (and metrics) over the data in inference mode: a float, [loss, *metrics], or a dict."""
        self._check_trainable()
        verbose, batch_size = _verbosity(verbose), batch_size or 32
        xs, y = _as_arrays(x), np.asarray(y)
        n = _num_samples(xs + [y])
        bar = Progbar(-(-n // batch_size), verbose)
        logs = self._run_epoch(xs, y, batch_size, np.arange(n), bar, self._logs, train=False)
        bar.update(-(-n // batch_size), logs, finalize=True)
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def predict(self, x, batch_size=None, verbose="auto"):
        """Outputs in inference mode as NumPy (a list of arrays for a multi-output model)."""
        verbose, batch_size = _verbosity(verbose), batch_size or 32
        xs = _as_arrays(x)
        n = _num_samples(xs)
        steps = -(-n // batch_size)
        bar = Progbar(steps, verbose)
        chunks = []
        with no_grad():
            for step, start in enumerate(range(0, n, batch_size)):
                out = self(self._feed(xs, slice(start, start + batch_size)), training=False)
                chunks.append([t.data for t in out] if isinstance(out, list) else [out.data])
                bar.update(step + 1)
        bar.update(steps, finalize=True)
        outputs = [np.concatenate(parts) for parts in zip(*chunks)]
        return outputs if getattr(self, "_multi_output", False) else outputs[0]

    def predict_on_batch(self, x):
        """The outputs for one batch `x` in inference mode, as NumPy (a list for several outputs)."""
        with no_grad():
            out = self(self._feed(_as_arrays(x)), training=False)
        return [t.data for t in out] if isinstance(out, list) else out.data
