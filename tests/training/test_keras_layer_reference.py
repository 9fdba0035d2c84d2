"""Each layer of tests/models/keras_layers/forward.npz (made by tests/golden/make_keras_layer_reference.py with
Keras 3.15.1) built in edgelite from the same arguments, given Keras' weights in Keras' order, computes Keras'
outputs."""

import json
import os

import numpy as np
import pytest

from edgelite.training import layers

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "models", "keras_layers", "forward.npz")


def _cases():
    with np.load(REFERENCE) as data:
        return json.loads(str(data["cases"]))


CASES = _cases()


@pytest.mark.parametrize("name,class_name,kwargs,shapes,call_kwargs", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_keras(name, class_name, kwargs, shapes, call_kwargs):
    with np.load(REFERENCE) as data:
        xs = [data[f"{name}/x{k}"] for k in range(len(shapes) if isinstance(shapes[0], list) else 1)]
        weights = [data[k] for k in sorted((k for k in data.files if k.startswith(f"{name}/w")),
                                           key=lambda k: int(k.rsplit("w", 1)[1]))]
        outputs = [data[k] for k in sorted(k for k in data.files if k.startswith(f"{name}/y"))]
    layer = getattr(layers, class_name)(**kwargs)
    if class_name == "MultiHeadAttention":
        names = ["query", "value", "key", "attention_mask"]
        inputs = dict(zip(names, xs))
        if "attention_mask" in inputs:
            inputs["attention_mask"] = inputs["attention_mask"] > 0.5
        run = lambda: layer(**inputs, **call_kwargs)  # noqa: E731
    else:
        run = lambda: layer(xs[0])  # noqa: E731
    run()
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in weights]
    layer.set_weights(weights)
    got = run()
    got = list(got) if isinstance(got, (list, tuple)) else [got]
    assert len(got) == len(outputs)
    for g, want in zip(got, outputs):
        assert g.shape == want.shape
        np.testing.assert_allclose(g.data, want, rtol=1e-4, atol=1e-5)
