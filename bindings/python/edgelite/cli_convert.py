"""`edgelite convert`: an ONNX file or a saved edgelite.training model to .tflite, with a summary of the result.
The kind of source is told from its content, not its name."""

from __future__ import annotations

import os

from .cli_common import CommandLineError, check_input_file, check_output_file, write_file

ZIP_MAGIC = b"PK"          # np.savez archives: edgelite.training's saved models
TFLITE_IDENTIFIER = b"TFL3"  # bytes 4..8 of a .tflite file


def _is_protobuf_decode_error(e: Exception) -> bool:
    try:
        from google.protobuf.message import DecodeError
    except ImportError:
        return False
    return isinstance(e, DecodeError)


def _load_source(path: str):
    """A saved training model is loaded here; anything else goes to the converter as an ONNX file."""
    check_input_file(path, "source")
    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        raise CommandLineError(f"{path} is empty")
    if head[4:8] == TFLITE_IDENTIFIER:
        raise CommandLineError(f"{path} is already a .tflite model; convert takes an ONNX file or a saved "
                               "edgelite.training model")
    if head[:2] != ZIP_MAGIC:
        return path
    from .training import load_model
    try:
        return load_model(path, compile=False)
    except (ValueError, KeyError, OSError) as e:  # the training loader names format problems itself
        raise CommandLineError(f"{path} is a zip archive but not a saved edgelite.training model ({e})") from e


def cmd_convert(args) -> int:
    """`edgelite convert`: converts an ONNX model or a saved edgelite.training model to .tflite and prints a
    summary. Returns the exit status; bad input raises CommandLineError or an edgelite error."""
    from .converter import convert
    from .model_graph import constant_parameters, read_model_graph
    source = _load_source(args.source)
    check_output_file(args.output, "-o")
    if os.path.exists(args.output) and os.path.samefile(args.source, args.output):
        raise CommandLineError("-o names the source file itself; give another file name")
    from .cli_quantize import convert_options, print_summary
    options = convert_options(args)
    try:
        content = convert(source, nhwc_inputs=args.nhwc_inputs, allow_select_ops=args.allow_select_ops, **options)
    except Exception as e:
        if _is_protobuf_decode_error(e):
            raise CommandLineError(f"{args.source} is neither an ONNX model nor a saved edgelite.training "
                                   f"model (ONNX: {e})") from e
        raise
    write_file(args.output, content, "-o")
    graph = read_model_graph(content)
    counts = {}
    for sub in graph.subgraphs:
        for op in sub.operators:
            counts[op.op_name] = counts.get(op.op_name, 0) + 1
    n_params = sum(constant_parameters(sub)[0] for sub in graph.subgraphs)
    print(f"converted {args.source} -> {args.output}")
    print(f"operators: {sum(counts.values())} ("
          + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) + ")")
    print(f"parameters: {n_params:,}")
    print(f"file size: {len(content) / 1024:.1f} KiB")
    if options["quantize"]:
        print_summary(args, convert(source, nhwc_inputs=args.nhwc_inputs, allow_select_ops=args.allow_select_ops),
                      content,
                      options["representative_data"])
    return 0


def add_parser(sub, common) -> None:
    """Adds the `convert` subcommand and its options to the subparsers `sub` (`common`: shared options)."""
    from .cli_common import add_command
    c = add_command(sub, common, "convert", "convert an ONNX model or a saved edgelite.training model to .tflite",
                    "Convert an ONNX file (opset 7 and later; needs the onnx package) or a model saved with "
                    "edgelite.training's model.save() to .tflite.", cmd_convert)
    c.add_argument("source", help="an ONNX file or a saved training model (told apart by content)")
    c.add_argument("-o", "--output", required=True, metavar="OUT.tflite", help="the .tflite file to write")
    c.add_argument("--nhwc-inputs", action="store_true", help="take NHWC inputs instead of the source's NCHW")
    c.add_argument("--allow-select-ops", action="store_true",
                   help="write ONNX operators that have no builtin as TensorFlow select ops (Flex<Op>, run by "
                        "edgelite's select library or TensorFlow's Flex delegate)")
    from .cli_quantize import add_arguments
    add_arguments(c)
