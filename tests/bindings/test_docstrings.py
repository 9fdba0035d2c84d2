"""Every public module, class, function and method of the installed `edgelite` package has a docstring.

Public: modules with no underscore in their dotted name (the flatc-generated `edgelite.schema` readers excepted),
the names a module lists in `__all__` (else those it defines without a leading underscore), and the methods and
properties a public class defines without a leading underscore. A method that overrides a documented one inherits
its docstring (inspect.getdoc, as help() and Sphinx do): `call` of a layer is documented once, on Layer. A class
needs its own docstring, since a base class's text does not describe a subclass.
"""

import importlib
import inspect
import pkgutil
import sys

import pytest

import edgelite

# Generated, compiled or a script: no API of its own to document here.
SKIPPED_MODULES = ("edgelite.schema", "edgelite._core", "edgelite.__main__")
# Modules still being documented (xfail strict: the entry must go once a module is complete). None now.
PENDING_MODULES: set = set()


def _public_modules():
    names = ["edgelite"]
    for info in pkgutil.walk_packages(edgelite.__path__, "edgelite."):
        if info.name.startswith(SKIPPED_MODULES) or any(p.startswith("_") for p in info.name.split(".")[1:]):
            continue
        names.append(info.name)
    return sorted(names)


def _public_members(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name)
        # A re-export is checked in the module that defines it.
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ == module.__name__:
            yield name, obj


def _class_members(cls):
    for name, attr in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            attr = attr.__func__
        if isinstance(attr, property) or inspect.isfunction(attr):
            yield name, attr


def _inherited_doc(cls, name):
    for base in cls.__mro__[1:]:
        attr = base.__dict__.get(name)
        if attr is not None and inspect.getdoc(attr):
            return True
    return False


def undocumented(module_name):
    """The dotted names under module `module_name` that have no docstring."""
    module = importlib.import_module(module_name)
    missing = [] if module.__doc__ else [module_name]
    for name, obj in _public_members(module):
        if inspect.isclass(obj):
            if not obj.__dict__.get("__doc__"):
                missing.append(f"{module_name}.{name}")
            for member, attr in _class_members(obj):
                if not inspect.getdoc(attr) and not _inherited_doc(obj, member):
                    missing.append(f"{module_name}.{name}.{member}")
        elif not inspect.getdoc(obj):
            missing.append(f"{module_name}.{name}")
    return missing


MODULES = _public_modules()


def test_the_walk_sees_the_package():
    for name in ("edgelite", "edgelite.errors", "edgelite.converter", "edgelite.training.layers.dense",
                 "edgelite.interpreter", *PENDING_MODULES):
        assert name in MODULES
    assert all(n not in MODULES for n in SKIPPED_MODULES)


def test_the_walk_finds_a_missing_docstring():
    # A check that cannot fail proves nothing: a class and a method without docstrings are reported.
    code = ("class Documented:\n    'Has one.'\n    def method(self):\n        pass\n"
            "class Bare:\n    pass\n__all__ = ['Documented', 'Bare']\n")
    module = type(edgelite)("edgelite_docstring_probe", "A probe module.")
    exec(compile(code, "<probe>", "exec"), module.__dict__)
    for obj in vars(module).values():
        if inspect.isclass(obj):
            obj.__module__ = module.__name__
    sys.modules[module.__name__] = module
    try:
        assert undocumented(module.__name__) == ["edgelite_docstring_probe.Documented.method",
                                                 "edgelite_docstring_probe.Bare"]
    finally:
        del sys.modules[module.__name__]


def _params():
    for name in MODULES:
        marks = [pytest.mark.xfail(strict=True, reason="its owner is writing these docstrings")] \
            if name in PENDING_MODULES else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("module_name", list(_params()))
def test_public_api_has_docstrings(module_name):
    missing = undocumented(module_name)
    assert not missing, f"{len(missing)} public name(s) without a docstring: {', '.join(missing)}"
