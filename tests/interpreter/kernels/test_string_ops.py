"""The existing operators LiteRT runs on string tensors: RESHAPE, SQUEEZE, EXPAND_DIMS, GATHER (1-D params),
GATHER_ND, SLICE, STRIDED_SLICE, TILE, FILL, EQUAL, NOT_EQUAL, SHAPE and RANK, against NumPy on object arrays and
against LiteRT's builtin kernels, with runtime and constant string inputs (constants fold at prepare); operators
that do not take strings refuse them at allocate with the node and tensor named."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_model, single_op_model
from litert_builtin import requires_litert, run_litert_model

WORDS = np.array([[b"alpha", b"", "\u00e9t\u00e9".encode()], [b"nul\x00byte", b"beta", b"\xff\xfe"]], dtype=object)
S = np.dtype(object)

# op, inputs (the strings first unless noted), options, constant input positions, output dtype, NumPy's answer
CASES = {
    "reshape": ("RESHAPE", [WORDS, np.array([3, 2], np.int32)], None, [1], S, WORDS.reshape(3, 2)),
    "reshape_flat": ("RESHAPE", [WORDS, np.array([-1], np.int32)], None, [1], S, WORDS.reshape(-1)),
    "expand_dims": ("EXPAND_DIMS", [WORDS, np.array([1], np.int32)], None, [1], S, WORDS[:, None]),
    "expand_dims_int64_last": ("EXPAND_DIMS", [WORDS, np.array([-1], np.int64)], None, [1], S, WORDS[..., None]),
    "squeeze": ("SQUEEZE", [WORDS.reshape(2, 1, 3)], {"squeeze_dims": [1]}, [], S, WORDS),
    "gather": ("GATHER", [WORDS.reshape(-1), np.array([[5, 0], [2, 2]], np.int32)], {"axis": 0}, [1], S,
               WORDS.reshape(-1)[[[5, 0], [2, 2]]]),
    "gather_int64": ("GATHER", [WORDS.reshape(-1), np.array([1, 3], np.int64)], None, [1], S,
                     WORDS.reshape(-1)[[1, 3]]),
    "gather_nd": ("GATHER_ND", [WORDS, np.array([[1, 2], [0, 0]], np.int32)], None, [1], S,
                  np.array([WORDS[1, 2], WORDS[0, 0]], object)),
    "slice": ("SLICE", [WORDS, np.array([0, 1], np.int32), np.array([2, -1], np.int32)], None, [1, 2], S,
              WORDS[:, 1:]),
    "strided_slice": ("STRIDED_SLICE", [WORDS, np.array([1, 0], np.int32), np.array([2, 3], np.int32),
                                        np.array([1, 2], np.int32)], None, [1, 2, 3], S, WORDS[1:2, 0:3:2]),
    "tile": ("TILE", [WORDS, np.array([2, 1], np.int32)], None, [1], S, np.tile(WORDS, (2, 1))),
    "equal": ("EQUAL", [WORDS, np.array([b"alpha", b"beta", b"\xff\xfe"], object)], None, [1], np.bool_,
              WORDS == np.array([b"alpha", b"beta", b"\xff\xfe"], object)),
    "not_equal": ("NOT_EQUAL", [WORDS, np.array([[b""], [b"beta"]], object)], None, [], np.bool_,
                  WORDS != np.array([[b""], [b"beta"]], object)),
    "shape": ("SHAPE", [WORDS], {"out_type": "INT32"}, [], np.int32, np.array([2, 3], np.int32)),
    "rank": ("RANK", [WORDS], None, [], np.int32, np.array(2, np.int32)),
}


def case_model(name, constant_strings=False):
    op, inputs, options, constant, out_type, expected = CASES[name]
    constant = list(constant) + ([0] if constant_strings and 0 not in constant else [])
    model = single_op_model(op, inputs, options, constant_inputs=constant, output_types=out_type)
    runtime = [np.asarray(a) for i, a in enumerate(inputs) if i not in constant]
    return model, runtime, expected


def assert_same(got, expected):
    assert got.dtype == np.asarray(expected).dtype and got.shape == np.asarray(expected).shape, (got, expected)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("constant_strings", [False, True], ids=["runtime", "constant"])
def test_against_numpy(name, constant_strings):
    model, runtime, expected = case_model(name, constant_strings)
    got = run_model(model, runtime)[0]
    assert_same(got, expected)
    if got.dtype == object:
        assert all(type(v) is bytes for v in got.ravel())


@requires_litert
@pytest.mark.parametrize("name", sorted(CASES))
def test_against_litert(name):
    model, runtime, expected = case_model(name)
    ours = run_model(model, runtime)[0]
    theirs = run_litert_model(model, runtime)[0]
    assert_same(ours, theirs)


def test_fill_with_a_string():
    for constant_value in (False, True):
        model = single_op_model("FILL", [np.array([2, 2], np.int32), np.array(b"zz\x00", object)],
                                constant_inputs=[0, 1] if constant_value else [0], output_types=S)
        runtime = [] if constant_value else [np.array(b"zz\x00", object)]
        expected = np.empty((2, 2), object)
        expected[...] = [[b"zz\x00", b"zz\x00"], [b"zz\x00", b"zz\x00"]]  # (np.full would strip the NUL)
        assert_same(run_model(model, runtime)[0], expected)


@requires_litert
def test_fill_matches_litert_with_a_constant_value():
    # (LiteRT's set_tensor of a 0-d string array gives FILL garbage, so the value is a constant here.)
    model = single_op_model("FILL", [np.array([3], np.int32), np.array(b"ab", object)], constant_inputs=[0, 1],
                            output_types=S)
    assert_same(run_model(model, [])[0], run_litert_model(model, [])[0])


def test_runtime_shape_gives_a_string_output_its_shape_at_invoke():
    # RESHAPE with a runtime shape: a dynamic output, resized by the kernel during invoke.
    model = single_op_model("RESHAPE", [WORDS, np.array([3, 2], np.int32)], output_types=S)
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    interp.set_tensor(0, WORDS)
    for shape in ([3, 2], [6, 1], [1, 6], [3, 2]):
        interp.set_tensor(1, np.array(shape, np.int32))
        interp.invoke()
        assert_same(interp.get_tensor(interp.get_output_details()[0]["index"]), WORDS.reshape(shape))


def test_expand_dims_with_a_runtime_axis():
    model = single_op_model("EXPAND_DIMS", [WORDS, np.array([0], np.int32)], output_types=S)
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    interp.set_tensor(0, WORDS)
    for axis in (0, 2, -2):
        interp.set_tensor(1, np.array([axis], np.int32))
        interp.invoke()
        assert_same(interp.get_tensor(interp.get_output_details()[0]["index"]), np.expand_dims(WORDS, axis))


def test_gather_string_params_must_be_one_dimensional():
    model = single_op_model("GATHER", [WORDS, np.array([0], np.int32)], constant_inputs=[1], output_types=S)
    interp = edgelite.Interpreter(model_content=model)
    with pytest.raises(edgelite.InvalidModelError, match="string params must be 1-D"):
        interp.allocate_tensors()


def test_gather_index_out_of_range_is_an_error():
    model = single_op_model("GATHER", [WORDS.reshape(-1), np.array([6], np.int32)], output_types=S)
    with pytest.raises(edgelite.InvalidArgumentError, match="out of range"):
        run_model(model, [WORDS.reshape(-1), np.array([6], np.int32)])


@pytest.mark.parametrize("op, options", [("CONCATENATION", {"axis": 0}), ("TRANSPOSE", None), ("LESS", None)])
def test_operators_without_strings_refuse_them(op, options):
    inputs = [WORDS, WORDS] if op != "TRANSPOSE" else [WORDS, np.array([1, 0], np.int32)]
    model = single_op_model(op, inputs, options, constant_inputs=[1] if op == "TRANSPOSE" else [],
                            output_types=np.bool_ if op == "LESS" else S)
    interp = edgelite.Interpreter(model_content=model)
    with pytest.raises(edgelite.UnsupportedError, match=rf"node 0 \({op}\).*string"):
        interp.allocate_tensors()
