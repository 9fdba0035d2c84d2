"""The core module stays small (issue 13: under 2 MB stripped); the select-ops kernels and delegates are plugins.

Measures the installed `_core` the tests import, stripped on a copy, with benchmarks/core_size.py's code."""

import importlib.util
import os
import shutil

import pytest

import edgelite

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_spec = importlib.util.spec_from_file_location("core_size", os.path.join(REPO, "benchmarks", "core_size.py"))
core_size = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(core_size)

needs_strip = pytest.mark.skipif(shutil.which("strip") is None, reason="needs binutils' strip")


def stripped_core_size():
    (what, path), *_ = core_size.edgelite_libraries()
    assert what == "edgelite core"
    assert os.path.dirname(path) == os.path.dirname(edgelite._core.__file__)
    return path, core_size.stripped_size(path)


@needs_strip
def test_stripped_core_is_under_2_mb():
    path, size = stripped_core_size()
    assert size < core_size.CORE_LIMIT_BYTES, f"{path}: {size / 1e6:.2f} MB stripped, limit 2 MB"


@needs_strip
def test_report_lists_core_and_plugins(capsys):
    rc = core_size.main([])
    out = capsys.readouterr().out
    assert rc == (0 if "ok" in out.splitlines()[-1] else 1), out
    assert "_core" in out and "stripped" in out and "Flex" in out
    for path in core_size.edgelite_libraries()[1:]:
        assert os.path.basename(path[1]) in out


def test_stripped_size_rejects_a_non_elf_file(tmp_path):
    junk = tmp_path / "not_a_library.so"
    junk.write_bytes(b"not an ELF file")
    if shutil.which("strip") is None:
        pytest.skip("needs binutils' strip")
    with pytest.raises(Exception):
        core_size.stripped_size(str(junk))


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils' readelf")
def test_packed_relocations_are_refused_by_older_loaders():
    # CMakeLists.txt packs the relative relocations (DT_RELR) where glibc >= 2.36 reads them; such a library must
    # also name GLIBC_ABI_DT_RELR, so that an older glibc refuses it at load instead of running it unrelocated.
    import subprocess
    path = edgelite._core.__file__
    dynamic = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    if "(RELR)" not in dynamic:
        pytest.skip("this build has no packed relocations (EDGELITE_PACK_RELOCS off or unsupported)")
    versions = subprocess.run(["readelf", "-V", path], capture_output=True, text=True, check=True).stdout
    assert "GLIBC_ABI_DT_RELR" in versions
