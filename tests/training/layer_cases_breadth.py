"""Gradient / shape / config cases for the layers of the training-breadth work (issue 18), merged into
test_layers.CASES: name -> list of make(rng) -> (layer, inputs, training, before_call)."""

import numpy as np

from edgelite.training import layers

F64 = {"dtype": "float64"}


def _adapted_normalization(rng):
    layer = layers.Normalization(axis=(1, 2), **F64)
    layer.adapt(rng.normal(2.0, 3.0, size=(20, 3, 4)))
    return layer, rng.normal(size=(2, 3, 4)), None, None


def breadth_cases():
    n = lambda r, *s: r.normal(size=s)  # noqa: E731
    return {
        "Rescaling": [lambda r: (layers.Rescaling(1 / 255.0, offset=-0.5, **F64), n(r, 2, 3, 3, 2), None, None),
                      lambda r: (layers.Rescaling([2.0, -1.0, 0.5], **F64), n(r, 2, 3), None, None)],
        "Normalization": [
            lambda r: (layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.5], **F64), n(r, 2, 3),
                       None, None),
            lambda r: (layers.Normalization(axis=None, mean=2.0, variance=9.0, invert=True, **F64), n(r, 2, 2, 3),
                       None, None),
            _adapted_normalization],
        "ZeroPadding2D": [lambda r: (layers.ZeroPadding2D(**F64), n(r, 2, 3, 3, 2), None, None),
                          lambda r: (layers.ZeroPadding2D(((0, 2), (1, 3)), **F64), n(r, 1, 2, 3, 2), None, None)],
        "Cropping2D": [lambda r: (layers.Cropping2D(1, **F64), n(r, 2, 4, 5, 2), None, None),
                       lambda r: (layers.Cropping2D(((0, 2), (1, 0)), **F64), n(r, 1, 4, 3, 2), None, None)],
    }
