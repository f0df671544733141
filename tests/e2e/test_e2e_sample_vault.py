"""End to end: the sample vault notes/ (ITIL 4 value chain) built and imported into the real Anki
backend, as `make decks` does it.

The exact numbers below are the build as it is today. Editing the sample notes (or changing what
cards a note gives) changes them: update NOTES_BY_KIND, ANKI_CARDS_BY_KIND, CARDS_BY_DECK and
ANKI_CARDS together, after checking the new cards read well (`chaincards inspect`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards, media_files
from chaincards.cli import app
from chaincards.keys import normalise_key
from chaincards.pipeline import Compilation, compile_vault

NOTES = Path(__file__).resolve().parents[2] / "notes"
T0 = 1_700_000_000
TOP = "ITIL 4 Foundation"
DECKS = {
    f"{TOP}::Chapter 5",
    f"{TOP}::Four dimensions",
    f"{TOP}::Guiding principles",
    f"{TOP}::Service value chain",
    f"{TOP}::Value streams",
}
# Anki notes (CardNote) per kind, as built today.
NOTES_BY_KIND = {
    "callout": 47,
    "tag": 16,
    "inline": 11,
    "purpose": 12,
    "flows": 76,
    "streams": 4,
}
# Anki cards per chaincards::<kind> tag: a reversed note gives two cards, a cloze one per number.
# Every item of the sample names another activity or at most three short things per party, so
# its facts are asked by flow cards; no list card is needed.
ANKI_CARDS_BY_KIND = {
    "written": 101,
    "purpose": 33,
    "flows": 76,
    "streams": 18,
}
CARDS_BY_DECK = {
    f"{TOP}::Chapter 5": 5,
    f"{TOP}::Four dimensions": 18,
    f"{TOP}::Guiding principles": 20,
    f"{TOP}::Service value chain": 162,
    f"{TOP}::Value streams": 23,
}
ANKI_CARDS = 228
MODEL_KINDS = ("purpose", "flows", "inputs", "outputs", "streams")


def copy_notes(parent: Path) -> Path:
    vault = parent / "notes"
    shutil.copytree(NOTES, vault, ignore=shutil.ignore_patterns(".*"))
    for path in vault.rglob("*"):
        if path.is_file():
            os.utime(path, (T0, T0))
    return vault


def words(html: str) -> int:
    html = re.sub(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", r"\1", html)
    return len(re.findall(r"\w+", unescape(re.sub(r"<[^>]+>", " ", html))))


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compilation:
    return compile_vault([copy_notes(tmp_path_factory.mktemp("compiled"))])


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sample")
    vault = copy_notes(root)
    out = root / "decks"
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ""  # no diagnostics
    packages = sorted(out.glob("*.apkg"))
    with fresh_collection(root / "collection") as col:
        for package in packages:
            counts = import_package(col, package)
            assert counts.updated == counts.duplicate == 0
        return {
            "packages": [p.name for p in packages],
            "cards": learner_cards(col),
            "decks": {d.name for d in col.decks.all_names_and_ids()},
            "media": media_files(col),
        }


def test_one_package_for_the_one_top_level_deck(imported) -> None:
    assert imported["packages"] == [f"{TOP}.apkg"]


def test_deck_tree(imported) -> None:
    assert {c["deck"] for c in imported["cards"]} == DECKS
    assert imported["decks"] == DECKS | {TOP, "Default"}


def test_card_counts(imported) -> None:
    cards = imported["cards"]
    assert len(cards) == ANKI_CARDS >= 150
    assert Counter(c["deck"] for c in cards) == CARDS_BY_DECK
    kinds = Counter(
        tag.removeprefix("chaincards::")
        for c in cards
        for tag in c["tags"]
        if tag.startswith("chaincards::") and tag.count("::") == 1
    )
    assert kinds == ANKI_CARDS_BY_KIND


def test_notes_per_kind(compiled) -> None:
    assert dict(compiled.quality.by_kind) == NOTES_BY_KIND
    assert compiled.quality.suppressed_duplicates == 0
    assert compiled.quality.self_answering == []
    # Three reverse questions name their answer's stem ("Which activity provides improvement
    # initiatives …" → Improve): dropped; their forward cards ask the same facts.
    assert [(d.kind, d.reason) for d in compiled.quality.dropped] == [("flows", "give-away")] * 3
    assert compiled.diagnostics == []


def test_no_empty_card(imported) -> None:
    for card in imported["cards"]:
        assert card["question"].strip() and card["answer"].strip(), card["guid"]
        assert "{{c" not in card["question"] + card["answer"]
        for name, value in card["fields"].items():
            assert name == "Extra" or value.strip(), (name, card["guid"])


def test_no_duplicate_fronts_within_a_deck(imported) -> None:
    fronts = Counter((c["deck"], c["question"]) for c in imported["cards"])
    assert [key for key, count in fronts.items() if count > 1] == []


def test_the_diagram_is_in_the_collection_and_on_its_card(imported) -> None:
    [svg] = [m for m in imported["media"] if m.endswith("value-chain.svg")]
    assert svg.startswith("cc_")
    shown = [
        c for c in imported["cards"] if f'src="{svg}"' in c["question_html"] + c["answer_html"]
    ]
    assert shown, "no card shows the diagram"


def test_every_activity_has_its_purpose_cards(compiled) -> None:
    activities = {a.name for a in compiled.model.activities}
    assert activities == {
        "Plan",
        "Improve",
        "Engage",
        "Design and transition",
        "Obtain or build",
        "Deliver and support",
    }
    purpose = Counter(
        tag for c in compiled.cards if c.kind == "purpose" for tag in c.tags if "activity::" in tag
    )
    assert set(purpose.values()) == {2} and len(purpose) == 6


def test_generated_cards_are_tagged_and_sourced(compiled) -> None:
    for card in compiled.cards:
        if card.kind in MODEL_KINDS:
            assert f"chaincards::{card.kind}" in card.tags
            assert "itil4::value-chain" in card.tags or card.kind == "streams"
            assert re.fullmatch(r"ITIL 4/.+\.md:\d+", card.origin), card.origin


def test_model_card_fronts_are_short_enough(compiled) -> None:
    long = [
        (c.origin, words(c.front))
        for c in compiled.cards
        if c.kind in ("purpose", "flows", "streams") and words(c.front) > 60
    ]
    assert long == []


def test_list_card_fronts_are_short_enough(compiled) -> None:
    long = [
        (c.origin, words(c.front))
        for c in compiled.cards
        if c.kind in ("inputs", "outputs") and words(c.front) > 65
    ]
    assert long == []


def test_no_rendered_question_shows_its_answer(imported) -> None:
    leaks = []
    for card in imported["cards"]:
        if card["notetype"] == "chaincards Cloze" or "chaincards::written" in card["tags"]:
            continue
        answer = normalise_key(card["fields"]["Back" if card["ord"] == 0 else "Front"])
        if len(answer) > 2 and f" {answer} " in f" {normalise_key(card['question'])} ":
            leaks.append(card["question"].replace("\n", " | "))
    assert leaks == []


def test_check_strict_is_clean(tmp_path: Path) -> None:
    vault = copy_notes(tmp_path)
    result = CliRunner().invoke(app, ["check", str(vault), "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("cards: callout 47; flows 76 (3 give-away dropped);")
    assert ": warning:" not in result.stderr and ": error:" not in result.stderr
