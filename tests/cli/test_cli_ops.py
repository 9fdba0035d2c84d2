"""`edgelite ops` (the operator table from the registry: versions, dtypes, filter, signatures, the committed
docs/operators.md) and `edgelite inspect` naming the builtins this build cannot run."""

import os
import re

import numpy as np

from edgelite import _core
from edgelite.cli import main
from edgelite.model_builder import ModelBuilder

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "operators.md")


def ops(capsys, *argv):
    assert main(["ops", *argv]) == 0
    return capsys.readouterr().out


def test_every_registered_builtin_is_listed_with_its_versions(capsys):
    out = ops(capsys)
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip() and line[0] != " "}
    for name, first, last in _core.builtin_ops():
        versions = str(first) if first == last else f"{first}-{last}"
        assert lines[name].split()[1] == versions, lines[name]
    assert f"{len(_core.builtin_ops())} builtin operator(s) in the core" in out


def test_plugin_served_operators_are_listed(capsys):
    out = ops(capsys)
    from edgelite import plugins
    served = plugins.plugin_ops()
    assert served and f"{len(served)} served by a plugin library" in out
    for name, *_versions, library in served:
        assert any(line.split()[0] == name and library in line for line in out.splitlines() if line.strip())


def test_dtypes_come_from_the_kernel_tables(capsys):
    out = ops(capsys, "space_to_batch")
    line = next(x for x in out.splitlines() if x.startswith("SPACE_TO_BATCH_ND "))
    assert "float32" in line and "int8" in line and "int16" in line and "bool" not in line
    assert "BATCH_TO_SPACE_ND" not in out
    assert "matching 'space_to_batch'" in out


def test_signatures(capsys):
    out = ops(capsys, "REDUCE_ANY", "--signatures")
    assert "(bool, int32|int64) -> bool" in out


def test_committed_operator_doc_is_current(capsys):
    out = ops(capsys, "--markdown")
    with open(DOC) as f:
        assert f.read() == out, "docs/operators.md is stale: run `edgelite ops --markdown > docs/operators.md`"


def inspect_one_op(tmp_path, capsys, op, version=1):
    """`edgelite inspect` of a one-operator float model; its output."""
    b = ModelBuilder()
    x = b.add_input("x", [2, 3], np.float32)
    y = b.add_tensor("y", [2, 3], np.float32)
    b.add_operator(op, [x], [y], version=version)
    b.mark_output(y)
    path = tmp_path / f"{op.lower()}_v{version}.tflite"
    path.write_bytes(b.build())
    assert main(["inspect", str(path)]) == 0
    return capsys.readouterr().out


def test_inspect_names_builtins_this_build_lacks(tmp_path, capsys):
    """CONCAT_EMBEDDINGS is in the schema but neither LiteRT nor edgelite registers it."""
    out = inspect_one_op(tmp_path, capsys, "CONCAT_EMBEDDINGS")
    assert re.search(r"operator CONCAT_EMBEDDINGS .*is not supported by this build", out), out
    assert "1 operator(s) cannot run" in out


def test_inspect_names_versions_this_build_lacks(tmp_path, capsys):
    out = inspect_one_op(tmp_path, capsys, "ZEROS_LIKE", version=9)
    assert re.search(r"ZEROS_LIKE.*version 9.*not supported", out), out
    assert "1 operator(s) cannot run" in out
