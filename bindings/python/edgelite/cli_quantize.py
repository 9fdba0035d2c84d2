"""The quantization part of `edgelite convert`: --quantize, --calibration, --input-type/--output-type,
--report; reads the calibration file and prints what was quantized, sizes and per-output ranges."""

from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from .cli_common import CommandLineError, check_input_file

MODES = ("float16", "dynamic", "int8", "int16x8")
IO_TYPES = ("float32", "int8", "uint8", "int16")


def add_arguments(c) -> None:
    """Adds the quantization options to the `convert` parser `c`."""
    c.add_argument("--quantize", choices=MODES, default=None,
                   help="post-training quantization mode (default: none, float32)")
    c.add_argument("--calibration", metavar="DATA.npy",
                   help="calibration samples for int8/int16x8 (and --report): a .npy array whose first axis is "
                        "samples, or a .npz with one such array per model input, in input order (default: none)")
    c.add_argument("--input-type", choices=IO_TYPES, default=None, help="the file's input type with --quantize int8/int16x8 (default: float32)")
    c.add_argument("--output-type", choices=IO_TYPES, default=None, help="the file's output type with --quantize int8/int16x8 (default: float32)")
    c.add_argument("--report", action="store_true",
                   help="print the per-layer error of the quantized model against the float one (default: off)")
    c.add_argument("--report-plot", metavar="PLOT.png",
                   help="also draw the per-layer error (.png or .svg; needs matplotlib; default: none)")


def load_calibration(path: Optional[str]) -> Any:
    """The samples in `path` (.npy: one input; .npz: arrays per input in file order), or None."""
    if path is None:
        return None
    check_input_file(path, "--calibration")
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as e:
        raise CommandLineError(f"--calibration {path} is not a .npy or .npz file ({e})") from e
    if isinstance(data, np.ndarray):
        return data
    arrays = [data[k] for k in data.files]
    if not arrays or len({len(a) for a in arrays}) != 1:
        raise CommandLineError(f"--calibration {path}: its arrays must have the same number of samples")
    return [[a[k] for a in arrays] for k in range(len(arrays[0]))]


def convert_options(args) -> dict:
    """convert() keyword arguments from the parsed options (CommandLineError for inconsistent ones)."""
    if (args.report or args.report_plot) and not args.quantize:
        raise CommandLineError("--report needs --quantize")
    if (args.report or args.report_plot) and args.calibration is None:
        raise CommandLineError("--report needs --calibration (the data to compare the two models on)")
    return {"quantize": args.quantize, "representative_data": load_calibration(args.calibration),
            "inference_input_type": args.input_type, "inference_output_type": args.output_type}


def _range(detail) -> str:
    scale, zp = detail["quantization"]
    if not scale:
        return "float32"
    info = np.iinfo(detail["dtype"])
    return f"[{(info.min - zp) * scale:.4g}, {(info.max - zp) * scale:.4g}] (scale {scale:.4g}, zero point {zp})"


def print_summary(args, float_content: bytes, content: bytes, data: Any) -> None:
    """What was quantized, the float and quantized sizes, and each output's calibrated range."""
    from .interpreter import Interpreter
    interp = Interpreter(model_content=content)
    counts: dict = {}
    for t in interp.get_tensor_details():
        if len(t["quantization_parameters"]["scales"]) or t["dtype"] == np.float16:
            counts[t["dtype"].__name__] = counts.get(t["dtype"].__name__, 0) + 1
    print(f"quantized ({args.quantize}): " + (", ".join(f"{v} {k} tensors" for k, v in sorted(counts.items()))
                                            or "nothing"))
    print(f"size: {len(float_content) / 1024:.1f} KiB float -> {len(content) / 1024:.1f} KiB "
          f"({len(content) / len(float_content):.2f})")
    tensors = {t["name"]: t for t in interp.get_tensor_details()}
    for d in interp.get_output_details():
        inner = next((tensors[n] for n in (f"{d['name']}/int8", f"{d['name']}/int16") if n in tensors), d)
        print(f"output {d['name']}: {_range(inner)}")
    if args.report or args.report_plot:
        from .converter.quantize.report import format_report, plot_report, quantization_report
        rows = quantization_report(float_content, content, data)
        print(format_report(rows))
        if args.report_plot:
            if plot_report(rows, args.report_plot) is None:
                raise CommandLineError("--report-plot needs matplotlib (pip install matplotlib)")
            print(f"plot: {args.report_plot}")

