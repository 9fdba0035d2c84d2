"""The base of SimpleRNN, LSTM and GRU: the loop over time steps, Keras' arguments and outputs.

A subclass says how many gate blocks its kernels hold (`gates`), which states it carries (`state_names`) and
what one step computes (`step`). The base projects every time step's input through the kernel in one matmul
before the loop (the recurrent part is the only per-step product), runs the steps (in reverse with
go_backwards), and returns what Keras returns: the last output or the whole sequence, then the final states
with return_state=True. Gradients through time come from the primitives the steps are made of.

Dropout follows Keras 3: with recurrent_dropout == 0 one input mask is shared by every gate; with
recurrent_dropout > 0 each gate gets its own input and recurrent masks (Keras' implementation 1). A mask is
drawn once per call and kept for every time step, as Keras does.
"""

import numpy as np

from .. import activations, ops, regularizers
from ..autodiff import Tensor
from ..utils import global_rng
from .activity_regularization import add_activity_loss
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class Recurrent(Layer):
    """Base of the recurrent layers (see the module docstring). Inputs (batch, time, features); call with
    initial_state=[...] (one array per name in state_names) to start elsewhere than zero. Returns the last
    output (batch, units), or the sequence (batch, time, units) with return_sequences, then the final states
    with return_state. Args: units, activation ('tanh'), use_bias, kernel_initializer ('glorot_uniform'),
    recurrent_initializer ('orthogonal'), bias_initializer ('zeros'), dropout, recurrent_dropout (rates in
    [0, 1)), kernel_ / recurrent_ / bias_regularizer and _constraint, activity_regularizer, return_sequences,
    return_state, go_backwards, unroll (read by the converter), seed (dropout). Raises NotImplementedError for
    stateful=True."""

    gates = 1  # blocks of `units` columns in kernel and recurrent_kernel
    state_names = ("h",)

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 seed=None, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 **kwargs):
        kwargs.pop("use_cudnn", None)  # a Keras choice of GPU kernel; the math is the same
        super().__init__(**kwargs)
        if int(units) <= 0:
            raise ValueError(f"{type(self).__name__} units must be a positive integer, got {units}")
        if stateful:
            raise NotImplementedError(f"{type(self).__name__}: stateful=True (states kept across batches) is not "
                                      "supported by edgelite.training")
        for name, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= rate < 1:
                raise ValueError(f"{type(self).__name__} {name} must be in [0, 1), got {rate}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_options(self, "recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint)
        set_weight_options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        # Keras unrolls the loop into the graph instead of a symbolic loop; here the loop always runs in Python,
        # so the math is the same either way. The converter reads it: unroll=True writes per-step operators
        # instead of a fused sequence operator (see converter/frontends/training_recurrent.py).
        self.unroll = bool(unroll)
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    # ---- weights ----

    def build(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        if len(sequence_shape) != 3:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs (batch, time, features), got "
                             f"shape {tuple(sequence_shape)}")
        features, width = sequence_shape[-1], self.gates * self.units
        self.kernel = add_option_weight(self, "kernel", (features, width))
        self.recurrent_kernel = add_option_weight(self, "recurrent", (self.units, width), name="recurrent_kernel")
        # The bias goes through _bias_initial_value (LSTM's unit_forget_bias), so it is made here, not by prefix.
        self.bias = self.add_weight(self._bias_shape(), self._bias_initial_value, name="bias",
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.built = True

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initial_value(self, shape, dtype):
        return self.bias_initializer(shape, dtype)

    # ---- calling ----

    def __call__(self, inputs, initial_state=None, training=None, **kwargs):
        # As in Keras, initial states travel as extra inputs, so a functional model records where they come from.
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self.state_names):
                raise ValueError(f"{type(self).__name__} {self.name!r} takes {len(self.state_names)} initial "
                                 f"state(s) ({', '.join(self.state_names)}), got {len(states)}")
            inputs = [inputs] + states
        return super().__call__(inputs, training=training, **kwargs)

    def call(self, inputs, training=None):
        sequence, states = (inputs[0], list(inputs[1:])) if isinstance(inputs, list) else (inputs, None)
        if sequence.ndim != 3:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs inputs (batch, time, features), got "
                             f"shape {sequence.shape}")
        batch, steps = sequence.shape[0], sequence.shape[1]
        if states is None:
            states = [Tensor(np.zeros((batch, self.units), sequence.dtype)) for _ in self.state_names]
        for name, state in zip(self.state_names, states):
            if tuple(state.shape) != (batch, self.units):
                raise ValueError(f"{type(self).__name__} {self.name!r}: initial state {name} has shape "
                                 f"{tuple(state.shape)}, expected {(batch, self.units)}")
        if steps == 0:
            raise ValueError(f"{type(self).__name__} {self.name!r}: the input sequence is empty")
        if self.go_backwards:
            sequence = ops.getitem(sequence, (slice(None), slice(None, None, -1)))
        per_gate = self.recurrent_dropout > 0 and self.gates > 1
        input_masks = self._masks(training, self.dropout, (batch, 1, sequence.shape[2]), sequence.dtype, per_gate)
        recurrent_masks = self._masks(training, self.recurrent_dropout, (batch, self.units), sequence.dtype,
                                      per_gate)
        projected = self._project(sequence, input_masks)
        outputs = []
        for t in range(steps):
            output, states = self.step(ops.getitem(projected, (slice(None), t)), states, recurrent_masks)
            outputs.append(output)
        # With go_backwards the sequence comes out in the order it was read, last input first (as in Keras).
        result = ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return add_activity_loss(self, [result] + list(states) if self.return_state else result)

    def _masks(self, training, rate, shape, dtype, per_gate):
        """None (no dropout), or `gates` (per-gate) or one kept-unit masks scaled by 1 / (1 - rate)."""
        if not training or rate == 0:
            return None
        rng = self._rng or global_rng()
        count = self.gates if per_gate else 1
        return [(rng.random(shape) >= rate).astype(dtype) / (1.0 - rate) for _ in range(count)]

    def _input_bias(self):
        return self.bias

    def _project(self, sequence, masks):
        """Every step's input times the kernel, plus the input bias: (batch, time, gates * units)."""
        if masks is None or len(masks) == 1:
            x = sequence if masks is None else ops.multiply(sequence, masks[0])
            projected = ops.matmul(x, self.kernel)
        else:
            blocks = ops.split(self.kernel, self.gates, axis=1)
            projected = ops.concatenate([ops.matmul(ops.multiply(sequence, m), k) for m, k in zip(masks, blocks)],
                                        axis=-1)
        bias = self._input_bias()
        return projected if bias is None else ops.add(projected, bias)

    def recurrent_product(self, h, masks, first=0, count=None):
        """h (times its recurrent dropout masks) by the recurrent kernel's gate blocks first .. first+count-1."""
        count = self.gates - first if count is None else count
        columns = (slice(None), slice(first * self.units, (first + count) * self.units))
        if masks is None or len(masks) == 1:
            kernel = self.recurrent_kernel if count == self.gates else ops.getitem(self.recurrent_kernel, columns)
            return ops.matmul(h if masks is None else ops.multiply(h, masks[0]), kernel)
        blocks = ops.split(self.recurrent_kernel, self.gates, axis=1)
        products = [ops.matmul(ops.multiply(h, masks[g]), blocks[g]) for g in range(first, first + count)]
        return products[0] if count == 1 else ops.concatenate(products, axis=-1)

    def step(self, projected_input, states, recurrent_masks):
        """(output, new states) of one time step; projected_input is this step's row of `_project`."""
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, steps = sequence_shape[0], sequence_shape[1]
        output = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * len(self.state_names)
        return output

    # ---- config ----

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, activation=activations.serialize(self.activation), use_bias=self.use_bias,
                      **weight_options_config(self, "kernel", "recurrent", "bias"),
                      activity_regularizer=regularizers.serialize(self.activity_regularizer), dropout=self.dropout,
                      recurrent_dropout=self.recurrent_dropout, return_sequences=self.return_sequences,
                      return_state=self.return_state, go_backwards=self.go_backwards, stateful=self.stateful,
                      unroll=self.unroll, seed=self.seed)
        return config
