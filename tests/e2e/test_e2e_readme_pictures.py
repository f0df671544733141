"""The README's pictures are what chaincards draws today from the sample vault: a change to the
drawing that forgets `make pictures` fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.cli import app

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["chain.svg", "chain.mmd"])
def test_committed_diagram_is_current(name: str, tmp_path: Path) -> None:
    out = tmp_path / name
    result = CliRunner().invoke(app, ["graph", str(REPO / "notes"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    committed = REPO / "docs" / "images" / name
    assert out.read_bytes() == committed.read_bytes(), "run `make pictures` and commit"
