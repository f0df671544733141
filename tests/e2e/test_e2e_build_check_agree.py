"""`build` and `check` report the same warnings, on the sample vault and every fixture vault.

A learner who only ever runs `build` must see every doubt `check` finds (a sequence left out,
an item naming a group instead of steps, a chain note landing in a folder-named deck), and a
`--quiet` build keeps only the errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.cli import app

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
# Folders of fixture vaults (`decks/` holds packages, no notes: a build of it is an error).
VAULTS = [
    REPO / "notes",
    *sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.md"))),
]
DIAGNOSTIC = re.compile(r"^[^\s:][^:]*:\d+: (error|warning): \S.*$")


def _diagnostics(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if DIAGNOSTIC.match(line)]


@pytest.mark.parametrize("vault", VAULTS, ids=[v.name for v in VAULTS])
def test_build_prints_what_check_prints(vault: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "decks"
    built = runner.invoke(app, ["build", str(vault), "--out", str(out), "--no-cache"])
    checked = runner.invoke(app, ["check", str(vault)])
    assert built.exit_code == checked.exit_code == 0, built.output + checked.output
    warnings = _diagnostics(built.stderr)
    assert warnings == _diagnostics(checked.stderr)
    assert f"0 error(s), {len(warnings)} warning(s)" in built.stderr
    cache = ["--cache-dir", str(tmp_path / "cache")]  # never into the repository's vaults
    quiet = runner.invoke(app, ["build", str(vault), "--out", str(out), "-q", *cache])
    assert quiet.stderr == ""


def test_check_verbose_lists_what_was_merged() -> None:
    """The steelworks chapter restates Rolling's lists in other words: one item each, and
    `check --verbose` says which line went into which."""
    vault = FIXTURES / "steelworks"
    quiet = CliRunner().invoke(app, ["check", str(vault)])
    loud = CliRunner().invoke(app, ["check", str(vault), "--verbose"])
    merged = [line for line in loud.stderr.splitlines() if ": merged into " in line]
    assert not any(": merged into " in line for line in quiet.stderr.splitlines())
    assert "Chapters/4 Steel production.md:55: merged into Rolling's input 'Slabs' " in "\n".join(
        merged
    )
    assert all(re.match(r"^[^:]+\.md:\d+: merged into ", line) for line in merged)
    assert loud.exit_code == quiet.exit_code
