"""Checks an installed edgelite (from a wheel, in a fresh environment): it is imported from site-packages, not
from a source tree; MobileNet v2 gives the outputs recorded from LiteRT; the select-ops library is in edgelite/lib
and runs a TF-converted Flex model; the type-checking files are there; and
without onnx the package still imports while the ONNX converter names the extra to install.

Usage: python scripts/check_installed_package.py MODELS_DIR   (MODELS_DIR: the checkout's tests/models)
Run by scripts/build_wheel.sh and by cibuildwheel's test-command; exits non-zero with a message on a failure.
"""

import importlib.util
import os
import sys

import numpy as np

TOLERANCE = 1e-3  # relative to the output's largest magnitude, as tests/interpreter/test_golden_models.py


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"check_installed_package: FAILED: {message}")


def check_interpreter(models_dir: str) -> None:
    import edgelite
    path = os.path.join(models_dir, "tf", "mobilenet_v2.tflite")
    ref = np.load(os.path.join(models_dir, "tf", "mobilenet_v2.io.npz"))
    interp = edgelite.Interpreter(model_path=path, num_threads=2)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], ref["input_0"])
    interp.invoke()
    out = interp.get_tensor(interp.get_output_details()[0]["index"])
    expected = ref["output_0"]
    check(out.shape == expected.shape, f"MobileNet v2 output shape {out.shape}, expected {expected.shape}")
    err = float(np.max(np.abs(out - expected)) / max(float(np.max(np.abs(expected))), 1e-30))
    check(err <= TOLERANCE, f"MobileNet v2 output differs from LiteRT's by {err:.2e} (relative)")
    print(f"MobileNet v2: output {out.shape}, max relative error vs LiteRT {err:.1e}")


def check_package_files() -> None:
    import edgelite
    package_dir = os.path.dirname(edgelite.__file__)
    check("site-packages" in package_dir, f"edgelite was imported from {package_dir}, not an installed package")
    for name in ("py.typed", "_core.pyi"):
        check(os.path.isfile(os.path.join(package_dir, name)), f"{name} is missing from {package_dir}")
    print(f"edgelite {edgelite.__version__} from {package_dir} (py.typed, _core.pyi present)")


def check_select_ops(models_dir: str) -> None:
    """The select-ops plugin ships in edgelite/lib and runs a TF-converted Flex model as TF did."""
    import edgelite
    lib = os.path.join(os.path.dirname(edgelite.__file__), "lib", "libedgelite_select.so")
    check(os.path.isfile(lib), f"{lib} is missing: the select-ops library was not installed")
    base = os.path.join(models_dir, "select", "select_math")
    ref = np.load(base + ".io.npz")
    interp = edgelite.Interpreter(model_path=base + ".tflite")
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], ref["input_0"])
    interp.invoke()
    out = interp.get_tensor(interp.get_output_details()[0]["index"])
    check(np.allclose(out, ref["output_0"], rtol=2e-5, atol=2e-5), "select_math.tflite does not match TensorFlow")
    print(f"select ops: {os.path.getsize(lib)} byte library, select_math.tflite matches TensorFlow")


def check_without_onnx() -> None:
    if importlib.util.find_spec("onnx") is not None:
        print("onnx is installed here: skipped the check of the message without it")
        return
    import edgelite
    from edgelite import converter, training  # noqa: F401  (both import without onnx)
    try:
        converter.convert(b"not read: onnx is missing")
    except edgelite.MissingDependencyError as e:
        check("edgelite[onnx]" in str(e), f"the missing-onnx message does not name the extra: {e}")
        print(f"without onnx: {type(e).__name__}: {e}")
        return
    check(False, "convert(onnx bytes) without onnx did not raise MissingDependencyError")


def main() -> None:
    check(len(sys.argv) == 2, "usage: check_installed_package.py MODELS_DIR")
    check_package_files()
    check_interpreter(sys.argv[1])
    check_select_ops(sys.argv[1])
    check_without_onnx()
    print("check_installed_package: OK")


if __name__ == "__main__":
    main()
