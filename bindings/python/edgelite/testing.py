"""Test helpers: one-operator models and running them (edgelite or LiteRT), and the CPU test delegate."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from .model_builder import ModelBuilder


def CpuTestDelegate(ops: Sequence[str], device_buffers: bool = False, decline_above: int = 0, **options: Any):
    """The CPU test delegate (a plugin in libedgelite_test_plugins.so): claims the nodes whose operator is
    in `ops` and runs each partition with the core's CPU kernels. `device_buffers` keeps partition
    outputs in memory of its own (host copies spoiled until the core copies back); `decline_above` declines
    partitions of more nodes. Other options (min_partition_size, max_partitions) go to load_delegate.
    `delegate.query("partitions")` lists the partitions it was given (JSON)."""
    from . import plugins
    from .interpreter import load_delegate
    path = plugins.library_path(plugins.TEST_PLUGINS_LIBRARY)
    if path is None:
        raise RuntimeError(f"this edgelite build has no {plugins.TEST_PLUGINS_LIBRARY} (looked in {plugins.library_dir()})")
    return load_delegate(path, {"ops": list(ops), "device_buffers": "1" if device_buffers else "0",
                                "decline_above": int(decline_above), **options})


def delegate_partitions(delegate: Any) -> List[List[int]]:
    """The partitions (node index lists) a test delegate was given so far."""
    import json
    return json.loads(delegate.query("partitions"))


def _as_list(value: Any, n: int) -> List[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"expected {n} entries, got {len(value)}")
        return list(value)
    return [value] * n


def quantization(scale: Any, zero_point: Any = 0, quantized_dimension: Optional[int] = None) -> dict:
    """Quantization parameters in the form single_op_model and ModelBuilder take: one scale and zero point
    (per tensor), or one per slice along `quantized_dimension` (per channel; a scalar zero point is repeated)."""
    scales = np.atleast_1d(np.asarray(scale, np.float32)).ravel()
    zero_points = np.atleast_1d(np.asarray(zero_point, np.int64)).ravel()
    if zero_points.size == 1 and scales.size > 1:
        zero_points = np.repeat(zero_points, scales.size)
    if zero_points.size != scales.size:
        raise ValueError(f"{scales.size} scales but {zero_points.size} zero points")
    q = {"scale": scales, "zero_point": zero_points}
    if quantized_dimension is not None:
        q["quantized_dimension"] = int(quantized_dimension)
    elif scales.size > 1:
        raise ValueError("per-channel quantization needs quantized_dimension")
    return q


def _per_tensor_list(value: Any, n: int, what: str) -> List[Any]:
    """None, one entry (when n == 1), a list of n entries or a {position: entry} dict -> a list of n."""
    if value is None:
        return [None] * n
    if isinstance(value, dict) and all(isinstance(k, int) for k in value):
        if any(not 0 <= k < n for k in value):
            raise ValueError(f"{what}: positions {sorted(value)} out of range for {n} tensors")
        return [value.get(k) for k in range(n)]
    if isinstance(value, list):
        if len(value) != n:
            raise ValueError(f"{what}: expected {n} entries, got {len(value)}")
        return value
    if n == 1:
        return [value]
    raise ValueError(f"{what}: give a list of {n} entries or a {{position: quantization}} dict")


def single_op_model(op: str, inputs: Sequence[Optional[np.ndarray]], options: Any = None, *,
                    constant_inputs: Sequence[int] = (), output_types: Any = None, num_outputs: int = 1,
                    version: int = 1, output_shapes: Any = None, custom_code: Optional[str] = None,
                    custom_options: Optional[bytes] = None, input_quantization: Any = None,
                    output_quantization: Any = None) -> bytes:
    """A model with one operator. `inputs[i]` None is an omitted optional input; inputs whose index is in
    `constant_inputs` become constant tensors, the others runtime inputs (in order). Output dtypes default
    to the first input's; output shapes default to [] (sized by the operator's prepare).

    `input_quantization` / `output_quantization` give tensors quantization parameters: a list with one entry
    per input (output), None for none, or a {position: entry} dict; with one output a bare entry will do.
    An entry is anything ModelBuilder takes: a (scale, zero_point) pair, `quantization(...)`'s dict (per
    channel with quantized_dimension) or a QuantizationParametersT."""
    input_q = _per_tensor_list(input_quantization, len(inputs), "input_quantization")
    output_q = _per_tensor_list(output_quantization, num_outputs, "output_quantization")
    b = ModelBuilder()
    first = next((np.asarray(a) for a in inputs if a is not None), None)
    default_type = first.dtype if first is not None else np.float32
    tensor_inputs: List[Optional[int]] = []
    for i, array in enumerate(inputs):
        if array is None:
            tensor_inputs.append(None)
            continue
        array = np.asarray(array)
        if i in constant_inputs:
            tensor_inputs.append(b.add_constant(f"input{i}", array, quantization=input_q[i]))
        else:
            tensor_inputs.append(b.add_input(f"input{i}", list(array.shape), array.dtype,
                                             quantization=input_q[i]))
    types = _as_list(output_types if output_types is not None else default_type, num_outputs)
    shapes = [None] * num_outputs if output_shapes is None else list(output_shapes)
    outputs = [b.add_tensor(f"output{k}", shapes[k], types[k], quantization=output_q[k])
               for k in range(num_outputs)]
    b.add_operator(op, tensor_inputs, outputs, options, version=version, custom_code=custom_code,
                   custom_options=custom_options)
    for o in outputs:
        b.mark_output(o)
    return b.build()


def run_model(model: bytes, inputs: Sequence[np.ndarray], *, num_threads: int = 1,
              runtime: str = "edgelite") -> List[np.ndarray]:
    """Runs `model` once with `inputs` (in model input order); runtime "edgelite" or "litert"."""
    if runtime == "edgelite":
        from .interpreter import Interpreter
    elif runtime == "litert":
        from ai_edge_litert.interpreter import Interpreter  # type: ignore
    else:
        raise ValueError(f"unknown runtime {runtime!r}; use 'edgelite' or 'litert'")
    interp = Interpreter(model_content=model, num_threads=num_threads)
    details = interp.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"model has {len(details)} inputs, {len(inputs)} given")
    for d, value in zip(details, inputs):
        value = np.asarray(value)
        if list(d["shape"]) != list(value.shape):
            interp.resize_tensor_input(d["index"], list(value.shape))
    interp.allocate_tensors()
    for d, value in zip(details, inputs):
        # Strings go in as given: a cast to bytes_ would drop trailing NUL bytes.
        interp.set_tensor(d["index"], np.asarray(value, dtype=None if d["dtype"] is np.bytes_ else d["dtype"]))
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def run_single_op(op: str, inputs: Sequence[Optional[np.ndarray]], options: Any = None, *,
                  constant_inputs: Sequence[int] = (), output_types: Any = None, num_outputs: int = 1,
                  version: int = 1, num_threads: int = 1, runtime: str = "edgelite",
                  **model_kwargs: Any) -> List[np.ndarray]:
    """Builds single_op_model(...) and runs it; returns the outputs as a list of arrays. `model_kwargs` go
    to single_op_model (output_shapes, input_quantization, output_quantization, ...)."""
    model = single_op_model(op, inputs, options, constant_inputs=constant_inputs, output_types=output_types,
                            num_outputs=num_outputs, version=version, **model_kwargs)
    runtime_inputs = [np.asarray(a) for i, a in enumerate(inputs) if a is not None and i not in constant_inputs]
    return run_model(model, runtime_inputs, num_threads=num_threads, runtime=runtime)
