"""Post-training quantization of converter graphs (edgelite.converter.convert(..., quantize=MODE)).

Modes, each laid out as TensorFlow's converter lays out its own files so that both runtimes run them:
  None       float32, unchanged
  "float16"  float32 constants stored as float16, each read through a DEQUANTIZE to float32 (weights.py)
  "dynamic"  weights of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with at least 1024 elements stored as
             symmetric per-channel int8; activations stay float32 (the hybrid kernels; weights.py)
  "int8"     full integer: activations int8 from calibration ranges (calibrate.py, params.py), per-channel
             int8 weights, int32 bias, QUANTIZE/DEQUANTIZE at float inputs/outputs (rewrite.py)
  "int16x8"  the same with int16 activations (zero point 0) and int64 bias
"""

from __future__ import annotations

from typing import Any, Optional

from ..ir import ConversionError, Graph

MODES = (None, "float16", "dynamic", "int8", "int16x8")
CALIBRATED_MODES = ("int8", "int16x8")
IO_TYPES = ("float32", "int8", "uint8", "int16")

__all__ = ["MODES", "IO_TYPES", "QuantizationError", "check_options", "quantize_graph"]


class QuantizationError(ConversionError):
    """The quantization options or the calibration data are not usable; the message says which and why."""


def check_options(quantize: Optional[str], representative_data: Any, inference_input_type: Optional[str],
                  inference_output_type: Optional[str]) -> None:
    """Raises QuantizationError for an unknown mode or I/O type, or options the mode cannot honour."""
    if quantize not in MODES:
        raise QuantizationError(f"unknown quantize mode {quantize!r}: choose one of "
                                f"{', '.join(repr(m) for m in MODES)}")
    for what, io_type in (("inference_input_type", inference_input_type),
                          ("inference_output_type", inference_output_type)):
        if io_type is None or io_type == "float32":
            continue
        if io_type not in IO_TYPES:
            raise QuantizationError(f"unknown {what} {io_type!r}: choose one of {', '.join(IO_TYPES)}")
        if quantize not in CALIBRATED_MODES:
            raise QuantizationError(f"{what}={io_type!r} needs full integer quantization (quantize='int8' or "
                                    f"'int16x8'); quantize={quantize!r} keeps float32 inputs and outputs")
    if quantize in CALIBRATED_MODES and representative_data is None:
        raise QuantizationError(f"quantize={quantize!r} needs representative_data (calibration samples: an "
                                "array whose first axis is samples, or an iterable/callable giving a list of "
                                "input arrays per sample)")


def quantize_graph(graph: Graph, quantize: Optional[str], representative_data: Any = None,
                   inference_input_type: Optional[str] = None,
                   inference_output_type: Optional[str] = None) -> Graph:
    """A copy of the optimized float `graph` quantized in mode `quantize` (the graph itself when None)."""
    check_options(quantize, representative_data, inference_input_type, inference_output_type)
    if quantize is None:
        return graph
    from .weights import dynamic_range, float16_weights
    graph = graph.copy()
    if quantize == "float16":
        float16_weights(graph)
        return graph
    if quantize == "dynamic":
        dynamic_range(graph)
        return graph
    import numpy as np
    from .calibrate import calibration_samples, tensor_ranges
    from .rewrite import full_integer
    samples = calibration_samples(graph, representative_data)
    ranges = tensor_ranges(graph, samples)
    full_integer(graph, ranges, np.int8 if quantize == "int8" else np.int16, inference_input_type,
                 inference_output_type)
    return graph
