"""DENSIFY: sparse constants in the .tflite format (traversal order, block maps, DENSE and SPARSE_CSR levels,
int32/uint16/uint8 index vectors) built by an encoder written here in NumPy, the NNAPI test vectors,
LiteRT's DENSIFY, a densified weight used downstream, and corrupt index structures refused at prepare."""

import importlib.util
import os

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.interpreter import Interpreter
from edgelite.model_builder import ModelBuilder
from edgelite.schema.DimensionMetadata import DimensionMetadataT
from edgelite.schema.DimensionType import DimensionType
from edgelite.schema.Int32Vector import Int32VectorT
from edgelite.schema.SparseIndexVector import SparseIndexVector
from edgelite.schema.SparsityParameters import SparsityParametersT
from edgelite.schema.Uint16Vector import Uint16VectorT
from edgelite.schema.Uint8Vector import Uint8VectorT
from edgelite.testing import run_model

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")

DENSE, CSR = DimensionType.DENSE, DimensionType.SPARSE_CSR
INDEX_VECTORS = {
    np.int32: (SparseIndexVector.Int32Vector, Int32VectorT),
    np.uint16: (SparseIndexVector.Uint16Vector, Uint16VectorT),
    np.uint8: (SparseIndexVector.Uint8Vector, Uint8VectorT),
}


def index_vector(values, index_dtype=np.int32):
    kind, cls = INDEX_VECTORS[index_dtype]
    v = cls()
    v.values = [int(x) for x in values]
    return kind, v


def level(fmt, dense_size=0, segments=None, indices=None, index_dtype=np.int32):
    m = DimensionMetadataT()
    m.format = fmt
    m.denseSize = dense_size
    if segments is not None:
        m.arraySegmentsType, m.arraySegments = index_vector(segments, index_dtype)
    if indices is not None:
        m.arrayIndicesType, m.arrayIndices = index_vector(indices, index_dtype)
    return m


def sparsity(traversal_order, levels, block_map=()):
    sp = SparsityParametersT()
    sp.traversalOrder = list(traversal_order)
    sp.blockMap = list(block_map)
    sp.dimMetadata = list(levels)
    return sp


