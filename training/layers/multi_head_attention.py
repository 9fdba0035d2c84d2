"""MultiHeadAttention with Keras 3's arguments, call signature and weights: query/key/value kernels (dim, heads,
key_dim or value_dim) with biases (heads, dim), attention_output kernel (heads, value_dim, output_dim) and bias
(output_dim), in that order; inputs (batch, steps, features)."""

import math

import numpy as np

from .. import ops, regularizers
from .dropout import Dropout
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config

# What Keras' masked softmax adds to masked scores in float32 (keras.layers.Softmax with a mask).
MASKED_SCORE = -1e9
_TENSOR_SLOTS = ("query", "value", "key", "query_mask", "value_mask", "key_mask", "attention_mask")


class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention (keras.layers.MultiHeadAttention) over (batch, steps, features)
    inputs. Args: num_heads, key_dim, value_dim (default key_dim), dropout on the attention probabilities (0.0),
    use_bias (True), output_shape (the output's last size; default the query's), attention_axes (None or (1,): the
    steps axis; others are not supported), sliding_window (None, or w: query i sees keys j with |i - j| < w),
    use_gate (False: True multiplies the attended values by sigmoid(query @ gate kernel + bias), Keras 3's gated
    attention), kernel_/bias_ initializer, regularizer and constraint, activity_regularizer.

    Call: layer(query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False); key defaults to value; attention_mask
    (batch, query steps, key steps) is True where attention is allowed; with return_attention_scores the call
    returns (output, scores of shape (batch, heads, query steps, key steps)). A list [query, value(, key)] may
    stand for the first arguments. flash_attention is accepted for Keras compatibility; it picks a kernel there
    and changes no result."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(f"MultiHeadAttention: sliding_window must be None or a positive int, got "
                             f"{sliding_window!r}")
        self.sliding_window = sliding_window
        self.use_gate = bool(use_gate)
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = self.key_dim if value_dim is None else int(value_dim)
        if min(self.num_heads, self.key_dim, self.value_dim) <= 0:
            raise ValueError("MultiHeadAttention: num_heads, key_dim and value_dim must be positive")
        if attention_axes is not None and tuple(np.atleast_1d(attention_axes)) not in ((1,), (-2,)):
            raise ValueError(f"MultiHeadAttention: attention_axes={attention_axes!r} is not supported (only the steps "
                             "axis of (batch, steps, features) inputs)")
        if isinstance(output_shape, (list, tuple)):
            if len(output_shape) != 1:
                raise ValueError(f"MultiHeadAttention: output_shape must be one size, got {output_shape!r}")
            output_shape = output_shape[0]
        self.output_dim = None if output_shape is None else int(output_shape)
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.seed = seed
        set_weight_options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        set_weight_options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.dropout_layer = Dropout(self.dropout, seed=seed, dtype=self.dtype)
        self._returns_scores = False

    # ---- calling: Keras' signature, packed into one list of tensors for the Layer machinery ----

    def __call__(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None,
                 attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False,
                 slots=None):
        if slots is not None:  # the packed form a model replays: query is the list of tensors
            tensors, slots = list(query), list(slots)
        elif isinstance(query, (list, tuple)) and value is None and 2 <= len(query) <= 3:
            tensors, slots = list(query), ["query", "value", "key"][:len(query)]  # [query, value(, key)]
        else:
            if value is None:
                raise ValueError(f"MultiHeadAttention {self.name!r} needs query and value")
            given = dict(query=query, value=value, key=key, query_mask=query_mask, value_mask=value_mask,
                         key_mask=key_mask, attention_mask=attention_mask)
            slots = [s for s in _TENSOR_SLOTS if given[s] is not None]
            tensors = [given[s] for s in slots]
        self._returns_scores = bool(return_attention_scores)
        if not self.built:
            shapes = dict(zip(slots, (tuple(t.shape) if hasattr(t, "shape") else np.shape(t) for t in tensors)))
            self.build(shapes["query"], shapes["value"], shapes.get("key"))
        return super().__call__(tensors, training=training, slots=slots,
                                return_attention_scores=bool(return_attention_scores),
                                use_causal_mask=bool(use_causal_mask))

    def build(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, list):  # Layer's build(list of shapes) form: query, value[, key]
            query_shape, value_shape, key_shape = (list(query_shape) + [None, None])[:3]
        key_shape = value_shape if key_shape is None else key_shape
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(f"MultiHeadAttention {self.name!r}: {what} must be (batch, steps, features) with "
                                 f"known features, got shape {tuple(shape)}")
        heads = self.num_heads
        self._query_features = int(query_shape[-1])
        out_dim = self.output_dim or self._query_features

        def dense(name, kernel_shape, bias_shape):
            kernel = add_option_weight(self, "kernel", kernel_shape, name=f"{name}/kernel")
            bias = add_option_weight(self, "bias", bias_shape, name=f"{name}/bias") if self.use_bias else None
            return kernel, bias
        self.query_kernel, self.query_bias = dense("query", (query_shape[-1], heads, self.key_dim),
                                                   (heads, self.key_dim))
        self.key_kernel, self.key_bias = dense("key", (key_shape[-1], heads, self.key_dim), (heads, self.key_dim))
        if self.use_gate:  # Keras builds the gate between key and value: its weights sit there in the order
            self.gate_kernel, self.gate_bias = dense("gate", (query_shape[-1], heads, self.value_dim),
                                                     (heads, self.value_dim))
        self.value_kernel, self.value_bias = dense("value", (value_shape[-1], heads, self.value_dim),
                                                   (heads, self.value_dim))
        self.output_kernel, self.output_bias = dense("attention_output", (heads, self.value_dim, out_dim), (out_dim,))
        self.built = True

    def call(self, inputs, training=None, slots=("query", "value"), return_attention_scores=False,
             use_causal_mask=False):
        given = dict(zip(slots, inputs))
        query, value = given["query"], given["value"]
        key = given.get("key", value)
        mask = self.combined_mask(given, query.shape[1], key.shape[1], use_causal_mask, self.sliding_window)

        def project(x, kernel, bias, subscripts):
            y = ops.einsum(subscripts, x, kernel)
            return ops.add(y, bias) if bias is not None else y
        q = project(query, self.query_kernel, self.query_bias, "btd,dhk->bthk")
        k = project(key, self.key_kernel, self.key_bias, "bsd,dhk->bshk")
        v = project(value, self.value_kernel, self.value_bias, "bsd,dhv->bshv")
        q = ops.multiply(q, 1.0 / math.sqrt(self.key_dim))  # Keras scales the projected query
        scores = ops.einsum("bthk,bshk->bhts", q, k)
        if mask is not None:
            scores = ops.add(scores, ((1.0 - mask[:, None]) * MASKED_SCORE).astype(scores.dtype))
        probabilities = ops.softmax(scores, axis=-1)
        attended = ops.einsum("bhts,bshv->bthv", self.dropout_layer(probabilities, training=training), v)
        if self.use_gate:
            attended = ops.multiply(attended, ops.sigmoid(project(query, self.gate_kernel, self.gate_bias,
                                                                  "btd,dhv->bthv")))
        out = ops.einsum("bthv,hvo->bto", attended, self.output_kernel)
        if self.output_bias is not None:
            out = ops.add(out, self.output_bias)
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out) / out.shape[0])
        return [out, probabilities] if return_attention_scores else out

    @staticmethod
    def combined_mask(given, query_steps, key_steps, use_causal_mask, sliding_window=None):
        """The (batch or 1, query steps, key steps) 0/1 float mask of allowed positions that Keras combines from
        the masks given, the causal mask and the sliding window, or None when nothing is masked."""
        def array(name):
            t = given.get(name)
            return None if t is None else np.asarray(t.data if hasattr(t, "data") else t).astype(bool)
        mask = None

        def both(a, b):
            return b if a is None else a & b
        if array("query_mask") is not None:
            mask = array("query_mask")[:, :, None]
        for name in ("value_mask", "key_mask"):
            if array(name) is not None:
                mask = both(mask, array(name)[:, None, :])
        if use_causal_mask:
            mask = both(mask, causal_mask(query_steps, key_steps)[None])
        if sliding_window is not None:
            mask = both(mask, window_mask(query_steps, key_steps, sliding_window)[None])
        if array("attention_mask") is not None:
            mask = both(mask, array("attention_mask"))
        return None if mask is None else mask.astype(np.float64)

    def compute_output_shape(self, input_shape):
        query_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        value_shape = input_shape[1] if isinstance(input_shape, list) else input_shape
        out = tuple(query_shape[:-1]) + (self.output_dim or query_shape[-1],)
        if self._returns_scores:
            return [out, (query_shape[0], self.num_heads, query_shape[1], value_shape[1])]
        return out

    def get_config(self):
        config = super().get_config()
        config.update(num_heads=self.num_heads, key_dim=self.key_dim, value_dim=self.value_dim,
                      dropout=self.dropout, use_bias=self.use_bias, output_shape=self.output_dim,
                      attention_axes=None, sliding_window=self.sliding_window, use_gate=self.use_gate,
                      seed=self.seed,
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      **weight_options_config(self, "kernel", "bias"))
        return config


def causal_mask(query_steps, key_steps):
    """Keras' causal mask: query step i may attend to key steps j <= i."""
    return np.tril(np.ones((query_steps, key_steps), dtype=bool))


def window_mask(query_steps, key_steps, window):
    """Keras' sliding-window mask: query step i may attend to key steps j with |i - j| < window."""
    return np.abs(np.arange(query_steps)[:, None] - np.arange(key_steps)[None, :]) < window
