"""The select-ops library for this folder's tests: built by `cmake --build ... --target edgelite_select`
(scripts/setup.sh builds it with the core) and found in the installed package or this checkout's build."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from select_harness import SelectLibrary, find_library  # noqa: E402


@pytest.fixture(scope="session")
def select_lib():
    path = find_library()
    if path is None:
        pytest.skip("libedgelite_select.so is not built (cmake --build <build> --target edgelite_select)")
    return SelectLibrary(path)
