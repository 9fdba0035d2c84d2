"""Builtin operators served from libedgelite_select.so (interpreter/plugin_ops.h): the core lists them
without loading anything (`edgelite.plugins.plugin_ops`), the library registers exactly that list through
`edgelite_register_builtin_ops`, it is loaded only for a model that has one, and without it the error names
the operator and the library."""

import ctypes
import os
import subprocess
import sys

import numpy as np
import pytest

import edgelite
from edgelite import _core
from builtin_models import one_node
from edgelite.model_builder import ModelBuilder
from select_harness import find_library

ADD_BUILTIN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_void_p)
ADD_CUSTOM = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class Kernel(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("min_version", ctypes.c_int32), ("max_version", ctypes.c_int32)]


def registered(lib_path):
    """(builtin code, name, min, max) the library registers, and (name, min, max) of its non-Flex customs."""
    lib = ctypes.CDLL(lib_path)
    builtins, customs = [], []

    def on_builtin(_, code, kernel):
        k = Kernel.from_address(kernel)
        builtins.append((code, k.name.decode(), k.min_version, k.max_version))

    def on_custom(_, kernel):
        k = Kernel.from_address(kernel)
        if not k.name.startswith(b"Flex"):
            customs.append((k.name.decode(), k.min_version, k.max_version))

    error = ctypes.create_string_buffer(256)
    add_b, add_c = ADD_BUILTIN(on_builtin), ADD_CUSTOM(on_custom)
    assert lib.edgelite_register_builtin_ops(1, add_b, None, error, 256) == 0, error.value
    assert lib.edgelite_register_custom_ops(1, add_c, None, error, 256) == 0, error.value
    return builtins, customs


def test_core_list_equals_what_the_library_registers():
    path = find_library()
    if path is None:
        pytest.skip("libedgelite_select.so is not built")
    from edgelite.schema.BuiltinOperator import BuiltinOperator
    builtins, customs = registered(path)
    from edgelite.plugins import plugin_ops
    listed = plugin_ops()
    assert all(lib == "libedgelite_select.so" for *_, lib in listed)
    by_name = {name: (low, high) for name, low, high, _ in listed}
    assert {name: (low, high) for _, name, low, high in builtins} | {n: (lo, hi) for n, lo, hi in customs} == by_name
    for code, name, _, _ in builtins:
        assert getattr(BuiltinOperator, name) == code
    # The core runs none of them itself.
    assert not set(by_name) & {name for name, *_versions in _core.builtin_ops()}


def test_library_refuses_another_abi():
    path = find_library()
    if path is None:
        pytest.skip("libedgelite_select.so is not built")
    lib = ctypes.CDLL(path)
    error = ctypes.create_string_buffer(256)
    assert lib.edgelite_register_builtin_ops(99, ADD_BUILTIN(lambda *a: None), None, error, 256) != 0
    assert b"plugin ABI" in error.value


def _atan2_model():
    return one_node("ATAN2", [("in", (3,), np.float32), ("in", (3,), np.float32)], [((3,), np.float32)])


SCRIPT = r"""
import sys
import numpy as np
import edgelite

def mapped():
    with open("/proc/self/maps") as f:
        return "libedgelite_select.so" in f.read()

print("before:", mapped())
interp = edgelite.Interpreter(model_path=sys.argv[1])
interp.allocate_tensors()
y, x = np.array([1, -1, 0], np.float32), np.array([0, 0, -1], np.float32)
interp.set_tensor(interp.get_input_details()[0]["index"], y)
interp.set_tensor(interp.get_input_details()[1]["index"], x)
interp.invoke()
print("after:", mapped(), np.allclose(interp.get_tensor(interp.get_output_details()[0]["index"]), np.arctan2(y, x)))
print("kernel:", interp.get_ops_details()[0]["kernel"])
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc (Linux)")
def test_library_loads_for_a_model_with_a_plugin_builtin(tmp_path):
    if find_library() is None:
        pytest.skip("libedgelite_select.so is not built")
    path = tmp_path / "atan2.tflite"
    path.write_bytes(_atan2_model())
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "before: False" in out.stdout
    assert "after: True True" in out.stdout
    assert "kernel: libedgelite_select.so (plugin)" in out.stdout


def test_without_the_library_the_error_names_op_and_library():
    with pytest.raises(edgelite.EdgeliteError, match=r"node 0: operator ATAN2 runs in the plugin library "
                                                     r"libedgelite_select.so, which was not loaded"):
        edgelite.Interpreter(model_content=_atan2_model(), select_ops=False).allocate_tensors()


def test_version_outside_the_range_is_refused():
    content = one_node("ATAN2", [("in", (3,), np.float32), ("in", (3,), np.float32)], [((3,), np.float32)],
                       version=2)
    with pytest.raises(edgelite.EdgeliteError, match="ATAN2 version 2 is not supported"):
        edgelite.Interpreter(model_content=content).allocate_tensors()


@pytest.mark.parametrize("code", ["NumericVerify", "Mfcc", "AudioSpectrogram", "TFLite_Detection_PostProcess"])
def test_custom_version_2_is_refused_as_litert_refuses_it(code):
    """LiteRT's BuiltinOpResolver adds its customs at version 1 only (AddCustom's default): a node of version 2
    is an unresolved custom op at prepare there, and refused by name here."""
    b = ModelBuilder()
    x = b.add_input("x", [1], np.float32)
    y = b.add_tensor("y", [1], np.float32)
    b.add_operator("CUSTOM", [x], [y], version=2, custom_code=code, custom_options=b"")
    b.mark_output(y)
    content = b.build()
    with pytest.raises(edgelite.EdgeliteError, match=f"{code}.*version 2"):
        edgelite.Interpreter(model_content=content).allocate_tensors()
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        return
    with pytest.raises(RuntimeError, match="unresolved custom op"):
        Interpreter(model_content=content).allocate_tensors()


def test_inspect_lists_plugin_operators_as_runnable(tmp_path):
    path = tmp_path / "atan2.tflite"
    path.write_bytes(_atan2_model())
    out = subprocess.run([sys.executable, "-m", "edgelite", "inspect", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ATAN2" in out.stdout and "cannot run" not in out.stdout


def test_registry_fallback_of_inspect_knows_plugin_operators():
    """When the interpreter refuses a model, `inspect` marks operators from the registry alone."""
    from edgelite import plugins
    from edgelite.model_graph import mark_unsupported_from_registry, read_model_graph
    graph = read_model_graph(_atan2_model())
    mark_unsupported_from_registry(graph)
    op = graph.subgraphs[0].operators[0]
    if plugins.library_path(plugins.SELECT_OPS_LIBRARY):
        assert op.unsupported is None
    else:
        assert "runs in the plugin library libedgelite_select.so" in op.unsupported
