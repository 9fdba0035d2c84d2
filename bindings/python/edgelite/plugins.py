"""Where edgelite's plugin libraries live and how `load_delegate` and `custom_op_registerers` find them.

Plugins are shared libraries loaded at run time through the C plugin ABI (`interpreter/plugin_api.h`),
never linked into the core: the OpenCL delegate (`libedgelite_opencl.so`), the select-ops kernels
(`libedgelite_select.so`), and the test doubles (`libedgelite_test_plugins.so`). They are installed in
the package's `lib/` folder.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

from .errors import InvalidArgumentError

# Short names accepted by `load_delegate` and their library file names.
DELEGATE_LIBRARIES: Dict[str, str] = {"opencl": "libedgelite_opencl.so"}
SELECT_OPS_LIBRARY = "libedgelite_select.so"
TEST_PLUGINS_LIBRARY = "libedgelite_test_plugins.so"
# Registerer names edgelite knows, as LiteRT's `custom_op_registerers` names C functions in the process:
# name -> (library file, function).
KNOWN_REGISTERERS: Dict[str, Tuple[str, str]] = {"AddTestCustomOps": (TEST_PLUGINS_LIBRARY, "AddTestCustomOps")}


def plugin_ops() -> List[Tuple[str, int, int, str]]:
    """(operator name, lowest version, highest version, library file) of every builtin operator, then every
    LiteRT custom operator (by custom code), that a plugin library serves rather than the core
    (interpreter/plugin_ops.h). The core knows them without loading the library: it loads the library when a
    model uses one. The library may be absent from an installation (`library_path` says)."""
    from . import _core
    rows = []
    for line in _core.PLUGIN_OPS.splitlines():
        name, low, high = line.split()
        rows.append((name, int(low), int(high), _core.PLUGIN_OPS_LIBRARY))
    return rows


def library_dir() -> str:
    """The folder holding edgelite's plugin libraries."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")


def library_path(file_name: str) -> Optional[str]:
    """The path of a plugin library of this installation, or None when it was not built."""
    path = os.path.join(library_dir(), file_name)
    return path if os.path.exists(path) else None


def delegate_library(library: str) -> str:
    """The path to load for `load_delegate(library)`: a short name ("opencl") or a path to a library."""
    if library in DELEGATE_LIBRARIES:
        path = library_path(DELEGATE_LIBRARIES[library])
        if path is None:
            raise InvalidArgumentError(
                f"load_delegate({library!r}): this edgelite build has no {DELEGATE_LIBRARIES[library]} "
                f"(looked in {library_dir()})")
        return path
    path = os.fspath(library)
    if not os.path.exists(path):
        known = ", ".join(repr(k) for k in DELEGATE_LIBRARIES)
        raise InvalidArgumentError(f"load_delegate({library!r}): no such library file (or give one of {known})")
    return path


def registerer_library(registerer: str) -> Tuple[str, str]:
    """(library path, function name) for one entry of `custom_op_registerers`: a known name, a path to a
    library exporting `edgelite_register_custom_ops`, or "path:function"."""
    if registerer in KNOWN_REGISTERERS:
        file_name, symbol = KNOWN_REGISTERERS[registerer]
        path = library_path(file_name)
        if path is None:
            raise InvalidArgumentError(f"custom op registerer {registerer!r} needs {file_name}, which this "
                                       f"edgelite build does not have (looked in {library_dir()})")
        return path, symbol
    path, _, symbol = registerer.partition(":") if ".so:" in registerer else (registerer, "", "")
    if not path.endswith(".so") and ".so." not in path:
        raise InvalidArgumentError(
            f"unknown custom op registerer {registerer!r}: give a custom-op library (path to a .so exporting "
            f"edgelite_register_custom_ops, or 'path.so:function') or one of {sorted(KNOWN_REGISTERERS)}")
    if not os.path.exists(path):
        raise InvalidArgumentError(f"custom op registerer {registerer!r}: no such library file {path!r}")
    return path, symbol


def option_text(value: object) -> str:
    """A delegate option value as the string the plugin ABI passes: bools as "true"/"false", lists joined
    with commas, everything else with str()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)
