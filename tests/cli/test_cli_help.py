"""Every argument of every subcommand has help text that shows its default; --version."""

import argparse

import pytest

import edgelite
from edgelite.cli import build_parser, main


def subcommands():
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, sub.choices


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"edgelite {edgelite.__version__}"


@pytest.mark.parametrize("name", ["run", "inspect", "benchmark", "convert"])
def test_every_argument_has_help_with_its_default(name):
    _, choices = subcommands()
    parser = choices[name]
    text = " ".join(parser.format_help().split())
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{name} {action.dest} has no help"
        if action.option_strings and not action.required:
            help_text = parser.formatter_class(prog=name)._get_help_string(action) % vars(action)
            assert "default" in help_text, f"{name} {action.option_strings[0]}: {help_text!r}"
            assert " ".join(help_text.split()) in text


def test_top_level_help_names_the_debug_switch(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--debug" in out and "EDGELITE_DEBUG" in out and "--version" in out
    for name in ("run", "inspect", "benchmark", "convert"):
        assert name in out
