"""android-demo/host_test.sh: the Android app's Java API and JNI glue, built for the host JVM, on committed models."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "android-demo" / "host_test.sh"


@pytest.mark.skipif(shutil.which("javac") is None or shutil.which("cmake") is None,
                    reason="needs a JDK (scripts/setup.sh installs default-jdk-headless) and cmake")
def test_java_api_on_the_host_jvm(tmp_path):
    env = dict(os.environ, PYTHON=sys.executable)
    result = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "build")], capture_output=True, text=True, env=env,
                            timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert " 0 failed" in output and "FAIL " not in output, output[-6000:]
