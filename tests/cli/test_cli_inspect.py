"""`edgelite inspect`: dynamic axes, signature names, partitions, unsupported operators, and the drawings."""

import re
import xml.etree.ElementTree as ET

import pytest

import cli_models
from edgelite.cli import main
from testutil import model_path

SVG = "{http://www.w3.org/2000/svg}"


def inspect(capsys, *argv):
    assert main(["inspect", *argv]) == 0
    return capsys.readouterr().out


def test_dynamic_axes_and_signature_names(capsys):
    out = inspect(capsys, model_path("tf", "transformer_block_dynamic_batch.tflite"))
    assert "serving_default_tokens:0 (signature 'tokens') float32[?x16x64]" in out
    assert "-> float32[?x16x4x16]" in out  # intermediate tensors keep their dynamic axis
    assert "signature 'serving_default' (subgraph 0): inputs tokens (serving_default_tokens:0)" in out


def test_static_model_shows_no_question_marks(capsys):
    out = inspect(capsys, model_path("tf", "mobilenet_v2.tflite"))
    assert "float32[1x224x224x3]" in out and "?" not in out.split("inputs:")[1].splitlines()[0]
    assert "[float32" in out  # the kernel column


def test_quantization_is_shown(tmp_path, capsys):
    out = inspect(capsys, cli_models.int8_input_model(tmp_path))
    assert "int8[4] q=0.5/3" in out


def test_delegated_partitions(tmp_path, capsys):
    out = inspect(capsys, cli_models.scale_model(tmp_path), "--test-delegate", "add")
    assert "delegate: CpuTestDelegate took 1 partition(s) of 1 operator(s)" in out
    assert re.search(r"ADD .*\[delegated to CpuTestDelegate, partition 0\]", out)
    assert re.search(r"MUL .*\[float32", out)


def test_unsupported_operator_and_every_subgraph(tmp_path, capsys):
    out = inspect(capsys, cli_models.unsupported_op_model(tmp_path))
    assert "NotARealOp" in out and "<-- cannot run" in out and "1 operator(s) cannot run" in out
    assert "== subgraph 1 (second)" in out and "NEG" in out


def svg_nodes(path):
    root = ET.parse(path).getroot()
    nodes = [g for g in root.iter(f"{SVG}g") if "node" in g.get("class", "").split()]
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    return root, nodes, edges


def test_svg_of_mobilenet_has_every_operator_and_edge(tmp_path, capsys):
    out_path = tmp_path / "m.svg"
    inspect(capsys, model_path("tf", "mobilenet_v2.tflite"), "--svg", str(out_path))
    _, nodes, edges = svg_nodes(out_path)
    kinds = [n.get("class").split()[1] for n in nodes]
    assert kinds.count("op") == 65 and kinds.count("input") == 1 and kinds.count("output") == 1
    # 64 chain edges between operators, 10 residual (ADD) inputs, plus the input's and the output's edge
    assert len(edges) == 64 + 10 + 2
    titles = " ".join(n.find(f"{SVG}title").text for n in nodes)
    assert "CONV_2D" in titles and "kernel: float32" in titles


def test_svg_marks_unsupported_and_delegated_operators(tmp_path, capsys):
    path = tmp_path / "u.svg"
    inspect(capsys, cli_models.unsupported_op_model(tmp_path), "--svg", str(path))
    _, nodes, _ = svg_nodes(path)
    assert [n.get("id") for n in nodes if "unsupported" in n.get("class")] == ["s0n0"]
    assert {n.get("id") for n in nodes} >= {"s1n0"}  # the second subgraph is drawn too
    path = tmp_path / "d.svg"
    inspect(capsys, model_path("tf", "mobilenet_v2.tflite"), "--test-delegate", "ADD,CONV_2D", "--svg", str(path))
    _, nodes, _ = svg_nodes(path)
    delegated = [n for n in nodes if "delegated" in n.get("class")]
    assert len(delegated) == 35 + 10  # every CONV_2D and ADD


def test_html_is_self_contained(tmp_path, capsys):
    path = tmp_path / "m.html"
    inspect(capsys, model_path("tf", "transformer_block_dynamic_batch.tflite"), "--html", str(path))
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script>" in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)  # nothing to fetch
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "?x16x64" in html


@pytest.mark.parametrize("name", ["ops_shape", "ops_dynamic_reshape", "convnet_pool_bn_dense", "float16_weights"])
def test_drawing_other_models(tmp_path, capsys, name):
    path = tmp_path / f"{name}.svg"
    inspect(capsys, model_path("tf", f"{name}.tflite"), "--svg", str(path))
    svg_nodes(path)  # well-formed XML


def test_a_model_the_interpreter_refuses_is_still_drawn(tmp_path, capsys, monkeypatch):
    import edgelite.interpreter
    from edgelite.errors import UnsupportedError

    def refuse(*args, **kwargs):
        raise UnsupportedError("this build refuses the model")
    monkeypatch.setattr(edgelite.interpreter, "Interpreter", refuse)
    path = tmp_path / "u.svg"
    out = inspect(capsys, cli_models.unsupported_op_model(tmp_path), "--svg", str(path))
    assert "the interpreter refused this model: this build refuses the model" in out
    assert "custom operator 'NotARealOp' is not registered" in out and "<-- cannot run" in out
    assert "ABS" in out and "arena:" not in out  # nothing was planned
    _, nodes, _ = svg_nodes(path)
    assert [n.get("id") for n in nodes if "unsupported" in n.get("class")] == ["s0n0"]
