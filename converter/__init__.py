"""edgelite.converter: converts trained models (ONNX, PyTorch, edgelite.training) to .tflite files that
edgelite and LiteRT run.

    from edgelite.converter import convert
    tflite_bytes = convert("model.onnx")            # or an onnx.ModelProto
    tflite_bytes = convert(model, nhwc_inputs=True)  # take NHWC images instead of the source's NCHW
    tflite_bytes = convert(torch_module, example_inputs=(x,))  # exported through torch.onnx, dynamic batch
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .dynamic import merge_probes, probe_sizes
from .ir import ConversionError, Graph
from .passes import optimize
from .writer import write

__version__ = "0.1.0"

__all__ = ["convert", "load", "ConversionError", "QuantizationError", "quantization_report", "UnsupportedOperatorError", "Graph", "optimize", "write",
           "__version__"]


def __getattr__(name: str):
    if name == "UnsupportedOperatorError":
        from .frontends.onnx import UnsupportedOperatorError
        return UnsupportedOperatorError
    if name == "quantization_report":
        from .quantize.report import quantization_report
        return quantization_report
    if name == "QuantizationError":
        from .quantize import QuantizationError
        return QuantizationError
    raise AttributeError(name)


def _frontend(source: Any, nhwc_inputs: bool, input_shapes: Optional[Dict[str, Sequence[int]]],
              torch_options: Dict[str, Any], allow_select_ops: bool = False) -> Tuple[List[str], Callable[[Dict[str, int]], Graph]]:
    """(the source's symbolic dimensions, a function that imports it with given sizes for them)."""
    from .frontends.training import is_training_model, load_training_model, training_symbols
    if is_training_model(source):
        return training_symbols(source), lambda dims: load_training_model(source, nhwc_inputs=nhwc_inputs,
                                                                          dims=dims)
    if _is_torch_module(source):
        from .frontends.torch import export_onnx
        source = export_onnx(source, **torch_options)
    elif torch_options.get("example_inputs") is not None:
        raise ConversionError("example_inputs is for torch modules; this source is a "
                              f"{type(source).__name__}")
    if isinstance(source, (str, os.PathLike)) and not os.path.exists(os.fspath(source)):
        raise ConversionError(f"no such file: {os.fspath(source)!r}")
    if isinstance(source, (str, os.PathLike, bytes, bytearray)) or type(source).__name__ == "ModelProto":
        from .frontends.onnx import onnx_symbols, read_onnx, load_onnx
        model = read_onnx(source)
        symbols = onnx_symbols(model, input_shapes)
        return symbols, lambda dims: load_onnx(model, nhwc_inputs=nhwc_inputs, dims=dims,
                                               input_shapes=input_shapes, allow_select_ops=allow_select_ops)
    raise ConversionError(f"cannot convert a {type(source).__name__}: give an onnx.ModelProto, a path to a "
                          ".onnx file, a torch.nn.Module (with example_inputs) or an edgelite.training model")


def _is_torch_module(source: Any) -> bool:
    return any(c.__module__.startswith("torch.nn") and c.__name__ == "Module" for c in type(source).__mro__)


def _graph(source: Any, nhwc_inputs: bool, input_shapes, optimize_graph: bool, torch_options,
           allow_select_ops: bool = False) -> Graph:
    symbols, build = _frontend(source, nhwc_inputs, input_shapes, torch_options, allow_select_ops)
    if not symbols:
        graph = build({})
        return optimize(graph) if optimize_graph else graph
    graphs = []
    for probe in (0, 1):
        graph = build(probe_sizes(symbols, probe))
        graphs.append(optimize(graph) if optimize_graph else graph)
    return merge_probes(graphs[0], graphs[1], symbols, fold=optimize_graph)


def load(source: Any, *, nhwc_inputs: bool = False, input_shapes: Optional[Dict[str, Sequence[int]]] = None,
         allow_select_ops: bool = False, **torch_options: Any) -> Graph:
    """The converter graph of `source` (see convert), before optimization. With dynamic dimensions, value
    shapes hold stand-in sizes and `Graph.signature` has -1 on the dynamic axes."""
    return _graph(source, nhwc_inputs, input_shapes, False, torch_options, allow_select_ops)


def convert(source: Any, *, quantize: Optional[str] = None, representative_data: Any = None,
            inference_input_type: Optional[str] = None, inference_output_type: Optional[str] = None,
            nhwc_inputs: bool = False, optimize_graph: bool = True,
            input_shapes: Optional[Dict[str, Sequence[int]]] = None, example_inputs: Any = None,
            dynamic_batch: bool = True, exporter: str = "dynamo", opset: Optional[int] = None,
            allow_select_ops: bool = False) -> bytes:
    """Converts `source` to .tflite bytes: an onnx.ModelProto, a .onnx path or bytes, an edgelite.training
    model, or a torch.nn.Module with `example_inputs` (exported in memory through torch.onnx by
    `exporter`, "dynamo" or "torchscript", with a dynamic batch axis unless dynamic_batch=False).

    Symbolic dimensions stay dynamic: -1 in the file's shape signature, 1 in its shape, so
    resize_tensor_input sets them. input_shapes={input name: shape} fixes an input's shape instead.
    nhwc_inputs=True makes 4-D inputs channels-last (NHWC) instead of the source's NCHW; outputs keep the
    source's shapes either way.

    quantize: None (float32), "float16" (float16 weights read through DEQUANTIZE), "dynamic" (int8 weights,
    float activations: hybrid kernels), or "int8"/"int16x8" (full integer, calibrated on
    `representative_data`; inference_input_type/inference_output_type "float32", "int8", "uint8" or "int16"
    set the file's I/O types). See edgelite.converter.quantize; bad options raise QuantizationError.

    allow_select_ops=True writes ONNX operators that have no builtin lowering (Det, Unique, CumProd, Einsum
    with broadcasting, ScatterND with a reduction, ...) as TensorFlow select ops: custom operators
    `Flex<Op>` encoded as TensorFlow's converter writes them, which edgelite runs from its select library
    and TensorFlow's interpreter with the Flex delegate. Without it those operators are refused."""
    from .quantize import check_options, quantize_graph
    check_options(quantize, representative_data, inference_input_type, inference_output_type)
    torch_options = {"example_inputs": example_inputs, "dynamic_batch": dynamic_batch, "exporter": exporter,
                     "opset": opset} if example_inputs is not None else {}
    graph = _graph(source, nhwc_inputs, input_shapes, optimize_graph, torch_options, allow_select_ops)
    graph = quantize_graph(graph, quantize, representative_data, inference_input_type, inference_output_type)
    return write(graph, converter_version=__version__)
