"""The newest versions of the data-movement operators, at the version numbers LiteRT 2.3.0's converter writes
for them (tflite/converter/tools/versioning/op_version.cc), against NumPy and LiteRT's builtin kernels bit
for bit: float16 through CONCATENATION 6, TRANSPOSE 9 and SLICE 8 (and through PAD/PADV2 and STRIDED_SLICE,
which LiteRT moves at every version), TRANSPOSE's 7-D and 8-D inputs (version 8), float64 through TRANSPOSE and
SLICE; the versions whose only addition is float8, int4, uint32 or bfloat16 (tensor types this build does not
hold: test_litert_registry.py) still run the older dtypes. What LiteRT refuses, edgelite refuses too."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from quant_kernel_checks import HAVE_LITERT, assert_bit_equal, random_values
from testutil import requires_litert


def check(op, inputs, options, expected, *, litert=False, **kwargs):
    """edgelite's first output equals `expected` bit for bit, and with `litert` LiteRT's too. LiteRT's builtin
    resolver, as its reference resolver (BUILTIN_REF) stops at older versions of these operators (TRANSPOSE 6 in
    2.3.0); the kernels only move elements, so the optimized and reference answers are the same."""
    (got,) = run_single_op(op, inputs, options, **kwargs)[:1]
    assert_bit_equal(got, expected, op)
    if litert and HAVE_LITERT:
        from litert_builtin import run_litert_builtin
        model_kwargs = {k: v for k, v in kwargs.items() if k != "num_threads"}
        assert_bit_equal(run_litert_builtin(op, inputs, options, **model_kwargs)[0], expected, f"{op} (LiteRT)")


def float16_values(shape, seed=0):
    """float16 values with the bit patterns a copy must keep: NaN, infinities, -0.0, subnormals."""
    x = (np.random.default_rng(seed).standard_normal(shape) * 100).astype(np.float16).ravel()
    specials = np.array([np.nan, np.inf, -np.inf, -0.0, 6e-8, -6e-8, 65504], np.float16)
    x[:min(x.size, specials.size)] = specials[:x.size]
    return x.reshape(shape)


def test_concatenation_float16_version_6():
    a, b, c = float16_values((2, 3, 4), 1), float16_values((2, 1, 4), 2), float16_values((2, 5, 4), 3)
    for axis in (1, -2):
        check("CONCATENATION", [a, b, c], {"axis": axis}, np.concatenate([a, b, c], axis), litert=True,
              version=6)
    check("CONCATENATION", [a, a], {"axis": 2}, np.concatenate([a, a], 2), constant_inputs=(1,), version=6,
          num_threads=2)


def test_concatenation_float16_refuses_a_fused_activation_as_litert_does():
    a = float16_values((2, 2))
    with pytest.raises(EdgeliteError, match=r"fused activation \(RELU\) on float16 inputs is not supported"):
        run_single_op("CONCATENATION", [a, a], {"axis": 0, "fused_activation_function": "RELU"}, version=6)


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_transpose_float16_version_9_and_float64(dtype):
    x = float16_values((3, 17, 18), 4) if dtype == np.float16 else random_values((3, 17, 18), dtype, 4)
    for perm in [(0, 2, 1), (2, 1, 0), (1, 0, 2), (2, 0, 1)]:
        perm = np.int32(perm)
        check("TRANSPOSE", [x, perm], None, np.transpose(x, perm), litert=True, constant_inputs=(1,), version=9)
        optimized, reference = run_optimized_and_reference("TRANSPOSE", [x, perm], constant_inputs=(1,), version=9)
        assert_bit_equal(reference[0], optimized[0], "TRANSPOSE twin")


@pytest.mark.parametrize("rank", [7, 8])
def test_transpose_ranks_7_and_8_version_8(rank):
    rng = np.random.default_rng(rank)
    for k in range(12):
        shape = tuple(int(d) for d in rng.choice([1, 2, 3], size=rank))
        x = random_values(shape, np.float32 if k % 2 else np.int16, k)
        perm = np.int32(rng.permutation(rank))
        check("TRANSPOSE", [x, perm], None, np.transpose(x, perm), litert=k < 3, constant_inputs=(1,), version=8)
        optimized, reference = run_optimized_and_reference("TRANSPOSE", [x, perm], constant_inputs=(1,),
                                                           num_threads=2, version=8)
        assert_bit_equal(optimized[0], reference[0], "TRANSPOSE twin")
    # A perm known only at run time plans the 8-D copy in eval.
    x = random_values((2,) * rank, np.float32, 99)
    perm = np.int32(rng.permutation(rank))
    assert_bit_equal(run_single_op("TRANSPOSE", [x, perm], version=8)[0], np.transpose(x, perm), "run-time perm")


def test_transpose_rank_9_is_refused_as_litert_does():
    x = np.zeros((1,) * 9, np.float32)
    with pytest.raises(EdgeliteError, match="input rank 9 is not supported \\(at most 8\\)"):
        run_single_op("TRANSPOSE", [x, np.int32(list(range(9)))], constant_inputs=(1,), version=9)
    if HAVE_LITERT:
        from litert_builtin import run_litert_builtin
        with pytest.raises(RuntimeError, match="1D-8D"):
            run_litert_builtin("TRANSPOSE", [x, np.int32(list(range(9)))], constant_inputs=(1,), version=9)


@pytest.mark.parametrize("op", ["SLICE", "STRIDED_SLICE"])
@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_slices_of_float16_version_8_and_float64(op, dtype):
    x = float16_values((4, 5, 6), 5) if dtype == np.float16 else random_values((4, 5, 6), dtype, 5)
    if op == "SLICE":
        inputs, options, version = [x, np.int32([1, 0, 2]), np.int32([2, -1, 3])], None, 8
    else:
        inputs, options, version = [x, np.int32([3, 0, 1]), np.int32([0, 5, 6]), np.int32([-1, 2, 2])], {}, 8
    expected = x[1:3, :, 2:5] if op == "SLICE" else x[3:0:-1, 0:5:2, 1:6:2]
    check(op, inputs, options, expected, litert=True, constant_inputs=tuple(range(1, len(inputs))),
          version=version)


@pytest.mark.parametrize("rank", [1, 3, 5])
def test_pad_and_padv2_float16(rank):
    x = float16_values((2, 3, 1, 2, 3)[:rank], rank)
    paddings = np.int32([[1, 0], [0, 2], [1, 1], [0, 1], [2, 0]][:rank])
    check("PAD", [x, paddings], None, np.pad(x, paddings), litert=True, constant_inputs=(1,), version=6)
    value = np.array([-2.5], np.float16)
    check("PADV2", [x, paddings, value], None, np.pad(x, paddings, constant_values=value[0]), litert=True,
          constant_inputs=(1, 2), version=6)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int8, np.bool_])
def test_newest_versions_of_gathers_fill_and_broadcast_to_run_the_older_dtypes(dtype):
    """GATHER 8, GATHER_ND 6, FILL 5 and BROADCAST_TO 4 add only float8: the dtypes before it run at them."""
    x = float16_values((3, 4), 6) if dtype == np.float16 else random_values((3, 4), dtype, 6)
    indices = np.int32([2, 0, 2])
    check("GATHER", [x, indices], {"axis": 0}, x[indices], litert=True, constant_inputs=(1,), version=8)
    nd = np.int32([[1, 3], [0, 0]])
    check("GATHER_ND", [x, nd], None, x[nd[:, 0], nd[:, 1]], litert=True, constant_inputs=(1,), version=6)
    value = x[:1, :1].reshape(())
    check("FILL", [np.int32([2, 3]), value], None, np.full((2, 3), value, dtype), litert=True,
          constant_inputs=(0,), output_types=dtype, version=5)
    check("BROADCAST_TO", [x[:1], np.int32([2, 3, 4])], None, np.broadcast_to(x[:1], (2, 3, 4)), litert=True,
          constant_inputs=(1,), version=4)


def split_outputs(op, x, **kwargs):
    if op == "SPLIT":
        return run_single_op("SPLIT", [np.int32(1), x], {"num_splits": 2}, constant_inputs=(0,), num_outputs=2,
                             output_types=x.dtype, **kwargs)
    return run_single_op("SPLIT_V", [x, np.int32([1, 3]), np.int32(1)], {"num_splits": 2}, constant_inputs=(1, 2),
                         num_outputs=2, **kwargs)


@pytest.mark.parametrize("op, version", [("SPLIT", 5), ("SPLIT_V", 3)])
def test_newest_split_versions_run_the_older_dtypes_and_refuse_float16_as_litert_does(op, version):
    """SPLIT 5 and SPLIT_V 3 add only float8; LiteRT's split kernels refuse float16, and so does edgelite."""
    for dtype in (np.float32, np.int16, np.int8):
        x = random_values((2, 4), dtype, 7)
        ours = split_outputs(op, x, version=version)
        for got, want in zip(ours, np.split(x, [1], axis=1) if op == "SPLIT_V" else np.split(x, 2, axis=1)):
            assert_bit_equal(got, want, op)
        if HAVE_LITERT:
            for got, theirs in zip(ours, split_outputs(op, x, version=version, runtime="litert")):
                assert_bit_equal(got, theirs, f"{op} vs LiteRT")
    with pytest.raises(EdgeliteError, match="float16"):
        split_outputs(op, float16_values((2, 4)), version=version)


def test_pack_version_5_runs_the_older_dtypes_and_refuses_float16_as_litert_does():
    for dtype in (np.float32, np.int16, np.uint8):
        a, b = random_values((2, 3), dtype, 8), random_values((2, 3), dtype, 9)
        check("PACK", [a, b], {"values_count": 2, "axis": 1}, np.stack([a, b], 1), litert=True, version=5)
    with pytest.raises(EdgeliteError, match="float16"):
        run_single_op("PACK", [float16_values((2,)), float16_values((2,))], {"values_count": 2}, version=5)
