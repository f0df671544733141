"""End to end: cards from the model of the seed notes, through the real Anki backend.

The seeds (../shared/seeds/*.txt) are copied into a vault folder `seeds` as `.md` files: two
activity notes (Engage, Deliver and support) with the deck `C846 - Business of IT::1_Introduction`,
the chapter note describing all six activities and a prose note with a value stream, both without
a deck (so they go to the default deck, the vault folder's name).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ankitools import (
    card_interval,
    fresh_collection,
    import_package,
    learner_cards,
    set_review_interval,
)
from chaincards.cards.guid import normalise_key
from chaincards.cli import app
from chaincards.pipeline import Compilation, compile_vault
from seedfiles import seed_folder

SEEDS = seed_folder()

T0 = 1_700_000_000
COURSE = "C846 - Business of IT::1_Introduction"
DEFAULT = "seeds"
ENGAGE_NOTE = "000_b4cfc50b9f70545b.md"
DELIVER_NOTE = "002_ab8d8c080dae0f02.md"
OWN = {"Engage": ENGAGE_NOTE, "Deliver and support": DELIVER_NOTE}
CHAPTER_ACTIVITIES = ("Plan", "Improve", "Design and Transition", "Obtain or Build")
MODEL_KINDS = ("purpose", "flows", "inputs", "outputs", "streams")
ENGAGE_KEY_MESSAGE = (
    "The purpose of the engage value chain activity is to provide a good understanding of "
    "stakeholder needs, transparency, and continual engagement and good relationships with all "
    "stakeholders."
)
ENGAGE_REWORDED = (
    "The purpose of the engage value chain activity is to understand clearly what stakeholders "
    "need, to stay transparent, and to keep engaging with every stakeholder and relating well."
)


def line_of(path: Path, text: str) -> int:
    """1-based line of the only line of `path` that is `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    [number] = [n for n, line in enumerate(lines, start=1) if line.strip() == text]
    return number


def seed_vault(parent: Path, mtime: int = T0) -> Path:
    vault = parent / "seeds"
    vault.mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        target = vault / f"{seed.stem}.md"
        shutil.copyfile(seed, target)
        os.utime(target, (mtime, mtime))
    return vault


def build(vault: Path, out: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output


def import_all(col: Any, out: Path) -> tuple[int, int]:
    new = updated = 0
    for package in sorted(out.glob("*.apkg")):
        counts = import_package(col, package)
        new, updated = new + counts.new, updated + counts.updated
    return new, updated


def activity_of(card: Any) -> str:
    """The activity tag's name, as written by Vault.card (spaces as `_`)."""
    tags = [t for t in card.tags if t.startswith("chaincards::activity::")]
    return tags[0].removeprefix("chaincards::activity::").replace("_", " ") if tags else ""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Compilation:
    return compile_vault([seed_vault(tmp_path_factory.mktemp("compiled"))])


@pytest.fixture(scope="module")
def anki_cards(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("anki")
    vault = seed_vault(root)
    build(vault, root / "decks")
    with fresh_collection(root / "collection") as col:
        new, updated = import_all(col, root / "decks")
        assert new > 0 and updated == 0
        return learner_cards(col)


def test_decks_are_the_course_deck_and_the_default_deck(compiled) -> None:
    assert {c.deck for c in compiled.cards} == {COURSE, DEFAULT}
    assert {c.kind for c in compiled.cards} == set(MODEL_KINDS)  # the seeds write no cards


@pytest.mark.parametrize("activity", sorted(OWN))
def test_own_note_activities_are_carded_in_the_course_deck(compiled, activity: str) -> None:
    mine = [c for c in compiled.cards if activity_of(c) == activity]
    in_course = Counter(c.kind for c in mine if c.deck == COURSE)
    assert set(in_course) == {"purpose", "flows", "inputs", "outputs"}, in_course
    assert in_course["purpose"] == 2
    # Every card stated in the activity's own note, and its purpose, is in the course deck.
    assert all(c.deck == COURSE for c in mine if c.origin.startswith(OWN[activity] + ":"))
    assert all(c.deck == COURSE for c in mine if c.kind == "purpose")


@pytest.mark.parametrize("activity", CHAPTER_ACTIVITIES)
def test_chapter_activities_are_carded_in_the_default_deck(compiled, activity: str) -> None:
    mine = [c for c in compiled.cards if activity_of(c) == activity]
    kinds = Counter(c.kind for c in mine if c.kind != "flows")
    assert set(kinds) == {"purpose", "inputs", "outputs"}
    assert {c.deck for c in mine if c.kind != "flows"} == {DEFAULT}
    # Flows stated in an activity's own note go to that note's deck, the rest to the default.
    for card in mine:
        if card.kind == "flows":
            expected = COURSE if card.origin.split(":")[0] in OWN.values() else DEFAULT
            assert card.deck == expected, card.origin


def test_the_chapters_value_stream_is_one_note(compiled) -> None:
    [stream] = [c for c in compiled.cards if c.kind == "streams"]
    assert stream.deck == DEFAULT
    assert stream.front.count("{{c") == 6


def test_a_fact_in_two_notes_is_carded_once(compiled) -> None:
    """The same list item in the chapter and in Engage's note is one card, in Engage's deck."""
    engage = [c for c in compiled.cards if activity_of(c) == "Engage" and c.kind == "outputs"]
    hidden = Counter(
        normalise_key(re.search(r"\{\{c1::(.*?)\}\}", c.front).group(1)) for c in engage
    )
    assert [h for h, n in hidden.items() if n > 1] == []
    [user_support] = [c for c in engage if "{{c1::User support tasks}}" in c.front]
    assert user_support.deck == COURSE
    by_deck: dict[str, set[str]] = {}
    for card in compiled.cards:
        if card.kind in ("inputs", "outputs") and activity_of(card) == "Engage":
            key = re.search(r"\{\{c1::(.*?)\}\}", card.front).group(1)
            by_deck.setdefault(card.deck, set()).add(normalise_key(key))
    assert not by_deck.get(COURSE, set()) & by_deck.get(DEFAULT, set())


def test_quality_report_is_clean(compiled) -> None:
    assert compiled.quality.self_answering == []
    assert compiled.quality.suppressed_duplicates == 0
    assert sum(compiled.quality.by_kind.values()) == len(compiled.cards)


def test_every_card_renders_a_question_in_anki(anki_cards) -> None:
    assert len(anki_cards) > 200
    for card in anki_cards:
        assert card["question"].strip(), card["guid"]
        assert card["answer"].strip(), card["guid"]
        assert "{{c" not in card["question"]


def test_no_duplicate_fronts_in_any_deck(anki_cards) -> None:
    fronts = Counter((c["deck"], c["question"]) for c in anki_cards)
    assert [key for key, count in fronts.items() if count > 1] == []


def test_fields_tags_and_source_as_imported(anki_cards) -> None:
    purpose = [c for c in anki_cards if "chaincards::purpose" in c["tags"]]
    assert {c["notetype"] for c in purpose} == {
        "chaincards Cloze",
        "chaincards Basic (and reversed card)",
    }
    engage = [c for c in purpose if "chaincards::activity::Engage" in c["tags"]]
    key_message = line_of(SEEDS / f"{Path(ENGAGE_NOTE).stem}.txt", ">[!tip] Key Message")
    assert len(engage) == 3  # the cloze, and the pair's two cards
    for card in engage:
        assert card["deck"] == COURSE
        assert "C846::1_Introduction" in card["tags"]
        assert f"{ENGAGE_NOTE}:{key_message}<" in card["fields"]["Source"]
    for card in anki_cards:
        for name, value in card["fields"].items():
            assert name == "Extra" or value.strip(), (name, card["guid"])


def test_no_rendered_question_shows_its_answer(anki_cards) -> None:
    leaks = []
    for card in anki_cards:
        if card["notetype"] == "chaincards Cloze":
            continue
        answer = card["fields"]["Back" if card["ord"] == 0 else "Front"]
        answer = normalise_key(answer)
        if len(answer) > 2 and f" {answer} " in f" {normalise_key(card['question'])} ":
            leaks.append(card["question"].replace("\n", " | "))
    assert leaks == []


def test_reworded_purpose_updates_its_cards_in_place(tmp_path: Path) -> None:
    vault = seed_vault(tmp_path)
    out = tmp_path / "decks"
    build(vault, out)
    with fresh_collection(tmp_path / "collection") as col:
        new, updated = import_all(col, out)
        assert new > 0 and updated == 0
        before = learner_cards(col)
        purpose = [
            c
            for c in before
            if "chaincards::purpose" in c["tags"] and "chaincards::activity::Engage" in c["tags"]
        ]
        assert len(purpose) == 3
        for days, card in zip((7, 11, 13), purpose, strict=True):
            set_review_interval(col, card["card_id"], days)

        note = vault / ENGAGE_NOTE
        text = note.read_text(encoding="utf-8")
        assert text.count(ENGAGE_KEY_MESSAGE) == 1
        note.write_text(text.replace(ENGAGE_KEY_MESSAGE, ENGAGE_REWORDED), encoding="utf-8")
        os.utime(note, (T0 + 3600, T0 + 3600))
        build(vault, out)
        new, updated = import_all(col, out)
        assert new == 0
        assert updated >= 1

        after = {c["card_id"]: c for c in learner_cards(col)}
        assert len(after) == len(before)
        for days, card in zip((7, 11, 13), purpose, strict=True):
            now = after[card["card_id"]]
            assert (now["note_id"], now["guid"]) == (card["note_id"], card["guid"])
            assert card_interval(col, card["card_id"]) == days
            assert "stay transparent" in " ".join(now["fields"].values())
            assert "continual engagement" not in " ".join(now["fields"].values())
