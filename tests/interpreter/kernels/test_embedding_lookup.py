"""EMBEDDING_LOOKUP: rows picked by ids (float32 and other dtypes copied, quantization kept), the hybrid form
(int8 / uint8 rows dequantized to float32 per tensor or per row, zero points 0, uint8 bytes read as int8 as
LiteRT does), ids out of range, and LiteRT's builtin kernel."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import quantization, run_single_op
from litert_builtin import requires_litert, run_litert_builtin


@pytest.mark.parametrize("value_shape", [(5, 3), (4, 2, 3), (6, 1)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8])
def test_rows(value_shape, dtype):
    value = (np.random.default_rng(0).standard_normal(value_shape) * 40).astype(dtype)
    ids = np.int32([0, value_shape[0] - 1, 1, 1])
    got = run_single_op("EMBEDDING_LOOKUP", [ids, value], constant_inputs=[1], output_types=dtype)[0]
    np.testing.assert_array_equal(got, value[ids])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_hybrid_per_tensor(dtype):
    info = np.iinfo(dtype)
    value = np.random.default_rng(1).integers(info.min, info.max, (6, 4)).astype(dtype)
    ids = np.int32([3, 0, 5])
    got = run_single_op("EMBEDDING_LOOKUP", [ids, value], constant_inputs=[1], output_types=np.float32,
                        input_quantization={1: (0.05, 0)})[0]
    np.testing.assert_allclose(got, 0.05 * value[ids].view(np.int8).astype(np.float32), rtol=1e-6)


def test_hybrid_needs_zero_point_0():
    with pytest.raises(edgelite.EdgeliteError, match="has zero point 128; hybrid lookups need 0"):
        run_single_op("EMBEDDING_LOOKUP", [np.int32([0]), np.zeros((3, 2), np.uint8)], constant_inputs=[1],
                      output_types=np.float32, input_quantization={1: (0.05, 128)})


def test_hybrid_per_row():
    value = np.random.default_rng(2).integers(-127, 127, (3, 5)).astype(np.int8)
    scales = [0.1, 0.2, 0.5]
    got = run_single_op("EMBEDDING_LOOKUP", [np.int32([2, 0]), value], constant_inputs=[1], output_types=np.float32,
                        input_quantization={1: quantization(scales, [0, 0, 0], quantized_dimension=0)})[0]
    np.testing.assert_allclose(got, np.float32(scales)[[2, 0], None] * value[[2, 0]], rtol=1e-6)


def test_id_out_of_range():
    with pytest.raises(edgelite.EdgeliteError, match="id 7 at position 1 is outside the 3 rows"):
        run_single_op("EMBEDDING_LOOKUP", [np.int32([0, 7]), np.zeros((3, 2), np.float32)], constant_inputs=[1],
                      output_types=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="id -1"):
        run_single_op("EMBEDDING_LOOKUP", [np.int32([-1]), np.zeros((3, 2), np.float32)], constant_inputs=[1],
                      output_types=np.float32)


def test_hybrid_needs_a_scale():
    with pytest.raises(edgelite.EdgeliteError, match="without quantization parameters"):
        run_single_op("EMBEDDING_LOOKUP", [np.int32([0]), np.zeros((3, 2), np.int8)], constant_inputs=[1],
                      output_types=np.float32)


@requires_litert
def test_against_litert():
    value = np.random.default_rng(3).standard_normal((7, 2, 3)).astype(np.float32)
    args = [np.int32([6, 2, 2, 0]), value]
    kw = dict(constant_inputs=[1], output_types=np.float32)
    np.testing.assert_array_equal(run_single_op("EMBEDDING_LOOKUP", args, **kw)[0],
                                  run_litert_builtin("EMBEDDING_LOOKUP", args, **kw)[0])


@requires_litert
@pytest.mark.parametrize("dtype,per_row", [(np.int8, False), (np.uint8, False), (np.int8, True)])
def test_hybrid_against_litert(dtype, per_row):
    info = np.iinfo(dtype)
    value = np.random.default_rng(4).integers(info.min, info.max, (5, 6)).astype(dtype)
    q = quantization([0.03, 0.1, 0.2, 0.05, 0.5], [0] * 5, quantized_dimension=0) if per_row else (0.03, 0)
    args = [np.int32([4, 1, 3]), value]
    kw = dict(constant_inputs=[1], output_types=np.float32, input_quantization={1: q}, version=4 if per_row else 3)
    np.testing.assert_allclose(run_single_op("EMBEDDING_LOOKUP", args, **kw)[0],
                               run_litert_builtin("EMBEDDING_LOOKUP", args, **kw)[0], rtol=1e-6)
