"""The command line a newcomer meets (issue 21): `-h` and `-V`, shell completion, and option
help that names what to type instead of Python types."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from chaincards import __version__
from chaincards.cli import app

COMMANDS = ["build", "check", "model", "graph", "preview", "inspect", "config"]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-h"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_short_version_and_help() -> None:
    result = CliRunner().invoke(app, ["-V"])
    assert (result.exit_code, result.stdout) == (0, f"chaincards {__version__}\n")
    assert "Usage: " in _help() and "COMMAND [ARGS]" in _help()
    assert "--install-completion" in _help()


@pytest.mark.parametrize("command", COMMANDS)
def test_options_show_what_to_type(command: str) -> None:
    text = _help(command)
    options = [line for line in text.splitlines() if line.lstrip().startswith("-")]
    assert options
    for line in options:
        assert not re.search(r"<(str|int|path|list\[\w+\]|int range)>", line), line
