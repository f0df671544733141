"""`build --json` and `inspect --json`: one JSON document on stdout that CI can read."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from chaincards.cli import app

NOTE = "---\ncards-deck: Course::Chapter\n---\n# T\n>[!info] card\n>Q\n>---\n>A\n\n>[!info] card\n"


def test_build_json_reports_packages_counts_diagnostics_and_quality(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text(NOTE, encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["exit_code"] == 0
    [package] = report["packages"]
    assert package["path"].endswith("Course.apkg") and package["written"] is True
    assert package["decks"] == {"Course::Chapter": {"notes": 1, "by_kind": {"callout": 1}}}
    assert report["diagnostics"] == [
        {"path": "n.md", "line": 10, "severity": "warning", "message": "empty card callout"}
    ]
    assert report["quality"]["self_answering"] == []
    again = CliRunner().invoke(app, ["build", str(vault), "-o", str(tmp_path / "out"), "--json"])
    assert json.loads(again.stdout)["packages"][0]["written"] is False


def test_inspect_json(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text(NOTE, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["build", str(vault), "-o", str(out), "-q"]).exit_code == 0
    result = CliRunner().invoke(app, ["inspect", str(out / "Course.apkg"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["notes"], summary["cards"]) == (1, 1)
    assert summary["decks"] == {"Course::Chapter": 1}
    assert summary["notetypes"] == {"chaincards Basic": 1}
    assert summary["samples"][0]["fields"][:2] == ["Q", "A"]
