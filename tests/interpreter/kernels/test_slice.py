"""SLICE against NumPy: begin and size per axis (int32 or int64, size -1 to the end, empty slices), ranks 1-6,
every movable dtype with quantization kept, run-time begin/size (dynamic output), threads, LiteRT, and
prepare failures."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from quant_kernel_checks import check, random_values as values

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_]


def numpy_slice(x, begin, size):
    return x[tuple(slice(b, x.shape[i] if s == -1 else b + s) for i, (b, s) in enumerate(zip(begin, size)))]


@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5, 6])
def test_random_slices(rank):
    rng = np.random.default_rng(rank)
    for k in range(10):
        shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5, 7], size=rank))
        begin = [int(rng.integers(0, d + 1)) for d in shape]
        size = [-1 if rng.random() < 0.25 else int(rng.integers(0, d - b + 1)) for d, b in zip(shape, begin)]
        x = values(shape, np.float32, k)
        index_type = np.int32 if k % 2 else np.int64
        check("SLICE", [x, np.array(begin, index_type), np.array(size, index_type)], None,
              numpy_slice(x, begin, size), litert=k < 2, constant_inputs=(1, 2))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes_keep_quantization(dtype):
    x = values((4, 5, 6), dtype, 3)
    begin, size = [1, 0, 2], [2, -1, 3]
    quant = {"input_quantization": {0: (0.1, 3)}, "output_quantization": (0.1, 3)} if dtype in (
        np.int8, np.uint8, np.int16) else {}
    if dtype == np.int16:
        quant = {"input_quantization": {0: (0.1, 0)}, "output_quantization": (0.1, 0)}
    check("SLICE", [x, np.array(begin, np.int32), np.array(size, np.int32)], None, numpy_slice(x, begin, size),
          litert=True, constant_inputs=(1, 2), **quant)


def test_run_time_begin_and_size():
    x = values((6, 7, 8), np.float32)
    for begin, size in [([1, 2, 3], [4, -1, 2]), ([0, 0, 0], [6, 7, 8]), ([5, 6, 7], [1, 1, -1]), ([2, 0, 8], [0, 3, 0])]:
        expected = numpy_slice(x, begin, size)
        # (LiteRT's get_tensor refuses an empty dynamic output.)
        check("SLICE", [x, np.array(begin, np.int32), np.array(size, np.int32)], None, expected,
              litert=expected.size > 0)


def test_large_threaded_and_constant():
    x = values((64, 130, 33), np.float32)
    begin, size = [3, 1, 5], [50, 128, -1]
    check("SLICE", [x, np.array(begin, np.int32), np.array(size, np.int32)], None, numpy_slice(x, begin, size),
          num_threads=4, constant_inputs=(1, 2))
    check("SLICE", [x, np.array(begin, np.int32), np.array(size, np.int32)], None, numpy_slice(x, begin, size),
          constant_inputs=(0, 1, 2))


@pytest.mark.parametrize("begin, size, message", [
    ([0, 4], [1, 1], "begin 4 and size 1 do not fit axis 1 of size 3"),
    ([0, -1], [1, 1], "begin -1 and size 1 do not fit axis 1"),
    ([1, 0], [2, 1], "begin 1 and size 2 do not fit axis 0 of size 2"),
    ([0, 0], [-2, 1], "begin 0 and size -2 do not fit"),
    ([0], [1], r"begin must have shape \[2\] \(one entry per input axis\), got \[1\]"),
])
def test_prepare_failures(begin, size, message):
    with pytest.raises(EdgeliteError, match=message):
        run_single_op("SLICE", [np.zeros((2, 3), np.float32), np.array(begin, np.int32), np.array(size, np.int32)],
                      constant_inputs=(1, 2))


def test_run_time_failure_names_the_slice():
    with pytest.raises(EdgeliteError, match="begin 3 and size 1 do not fit axis 0 of size 2"):
        run_single_op("SLICE", [np.zeros((2, 3), np.float32), np.array([3, 0], np.int32), np.array([1, 1], np.int32)])
