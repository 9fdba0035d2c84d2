"""BROADCAST_TO against np.broadcast_to: new leading axes, 1s stretched in every position, scalars, empty
targets, every fixed-size dtype, int32 and int64 shapes, constant shapes (sized at prepare, folded with a
constant input) and runtime ones (a dynamic output sized at each invoke), failures with their messages, and
LiteRT's builtin kernel."""

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
    ((), (4,)),
    ((), ()),
    ((1,), (3, 5)),
    ((5,), (2, 3, 5)),
    ((3, 1), (3, 4)),
    ((1, 4), (3, 4)),
    ((2, 1, 3), (5, 2, 7, 3)),
    ((1, 2, 1, 2, 1), (3, 2, 4, 2, 5)),
    ((1, 1), (0, 3)),
    ((1,), (10007,)),
    ((3, 1, 1), (3, 61, 67)),
]



def broadcast_to(x, shape, shape_dtype=np.int32, constant=(1,), **kwargs):
    return run_single_op("BROADCAST_TO", [x, np.array(shape, shape_dtype)], constant_inputs=list(constant),
                         version=kwargs.pop("version", 2), **kwargs)[0]


@pytest.mark.parametrize("constant", [(1,), (), (0, 1)], ids=["constant shape", "runtime shape", "folded"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_numpy(case, constant):
    x = random_values(case[0], np.float32)
    got = broadcast_to(x, case[1], constant=constant)
    np.testing.assert_array_equal(got, np.broadcast_to(x, case[1]))
    assert got.shape == case[1]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape_dtype", [np.int32, np.int64])
def test_dtypes(dtype, shape_dtype):
    x = random_values((2, 1, 3), dtype, 1)
    got = broadcast_to(x, (4, 2, 5, 3), shape_dtype, version=3)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.broadcast_to(x, (4, 2, 5, 3)))


def test_threads():
    x = random_values((7, 1, 1), np.float32, 2)
    for threads in (1, 3):
        np.testing.assert_array_equal(broadcast_to(x, (7, 99, 101), num_threads=threads),
                                      np.broadcast_to(x, (7, 99, 101)))


def test_runtime_shape_resizes_the_output_at_each_invoke():
    b = ModelBuilder()
    x = b.add_input("x", [2, 1], np.float32)
    shape = b.add_input("shape", [3], np.int32)
    out = b.add_tensor("y", None, np.float32)
    b.add_operator("BROADCAST_TO", [x, shape], [out], version=2)
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    x_index, shape_index = (d["index"] for d in interp.get_input_details())
    value = np.float32([[1.5], [-2.0]])
    interp.set_tensor(x_index, value)
    for target in [(1, 2, 3), (4, 2, 1), (3, 2, 200), (0, 2, 5)]:
        interp.set_tensor(shape_index, np.array(target, np.int32))
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                                      np.broadcast_to(value, target))
    interp.set_tensor(shape_index, np.array([2, 3, 4], np.int32))
    with pytest.raises(EdgeliteError, match=r"input 'x' of shape \[2, 1\] cannot be broadcast to shape \[2, 3, 4\]"):
        interp.invoke()


@pytest.mark.parametrize("x_shape,shape,message", [
    ((3, 4), (3, 5), r"input 'input0' of shape \[3, 4\] cannot be broadcast to shape \[3, 5\]"),
    ((3, 4), (4,), r"input 'input0' of shape \[3, 4\] cannot be broadcast to shape \[4\]"),
    ((2,), (3, -1), r"shape\[1\] is -1, expected 0 to 2\^31 - 1"),
    ((1,), (65536, 65536, 65536), r"output shape \[65536, 65536, 65536\]\.\.\. has too many elements"),
])
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant shape", "runtime shape"])
def test_failures(x_shape, shape, message, constant):
    with pytest.raises(EdgeliteError, match=r"node 0 \(BROADCAST_TO\): " + message):
        broadcast_to(np.zeros(x_shape, np.float32), shape, constant=constant)


def test_type_and_rank_failures():
    with pytest.raises(EdgeliteError, match=r"shape input 'input1' must be 1-D, got shape \[1, 2\]"):
        run_single_op("BROADCAST_TO", [np.zeros(2, np.float32), np.array([[1, 2]], np.int32)], constant_inputs=[1],
                      version=2)
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is float32, expected int32\|int64"):
        run_single_op("BROADCAST_TO", [np.zeros(2, np.float32), np.array([2.0], np.float32)], version=2)


def test_versions():
    x = np.float32([1.0])
    np.testing.assert_array_equal(broadcast_to(x, (3,), version=3), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(broadcast_to(x, (3,), version=4), [1.0, 1.0, 1.0])
    with pytest.raises(EdgeliteError, match="operator BROADCAST_TO version 5 is not supported"):
        broadcast_to(x, (3,), version=5)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant shape", "runtime shape"])
@pytest.mark.parametrize("case", CASES[2:9], ids=str)
def test_matches_litert(case, constant, dtype):
    if 0 in case[1] and not constant:
        pytest.skip("LiteRT's get_tensor fails on an empty dynamic output ('Invalid tensor size')")
    x = random_values(case[0], dtype, 3)
    version = 3 if np.dtype(dtype) in (np.int8, np.int16) else 2
    inputs = [x, np.array(case[1], np.int32)]
    expected = run_litert_builtin("BROADCAST_TO", inputs, constant_inputs=list(constant), version=version)[0]
    got = broadcast_to(x, case[1], constant=constant, version=version)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
