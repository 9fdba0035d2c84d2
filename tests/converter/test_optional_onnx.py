"""onnx is optional (the `onnx` extra): without it edgelite, its converter and its training side import, a
training model still converts and runs, and every entry point that needs onnx raises MissingDependencyError
naming `pip install 'edgelite[onnx]'`. onnx's absence is simulated in a subprocess (sys.modules['onnx'] = None
makes `import onnx` fail as it does when the package is not installed)."""

import os
import subprocess
import sys
import textwrap

import pytest

ONNX_MODEL = os.path.join(os.path.dirname(__file__), "..", "models", "onnx")


def _run_without(modules, code):
    prelude = "import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in modules)
    result = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=300, env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_package_imports_and_training_models_convert_without_onnx():
    out = _run_without(["onnx"], """
        import numpy as np
        import edgelite
        from edgelite import converter, training
        from edgelite.training import Sequential, layers
        model = Sequential([layers.Input((4,)), layers.Dense(3, activation="relu")])
        interp = edgelite.Interpreter(model_content=converter.convert(model))
        interp.allocate_tensors()
        x = np.arange(4, dtype=np.float32).reshape(1, 4)
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        got = interp.get_tensor(interp.get_output_details()[0]["index"])
        np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
        print("onnx" in sys.modules and sys.modules["onnx"] is None, got.shape)
    """)
    assert out.split() == ["True", "(1,", "3)"]


def _first_onnx_model():
    names = sorted(n for n in os.listdir(ONNX_MODEL) if n.endswith(".onnx")) if os.path.isdir(ONNX_MODEL) else []
    if not names:
        pytest.skip("no committed ONNX model")
    return os.path.abspath(os.path.join(ONNX_MODEL, names[0]))


@pytest.mark.parametrize("call", ["convert(PATH)", "convert(open(PATH, 'rb').read())", "load(PATH)",
                                  "load_onnx(PATH)"])
def test_onnx_entry_points_name_the_extra(call):
    out = _run_without(["onnx"], f"""
        import edgelite
        from edgelite.converter import convert, load
        from edgelite.converter.frontends.onnx import load_onnx
        PATH = {_first_onnx_model()!r}
        try:
            {call}
        except edgelite.MissingDependencyError as e:
            assert isinstance(e, ImportError) and isinstance(e, edgelite.EdgeliteError)
            print(e)
        else:
            raise SystemExit("no MissingDependencyError")
    """)
    assert "pip install 'edgelite[onnx]'" in out and "onnx package" in out


def test_torch_export_without_torch_names_the_extra():
    out = _run_without(["onnx", "torch"], """
        import edgelite
        from edgelite.converter.frontends.torch import export_onnx
        try:
            export_onnx(object(), example_inputs=())
        except edgelite.MissingDependencyError as e:
            print(e)
    """)
    assert "pip install 'edgelite[torch]'" in out
