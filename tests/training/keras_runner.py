"""Runs Python code under a Keras 3 install for the tests that check files against Keras itself: the
interpreter named by $KERAS_PYTHON (e.g. a virtual environment with tensorflow + keras 3), or this one when
it imports keras 3. Tests using it skip when neither is there."""

import json
import os
import subprocess
import sys

import pytest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")


def keras_python():
    """The path of a Python with Keras 3, or None."""
    candidates = [os.environ.get("KERAS_PYTHON"), sys.executable]
    for python in filter(None, candidates):
        try:
            out = subprocess.run([python, "-c", "import keras; print(keras.__version__)"], capture_output=True,
                                 text=True, timeout=120, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip().startswith("3."):
            return python
    return None


def run_keras(code, timeout=600):
    """Runs `code` (which prints one JSON line last) under Keras 3 with scripts/ on sys.path; returns the parsed
    JSON. Skips the test when no Keras 3 is available."""
    python = keras_python()
    if python is None:
        pytest.skip("needs Keras 3: set KERAS_PYTHON to a Python with tensorflow and keras 3")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=SCRIPTS)
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])
