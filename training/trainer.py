"""compile / fit / evaluate / predict for Model (a mixin, as Keras' Trainer).

One training step: forward in training mode on the tape, the compiled loss weighted by the batch's sample weights
(Keras' 'sum_over_batch_size': sum(loss * weight) / batch size) plus the layers' penalties, `grad` of that with
respect to the trainable weights, `optimizer.apply_gradients`, then the weight constraints. Data sources and
batching live in data_adapter, callbacks in callbacks/.
"""

import warnings

import numpy as np

from . import losses, metrics as metrics_module, optimizers
from .autodiff import grad, no_grad
from .callbacks import Callback, CallbackList, History  # noqa: F401 - the names trainer used to define
from .data_adapter import EpochIterator, class_weight_to_sample_weight, is_array_data, make_source, unpack_batch


def _verbosity(verbose):
    return 1 if verbose == "auto" else int(verbose)


def _unique_names(metric_list, taken):
    # Keras gives a repeated metric name a _1, _2 ... suffix.
    for metric in metric_list:
        base, k = metric.name, 0
        while metric.name in taken:
            k += 1
            metric.name = f"{base}_{k}"
        taken.add(metric.name)


class Trainer:
    """The compile/fit/evaluate/predict methods of Model (Keras's training loop); not used on its own."""

    optimizer = None
    loss = None
    compiled = False
    stop_training = False

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, weighted_metrics=None):
        """Configures training: `optimizer` (a name such as 'adam', a dict from serialize, or an Optimizer; default
        'rmsprop' as Keras), `loss` (a name such as 'sparse_categorical_crossentropy', a Loss, or a function
        fn(y_true, y_pred) -> per-sample loss), loss_weights (a float, or a one-item list, scaling the loss),
        `metrics` (names such as 'accuracy', 'auc', 'mse', Metric objects, or functions; they ignore sample
        weights) and `weighted_metrics` (the same, weighted by sample_weight / class_weight; a name used in both
        is logged as 'weighted_<name>'). metrics stays the third positional argument, as in earlier edgelite releases;
        pass the others by keyword. Raises ValueError for an unknown name."""
        self.optimizer = optimizers.get(optimizer)
        self.loss = None if loss is None else losses.get(loss)
        if isinstance(loss_weights, (list, tuple)):
            if len(loss_weights) != 1:
                raise ValueError("loss_weights: one weight per output; these models have one output")
            loss_weights = loss_weights[0]
        self.loss_weight = 1.0 if loss_weights is None else float(loss_weights)
        self.metric_ids = list(metrics or [])
        self.weighted_metric_ids = list(weighted_metrics or [])
        self._compiled_metrics = None  # made on the first batch, when the target and output shapes are known
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True

    # ---- metrics ----

    def _build_metrics(self, y, y_pred):
        if self._compiled_metrics is not None:
            return
        shapes = (np.shape(y), np.shape(y_pred))
        plain = [metrics_module.fresh_copy(m) if isinstance(m, metrics_module.Metric) else
                 metrics_module.get(m, *shapes) for m in self.metric_ids]
        weighted = [metrics_module.fresh_copy(m) if isinstance(m, metrics_module.Metric) else
                    metrics_module.get(m, *shapes) for m in self.weighted_metric_ids]
        names = {m.name for m in plain}
        for metric in weighted:
            if metric.name in names:
                metric.name = f"weighted_{metric.name}"
        _unique_names(plain + weighted, {"loss"})
        self._compiled_metrics = [(m, False) for m in plain] + [(m, True) for m in weighted]

    @property
    def metrics(self):
        """The metric objects fit logs: the loss tracker, then the compiled metrics (after the first batch)."""
        if not self.compiled:
            return []
        return [self._loss_tracker] + [m for m, _ in self._compiled_metrics or []]

    @property
    def metrics_names(self):
        """The names of `metrics`, in the order evaluate returns them."""
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Resets the loss tracker and every compiled metric."""
        for metric in self.metrics:
            metric.reset_state()

    def _update_metrics(self, loss_value, batch_size, y, y_pred, sample_weight):
        self._build_metrics(y, y_pred)
        # Keras averages batch losses weighted by batch size, so the epoch loss is a per-sample mean.
        self._loss_tracker.update_state(loss_value, sample_weight=batch_size)
        for metric, weighted in self._compiled_metrics:
            metric.update_state(y, y_pred, sample_weight=sample_weight if weighted else None)
        return self._logs()

    def _logs(self):
        return {m.name: m.result() for m in self.metrics}

    # ---- steps ----

    def _check_trainable(self):
        if not self.compiled or self.loss is None:
            raise RuntimeError(f"model {self.name!r}: call compile(optimizer, loss) before fit/evaluate")
        if getattr(self, "_multi_output", False):
            raise NotImplementedError("fit/evaluate support single-output models; predict supports several")

    def _inputs(self, x):
        if isinstance(x, (list, tuple)):
            if getattr(self, "_multi_input", False):
                return [np.asarray(a) for a in x]
            if len(x) == 1:
                return np.asarray(x[0])
        return np.asarray(x)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of y_pred against y, weighted by sample_weight, scaled by loss_weights, plus the
        layers' penalties (model.losses), as a scalar Tensor (Keras' Model.compute_loss)."""
        loss = self.loss(y, y_pred, sample_weight=sample_weight)
        if self.loss_weight != 1.0:
            loss = loss * self.loss_weight
        # Keras adds the regularization and add_loss penalties to the reported loss too, in training and testing.
        for penalty in self.losses:
            loss = loss + penalty
        return loss

    def _train_step(self, x, y, sample_weight):
        y_pred = self(self._inputs(x), training=True)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        variables = self.trainable_weights
        self.optimizer.apply_gradients(zip(grad(loss, variables), variables))
        for variable in variables:
            if getattr(variable, "constraint", None) is not None:
                variable.assign(variable.constraint(variable.data))
        return float(loss.data), y_pred.data

    def _test_step(self, x, y, sample_weight):
        with no_grad():
            y_pred = self(self._inputs(x), training=False)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        return float(loss.data), y_pred.data

    def _batch_weights(self, y, sample_weight, class_weight):
        if class_weight is None:
            return sample_weight
        if sample_weight is not None:
            raise ValueError("class_weight and sample_weight cannot be given together (as in Keras)")
        if y is None:
            raise ValueError("class_weight needs targets")
        return class_weight_to_sample_weight(y, class_weight)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on the batch (x, y); returns the loss (a float), or [loss, *metrics], or a dict with
        return_dict=True (metrics accumulate across calls until reset_metrics, as Keras)."""
        self._check_trainable()
        sample_weight = self._batch_weights(y, sample_weight, class_weight)
        loss, y_pred = self._train_step(x, np.asarray(y), sample_weight)
        logs = self._update_metrics(loss, len(y_pred), np.asarray(y), y_pred, sample_weight)
        return self._return_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss (and metrics) on one batch in inference mode, as train_on_batch returns them."""
        self._check_trainable()
        self.reset_metrics()
        loss, y_pred = self._test_step(x, np.asarray(y), sample_weight)
        return self._return_logs(self._update_metrics(loss, len(y_pred), np.asarray(y), y_pred, sample_weight),
                                 return_dict)

    @staticmethod
    def _return_logs(logs, return_dict):
        if return_dict:
            return dict(logs)
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    # ---- public loops ----

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
            initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq=1):
        """Trains for `epochs` and returns a History (as keras Model.fit).

        x: an array (or a list of arrays for several inputs) with targets y and optional sample_weight (one weight
        per sample), cut into batches of batch_size (32) and shuffled each epoch unless shuffle=False; or a
        generator / iterator of batches (x, y) or (x, y, sample_weight), continued across epochs; or an iterable of
        such batches (a list, a PyDataset-like object with __len__ and __getitem__), iterated each epoch.
        class_weight {class: weight} weighs each sample's loss by its class. steps_per_epoch: batches per epoch
        (default: one pass). validation_data: (x_val, y_val[, sample_weight]) or a batch source, evaluated after
        every validation_freq-th epoch (an int, or a list of epoch numbers counted from 1) over validation_steps
        batches of validation_batch_size; or validation_split: the last fraction of array samples, taken before
        shuffling. callbacks: Callback objects. verbose: 'auto' or 1 (a progress bar), 2 (a line per epoch), 0.
        initial_epoch: the epoch to start counting at. Raises RuntimeError before compile(), ValueError for
        mismatched sample counts, validation_split with non-array data, or class_weight with sample_weight."""
        self._check_trainable()
        verbose = _verbosity(verbose)
        if class_weight is not None and sample_weight is not None:
            raise ValueError("class_weight and sample_weight cannot be given together (as in Keras)")
        source = make_source(x, y, sample_weight, batch_size, steps_per_epoch, shuffle)
        if validation_split and validation_data is None:
            if not is_array_data(x):
                raise ValueError("validation_split needs array data; pass validation_data for generators")
            source, validation_data = source.split(validation_split)
        if y is None and is_array_data(x):
            raise ValueError("fit needs targets: pass y with array data")
        batches = EpochIterator(source, steps_per_epoch)
        val_batch_size = validation_batch_size or batch_size or getattr(source, "batch_size", None)
        callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                 verbose=verbose, epochs=epochs, steps=batches.num_batches)
        self.stop_training = False
        callbacks.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs = None
            for step, (xb, yb, swb) in batches.epoch():
                callbacks.on_train_batch_begin(step)
                swb = self._batch_weights(yb, swb, class_weight)
                yb = np.asarray(yb)
                loss, y_pred = self._train_step(xb, yb, swb)
                logs = self._update_metrics(loss, len(y_pred), yb, y_pred, swb)
                callbacks.on_train_batch_end(step, dict(logs))
                if self.stop_training:
                    break
            if logs is None:
                warnings.warn("the input data ran out before this epoch; stopping training", stacklevel=2)
                break
            logs = dict(logs)
            if validation_data is not None and self._validates_after(epoch, validation_freq):
                val_logs = self._validate(validation_data, val_batch_size, validation_steps, callbacks)
                logs.update((f"val_{k}", v) for k, v in val_logs.items())
            callbacks.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        # Keras 3: an optimizer with use_ema puts the averaged weights into the model before on_train_end.
        if epochs > 0:
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callbacks.on_train_end(logs)
        self.history = callbacks.history
        return callbacks.history

    @staticmethod
    def _validates_after(epoch, validation_freq):
        if isinstance(validation_freq, int):
            if validation_freq < 1:
                raise ValueError(f"validation_freq must be >= 1, got {validation_freq}")
            return (epoch + 1) % validation_freq == 0
        return (epoch + 1) in validation_freq

    def _validate(self, validation_data, batch_size, steps, callbacks):
        if isinstance(validation_data, tuple) and is_array_data(validation_data[0]):
            x_val, y_val, sw_val = unpack_batch(validation_data)
        else:
            x_val, y_val, sw_val = validation_data, None, None
        self._in_fit_validation = True
        try:
            return self.evaluate(x_val, y_val, batch_size=batch_size, verbose=0, sample_weight=sw_val, steps=steps,
                                 callbacks=callbacks, return_dict=True)
        finally:
            self._in_fit_validation = False

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """Loss (and metrics) over the data in inference mode: a float, [loss, *metrics], or a dict with
        return_dict=True. x, y, sample_weight and steps as in fit; callbacks get the test hooks."""
        self._check_trainable()
        verbose = _verbosity(verbose)
        source = make_source(x, y, sample_weight, batch_size, steps, shuffle=False)
        batches = EpochIterator(source, steps)
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=batches.num_batches)
        self.reset_metrics()
        callbacks.on_test_begin()
        logs = {}
        for step, (xb, yb, swb) in batches.epoch():
            callbacks.on_test_batch_begin(step)
            yb = np.asarray(yb)
            loss, y_pred = self._test_step(xb, yb, swb)
            logs = self._update_metrics(loss, len(y_pred), yb, y_pred, swb)
            callbacks.on_test_batch_end(step, dict(logs))
        if not logs:
            raise ValueError("evaluate got no batches from its input")
        logs = dict(logs)
        callbacks.on_test_end(logs)
        return self._return_logs(logs, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs in inference mode as NumPy (a list of arrays for a multi-output model). x as in fit (targets in
        the batches are ignored); steps: how many batches to run; callbacks get the predict hooks."""
        verbose = _verbosity(verbose)
        source = make_source(x, None, None, batch_size, steps, shuffle=False)
        batches = EpochIterator(source, steps)
        callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                 steps=batches.num_batches)
        callbacks.on_predict_begin()
        chunks = []
        for step, (xb, _, _) in batches.epoch():
            callbacks.on_predict_batch_begin(step)
            out = self.predict_on_batch(xb)
            chunks.append(out if isinstance(out, list) else [out])
            callbacks.on_predict_batch_end(step, {"outputs": out})
        callbacks.on_predict_end()
        if not chunks:
            raise ValueError("predict got no batches from its input")
        outputs = [np.concatenate(parts) for parts in zip(*chunks)]
        return outputs if getattr(self, "_multi_output", False) else outputs[0]

    def predict_on_batch(self, x):
        """The outputs for one batch `x` in inference mode, as NumPy (a list for several outputs)."""
        with no_grad():
            out = self(self._inputs(x), training=False)
        return [t.data for t in out] if isinstance(out, list) else out.data
