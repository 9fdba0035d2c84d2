"""scripts/build_wheel.sh builds a manylinux wheel that carries LICENSE and the typing files and runs MobileNet v2
from a fresh virtual environment (the script checks all of that itself and exits non-zero otherwise). Slow: a
clean build of the C++ core (5 to 12 minutes here), plus installing numpy into a new environment. A second full
build is too much for every CI run, so it runs only when asked: EDGELITE_TEST_WHEEL=1 (scripts/check_fidelity.py
--wheel sets it)."""

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(REPO, "scripts", "build_wheel.sh")


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("EDGELITE_TEST_WHEEL") != "1", reason="set EDGELITE_TEST_WHEEL=1 to build the wheel")
@pytest.mark.skipif(not os.path.exists(SCRIPT) or shutil.which("cmake") is None,
                    reason="needs the checkout's scripts/build_wheel.sh and CMake")
def test_build_wheel_script(tmp_path):
    env = dict(os.environ, PYTHON=sys.executable, TMPDIR=str(tmp_path))
    result = subprocess.run(["bash", SCRIPT, str(tmp_path / "dist")], capture_output=True, text=True, env=env,
                            timeout=3600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    wheels = os.listdir(tmp_path / "dist")
    assert len(wheels) == 1 and re.search(r"-manylinux_\d+_\d+_x86_64\.whl$", wheels[0]), wheels
    with zipfile.ZipFile(tmp_path / "dist" / wheels[0]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "edgelite/py.typed" in names and "edgelite/_core.pyi" in names
    assert "License-Expression: Apache-2.0" in metadata
    assert "check_installed_package: OK" in result.stdout
