"""SPARSE_TO_DENSE: values scattered into a default-filled tensor of output_shape, from scalar, 1-D and 2-D
indices, scalar or per-index values, int32/int64 indices, dtypes, constant (prepare) and runtime (eval) shapes,
indices out of range, and LiteRT's builtin kernel."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def numpy_sparse_to_dense(indices, shape, values, default):
    out = np.full(shape, default, dtype=values.dtype)
    idx = np.asarray(indices).reshape(-1, len(shape)) if len(shape) else np.zeros((0, 0), int)
    vals = np.broadcast_to(values, (idx.shape[0],))
    for i, v in zip(idx, vals):
        out[tuple(i)] = v
    return out


CASES = [  # indices, output shape, values
    (np.int32([[0, 1], [2, 3], [1, 0]]), [3, 4], [5, 6, 7]),
    (np.int64([[1, 0, 2]]), [2, 2, 3], [9]),
    (np.int32([0, 3, 4]), [6], [1, 2, 3]),
    (np.int32(2), [5], 8),
    (np.int32([[0, 0], [1, 1]]), [2, 2], 4),
]


@pytest.mark.parametrize("indices,shape,values", CASES, ids=range(len(CASES)))
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8])
@pytest.mark.parametrize("constant_shape", [True, False])
def test_against_numpy(indices, shape, values, dtype, constant_shape):
    values = np.asarray(values, dtype)
    default = np.asarray(-1 if dtype != np.uint8 else 200, dtype)
    args = [indices, np.array(shape, indices.dtype), values, default]
    got = run_single_op("SPARSE_TO_DENSE", args, {"validate_indices": False}, version=3, output_types=dtype,
                        constant_inputs=[1] if constant_shape else [])[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, numpy_sparse_to_dense(indices, shape, values, default))


def test_index_out_of_range():
    with pytest.raises(edgelite.EdgeliteError, match="outside the output shape"):
        run_single_op("SPARSE_TO_DENSE", [np.int32([[0, 5]]), np.int32([2, 3]), np.float32([1]), np.float32(0)],
                      output_types=np.float32)


def test_value_count_must_match():
    with pytest.raises(edgelite.EdgeliteError, match="values has 2 elements; expected 1 or 3"):
        run_single_op("SPARSE_TO_DENSE", [np.int32([0, 1, 2]), np.int32([4]), np.float32([1, 2]), np.float32(0)],
                      output_types=np.float32)


@requires_litert
@pytest.mark.parametrize("case", range(3))
def test_against_litert(case):
    indices, shape, values = CASES[case]
    args = [indices, np.array(shape, indices.dtype), np.asarray(values, np.float32), np.float32(0.5)]
    kw = dict(constant_inputs=[1], output_types=np.float32)
    np.testing.assert_array_equal(run_single_op("SPARSE_TO_DENSE", args, **kw)[0],
                                  run_litert_builtin("SPARSE_TO_DENSE", args, **kw)[0])
