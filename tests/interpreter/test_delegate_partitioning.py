"""The core partitions graphs for a delegate into connected, acyclic pieces; outputs don't change."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import CpuTestDelegate, delegate_partitions
from edgelite.model_builder import ModelBuilder


def run(model: bytes, x: np.ndarray, delegates=(), **options):
    interp = edgelite.Interpreter(model_content=model, experimental_delegates=list(delegates), **options)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()], interp


def chain_model(ops):
    """x -> ops[0] -> ops[1] -> ... each with a constant second operand."""
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.array([1.5, -2.0, 0.5], np.float32))
    cur = x
    for i, op in enumerate(ops):
        nxt = b.add_tensor(f"t{i}", [2, 3])
        b.add_operator(op, [cur, c], [nxt])
        cur = nxt
    b.mark_output(cur)
    return b.build()


X = np.array([[1, 2, 3], [-4, 5, -6]], np.float32)


def executed_ops(interp):
    """Operator names in execution order: delegate nodes in place of the nodes they took over."""
    ran = [n for n in interp._get_ops_details() if n["plan_position"] is not None]
    return [n["op_name"] for n in sorted(ran, key=lambda n: n["plan_position"])]


def test_runs_of_supported_nodes_become_one_delegate_node():
    model = chain_model(["ADD", "ADD", "MUL", "ADD", "SUB", "ADD"])
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD", "SUB"])
    got, interp = run(model, X, [delegate])
    np.testing.assert_array_equal(got[0], expected[0])
    assert delegate_partitions(delegate) == [[0, 1], [3, 4, 5]]
    assert executed_ops(interp) == ["DELEGATE", "MUL", "DELEGATE"]
    # As LiteRT, the op list keeps the nodes a delegate took over, by index, and adds the delegate's nodes.
    details = interp._get_ops_details()
    assert [n["op_name"] for n in details] == ["ADD", "ADD", "MUL", "ADD", "SUB", "ADD"] + 2 * ["DELEGATE"]
    assert [n["index"] for n in details] == list(range(8))
    assert [n["plan_position"] for n in details] == [None, None, 1, None, None, None, 0, 2]


def test_partitions_stay_acyclic_around_an_unsupported_node():
    # a = x + c ; m = x * c ; out = a + m.  Merging the two ADDs would make the delegate node both
    # feed and depend on the MUL, so they must stay apart.
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.array([1.5, -2.0, 0.5], np.float32))
    a, m, out = b.add_tensor("a", [2, 3]), b.add_tensor("m", [2, 3]), b.add_tensor("out", [2, 3])
    b.add_operator("ADD", [x, c], [a])
    b.add_operator("MUL", [x, c], [m])
    b.add_operator("ADD", [a, m], [out])
    b.mark_output(out)
    model = b.build()
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD"])
    got, interp = run(model, X, [delegate])
    np.testing.assert_array_equal(got[0], expected[0])
    assert delegate_partitions(delegate) == [[0], [2]]
    assert executed_ops(interp)[1] == "MUL"


def test_independent_branches_are_separate_partitions():
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.array([1.5, -2.0, 0.5], np.float32))
    y1, y2 = b.add_tensor("y1", [2, 3]), b.add_tensor("y2", [2, 3])
    b.add_operator("ADD", [x, c], [y1])
    b.add_operator("SUB", [x, c], [y2])
    b.mark_output(y1)
    b.mark_output(y2)
    model = b.build()
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD", "SUB"])
    got, _ = run(model, X, [delegate])
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    assert sorted(delegate_partitions(delegate)) == [[0], [1]]


def test_whole_graph_delegated_and_internal_tensors_hidden():
    model = chain_model(["ADD", "MUL", "SUB"])
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD", "MUL", "SUB"])
    got, interp = run(model, X, [delegate])
    np.testing.assert_array_equal(got[0], expected[0])
    assert delegate_partitions(delegate) == [[0, 1, 2]]
    internal = [d for d in interp.get_tensor_details() if d["name"] == "t0"][0]
    # The delegate owns the memory of tensors inside its partition; reading one is still safe.
    interp.get_tensor(internal["index"])


def test_nothing_supported_leaves_graph_alone():
    model = chain_model(["ADD", "MUL"])
    delegate = CpuTestDelegate(ops=["CONV_2D"])
    got, interp = run(model, X, [delegate])
    assert delegate_partitions(delegate) == []
    assert executed_ops(interp) == [n["op_name"] for n in interp._get_ops_details()] == ["ADD", "MUL"]


def test_delegate_must_be_an_edgelite_delegate():
    with pytest.raises(ValueError, match="not an edgelite delegate"):
        edgelite.Interpreter(model_content=chain_model(["ADD"]), experimental_delegates=[object()])


@pytest.mark.parametrize("ops", [["CONV_2D"], ["CONV_2D", "DEPTHWISE_CONV_2D", "ADD"], ["PAD", "MAX_POOL_2D"]])
def test_real_model_partially_delegated_gives_same_outputs(ops):
    import os
    from testutil import model_path
    path = model_path("mediapipe", "face_detection_short_range.tflite")
    if not os.path.exists(path):
        pytest.skip("golden model not committed")
    content = open(path, "rb").read()
    plain = edgelite.Interpreter(model_content=content)
    x = np.random.default_rng(5).uniform(-1, 1, plain.get_input_details()[0]["shape"]).astype(np.float32)
    expected, _ = run(content, x)
    delegate = CpuTestDelegate(ops=ops)
    got, interp = run(content, x, [delegate])
    assert delegate_partitions(delegate), "the delegate should have claimed something"
    kept = [op for op in executed_ops(interp) if not op.startswith("DELEGATE")]
    assert not set(kept) & set(ops), "every supported node ends up in some partition"
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


def test_disable_delegate_clustering_keeps_execution_order():
    # ADD, MUL(x), ADD: with clustering the two ADDs that do not depend on the MUL could gather; without
    # it, partitions are consecutive runs of the plan (LiteRT's experimental_disable_delegate_clustering).
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.array([1.5, -2.0, 0.5], np.float32))
    a, m, a2 = b.add_tensor("a", [2, 3]), b.add_tensor("m", [2, 3]), b.add_tensor("a2", [2, 3])
    b.add_operator("ADD", [x, c], [a])
    b.add_operator("MUL", [x, c], [m])
    b.add_operator("ADD", [a, c], [a2])
    b.mark_output(a2)
    b.mark_output(m)
    model = b.build()
    expected, _ = run(model, X)
    clustered = CpuTestDelegate(ops=["ADD"])
    got, interp = run(model, X, [clustered])
    assert delegate_partitions(clustered) == [[0, 2]]
    kept_order = CpuTestDelegate(ops=["ADD"])
    got, interp = run(model, X, [kept_order], experimental_disable_delegate_clustering=True)
    assert delegate_partitions(kept_order) == [[0], [2]]
    assert executed_ops(interp) == ["DELEGATE", "MUL", "DELEGATE"]
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


def test_disable_delegate_node_fusion_gives_one_node_partitions():
    model = chain_model(["ADD", "ADD", "SUB"])
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD", "SUB"])
    got, _ = run(model, X, [delegate], experimental_disable_delegate_node_fusion=True)
    assert delegate_partitions(delegate) == [[0], [1], [2]]
    np.testing.assert_array_equal(got[0], expected[0])


def test_delegate_nodes_name_their_backend_and_declined_nodes_say_why():
    model = chain_model(["ADD", "MUL", "ADD"])
    interp = edgelite.Interpreter(model_content=model, experimental_delegates=[CpuTestDelegate(ops=["ADD"])],
                                  experimental_disable_delegate_clustering=True)
    plan = interp.get_ops_details()
    assert [n["op_name"] for n in plan] == ["DELEGATE", "MUL", "DELEGATE"]
    assert [n["delegate"] for n in plan] == ["CpuTestDelegate", None, "CpuTestDelegate"]
    assert "claims only" in plan[1]["delegate_note"]


@pytest.mark.parametrize("fusion", [True, False])
def test_device_buffers_copy_back_once_and_hand_over_between_partitions(fusion):
    # The delegate keeps partition outputs in its own memory and spoils the host copies: outputs are right
    # only if the core copies back exactly where a CPU node or the caller reads them.
    model = chain_model(["ADD", "SUB", "MUL", "ADD"])
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD", "SUB"], device_buffers=True)
    got, interp = run(model, X, [delegate], experimental_disable_delegate_node_fusion=not fusion)
    np.testing.assert_array_equal(got[0], expected[0])
    if fusion:  # [ADD SUB] -> MUL on the CPU (one copy back) -> [ADD] -> the caller (one copy back)
        assert delegate_partitions(delegate) == [[0, 1], [3]]
        assert (delegate.query("copies"), delegate.query("handovers")) == ("2", "0")
    else:  # ADD -> SUB hands its buffer over without the core's copy
        assert delegate_partitions(delegate) == [[0], [1], [3]]
        assert (delegate.query("copies"), delegate.query("handovers")) == ("2", "1")
    interp.invoke()  # a second invoke copies again, and only at the same places
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), expected[0])


def test_declined_partition_stays_on_the_cpu():
    model = chain_model(["ADD", "ADD", "MUL", "ADD"])
    expected, _ = run(model, X)
    delegate = CpuTestDelegate(ops=["ADD"], decline_above=1)
    got, interp = run(model, X, [delegate])
    np.testing.assert_array_equal(got[0], expected[0])
    assert executed_ops(interp) == ["ADD", "ADD", "MUL", "DELEGATE"]
    notes = [n["delegate_note"] for n in interp.get_ops_details()]
    assert "declined its partition: the test delegate declines partitions this large" in notes[0]


def test_min_partition_size_and_max_partitions():
    model = chain_model(["ADD", "MUL", "ADD", "ADD", "MUL", "ADD", "ADD", "ADD"])
    expected, _ = run(model, X)
    small = CpuTestDelegate(ops=["ADD"], min_partition_size=2)
    got, interp = run(model, X, [small], experimental_disable_delegate_clustering=True)
    np.testing.assert_array_equal(got[0], expected[0])
    assert executed_ops(interp) == ["ADD", "MUL", "DELEGATE", "MUL", "DELEGATE"]
    assert "fewer than CpuTestDelegate's min_partition_size 2" in interp.get_ops_details()[0]["delegate_note"]
    largest = CpuTestDelegate(ops=["ADD"], max_partitions=1)
    got, interp = run(model, X, [largest], experimental_disable_delegate_clustering=True)
    np.testing.assert_array_equal(got[0], expected[0])
    assert executed_ops(interp) == ["ADD", "MUL", "ADD", "ADD", "MUL", "DELEGATE"]
    assert largest.max_partitions == 1 and small.min_partition_size == 2


@pytest.mark.parametrize("options, message", [
    ({"min_partition_size": "0"}, "min_partition_size must be an integer >= 1"),
    ({"max_partitions": "many"}, "max_partitions must be an integer >= 0"),
    ({"colour": "red"}, "unknown test delegate option 'colour'"),
])
def test_bad_delegate_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        CpuTestDelegate(ops=["ADD"], **options)


def test_load_delegate_refuses_what_is_not_a_delegate_library(tmp_path):
    from edgelite import plugins
    with pytest.raises(ValueError, match="no such library file"):
        edgelite.load_delegate(str(tmp_path / "missing.so"))
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not an ELF file")
    with pytest.raises(ValueError, match="cannot load plugin library"):
        edgelite.load_delegate(str(junk))
    import edgelite._core as core
    with pytest.raises(ValueError, match="is not an edgelite delegate library"):
        edgelite.load_delegate(core.__file__)  # a shared library, but without edgelite_delegate_create
    assert plugins.library_path(plugins.TEST_PLUGINS_LIBRARY)
