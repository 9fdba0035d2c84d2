"""EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL on int8/uint8 (rescaled to compare real values)
and int16 (EQUAL/NOT_EQUAL rescaled when quantized, raw otherwise; the orderings raw), bit for bit against
integer_reference_elementwise.compare (and LiteRT's BUILTIN_REF on some cases), with broadcasting, ties and
near-ties; scales of one or more refused."""

import numpy as np
import pytest

import integer_reference_elementwise as ew
from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from quant_cases import random_q, random_zero_point
from quant_kernel_checks import check

SHAPES = [((3, 5, 7), (3, 5, 7)), ((2, 1, 5), (1, 4, 5)), ((6,), (1,)), ((2, 3, 1, 4), (3, 5, 1)), ((1, 9), (9,))]


def clip_to(values, dtype):
    return np.clip(values, np.iinfo(dtype).min, np.iinfo(dtype).max).astype(dtype)


@pytest.mark.parametrize("op", list(ew.COMPARISONS))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_comparisons(op, dtype):
    rng = np.random.default_rng(50 + len(op) + np.dtype(dtype).itemsize)
    for k, (sa, sb) in enumerate(SHAPES):
        a_qp = (np.float32(np.exp(rng.uniform(np.log(1e-3), np.log(0.5)))), random_zero_point(rng, dtype, k % 2 == 1))
        b_qp = (a_qp[0] if k % 2 else np.float32(a_qp[0] * rng.uniform(0.3, 1.5)), random_zero_point(rng, dtype))
        b_qp = (np.float32(min(b_qp[0], 0.9)), b_qp[1])
        if sa == sb:  # values next to a's real values, so that ties and near-ties happen
            a = random_q(rng, sa, dtype)
            b = clip_to(np.round((a.astype(np.float64) - a_qp[1]) * a_qp[0] / b_qp[0]) + b_qp[1] +
                        rng.integers(-1, 2, sa), dtype)
        else:  # a few values around each zero point
            a = clip_to(a_qp[1] + rng.integers(-4, 5, sa), dtype)
            b = clip_to(b_qp[1] + rng.integers(-4, 5, sb), dtype)
        check(op, [a, b], None, ew.compare(op, a, a_qp, b, b_qp), litert=k == 1, num_threads=1 + k % 2,
              input_quantization=[a_qp, b_qp], output_types=np.bool_)


@pytest.mark.parametrize("op", ["EQUAL", "NOT_EQUAL", "LESS", "GREATER_EQUAL"])
def test_unquantized_int16_compares_raw(op):
    rng = np.random.default_rng(7)
    a, b = random_q(rng, (4, 6), np.int16, -3, 3), random_q(rng, (6,), np.int16, -3, 3)
    # LiteRT's NOT_EQUAL on unquantized int16 writes nothing (its output is whatever the buffer held): a bug
    # not followed; the raw comparison is what EQUAL does there.
    check(op, [a, b], None, ew.COMPARISONS[op](a, b), litert=op != "NOT_EQUAL", output_types=np.bool_)


def test_int16_orderings_ignore_scales():
    a = np.array([1, 2, 3], np.int16)
    b = np.array([2, 2, 2], np.int16)
    # Real values 10, 20, 30 against 0.2: LiteRT compares 1, 2, 3 with 2 anyway.
    check("LESS", [a, b], None, np.array([True, False, False]), litert=True,
          input_quantization=[(10.0, 0), (0.1, 0)], output_types=np.bool_)


def test_scales_of_one_or_more_are_refused():
    a = np.zeros(3, np.int8)
    for scale in (1.0, 2.5):
        with pytest.raises(EdgeliteError, match=f"input 1 'input1' has scale {scale:g}; comparing quantized values"):
            run_single_op("EQUAL", [a, a], input_quantization=[(0.5, 0), (scale, 0)], output_types=np.bool_)
    with pytest.raises(EdgeliteError, match="int8 input 0 'input0' has no quantization parameters"):
        run_single_op("LESS", [a, a], output_types=np.bool_)
