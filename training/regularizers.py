"""Weight regularizers with Keras names and formulas: a regularizer maps a weight to a scalar penalty that fit adds
to the loss (keras.regularizers). Layers take them as kernel_regularizer / bias_regularizer / ... and hand them to
Layer.add_weight; Layer.losses collects the penalties."""

import numpy as np

from . import ops
from .catalog import Catalog, Configurable


class Regularizer(Configurable):
    """Base class: called as regularizer(weight) -> a scalar Tensor added to the training loss."""

    def __call__(self, x):
        raise NotImplementedError


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2) (both default 0, as keras.regularizers.L1L2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = ops.sum(ops.abs(x)) * self.l1 if self.l1 else None
        if self.l2:
            term = ops.sum(ops.square(x)) * self.l2
            penalty = term if penalty is None else penalty + term
        return penalty if penalty is not None else ops.sum(x) * 0.0

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 * sum(|x|) (default l1=0.01, as Keras)."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum(x^2) (default l2=0.01, as Keras)."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (mode='rows') or columns (mode='columns') of a rank-2 kernel towards orthonormality:
    factor * mean of |off-diagonal entries| of (W_n W_n^T), W_n the L2-normalized rows or columns, as
    keras.regularizers.OrthogonalRegularizer (default factor 0.01)."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer mode must be 'rows' or 'columns', got {mode!r}")
        self.factor, self.mode = float(factor), mode

    def __call__(self, x):
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer needs a rank-2 weight, got shape {x.shape}")
        if self.mode == "columns":
            x = ops.transpose(x)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=1, keepdims=True), 1e-12))
        x = x / norms
        product = ops.abs(ops.matmul(x, ops.transpose(x)))
        n = x.shape[0]
        off_diagonal = ops.sum(product) - ops.sum(product * np.eye(n, dtype=x.dtype))
        return off_diagonal * (self.factor / max(n * n - n, 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CATALOG = Catalog("regularizer", Regularizer, (Regularizer, L1L2, L1, L2, OrthogonalRegularizer),
                   {"l1": "L1", "l2": "L2", "l1_l2": "L1L2", "orthogonal_regularizer": "OrthogonalRegularizer",
                    "orthogonal": "OrthogonalRegularizer"})
get = _CATALOG.get
serialize = _CATALOG.serialize
