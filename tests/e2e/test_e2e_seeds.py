"""End to end: the real learner notes in ../shared/seeds (kept as .txt), built as the README says.

The seeds have two empty card callouts (`>[!info] card` followed by an empty `>` line); those
must be the only diagnostics, whatever else later releases learn to compile from the seeds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards
from chaincards.cli import app
from seedfiles import seed_folder

SEEDS = seed_folder()

EMPTY_CALLOUT_SEEDS = ("000_b4cfc50b9f70545b.txt", "002_ab8d8c080dae0f02.txt")
DIAGNOSTIC = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<severity>error|warning): .+$")


def card_callout_line(path: Path) -> int:
    """1-based line of the seed's `>[!info] card` callout, read from the file itself."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if line.strip() == ">[!info] card"]
    assert len(found) == 1, (path.name, found)
    return found[0]


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("seeds")
    vault = root / "seeds"
    vault.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy2(seed, vault / seed.name)
    out = root / "decks"
    result = CliRunner().invoke(app, ["build", str(vault), "--include", "*.txt", "--out", str(out)])
    return vault, out, result


def test_seed_lines_are_where_the_issue_says() -> None:
    assert card_callout_line(SEEDS / EMPTY_CALLOUT_SEEDS[0]) == 54
    assert card_callout_line(SEEDS / EMPTY_CALLOUT_SEEDS[1]) == 47


def test_seeds_build_with_exit_0(seed_build) -> None:
    _, _, result = seed_build
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_build_warns_exactly_what_check_warns(seed_build) -> None:
    """The two empty card callouts, and every chain doubt `check` reports: never fewer."""
    vault, _, result = seed_build
    found = [line for line in result.stderr.splitlines() if DIAGNOSTIC.match(line)]
    check = CliRunner().invoke(app, ["check", str(vault), "--include", "*.txt"])
    assert found == [line for line in check.stderr.splitlines() if DIAGNOSTIC.match(line)]
    for name in EMPTY_CALLOUT_SEEDS:
        assert f"{name}:{card_callout_line(vault / name)}: warning: empty card callout" in found
    # The chapter (no cards-deck) lands in a deck named after the folder, and says so.
    assert any("no cards-deck: this note's cards go to deck 'seeds'" in line for line in found)
    assert len(found) > len(EMPTY_CALLOUT_SEEDS)


def test_whatever_is_built_imports_into_anki_and_asks_something(seed_build, tmp_path) -> None:
    _, out, _ = seed_build
    packages = sorted(out.glob("*.apkg")) if out.is_dir() else []
    with fresh_collection(tmp_path / "anki") as col:
        for package in packages:
            import_package(col, package)
        for card in learner_cards(col):
            assert card["question"].strip(), card
            assert "%%" not in card["question"] + card["answer"]
            assert "<%" not in card["question"] + card["answer"]
