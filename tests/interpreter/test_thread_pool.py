"""The thread pool (interpreter/thread_pool): thread_pool_check.cc is compiled with the pool's own source and run,
so these checks need a C++ compiler and the source tree, not the built core. Every index of 1-D and 2-D loops is
visited exactly once, thread numbers stay in range and are never shared by two running tiles, tiny loops run
inline on the caller, the workers take tiles (also after they went to sleep), nested and concurrent loops
complete. The slow variant runs the same checks under ThreadSanitizer."""

import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = [os.path.join(ROOT, "tests", "interpreter", "thread_pool_check.cc"),
           os.path.join(ROOT, "interpreter", "thread_pool.cc")]
CXX = shutil.which("c++") or shutil.which("g++")
pytestmark = pytest.mark.skipif(CXX is None or not os.path.exists(SOURCES[1]),
                                reason="needs a C++ compiler and the interpreter sources")


def build_and_run(tmp_path, flags):
    exe = str(tmp_path / "thread_pool_check")
    cmd = [CXX, "-std=c++17", "-Wall", "-Wextra", "-Werror", "-pthread", "-I", ROOT, *flags, *SOURCES, "-o", exe]
    built = subprocess.run(cmd, capture_output=True, text=True)
    if built.returncode != 0 and "sanitize" in " ".join(flags):
        pytest.skip(f"the compiler cannot build with {flags}: {built.stderr[-500:]}")
    assert built.returncode == 0, f"{' '.join(cmd)}\n{built.stderr}"
    result = subprocess.run([exe], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "thread pool checks passed" in result.stdout
    return result


def test_tiled_loops_visit_every_index_once_on_numbered_threads(tmp_path):
    build_and_run(tmp_path, ["-O2"])


@pytest.mark.slow
def test_pool_is_race_free_under_thread_sanitizer(tmp_path):
    result = build_and_run(tmp_path, ["-O1", "-g", "-fsanitize=thread"])
    assert "WARNING: ThreadSanitizer" not in result.stderr, result.stderr[-6000:]
