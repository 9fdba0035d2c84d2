"""PyTorch modules: exported to ONNX in memory through torch.onnx, then converted like any ONNX model.

torch is an optional dependency: it is imported only when a torch module is converted.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any, Optional

from ...errors import MissingDependencyError
from ..ir import ConversionError
from .onnx import require_onnx

DEFAULT_OPSET = {"dynamo": 18, "torchscript": 17}


def export_onnx(module: Any, *, example_inputs: Any = None, dynamic_batch: bool = True, exporter: str = "dynamo",
                opset: Optional[int] = None):
    """The onnx.ModelProto of `module` called on `example_inputs` (a tensor or a tuple of them), with axis 0
    of every input and output dynamic unless dynamic_batch=False."""
    try:
        import torch
    except ImportError as e:  # pragma: no cover - only without torch, which cannot make a module anyway
        raise MissingDependencyError("converting a torch module needs torch: pip install 'edgelite[torch]'") from e
    onnx = require_onnx()
    if example_inputs is None:
        raise ConversionError("converting a torch module needs example_inputs=(tensor, ...): torch.onnx "
                              "traces the module on them")
    if exporter not in DEFAULT_OPSET:
        raise ConversionError(f"exporter {exporter!r} is not 'dynamo' or 'torchscript'")
    if exporter == "dynamo":
        try:
            import onnxscript  # noqa: F401  (torch.onnx's dynamo exporter imports it when it runs)
        except ImportError as e:
            raise MissingDependencyError("torch.onnx's dynamo exporter needs onnxscript: pip install "
                                         "'edgelite[torch]' (or pass exporter='torchscript')") from e
    args = tuple(example_inputs) if isinstance(example_inputs, (tuple, list)) else (example_inputs,)
    names = [f"input_{k}" if len(args) > 1 else "input" for k in range(len(args))]
    opset = opset or DEFAULT_OPSET[exporter]
    module = module.eval()
    fastpath = torch.backends.mha.get_fastpath_enabled()
    # nn.TransformerEncoderLayer's inference fast path is one fused op that torch.onnx cannot export.
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        return _export(torch, onnx, module, args, names, exporter, opset, dynamic_batch)
    finally:
        torch.backends.mha.set_fastpath_enabled(fastpath)


def _export(torch, onnx, module, args, names, exporter, opset, dynamic_batch):
    with torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if exporter == "dynamo":
            shapes = None
            if dynamic_batch:
                batch = torch.export.Dim("batch")
                shapes = tuple({0: batch} for _ in args)
            program = torch.onnx.export(module, args, input_names=names, dynamo=True, opset_version=opset,
                                        dynamic_shapes=shapes)
            return program.model_proto
        with torch.no_grad():
            probe = module(*args)
        outputs = len(probe) if isinstance(probe, (tuple, list)) else 1
        output_names = [f"output_{k}" if outputs > 1 else "output" for k in range(outputs)]
        axes = {n: {0: "batch"} for n in names + output_names} if dynamic_batch else None
        buffer = io.BytesIO()
        torch.onnx.export(module, args, buffer, input_names=names, output_names=output_names, dynamo=False,
                          opset_version=opset, dynamic_axes=axes, do_constant_folding=True)
    return onnx.load_from_string(buffer.getvalue())
