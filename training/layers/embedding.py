"""Embedding: integer indices -> rows of an (input_dim, output_dim) table, Keras' `embeddings` weight."""

import numpy as np

from .. import ops, regularizers
from .activity_regularization import add_activity_loss
from .layer import Layer
from .weight_options import add_option_weight, set_weight_options, weight_options_config


class Embedding(Layer):
    """keras.layers.Embedding: integer indices (any shape) -> rows of the `embeddings` table, output shape
    indices.shape + (output_dim,). Args: input_dim (table rows), output_dim, embeddings_initializer
    ('uniform': U(-0.05, 0.05)), embeddings_regularizer, embeddings_constraint, activity_regularizer, mask_zero
    (only False; True raises NotImplementedError). Float indices are
    read as integers; an index outside [0, input_dim) or a fraction raises ValueError."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, activity_regularizer=None, **kwargs):
        for unsupported in ("weights", "lora_rank"):
            if kwargs.pop(unsupported, None) is not None:
                raise NotImplementedError(f"Embedding: {unsupported} is not supported by edgelite.training")
        super().__init__(**kwargs)
        if mask_zero:
            # Keras would hand a mask to the layers after it; nothing here reads masks, so refuse it loudly.
            raise NotImplementedError("Embedding: mask_zero=True (masking padded steps) is not supported by "
                                      "edgelite.training; pad sequences to one length and train on them as they are")
        if int(input_dim) <= 0 or int(output_dim) <= 0:
            raise ValueError(f"Embedding input_dim and output_dim must be positive, got {input_dim}, {output_dim}")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        set_weight_options(self, "embeddings", embeddings_initializer, embeddings_regularizer, embeddings_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.mask_zero = False

    def build(self, input_shape):
        self.embeddings = add_option_weight(self, "embeddings", (self.input_dim, self.output_dim))
        self.built = True

    def call(self, inputs):
        values = np.asarray(inputs.data)
        if values.dtype.kind == "f" and np.any(values != np.round(values)):
            raise ValueError(f"Embedding {self.name!r}: indices must be whole numbers")
        indices = values.astype(np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            bad = indices[(indices < 0) | (indices >= self.input_dim)].ravel()[0]
            raise ValueError(f"Embedding {self.name!r}: index {bad} is outside [0, {self.input_dim})")
        return add_activity_loss(self, ops.getitem(self.embeddings, indices))

    def _convert_input(self, x):
        # Indices are not autocast to the layer's float dtype (Keras casts them to int instead).
        from ..autodiff import Tensor
        return x if isinstance(x, Tensor) else Tensor(np.asarray(x))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update(input_dim=self.input_dim, output_dim=self.output_dim, mask_zero=self.mask_zero,
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      **weight_options_config(self, "embeddings"))
        return config
