"""The select-ops library for this folder's tests: built by `cmake --build ... --target edgelite_select`
(scripts/setup.sh builds it with the core) and found in the installed package or this checkout's build."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from select_harness import library_or_skip  # noqa: E402


@pytest.fixture(scope="session")
def select_lib():
    return library_or_skip()
