"""What the `edgelite` subcommands share: the user-error class, argument types that check their values, the
help formatter that shows defaults, and checks on the files a command reads or writes."""

from __future__ import annotations

import argparse
import os

from .errors import EdgeliteError


class CommandLineError(EdgeliteError, ValueError):
    """A bad argument or input file, found by the command line; printed as one `edgelite: error:` line."""


def int_at_least(minimum: int):
    """An argparse type: an integer >= minimum, with a message naming the limit."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value
    parse.__name__ = f"integer >= {minimum}"  # argparse names the type in some messages
    parse.__doc__ = f"Parses an integer >= {minimum} (an argparse type)."
    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


class HelpFormatter(argparse.HelpFormatter):
    """Appends each option's default to its help: "(default: 50)", "(default: off)" for flags. Options whose
    default is None say in their own help what happens when they are absent."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "%(default)" in text or "default:" in text or not action.option_strings:
            return text
        if action.default is None or action.default is argparse.SUPPRESS or action.required:
            return text
        if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            return f"{text} (default: {'on' if action.default else 'off'})"
        return f"{text} (default: %(default)s)"


class ArgumentParser(argparse.ArgumentParser):
    """Usage errors are one `edgelite: error:` line, like every other error of the command line."""

    def error(self, message: str):
        self.exit(2, f"edgelite: error: {message} (see '{self.prog} --help')\n")


def check_input_file(path: str, what: str = "model") -> str:
    """`path` must be a readable regular file; the message says what is wrong with it."""
    if not os.path.exists(path):
        raise CommandLineError(f"no such {what} file: {path}")
    if os.path.isdir(path):
        article = "an" if what[:1] in "aeiou" else "a"
        raise CommandLineError(f"{path} is a directory, not {article} {what} file")
    if not os.access(path, os.R_OK):
        raise CommandLineError(f"cannot read {path}: permission denied")
    return path


def check_output_file(path: str, option: str) -> str:
    """Fails early, before any long work, when `path` cannot be written: its folder is missing or it is a
    folder. (Permissions are checked by the write itself: as root, os.access says yes to everything.)"""
    if os.path.isdir(path):
        raise CommandLineError(f"{option} {path}: is a directory; give a file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise CommandLineError(f"{option} {path}: the folder {parent} does not exist")
    return path


def write_file(path: str, content, option: str) -> None:
    """Writes bytes or text; an OSError becomes a one-line message naming the option."""
    mode = "wb" if isinstance(content, (bytes, bytearray)) else "w"
    try:
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(content)
    except OSError as e:
        raise CommandLineError(f"{option} {path}: cannot write: {e.strerror or e}") from e


def format_dims(shape, signature=None) -> str:
    """"1x224x224x3"; dimensions the shape signature leaves dynamic (-1) print as "?": "?x16x64"; a scalar
    prints as "scalar". Without a signature of the same rank, the shape is printed as it is."""
    shape = [int(d) for d in shape]
    sig = [int(d) for d in signature] if signature is not None and len(signature) == len(shape) else shape
    if not shape and not sig:
        return "scalar"
    return "x".join("?" if s == -1 else str(d) for d, s in zip(shape, sig))


def add_command(subparsers, common: argparse.ArgumentParser, name: str, summary: str, description: str,
                func) -> argparse.ArgumentParser:
    """A subcommand with the shared options (`common`), the defaults-showing help and its handler."""
    p = subparsers.add_parser(name, parents=[common], formatter_class=HelpFormatter, help=summary,
                              description=description)
    p.set_defaults(func=func)
    return p


def add_delegate_arguments(parser: argparse.ArgumentParser) -> None:
    """--delegate NAME and repeated --delegate-option KEY=VALUE (for `inspect`, `benchmark`)."""
    parser.add_argument("--delegate", metavar="NAME",
                        help="apply a delegate: 'opencl' or the path of a delegate library; default: none (CPU)")
    parser.add_argument("--delegate-option", metavar="KEY=VALUE", action="append", default=[],
                        help="an option for --delegate, e.g. precision=fp16 or min_partition_size=2 (repeatable)")


def load_cli_delegate(name: str, options: list):
    """The delegate --delegate names, with its --delegate-option values; CommandLineError for a malformed option."""
    from .interpreter import load_delegate
    parsed = {}
    for item in options:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CommandLineError(f"--delegate-option takes KEY=VALUE, got {item!r}")
        parsed[key] = value
    return load_delegate(name, parsed)


def delegate_summary(interp) -> str:
    """"opencl: 3 partition(s), 61 of 65 operators delegated" for an interpreter with a delegate applied
    (operators computed at prepare, which run nowhere, are not counted)."""
    plan = interp.get_ops_details()
    delegated = [n for n in plan if n["delegate"]]
    ops = [n for n in interp._get_ops_details() if n["delegate"] is None and not n["folded"]]
    taken = sum(1 for n in ops if n["plan_position"] is None)
    total = len(ops)
    names = sorted({n["delegate"] for n in delegated}) or ["no delegate node"]
    return f"{', '.join(names)}: {len(delegated)} partition(s), {taken} of {total} operators delegated"
