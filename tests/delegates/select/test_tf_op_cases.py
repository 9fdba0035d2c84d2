"""Single ops run by TensorFlow itself (tests/models/select/tf_ops.*, made by scripts/make_select_golden.py
with tf.raw_ops) replayed through libedgelite_select.so: ops the converter lowers to builtins when it
can (NonMaxSuppression, Conv3D, StridedSlice) and the stateless random ops, whose float32 and float64
outputs must equal TensorFlow's bit for bit."""

import json

import numpy as np
import pytest

from flex_encoding import Type
from testutil import model_path

with open(model_path("select", "tf_ops.json")) as f:
    CASES = json.load(f)["cases"]
ARRAYS = np.load(model_path("select", "tf_ops.npz"))


def attr(value):
    return Type(np.dtype(value["type"])) if isinstance(value, dict) else value


def case_id(k):
    c = CASES[k]
    return f"{k}-{c['op']}"


@pytest.mark.parametrize("k", range(len(CASES)), ids=case_id)
def test_matches_tensorflow(select_lib, k):
    case = CASES[k]
    inputs = [ARRAYS[f"{k}/input_{i}"] for i in range(len(case["inputs"]))]
    expected = [ARRAYS[f"{k}/output_{i}"] for i in range(case["outputs"])]
    attrs = {a: attr(v) for a, v in case["attrs"].items()}
    outputs = select_lib.run(case["op"], inputs, [e.dtype.type for e in expected], attrs,
                             constant=set(range(len(inputs))))
    for got, want in zip(outputs, expected):
        assert got.shape == want.shape
        if case["op"].startswith("StatelessRandom") or want.dtype.kind in "iub":
            np.testing.assert_array_equal(np.atleast_1d(got).view(np.uint8), np.atleast_1d(want).view(np.uint8))
        else:
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_random_cases_cover_both_ops_and_dtypes():
    kinds = {(c["op"], c["attrs"]["dtype"]["type"]) for c in CASES if c["op"].startswith("StatelessRandom")}
    assert kinds == {(op, t) for op in ("StatelessRandomUniform", "StatelessRandomNormal") for t in ("float32", "float64")}
