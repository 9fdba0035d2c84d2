"""bindings/python/edgelite/_core.pyi names exactly what the compiled `edgelite._core` has: the same classes and
functions, the same methods and properties per class, each method with as many parameters as pybind11 declares.
When this fails after a change to bindings/pybind/module.cc, update the stub as the message says."""

import ast
import inspect
import os
import types

import pytest

from edgelite import _core

# The checkout's stub (the file to edit), else the installed one (tests run from an unpacked sdist, say).
STUB = os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python", "edgelite", "_core.pyi")
if not os.path.exists(STUB):
    STUB = os.path.join(os.path.dirname(_core.__file__), "_core.pyi")


def _params(args: ast.arguments):
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg != "self"]


def stub_api(path=STUB):
    """{name: kind} of the stub's public module entries, and {class: {member: (kind, parameter count)}}."""
    tree = ast.parse(open(path).read())
    module, classes = {}, {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            module[node.name] = "class"
            members = classes[node.name] = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and (item.name == "__init__" or not item.name.startswith("_")):
                    is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
                    members[item.name] = ("property", 0) if is_property else ("method", len(_params(item.args)))
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            module[node.name] = ("function", len(_params(node.args)))
    return module, classes


def _split_top_level(text):
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "[("
        depth -= ch in "])"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _pybind_param_count(fn):
    """Parameters (less self) from the signature line pybind11 writes as the first line of the docstring."""
    doc = (fn.__doc__ or "").strip()
    if not doc or "Overloaded function" in doc or "(" not in doc:
        return None
    head = doc.splitlines()[0]
    inner = head[head.index("(") + 1:head.rindex(") ->") if ") ->" in head else head.rindex(")")]
    return len([p for p in _split_top_level(inner) if not p.startswith("self")])


def compiled_api(module=_core):
    """The same two mappings as stub_api, read from the compiled module."""
    entries, classes = {}, {}
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj):
            entries[name] = "class"
            members = classes[name] = {}
            for member, attr in vars(obj).items():
                if member.startswith("_") and member != "__init__":
                    continue
                if isinstance(attr, types.WrapperDescriptorType):
                    continue  # pybind11's __init__ of a class without a constructor: it only raises TypeError
                if isinstance(attr, property):
                    members[member] = ("property", 0)
                elif callable(attr):
                    members[member] = ("method", _pybind_param_count(attr))
        elif callable(obj):
            entries[name] = ("function", _pybind_param_count(obj))
    return entries, classes


def _drift(stub, compiled, where):
    problems = []
    for name in sorted(set(compiled) - set(stub)):
        problems.append(f"{where}{name} is in the compiled module but not in _core.pyi: add it")
    for name in sorted(set(stub) - set(compiled)):
        problems.append(f"{where}{name} is in _core.pyi but not in the compiled module: remove it")
    for name in sorted(set(stub) & set(compiled)):
        s, c = stub[name], compiled[name]
        if isinstance(s, tuple) and isinstance(c, tuple):
            if s[0] != c[0]:
                problems.append(f"{where}{name} is a {c[0]} in the compiled module, a {s[0]} in _core.pyi")
            elif c[1] is not None and s[1] != c[1]:
                problems.append(f"{where}{name} takes {c[1]} parameter(s) in the compiled module, {s[1]} in _core.pyi")
    return problems


def stub_drift(stub=None, compiled=None):
    """Every difference between the stub and the compiled module, as sentences saying what to change."""
    s_module, s_classes = stub or stub_api()
    c_module, c_classes = compiled or compiled_api()
    problems = _drift(s_module, c_module, "_core.")
    for cls in sorted(set(s_classes) & set(c_classes)):
        problems += _drift(s_classes[cls], c_classes[cls], f"_core.{cls}.")
    return problems


def test_stub_matches_compiled_module():
    problems = stub_drift()
    assert not problems, "edgelite/_core.pyi is out of date:\n  " + "\n  ".join(problems)


def test_drift_is_reported(tmp_path):
    # The comparison must be able to fail: a stub missing a method, with a stray function and a wrong arity.
    module, classes = compiled_api()
    stub = tmp_path / "_core.pyi"
    stub.write_text("class CoreInterpreter:\n    def __init__(self, a, b, c, d, e=False): ...\n"
                    "    def invoke(self, subgraph: int, extra: int, /) -> None: ...\n"
                    "def not_in_core() -> None: ...\n")
    problems = stub_drift(stub=stub_api(str(stub)))
    text = "\n".join(problems)
    assert "_core.not_in_core is in _core.pyi but not in the compiled module" in text
    assert "_core.builtin_ops is in the compiled module but not in _core.pyi" in text
    assert "_core.CoreInterpreter.allocate_tensors is in the compiled module but not in _core.pyi" in text
    assert "_core.CoreInterpreter.invoke takes 1 parameter(s) in the compiled module, 2 in _core.pyi" in text


def test_pybind_signatures_are_read():
    # The arity check relies on pybind11's signature line; make sure it is parsed, not silently skipped.
    _, classes = compiled_api()
    assert classes["CoreInterpreter"]["tensor_info"] == ("method", 2)
    assert classes["CoreInterpreter"]["arena_bytes"] == ("method", 1)
    assert classes["Delegate"]["name"] == ("property", 0)


@pytest.mark.parametrize("name", ["py.typed", "_core.pyi"])
def test_typing_files_are_installed(name):
    # Wherever the package was installed from (pip, or scripts/dev_build.sh's cmake --install), the files are
    # beside the compiled module.
    path = os.path.join(os.path.dirname(_core.__file__), name)
    assert os.path.isfile(path), f"{name} is missing from the installed package"
