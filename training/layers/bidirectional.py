"""Bidirectional: a recurrent layer run forward and a copy run backward over the same sequence, merged.

As in Keras, the wrapped layer is cloned from its config into `forward_layer` (named forward_<name>) and
`backward_layer` (backward_<name>, go_backwards flipped); the backward sequence is flipped back to input
order before merging, so step t of the output has both directions' state at input step t. Initial states are
the forward layer's, then the backward layer's; return_state returns the output, then the forward states,
then the backward states.
"""

from .. import ops
from .layer import Layer
from .recurrent import Recurrent

MERGE_MODES = ("concat", "sum", "ave", "mul", None)


class Bidirectional(Layer):
    """keras.layers.Bidirectional: `layer` (a SimpleRNN, LSTM or GRU) forward and a copy backward, merged.
    Args: layer, merge_mode ('concat', 'sum', 'ave', 'mul', or None for both outputs), backward_layer (a
    layer with the other go_backwards, instead of the copy). Call with initial_state=[forward states...,
    backward states...]. Raises ValueError for other layers, modes or mismatched directions."""

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        if kwargs.pop("weights", None) is not None:
            raise NotImplementedError("Bidirectional: weights= is not supported; use set_weights after building")
        if not isinstance(layer, Recurrent):
            raise ValueError(f"Bidirectional wraps a SimpleRNN, LSTM or GRU, got {type(layer).__name__}")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
        super().__init__(**kwargs)
        self.merge_mode = merge_mode
        self.forward_layer = _clone(layer, f"forward_{layer.name}", layer.go_backwards)
        if backward_layer is None:
            self.backward_layer = _clone(layer, f"backward_{layer.name}", not layer.go_backwards)
        else:
            if not isinstance(backward_layer, Recurrent):
                raise ValueError("Bidirectional backward_layer must be a SimpleRNN, LSTM or GRU")
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError("Bidirectional: layer and backward_layer must have different go_backwards")
            self.backward_layer = _clone(backward_layer, backward_layer.name, backward_layer.go_backwards)
        for attr in ("return_sequences", "return_state"):
            if getattr(self.forward_layer, attr) != getattr(self.backward_layer, attr):
                raise ValueError(f"Bidirectional: layer and backward_layer must agree on {attr}")
        self.return_sequences = self.forward_layer.return_sequences
        self.return_state = self.forward_layer.return_state

    def __call__(self, inputs, initial_state=None, training=None, **kwargs):
        if initial_state is not None:
            states = list(initial_state)
            expected = len(self.forward_layer.state_names) + len(self.backward_layer.state_names)
            if len(states) != expected:
                raise ValueError(f"Bidirectional {self.name!r} takes {expected} initial states (forward, then "
                                 f"backward), got {len(states)}")
            inputs = [inputs] + states
        return super().__call__(inputs, training=training, **kwargs)

    def build(self, input_shape):
        sequence_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        self.forward_layer._maybe_build(sequence_shape)
        self.backward_layer._maybe_build(sequence_shape)
        self.built = True

    def call(self, inputs, training=None):
        sequence, states = (inputs[0], list(inputs[1:])) if isinstance(inputs, list) else (inputs, None)
        half = len(self.forward_layer.state_names)
        forward_args = sequence if states is None else [sequence] + states[:half]
        backward_args = sequence if states is None else [sequence] + states[half:]
        y = self.forward_layer(forward_args, training=training)
        y_rev = self.backward_layer(backward_args, training=training)
        if self.return_state:
            states_out = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.getitem(y_rev, (slice(None), slice(None, None, -1)))
        output = merge(self.merge_mode, y, y_rev)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states_out
        return output

    def compute_output_shape(self, input_shape):
        forward = self.forward_layer.compute_output_shape(input_shape)
        output, state_shapes = (forward[0], forward[1:]) if self.return_state else (forward, [])
        if self.merge_mode == "concat":
            output = tuple(output[:-1]) + (2 * output[-1],)
        outputs = [output, output] if self.merge_mode is None else [output]
        if self.return_state:
            backward = self.backward_layer.compute_output_shape(input_shape)[1:]
            return outputs + list(state_shapes) + list(backward)
        return outputs if self.merge_mode is None else output

    def get_config(self):
        from ..serialization import serialize_layer
        config = super().get_config()
        config.update(layer=serialize_layer(self.forward_layer), merge_mode=self.merge_mode,
                      backward_layer=serialize_layer(self.backward_layer))
        return config

    @classmethod
    def from_config(cls, config):
        from ..serialization import deserialize_layer
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"))
        backward = config.pop("backward_layer", None)
        backward = None if backward is None else deserialize_layer(backward)
        # The saved forward layer already carries its "forward_" name; clone it under that name again.
        bidirectional = cls(layer, backward_layer=backward, **config)
        bidirectional.forward_layer.name = layer.name
        return bidirectional


def merge(mode, y, y_rev):
    """The forward and (input-ordered) backward outputs merged by `mode`; a list of both for None."""
    if mode == "concat":
        return ops.concatenate([y, y_rev], axis=-1)
    if mode == "sum":
        return ops.add(y, y_rev)
    if mode == "ave":
        return ops.divide(ops.add(y, y_rev), 2.0)
    if mode == "mul":
        return ops.multiply(y, y_rev)
    return [y, y_rev]


def _clone(layer, name, go_backwards):
    config = dict(layer.get_config(), name=name, go_backwards=go_backwards)
    return type(layer).from_config(config)