def sparsify(dense, traversal_order, formats, block_map=(), block_size=(), index_dtype=np.int32):
    """Encodes `dense` the way the .tflite converter does: returns (stored values, SparsityParametersT).
    A SPARSE_CSR level lists an index when the slice below it holds a non-zero."""
    rank = dense.ndim
    blocks = dict(zip(block_map, block_size))
    # Split every dimension d into (outer, inner); inner has the block size (1 when not blocked).
    split = dense.reshape([n for d in range(rank) for n in (dense.shape[d] // blocks.get(d, 1), blocks.get(d, 1))])
    unblocked_inner = [2 * d + 1 for d in range(rank) if d not in blocks]
    expanded = split.transpose([2 * d for d in range(rank)] + [2 * d + 1 for d in block_map] + unblocked_inner)
    expanded = expanded.reshape(expanded.shape[:rank + len(block_map)])
    walked = expanded.transpose(traversal_order)
    prefixes = [()]
    levels = []
    for depth, fmt in enumerate(formats):
        size = walked.shape[depth]
        if fmt == DENSE:
            levels.append(level(DENSE, dense_size=size))
            prefixes = [p + (i,) for p in prefixes for i in range(size)]
            continue
        segments, indices, children = [0], [], []
        for p in prefixes:
            for i in range(size):
                if np.any(walked[p + (i,)] != 0):
                    indices.append(i)
                    children.append(p + (i,))
            segments.append(len(indices))
        levels.append(level(CSR, segments=segments, indices=indices, index_dtype=index_dtype))
        prefixes = children
    values = np.array([walked[p] for p in prefixes], dtype=dense.dtype)
    return values, sparsity(traversal_order, levels, block_map)


def densify_model(values, dense_shape, sp, *, add_input=False):
    """DENSIFY of a sparse constant; with add_input, the dense tensor is then added to a runtime input."""
    b = ModelBuilder()
    sparse = b.add_constant("sparse", values, shape=dense_shape, sparsity=sp)
    dense = b.add_tensor("dense", None, values.dtype)
    b.add_operator("DENSIFY", [sparse], [dense])
    if add_input:
        x = b.add_input("x", list(dense_shape), values.dtype)
        out = b.add_tensor("sum", None, values.dtype)
        b.add_operator("ADD", [dense, x], [out])
        b.mark_output(out)
    else:
        b.mark_output(dense)
    return b.build()


def litert_output(model):
    """The one output of an input-less model under LiteRT's builtin kernels (its XNNPACK delegate wants
    runtime inputs)."""
    from ai_edge_litert.interpreter import Interpreter as LiteRT, OpResolverType
    litert = LiteRT(model_content=model,
                    experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    litert.allocate_tensors()
    litert.invoke()
    return litert.get_tensor(litert.get_output_details()[0]["index"])


def densify(values, dense_shape, sp):
    return run_model(densify_model(np.asarray(values), dense_shape, sp), [])[0]


def random_sparse(shape, density, seed, dtype=np.float32):
    rng = np.random.default_rng(seed)
    dense = rng.standard_normal(shape).astype(dtype)
    dense[rng.random(shape) > density] = 0
    return dense


def block_sparse(shape, block, density, seed):
    """Non-zeros in whole blocks, as pruned weights are."""
    rng = np.random.default_rng(seed)
    keep = rng.random((shape[0] // block[0], shape[1] // block[1])) < density
    mask = np.kron(keep, np.ones(block, dtype=bool))
    return np.where(mask, rng.standard_normal(shape), 0).astype(np.float32)


def test_nnapi_vector_sparse_dense_sparse():
    # NNAPI's densify_4 test vector: levels [SPARSE_CSR, DENSE, SPARSE_CSR] over shape [3, 2, 2].
    sp = sparsity([0, 1, 2], [level(CSR, segments=[0, 2], indices=[0, 2]), level(DENSE, dense_size=2),
                              level(CSR, segments=[0, 1, 3, 4, 5], indices=[0, 0, 1, 0, 1])])
    got = densify(np.float32([6, 9, 8, 5, 7]), [3, 2, 2], sp)
    np.testing.assert_array_equal(got.ravel(), [6, 0, 9, 8, 0, 0, 0, 0, 5, 0, 0, 7])


def test_nnapi_vector_permuted_traversal():
    # NNAPI's densify_5: all levels sparse, traversal [0, 2, 1] over shape [3, 2, 4].
    sp = sparsity([0, 2, 1], [level(CSR, segments=[0, 2], indices=[0, 2]),
                              level(CSR, segments=[0, 2, 5], indices=[0, 2, 0, 2, 3]),
                              level(CSR, segments=[0, 2, 3, 4, 6, 8], indices=[0, 1, 1, 1, 0, 1, 0, 1])])
    got = densify(np.float32([1, 7, 5, 2, 4, 8, 3, 9]), [3, 2, 4], sp)
    np.testing.assert_array_equal(got.ravel(), [1, 0, 0, 0, 7, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                0, 0, 4, 3, 2, 0, 8, 9])


ENCODINGS = [
    # (shape, traversal order, formats, block map, block size)
    ((5, 13), [0, 1], [DENSE, CSR], (), ()),             # classic CSR rows
    ((5, 13), [1, 0], [DENSE, CSR], (), ()),             # CSC: columns first
    ((5, 13), [0, 1], [CSR, CSR], (), ()),
    ((4, 3, 7), [2, 0, 1], [DENSE, CSR, CSR], (), ()),
    ((8, 12), [0, 1, 2], [DENSE, CSR, DENSE], (1,), (4,)),  # 1x4 blocks (the converter's usual choice)
    ((8, 12), [0, 1, 2, 3], [DENSE, CSR, DENSE, DENSE], (0, 1), (2, 2)),
    ((6, 8), [0, 1, 3, 2], [DENSE, CSR, DENSE, DENSE], (1, 0), (4, 3)),  # blocks walked column-major
]


@pytest.mark.parametrize("shape,order,formats,block_map,block_size", ENCODINGS)
@pytest.mark.parametrize("index_dtype", [np.int32, np.uint16, np.uint8])
def test_encodings_round_trip(shape, order, formats, block_map, block_size, index_dtype):
    if block_map:
        dense = block_sparse(shape, [block_size[block_map.index(d)] if d in block_map else 1 for d in range(2)],
                             0.4, seed=len(order))
    else:
        dense = random_sparse(shape, 0.3, seed=len(order))
    values, sp = sparsify(dense, order, formats, block_map, block_size, index_dtype)
    assert 0 < len(values) < dense.size
    got = densify(values, list(shape), sp)
    assert got.shape == shape
    np.testing.assert_array_equal(got, dense)
    np.testing.assert_array_equal(numpy_densify(values, shape, sp), dense)  # the decoder the model test uses


@pytest.mark.parametrize("dtype", [np.float16, np.int8, np.int32])
def test_value_types(dtype):
    dense = (random_sparse((6, 10), 0.3, seed=7) * 10).astype(dtype)
    values, sp = sparsify(dense, [0, 1], [DENSE, CSR])
    got = densify(values, [6, 10], sp)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, dense)


def test_all_zero_tensor():
    dense = np.zeros((3, 4), np.float32)
    values, sp = sparsify(dense, [0, 1], [DENSE, CSR])
    assert len(values) == 0
    np.testing.assert_array_equal(densify(values, [3, 4], sp), dense)


def test_densified_weights_feed_the_graph():
    dense = block_sparse((16, 32), (1, 4), 0.3, seed=8)
    values, sp = sparsify(dense, [0, 1, 2], [DENSE, CSR, DENSE], (1,), (4,))
    interp = Interpreter(model_content=densify_model(values, [16, 32], sp, add_input=True))
    interp.allocate_tensors()
    x_index = interp.get_input_details()[0]["index"]
    out_index = interp.get_output_details()[0]["index"]
    for seed in range(2):  # the folded dense tensor must survive repeated invokes
        x = np.random.default_rng(seed).standard_normal((16, 32)).astype(np.float32)
        interp.set_tensor(x_index, x)
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(out_index), dense + x)


def test_float16_weights_densified_then_dequantized_once():
    # MediaPipe's sparse models: float16 sparse constant -> DENSIFY -> DEQUANTIZE -> the convolutions.
    dense = random_sparse((8, 1, 1, 32), 0.3, seed=11, dtype=np.float16)
    values, sp = sparsify(dense, [0, 1, 2, 3], [DENSE, DENSE, DENSE, CSR], index_dtype=np.uint8)
    b = ModelBuilder()
    sparse = b.add_constant("sparse", values, shape=list(dense.shape), sparsity=sp)
    half = b.add_tensor("half", None, np.float16)
    weights = b.add_tensor("weights", None, np.float32)
    b.add_operator("DENSIFY", [sparse], [half])
    b.add_operator("DEQUANTIZE", [half], [weights])
    b.mark_output(weights)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    interp._core.enable_profiling(0, True)
    interp.invoke()
    # Both nodes ran at allocate_tensors (folded); invoke has nothing left to run.
    assert [(name, ns) for _, name, ns in interp._core.profile(0)] == [("DENSIFY", 0), ("DEQUANTIZE", 0)]
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                                  dense.astype(np.float32))


@requires_litert
@pytest.mark.parametrize("shape,order,formats,block_map,block_size", ENCODINGS)
def test_matches_litert(shape, order, formats, block_map, block_size):
    dense = random_sparse(shape, 0.5, seed=9) if not block_map else block_sparse(
        shape, [block_size[block_map.index(d)] if d in block_map else 1 for d in range(2)], 0.5, seed=9)
    values, sp = sparsify(dense, order, formats, block_map, block_size)
    model = densify_model(values, list(shape), sp)
    np.testing.assert_array_equal(run_model(model, [])[0], litert_output(model))


# ---- corrupt index structures: refused at prepare with a message naming the problem ----

def csr_4x5():
    """A valid [4, 5] CSR encoding to corrupt: (values, levels)."""
    dense = np.float32([[1, 0, 2, 0, 0], [0, 0, 0, 0, 0], [0, 3, 0, 0, 4], [5, 0, 0, 0, 0]])
    return np.float32([1, 2, 3, 4, 5]), [level(DENSE, dense_size=4),
                                         level(CSR, segments=[0, 2, 2, 4, 5], indices=[0, 2, 1, 4, 0])]


def refused(values, shape, sp, message):
    with pytest.raises(EdgeliteError, match=message):
        densify(values, shape, sp)


def test_valid_fixture_is_accepted():
    values, levels = csr_4x5()
    assert densify(values, [4, 5], sparsity([0, 1], levels))[2, 4] == 4


def test_decreasing_segments():
    values, levels = csr_4x5()
    levels[1] = level(CSR, segments=[0, 2, 1, 4, 5], indices=[0, 2, 1, 4, 0])
    refused(values, [4, 5], sparsity([0, 1], levels), "array_segments must be non-negative and non-decreasing")


def test_index_out_of_range():
    values, levels = csr_4x5()
    levels[1] = level(CSR, segments=[0, 2, 2, 4, 5], indices=[0, 2, 1, 5, 0])
    refused(values, [4, 5], sparsity([0, 1], levels), r"array_indices\[3\] = 5 is outside 0..4")


def test_segments_past_the_indices():
    values, levels = csr_4x5()
    levels[1] = level(CSR, segments=[0, 2, 2, 4, 6], indices=[0, 2, 1, 4, 0])
    refused(values, [4, 5], sparsity([0, 1], levels), "array_segments reach 6 but array_indices has 5 entries")


def test_too_few_segments():
    values, levels = csr_4x5()
    levels[1] = level(CSR, segments=[0, 2, 2], indices=[0, 2, 1, 4, 0])
    refused(values, [4, 5], sparsity([0, 1], levels), "array_segments has 3 entries, needs 5")


def test_too_few_values():
    values, levels = csr_4x5()
    refused(values[:4], [4, 5], sparsity([0, 1], levels), "reaches 5 values but 4 are stored")


def test_traversal_order_not_a_permutation():
    values, levels = csr_4x5()
    refused(values, [4, 5], sparsity([0, 0], levels), "traversal_order is not a permutation of 0..1")


def test_wrong_number_of_levels():
    values, levels = csr_4x5()
    refused(values, [4, 5], sparsity([0, 1], levels[:1]), "dim_metadata has 1 entries, expected 2")


def test_dense_size_mismatch():
    values, levels = csr_4x5()
    levels[0] = level(DENSE, dense_size=3)
    refused(values, [4, 5], sparsity([0, 1], levels), r"dense_size 3 does not match the shape \(4\)")


def test_missing_index_arrays():
    values, levels = csr_4x5()
    levels[1] = level(CSR, segments=[0, 2, 2, 4, 5])
    refused(values, [4, 5], sparsity([0, 1], levels), "SPARSE_CSR needs array_segments and array_indices")


def test_block_size_must_divide():
    dense = block_sparse((4, 8), (1, 4), 0.5, seed=10)
    values, sp = sparsify(dense, [0, 1, 2], [DENSE, CSR, DENSE], (1,), (4,))
    sp.dimMetadata[2].denseSize = 3
    refused(values, [4, 8], sp, "block of dimension 1 must be DENSE with a dense_size dividing 8")


def test_dense_input_is_refused():
    b = ModelBuilder()
    t = b.add_constant("w", np.zeros((2, 2), np.float32))
    out = b.add_tensor("dense", None, np.float32)
    b.add_operator("DENSIFY", [t], [out])
    b.mark_output(out)
    with pytest.raises(EdgeliteError, match="input 'w' has no sparsity parameters"):
        run_model(b.build(), [])


def test_runtime_sparse_input_is_refused():
    values, levels = csr_4x5()
    b = ModelBuilder()
    t = b.add_input("sparse", [4, 5], np.float32)
    b.tensor(t).sparsity = sparsity([0, 1], levels)
    out = b.add_tensor("dense", None, np.float32)
    b.add_operator("DENSIFY", [t], [out])
    b.mark_output(out)
    with pytest.raises(EdgeliteError, match="sparse input 'sparse' must be constant"):
        run_model(b.build(), [np.zeros((4, 5), np.float32)])


# ---- MediaPipe's face_detection_full_range_sparse.tflite: its real sparse weights ----

MEDIAPIPE_SPARSE = os.path.join(os.path.dirname(__file__), "..", "..", "models", "mediapipe",
                                "face_detection_full_range_sparse.tflite")
requires_mediapipe_model = pytest.mark.skipif(not os.path.exists(MEDIAPIPE_SPARSE),
                                              reason="tests/models/mediapipe/face_detection_full_range_sparse.tflite "
                                                     "is not there")


def numpy_densify(values, shape, sp):
    """An independent decoder: walks the levels breadth-first, keeping for every reached position its
    index along each expanded dimension, then scatters the values to their dense places."""
    rank = len(shape)
    order = list(sp.traversalOrder)
    block_map = list(sp.blockMap) if sp.blockMap is not None else []
    block = {d: sp.dimMetadata[order.index(rank + k)].denseSize for k, d in enumerate(block_map)}
    coords = np.zeros((1, rank + len(block_map)), dtype=np.int64)  # one row per reached position
    first = 0  # position number of the first row
    for dim, m in zip(order, sp.dimMetadata):
        if m.format == DENSE:
            coords = np.repeat(coords, m.denseSize, axis=0)
            coords[:, dim] = np.tile(np.arange(m.denseSize), len(coords) // max(m.denseSize, 1))
            first *= m.denseSize
        else:
            segments = np.asarray(m.arraySegments.values, dtype=np.int64)
            indices = np.asarray(m.arrayIndices.values, dtype=np.int64)
            bounds = segments[first:first + len(coords) + 1]
            coords = np.repeat(coords, np.diff(bounds), axis=0)
            coords[:, dim] = indices[bounds[0]:bounds[-1]]
            first = int(bounds[0])
    dense_index = [coords[:, d] * block.get(d, 1) for d in range(rank)]
    for k, d in enumerate(block_map):
        dense_index[d] += coords[:, rank + k]
    dense = np.zeros(shape, dtype=values.dtype)
    dense[tuple(dense_index)] = values[:len(coords)]
    return dense


def mediapipe_densify_ops():
    """(values, dense shape, SparsityParametersT) of every DENSIFY input in the model."""
    from edgelite.model_builder import numpy_dtype
    from edgelite.schema.BuiltinOperator import BuiltinOperator
    from edgelite.schema.Model import ModelT
    with open(MEDIAPIPE_SPARSE, "rb") as f:
        model = ModelT.InitFromPackedBuf(f.read(), 0)
    sg = model.subgraphs[0]
    found = []
    for op in sg.operators:
        code = model.operatorCodes[op.opcodeIndex]
        if max(code.builtinCode, code.deprecatedBuiltinCode) != BuiltinOperator.DENSIFY:
            continue
        t = sg.tensors[op.inputs[0]]
        data = np.asarray(model.buffers[t.buffer].data, dtype=np.uint8).tobytes()
        found.append((np.frombuffer(data, dtype=numpy_dtype(t.type)), list(t.shape), t.sparsity))
    return found


@requires_mediapipe_model
def test_mediapipe_sparse_weights():
    ops = mediapipe_densify_ops()
    assert ops, "the model has no DENSIFY"
    for values, shape, sp in ops:
        got = run_model(densify_model(values, shape, sp), [])[0]
        np.testing.assert_array_equal(got, numpy_densify(values, shape, sp))


@requires_mediapipe_model
@requires_litert
def test_mediapipe_sparse_weights_match_litert():
    for values, shape, sp in mediapipe_densify_ops():
        model = densify_model(values, shape, sp)
        np.testing.assert_array_equal(run_model(model, [])[0], litert_output(model))


@requires_mediapipe_model
def test_mediapipe_model_end_to_end():
    """The whole model against LiteRT's recorded outputs, once every operator it uses is in this build."""
    reference = MEDIAPIPE_SPARSE.replace(".tflite", ".io.npz")
    if not os.path.exists(reference):
        pytest.skip("no recorded LiteRT outputs next to the model")
    io = np.load(reference)
    interp = Interpreter(model_path=MEDIAPIPE_SPARSE)
    try:
        interp.allocate_tensors()
    except EdgeliteError as e:
        if "not supported by this build" in str(e):
            pytest.skip(f"operators missing from this build: {e}")
        raise
    for i, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], io[f"input_{i}"])
    interp.invoke()
    for i, d in enumerate(interp.get_output_details()):
        expected = io[f"output_{i}"]
        got = interp.get_tensor(d["index"])
        scale = max(float(np.max(np.abs(expected))), 1e-6)
        assert float(np.max(np.abs(got - expected))) / scale < 1e-4, d["name"]
