"""TILE against np.tile: multiples of 0, 1 and more on every axis, ranks 0 to 6, every fixed-size dtype, int32
and int64 multiples, constant multiples (sized at prepare, folded with a constant input) and runtime ones (a
dynamic output sized at each invoke), failures with their messages, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.errors import EdgeliteError
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from dtype_values import random_values
from litert_builtin import requires_litert, run_litert_builtin

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_, np.float16, np.float64]

CASES = [
    ((), ()),
    ((5,), (3,)),
    ((5,), (0,)),
    ((2, 3), (1, 1)),
    ((2, 3), (2, 1)),
    ((2, 3), (1, 4)),
    ((3, 1, 2), (2, 5, 3)),
    ((2, 0, 3), (2, 2, 2)),
    ((1, 2, 1, 3), (3, 1, 4, 1)),
    ((2, 1, 2, 1, 2, 1), (1, 2, 1, 2, 1, 2)),
    ((1, 17, 13), (2, 3, 1)),
    ((10007, 1), (1, 3)),
]



def tile(x, multiples, m_dtype=np.int32, constant=(1,), **kwargs):
    return run_single_op("TILE", [x, np.array(multiples, m_dtype).reshape(-1)], constant_inputs=list(constant),
                         **kwargs)[0]


@pytest.mark.parametrize("constant", [(1,), (), (0, 1)], ids=["constant multiples", "runtime multiples", "folded"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_numpy(case, constant):
    x = random_values(case[0], np.float32)
    got = tile(x, case[1], constant=constant)
    expected = np.tile(x, case[1]) if case[0] else x
    np.testing.assert_array_equal(got, expected)
    assert got.shape == expected.shape


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("m_dtype", [np.int32, np.int64])
def test_dtypes(dtype, m_dtype):
    x = random_values((2, 3, 4), dtype, 1)
    got = tile(x, (2, 1, 3), m_dtype, version=3)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.tile(x, (2, 1, 3)))


def test_runtime_multiples_resize_the_output_at_each_invoke():
    b = ModelBuilder()
    x = b.add_input("x", [2, 3], np.int32)
    m = b.add_input("multiples", [2], np.int64)
    out = b.add_tensor("y", None, np.int32)
    b.add_operator("TILE", [x, m], [out])
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    x_index, m_index = (d["index"] for d in interp.get_input_details())
    value = np.arange(6, dtype=np.int32).reshape(2, 3)
    interp.set_tensor(x_index, value)
    for multiples in [(1, 1), (3, 2), (1, 50), (0, 4), (2, 2)]:
        interp.set_tensor(m_index, np.array(multiples, np.int64))
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                                      np.tile(value, multiples))
    interp.set_tensor(m_index, np.array([1, -2], np.int64))
    with pytest.raises(EdgeliteError, match=r"multiples\[1\] is -2, expected 0 or more"):
        interp.invoke()


@pytest.mark.parametrize("x_shape,multiples,message", [
    ((2, 3), (1, -1), r"multiples\[1\] is -1, expected 0 or more"),
    ((2, 3), (2**31, 1), r"output dimension 0 \(2 x 2147483648\) is beyond 2\^31 - 1"),
    ((1024, 1024), (2048, 1024), r"the output has too many elements"),
])
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant multiples", "runtime multiples"])
def test_value_failures(x_shape, multiples, message, constant):
    with pytest.raises(EdgeliteError, match=r"node 0 \(TILE\): " + message):
        tile(np.zeros(x_shape, np.float32), multiples, np.int64, constant=constant)


def test_multiples_must_match_the_rank():
    with pytest.raises(EdgeliteError, match=r"multiples 'input1' must be a vector of 2 values \(one per input axis\), "
                                            r"got shape \[3\]"):
        tile(np.zeros((2, 3), np.float32), (1, 2, 3))
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is float32, expected int32\|int64"):
        run_single_op("TILE", [np.zeros(2, np.float32), np.ones(1, np.float32)])


def test_versions():
    x = np.int8([1, 2])
    np.testing.assert_array_equal(tile(x, (2,), version=3), [1, 2, 1, 2])
    with pytest.raises(EdgeliteError, match="operator TILE version 4 is not supported"):
        tile(x, (2,), version=4)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant multiples", "runtime multiples"])
@pytest.mark.parametrize("case", [c for c in CASES[1:] if 0 not in c[1] and 0 not in c[0]], ids=str)
def test_matches_litert(case, constant, dtype):
    x = random_values(case[0], dtype, 3)
    version = 3 if np.dtype(dtype) == np.int8 else 1
    inputs = [x, np.array(case[1], np.int32)]
    expected = run_litert_builtin("TILE", inputs, constant_inputs=list(constant), version=version)[0]
    got = tile(x, case[1], constant=constant, version=version)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
