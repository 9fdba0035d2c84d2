"""CI hooks for the sanitizer and fuzzing builds (issue 15), slow: the first run builds build/asan with Clang
(tens of minutes on 2 cores; later runs are incremental). A subset of the kernel tests (those with regressions
for what the sanitizers found), the cancel and the concurrency tests run under ASan + UBSan (scripts/test_sanitized.sh), then the libFuzzer harness runs for a
minute (scripts/fuzz_libfuzzer.sh). The whole sanitized suite and the long fuzzing runs are in README.md."""

import glob
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HAS_CLANG = bool(shutil.which("clang++") or glob.glob("/usr/bin/clang++-[0-9]*"))
requires_clang = pytest.mark.skipif(not HAS_CLANG, reason="no clang++ (scripts/setup.sh installs it)")


def run_script(args, timeout):
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    return result


@pytest.mark.slow
@requires_clang
def test_subset_is_clean_under_asan_and_ubsan():
    run_script(["scripts/test_sanitized.sh", "interpreter/test_cancel.py", "interpreter/test_constant_alignment.py",
                "interpreter/kernels/test_conv2d_integer.py", "interpreter/kernels/test_fully_connected_integer.py",
                "interpreter/kernels/test_strided_slice.py", "bindings/test_concurrency.py",
                "c_api/test_c_api_threads.py"], timeout=7200)


@pytest.mark.slow
@requires_clang
def test_libfuzzer_minute_finds_nothing():
    result = run_script(["scripts/fuzz_libfuzzer.sh", "60"], timeout=7200)
    assert "Done" in result.stderr and "stat::number_of_executed_units" in result.stderr
