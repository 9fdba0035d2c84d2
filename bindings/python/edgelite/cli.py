"""The `edgelite` command line: run, inspect, benchmark and convert models, list the operators it runs.

Every error is one `edgelite: error: ...` line on stderr and a non-zero exit: 1 for a bad model, input or
option value (and, worded as such, for a bug in edgelite), 2 for a malformed command line, 130 after Ctrl-C.
--debug (or EDGELITE_DEBUG=1) shows the Python traceback instead."""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from .cli_common import ArgumentParser, HelpFormatter

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130   # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141   # 128 + SIGPIPE, as `edgelite inspect m.tflite | head` would end a C program


def build_parser() -> argparse.ArgumentParser:
    """The `edgelite` argument parser: global options (--version, --debug) and one subparser per subcommand."""
    from . import __version__, cli_benchmark, cli_convert, cli_inspect, cli_ops, cli_run
    p = ArgumentParser(prog="edgelite", formatter_class=HelpFormatter,
                       description="On-device inference for .tflite models: run, inspect, benchmark, convert.",
                       epilog="Errors are one line; add --debug (or set EDGELITE_DEBUG=1) to see the Python "
                              "traceback, e.g. to report a bug.")
    p.add_argument("--version", action="version", version=f"edgelite {__version__}",
                   help="print the version and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true",
                        help="on an error, show the Python traceback instead of one line (also EDGELITE_DEBUG=1)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (cli_run, cli_inspect, cli_benchmark, cli_convert, cli_ops):
        module.add_parser(sub, common)
    return p


def _missing_package(e: ModuleNotFoundError) -> Optional[str]:
    """The name of a missing third-party package, or None when the missing module is edgelite's own."""
    name = (e.name or "").split(".")[0]
    return None if not name or name == "edgelite" else name


def error_message(e: BaseException) -> str:
    """The one-line message for an exception: the problem for user errors, 'internal error' for bugs."""
    from .errors import EdgeliteError, InternalError
    if isinstance(e, InternalError):
        text = f"internal error: {e} (please report it; --debug shows the traceback)"
    elif isinstance(e, EdgeliteError):
        text = str(e)
    elif isinstance(e, ModuleNotFoundError) and _missing_package(e):
        package = _missing_package(e)
        text = f"this needs the Python package '{package}', which is not installed: pip install {package}"
    elif isinstance(e, OSError):
        text = f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)
    elif isinstance(e, MemoryError):
        text = "out of memory"
    elif isinstance(e, ValueError):
        text = str(e)
    else:
        text = (f"internal error: {type(e).__name__}: {e} (a bug in edgelite: please report it; --debug "
                "shows the traceback)")
    # Messages from the core can span lines ("...cannot run:\n  node 3: ..."): join them into one.
    lines = [line.strip() for line in (text or type(e).__name__).splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += (" " if joined.endswith(":") else "; ") + line
    return f"edgelite: error: {joined}"


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line on `argv` (default: sys.argv[1:]) and returns the exit status.

    0 on success; user errors print one `edgelite: error: ...` line and return 1 (2 for a malformed command
    line); Ctrl-C returns 130. With --debug or EDGELITE_DEBUG=1 internal errors show their traceback."""
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("EDGELITE_DEBUG", "") not in ("", "0")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        if debug:
            raise
        print("edgelite: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (head, a closed pager); nothing is wrong, and Python must not complain when
        # it flushes stdout at exit either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as e:  # noqa: BLE001 - every error becomes one line; --debug shows the traceback
        if debug:
            raise
        sys.stdout.flush()
        print(error_message(e), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
