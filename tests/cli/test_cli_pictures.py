"""The pictures: `inspect --html` rendered by headless Chromium (Debian's `chromium`), and `benchmark --plot`.
Both are decoded and checked to show something, not a blank page."""

import os
import shutil
import subprocess

import pytest

import cli_models
from edgelite.cli import main
from png_pixels import colour_counts
from testutil import has_module, model_path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WHITE = (255, 255, 255)
OPERATOR_FILL = (0xE9, 0xEF, 0xF8)  # STYLES["op"] in edgelite/visual/graph_svg.py
INPUT_FILL = (0xFF, 0xF4, 0xCF)


def chromium(tmp_path, *args):
    flags = ["--headless", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    result = subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def mobilenet_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "mobilenet_v2.html"
    assert main(["inspect", model_path("tf", "mobilenet_v2.tflite"), "--html", str(path)]) == 0
    return path


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/setup.sh installs it)")
def test_mobilenet_graph_renders_in_chromium(tmp_path, mobilenet_html):
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,1400", mobilenet_html.as_uri())
    width, height, colours = colour_counts(str(shot))
    assert (width, height) == (1000, 1400)
    pixels = width * height
    assert colours[WHITE] < 0.95 * pixels           # not a blank page
    assert colours[OPERATOR_FILL] > 0.03 * pixels   # operator boxes
    assert colours[INPUT_FILL] > 0.002 * pixels     # the input pill at the top
    dark = sum(n for c, n in colours.items() if max(c) < 90)
    assert dark > 0.002 * pixels                    # text and edges
    assert len(colours) > 50                        # anti-aliased text, several fills


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/setup.sh installs it)")
def test_page_script_takes_over_the_view(tmp_path, mobilenet_html):
    dom = chromium(tmp_path, "--window-size=1000,1400", "--dump-dom", mobilenet_html.as_uri())
    svg_tag = dom[dom.index("<svg"):dom.index(">", dom.index("<svg"))]
    # The script replaced the SVG's own size with a viewBox of the window's size (scale 1 at the top).
    assert "width=" not in svg_tag and 'viewBox="' in svg_tag
    x, y, w, h = (float(v) for v in svg_tag.split('viewBox="')[1].split('"')[0].split())
    assert y == 0 and w == 1000 and 0 < h < 1400


@pytest.mark.skipif(not has_module("matplotlib"), reason="matplotlib is not installed (pip install 'edgelite[plot]')")
def test_benchmark_plot_draws_the_profile(tmp_path, capsys):
    path = tmp_path / "profile.png"
    assert main(["benchmark", model_path("tf", "mobilenet_v2.tflite"), "--runs", "2", "--warmup", "0",
                 "--plot", str(path)]) == 0
    assert f"profile drawn to {path}" in capsys.readouterr().out
    width, height, colours = colour_counts(str(path))
    assert width > 600 and height > 300
    assert colours[WHITE] < 0.95 * width * height
    assert colours[(31, 119, 180)] > 500  # the slowest operator type's bar (matplotlib's first colour)


@pytest.mark.skipif(not has_module("matplotlib"), reason="matplotlib is not installed (pip install 'edgelite[plot]')")
def test_plot_of_a_tiny_model(tmp_path, capsys):
    path = tmp_path / "p.png"
    assert main(["benchmark", cli_models.scale_model(tmp_path), "--runs", "1", "--plot", str(path)]) == 0
    assert path.stat().st_size > 1000
