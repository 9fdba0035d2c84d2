"""edgelite.converter: converts trained models (ONNX today) to .tflite files that edgelite and LiteRT run.

    from edgelite.converter import convert
    tflite_bytes = convert("model.onnx")            # or an onnx.ModelProto
    tflite_bytes = convert(model, nhwc_inputs=True)  # take NHWC images instead of the source's NCHW
"""

from __future__ import annotations

import os
from typing import Any

from .ir import ConversionError, Graph
from .passes import optimize
from .writer import write

__version__ = "0.1.0"

__all__ = ["convert", "load", "ConversionError", "UnsupportedOperatorError", "Graph", "optimize", "write",
           "__version__"]


def __getattr__(name: str):
    if name == "UnsupportedOperatorError":
        from .frontends.onnx import UnsupportedOperatorError
        return UnsupportedOperatorError
    raise AttributeError(name)


def load(source: Any, *, nhwc_inputs: bool = False) -> Graph:
    """The converter graph of `source` (an onnx.ModelProto, a .onnx path or bytes, or an edgelite.training
    model), before optimization."""
    from .frontends.training import is_training_model, load_training_model
    if is_training_model(source):
        return load_training_model(source, nhwc_inputs=nhwc_inputs)
    if isinstance(source, (str, os.PathLike)) and not os.path.exists(os.fspath(source)):
        raise ConversionError(f"no such file: {os.fspath(source)!r}")
    if isinstance(source, (str, os.PathLike, bytes, bytearray)) or type(source).__name__ == "ModelProto":
        from .frontends.onnx import load_onnx
        return load_onnx(source, nhwc_inputs=nhwc_inputs)
    raise ConversionError(f"cannot convert a {type(source).__name__}: give an onnx.ModelProto, a path to a "
                          ".onnx file, or an edgelite.training model")


def convert(source: Any, *, nhwc_inputs: bool = False, optimize_graph: bool = True) -> bytes:
    """Converts `source` to .tflite bytes. nhwc_inputs=True makes 4-D inputs channels-last (NHWC) instead of
    the source's NCHW; outputs keep the source's shapes either way."""
    graph = load(source, nhwc_inputs=nhwc_inputs)
    if optimize_graph:
        optimize(graph)
    return write(graph, converter_version=__version__)
