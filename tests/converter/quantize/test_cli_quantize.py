"""`edgelite convert --quantize`: the flags, the printed summary and report, and named errors."""

import re

import numpy as np
import pytest

pytest.importorskip("sklearn.datasets")
import quant_testutil  # noqa: E402,F401  (puts examples/ on the path)
import digits_demo  # noqa: E402

from edgelite.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("cliq")
    model = digits_demo.build_model()
    model.save(str(d / "digits.npz"))
    np.save(d / "cal.npy", digits_demo.digits_split()[0][:40])
    return d


def test_int8_with_report(saved, capsys):
    out = str(saved / "q.tflite")
    assert main(["convert", str(saved / "digits.npz"), "-o", out, "--quantize", "int8", "--calibration",
                 str(saved / "cal.npy"), "--input-type", "int8", "--output-type", "int8", "--report"]) == 0
    text = capsys.readouterr().out
    # Layer names count up per process ("dense", "dense_7", ...): match the output line by its prefix.
    assert "quantized (int8):" in text and "KiB float ->" in text and re.search(r"output dense(_\d+)?: \[", text)
    assert "loses most" in text and "SOFTMAX" in text


def test_dynamic_and_float16(saved, capsys):
    for mode in ("dynamic", "float16"):
        assert main(["convert", str(saved / "digits.npz"), "-o", str(saved / f"{mode}.tflite"),
                     "--quantize", mode]) == 0
        assert f"quantized ({mode}):" in capsys.readouterr().out


def test_errors(saved, capsys):
    src, out = str(saved / "digits.npz"), str(saved / "e.tflite")
    assert main(["convert", src, "-o", out, "--quantize", "int8"]) == 1
    assert "needs representative_data" in capsys.readouterr().err
    assert main(["convert", src, "-o", out, "--report"]) != 0
    assert "--report needs --quantize" in capsys.readouterr().err
    (saved / "junk.npy").write_bytes(b"not numpy")
    assert main(["convert", src, "-o", out, "--quantize", "int8", "--calibration", str(saved / "junk.npy")]) != 0
    assert "not a .npy or .npz" in capsys.readouterr().err
