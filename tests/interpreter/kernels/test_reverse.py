"""REVERSE_V2 and REVERSE_SEQUENCE against NumPy (np.flip, a per-row reversal) over dtypes, ranks, axis sets
(negative, several, non-contiguous, none), sequence and batch axes in either order, int32 and int64 lengths
(0 and full), constant and run-time axes and lengths; LiteRT on what it runs; failures with their messages."""

import numpy as np
import pytest

import edgelite
from litert_builtin import requires_litert, run_litert_builtin
from edgelite.testing import run_single_op

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_, np.float16]


def values(rng, shape, dtype):
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    return rng.integers(-100, 100, shape).astype(dtype) if np.dtype(dtype).kind in "iu" and dtype != np.uint8 \
        else rng.uniform(0, 100, shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape, axes", [((5,), [0]), ((3, 4), [1]), ((3, 4), [0, 1]), ((2, 3, 4), [-1]),
                                         ((2, 3, 4), [0, 2]), ((2, 3, 4, 5), [1, 2]), ((2, 3, 4, 5), [3, 0, 1]),
                                         ((2, 3), [])],
                         ids=lambda v: str(v))
def test_reverse_v2(shape, axes, dtype):
    rng = np.random.default_rng(len(shape) + len(axes))
    x = values(rng, shape, dtype)
    axis = np.array(axes, np.int32)
    expected = np.flip(x, axis=tuple(axes)) if axes else x
    for constant in ((1,), ()):
        got = run_single_op("REVERSE_V2", [x, axis], constant_inputs=constant)[0]
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(run_single_op("REVERSE_V2", [x, axis.astype(np.int64)], constant_inputs=(1,))[0],
                                  expected)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int8, np.bool_], ids=lambda d: np.dtype(d).name)
def test_reverse_v2_matches_litert(dtype):
    rng = np.random.default_rng(1)
    x = values(rng, (2, 3, 4, 5), dtype)
    for axes in ([0], [1, 2], [-1], [2, 3]):  # LiteRT runs contiguous axis sets
        axis = np.array(axes, np.int32)
        np.testing.assert_array_equal(run_single_op("REVERSE_V2", [x, axis], constant_inputs=(1,))[0],
                                      run_litert_builtin("REVERSE_V2", [x, axis], constant_inputs=(1,))[0])


def test_reverse_v2_failures():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="axis 2 is out of range for the 2-D input"):
        run_single_op("REVERSE_V2", [x, np.array([2], np.int32)], constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match="axis 1 is listed twice"):
        run_single_op("REVERSE_V2", [x, np.array([1, -1], np.int32)], constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match="axis 1 is listed twice"):
        run_single_op("REVERSE_V2", [x, np.array([1, -1], np.int32)])  # read at eval
    with pytest.raises(edgelite.EdgeliteError, match="at most 2 values"):
        run_single_op("REVERSE_V2", [x, np.array([0, 1, 0], np.int32)], constant_inputs=(1,))


def reverse_sequence(x, lengths, seq_dim, batch_dim):
    out = x.copy()
    for b, n in enumerate(lengths):
        src = np.take(x, b, axis=batch_dim)
        axis = seq_dim - (seq_dim > batch_dim)
        part = np.take(src, np.arange(n), axis=axis)
        rev = np.flip(part, axis=axis)
        index = [slice(None)] * x.ndim
        index[batch_dim] = b
        index[seq_dim] = slice(0, n)
        out[tuple(index)] = rev
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int16, np.uint8, np.int8],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape, seq_dim, batch_dim", [((4, 6), 1, 0), ((6, 4), 0, 1), ((3, 5, 2), 1, 0),
                                                        ((5, 3, 2), 0, 1), ((2, 3, 6, 2), 2, 1),
                                                        ((2, 6, 3, 2), 1, 2), ((3, 2, 5), 2, 0)],
                         ids=lambda v: str(v))
def test_reverse_sequence(shape, seq_dim, batch_dim, dtype):
    rng = np.random.default_rng(sum(shape))
    x = values(rng, shape, dtype)
    steps = shape[seq_dim]
    lengths = rng.integers(0, steps + 1, shape[batch_dim])
    lengths[0] = steps
    expected = reverse_sequence(x, lengths, seq_dim, batch_dim)
    options = {"seq_dim": seq_dim, "batch_dim": batch_dim}
    for length_dtype in (np.int32, np.int64):
        for constant in ((1,), ()):
            got = run_single_op("REVERSE_SEQUENCE", [x, lengths.astype(length_dtype)], options,
                                constant_inputs=constant)[0]
            np.testing.assert_array_equal(got, expected)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64], ids=lambda d: np.dtype(d).name)
def test_reverse_sequence_matches_litert(dtype):
    rng = np.random.default_rng(2)
    x = values(rng, (3, 5, 4), dtype)
    for seq_dim, batch_dim, n in ((1, 0, 3), (1, 2, 4), (0, 1, 5)):
        lengths = rng.integers(0, x.shape[seq_dim] + 1, n).astype(np.int32)
        lengths = lengths[:x.shape[batch_dim]]
        options = {"seq_dim": seq_dim, "batch_dim": batch_dim}
        np.testing.assert_array_equal(
            run_single_op("REVERSE_SEQUENCE", [x, lengths], options, constant_inputs=(1,))[0],
            run_litert_builtin("REVERSE_SEQUENCE", [x, lengths], options, constant_inputs=(1,))[0])


def test_reverse_sequence_failures():
    x = np.zeros((2, 3), np.float32)
    lengths = np.array([3, 1], np.int32)
    with pytest.raises(edgelite.EdgeliteError, match="must be two different axes"):
        run_single_op("REVERSE_SEQUENCE", [x, lengths], {"seq_dim": 1, "batch_dim": 1}, constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match="must be two different axes"):
        run_single_op("REVERSE_SEQUENCE", [x, lengths], {"seq_dim": -1, "batch_dim": 0}, constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match=r"expected \[2\] \(one per batch row\)"):
        run_single_op("REVERSE_SEQUENCE", [x, np.array([1, 1, 1], np.int32)], {"seq_dim": 1, "batch_dim": 0},
                      constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match=r"seq_lengths\[1\] is 4, outside \[0, 3\]"):
        run_single_op("REVERSE_SEQUENCE", [x, np.array([1, 4], np.int32)], {"seq_dim": 1, "batch_dim": 0})
