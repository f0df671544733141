"""End to end: cards from the model of the seed notes, through the real Anki backend.

The seeds (../shared/seeds/*.txt) are copied into a vault folder `seeds` as `.md` files: two
activity notes (Engage, Deliver and support) with the deck `C846 - Business of IT::1_Introduction`,
the chapter note describing all six activities, a prose note with a value stream and a page of
comments, all three without a deck (so they go to the default deck, the vault folder's name).

A second subject, a small bakery vault written here (Mix → Proof → Bake), has what the seeds lack:
a party that hands over more than three things, and three things too long for one card.

Every number pinned here was read off the cards a build of these notes makes.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import replace
from html import unescape
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
from chaincards.anki.package import write_package
from chaincards.cards.card import CardNote
from chaincards.cards.flows import MAX_ANSWER_WORDS, MAX_ANSWERS
from chaincards.cards.guid import card_guid
from chaincards.cards.quality import plain
from chaincards.cards.questions import activity_questions
from chaincards.cards.wording import words
from chaincards.cli import app
from chaincards.keys import normalise_key
from chaincards.pipeline import Compilation, compile_vault
from seedfiles import seed_folder

SEEDS = seed_folder()

T0 = 1_700_000_000
COURSE = "C846 - Business of IT::1_Introduction"
DEFAULT = "seeds"
ENGAGE_NOTE = "000_b4cfc50b9f70545b.md"
DELIVER_NOTE = "002_ab8d8c080dae0f02.md"
CHAPTER_NOTE = "003_4e10c9f05c583749.md"
ENGAGE_SEED = SEEDS / f"{Path(ENGAGE_NOTE).stem}.txt"
CHAPTER_SEED = SEEDS / f"{Path(CHAPTER_NOTE).stem}.txt"
OWN = {"Engage": ENGAGE_NOTE, "Deliver and support": DELIVER_NOTE}
CHAPTER_ACTIVITIES = ("Plan", "Improve", "Design and Transition", "Obtain or Build")
ACTIVITIES = (*OWN, *CHAPTER_ACTIVITIES)
MODEL_KINDS = ("purpose", "flows", "inputs", "outputs", "streams")
# Items naming another activity are asked by flow cards, and so are items naming a party with at
# most three short answers: only Plan and Improve list items that name no one.
KINDS_BY_ACTIVITY = {
    "Engage": {"purpose", "flows"},
    "Deliver and support": {"purpose", "flows"},
    "Plan": {"purpose", "flows", "inputs", "outputs"},
    "Improve": {"purpose", "flows", "inputs"},
    "Design and Transition": {"purpose", "flows"},
    "Obtain or Build": {"purpose", "flows"},
}
# One list card per item that names no one: Plan lists six inputs and one such output, Improve
# five inputs (chapter lines 20-25, 28, 39-43).
LIST_CARDS = {("Plan", "inputs"): 6, ("Plan", "outputs"): 1, ("Improve", "inputs"): 5}
NOTES_BY_KIND = {"flows": 71, "inputs": 11, "outputs": 1, "purpose": 12, "streams": 1}
# A cloze note gives one Anki card per deletion: six purposes cut into 2, 2, 3, 3, 3, 2 pieces
# beside their six purpose → name cards, and the value stream's six steps.
ANKI_CARDS_BY_KIND = {"flows": 71, "inputs": 11, "outputs": 1, "purpose": 21, "streams": 6}
ANKI_CARDS_BY_DECK = {COURSE: 51, DEFAULT: 59}
ENGAGE_KEY_MESSAGE = (
    "The purpose of the engage value chain activity is to provide a good understanding of "
    "stakeholder needs, transparency, and continual engagement and good relationships with all "
    "stakeholders."
)
ENGAGE_REWORDED = (
    "The purpose of the engage value chain activity is to understand clearly what stakeholders "
    "need, to stay transparent, and to keep engaging with every stakeholder and relating well."
)
_DELETION = re.compile(r"\{\{c(\d+)::(.*?)(?:::.*?)?\}\}", re.S)


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


def kind_of(card: dict[str, Any]) -> str:
    """The chaincards::<kind> tag of an imported card."""
    [kind] = [t.split("::")[1] for t in card["tags"] if t.count("::") == 1 and "chaincards" in t]
    return kind


def text_of(html: str) -> str:
    return unescape(plain(html))


def answers_of(card: dict[str, Any]) -> list[str]:
    """What an imported card asks for: its deletions for this card, or the Back's answers."""
    if card["notetype"] == "chaincards Cloze":
        number = str(card["ord"] + 1)
        return [
            text_of(m.group(2))
            for m in _DELETION.finditer(card["fields"]["Text"])
            if m.group(1) == number
        ]
    back = card["fields"]["Back"]
    items = re.findall(r"<li>(.*?)</li>", back, re.S)
    return [text_of(a) for a in items] if items else [text_of(back)]


def shows(question: str, answer: str) -> bool:
    key = normalise_key(answer)
    return len(key) > 2 and f" {key} " in f" {normalise_key(question)} "


def same_question(front: str) -> str:
    """A generated question without its count: "What two things does A …" asks what "What does
    A …" would, and "Which two activities provide X" what "Which activity provides X" would."""
    text = normalise_key(text_of(front))
    text = re.sub(r"^what (?:\w+ things )?does ", "what does ", text)
    text = re.sub(r"^which (?:\w+ )?activit(?:y|ies) (provide|receive)s? ", r"which \1 ", text)
    return text


def write_notes(vault: Path, notes: dict[str, str], mtime: int = T0) -> Path:
    vault.mkdir(parents=True)
    for name, text in notes.items():
        path = vault / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (mtime, mtime))
    return vault


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
        assert new == sum(NOTES_BY_KIND.values()) and updated == 0
        return learner_cards(col)


# The seeds' cards, before Anki.


def test_decks_are_the_course_deck_and_the_default_deck(compiled) -> None:
    assert {c.deck for c in compiled.cards} == {COURSE, DEFAULT}
    assert {c.kind for c in compiled.cards} == set(MODEL_KINDS)  # the seeds write no cards


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_each_activity_gets_the_kinds_its_questions_call_for(compiled, activity: str) -> None:
    mine = [c for c in compiled.cards if activity_of(c) == activity]
    kinds = Counter(c.kind for c in mine)
    assert set(kinds) == KINDS_BY_ACTIVITY[activity], kinds
    # What questions.py asks of the activity's items: list cards only where an item names no
    # one, or a party that hands over more than three things or more than twenty words.
    [model_activity] = [a for a in compiled.model.activities if a.name == activity]
    forward, _ = activity_questions(model_activity)
    listed: Counter[str] = Counter()
    for question in forward:
        texts = [a.text for a in question.answers]
        long = sum(len(words(t)) for t in texts) > MAX_ANSWER_WORDS
        if question.other_kind == "none" or (
            question.other_kind == "party" and (len(texts) > MAX_ANSWERS or long)
        ):
            listed["inputs" if question.direction == "input" else "outputs"] += len(texts)
    assert {k: kinds[k] for k in ("inputs", "outputs") if kinds[k]} == dict(listed)
    assert dict(listed) == {k: n for (a, k), n in LIST_CARDS.items() if a == activity}


def chapter_list(heading: str) -> list[tuple[int, str]]:
    """(line, text) of the items under `heading` (`Plan: Input`) in the chapter seed."""
    lines = CHAPTER_SEED.read_text(encoding="utf-8").splitlines()
    start = line_of(CHAPTER_SEED, heading)
    items = []
    for number in range(start + 1, len(lines) + 1):
        if not lines[number - 1].startswith("- "):
            break
        items.append((number, lines[number - 1].removeprefix("- ").strip()))
    return items


@pytest.mark.parametrize(
    ("heading", "head"),
    [("Plan: Input", "Inputs of <b>Plan</b>:"), ("Improve: Input", "Inputs of <b>Improve</b>:")],
)
def test_items_naming_no_one_are_asked_in_their_list(compiled, heading: str, head: str) -> None:
    """One list card per item, hiding it and showing the rest of the list, placed at its line."""
    items = chapter_list(heading)
    cards = [c for c in compiled.cards if c.front.startswith(head)]
    assert sorted(c.origin for c in cards) == sorted(f"{CHAPTER_NOTE}:{n}" for n, _ in items)
    for card in cards:
        at = [n for n, _ in items].index(int(card.origin.rsplit(":", 1)[1]))
        shown = [text_of(li) for li in re.findall(r"<li>(.*?)</li>", card.front)]
        assert shown == [
            f"{{{{c1::{text}}}}}" if i == at else text for i, (_, text) in enumerate(items)
        ]
        assert (card.kind, card.shape, card.deck) == ("inputs", "cloze", DEFAULT)


def test_a_lone_unattributed_output_is_shown_with_its_whole_list(compiled) -> None:
    """Plan's first output names no one; the other five name their receivers."""
    [card] = [c for c in compiled.cards if c.kind == "outputs"]
    assert card.front == (
        "Outputs of <b>Plan</b>:<ul>"
        "<li>{{c1::Strategic, tactical, and operational plans}}</li>"
        "<li>Portfolio decisions → Design and Transition</li>"
        "<li>Architectures and policies → Design and Transition</li>"
        "<li>Improvement opportunities → Improve</li>"
        "<li>Product and service portfolio → Engage</li>"
        "<li>Contract and agreement requirements → Engage</li></ul>"
    )
    line = line_of(CHAPTER_SEED, "- Strategic, tactical, and operational plans")
    assert (card.origin, card.deck) == (f"{CHAPTER_NOTE}:{line}", DEFAULT)


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_a_purpose_is_two_notes_in_the_deck_of_its_note(compiled, activity: str) -> None:
    purpose = [c for c in compiled.cards if activity_of(c) == activity and c.kind == "purpose"]
    assert sorted(c.shape for c in purpose) == ["basic", "cloze"]
    assert {c.deck for c in purpose} == {COURSE if activity in OWN else DEFAULT}
    [to_name] = [c for c in purpose if c.shape == "basic"]
    assert to_name.front.startswith("Which activity has this purpose?<br><i>")
    assert to_name.back == f"<b>{activity}</b>"
    assert to_name.answers == (activity,)
    [pieces] = [c for c in purpose if c.shape == "cloze"]
    numbers = [int(n) for n, _ in _DELETION.findall(pieces.front)]
    assert numbers == list(range(1, len(numbers) + 1)) and 2 <= len(numbers) <= 3
    assert all(len(text_of(h).split()) <= 8 for _, h in _DELETION.findall(pieces.front))


def test_every_card_is_in_the_deck_of_the_note_that_states_its_fact(compiled) -> None:
    for card in compiled.cards:
        path = card.origin.rsplit(":", 1)[0]
        assert card.deck == (COURSE if path in OWN.values() else DEFAULT), card.origin
    # Plan's note is the chapter, but what Engage's own note says Plan provides is in its deck.
    plan = {c.front: c.deck for c in compiled.cards if c.front.startswith("What does <b>Plan</b>")}
    assert plan == {
        "What does <b>Plan</b> provide to <b>Engage</b>?": COURSE,
        "What does <b>Plan</b> provide to <b>Improve</b>?": DEFAULT,
        "What does <b>Plan</b> provide to <b>Obtain or Build</b>?": DEFAULT,
    }


def test_a_question_with_few_short_answers_is_one_card(compiled) -> None:
    by_front = {c.front: c for c in compiled.cards if c.kind == "flows"}
    customers = by_front["What three things does <b>Engage</b> receive from customers?"]
    assert customers.answers == (
        "High-level demand for services and products",
        "Detailed requirements for services and products",
        "Requests and feedback",
    )
    assert customers.back.count("<li>") == 3
    assert by_front[
        "Which two activities provide <i>improvement opportunities</i> to <b>Improve</b>?"
    ].answers == ("Deliver and support", "Plan")
    every = by_front["What does <b>Engage</b> receive from every other activity?"]
    assert every.answers == ("Contract and agreement requirements",)
    back = by_front[
        "Which activity receives <i>contract and agreement requirements</i> from "
        "every other activity?"
    ]
    assert back.answers == ("Engage",)
    assert all(c.shape == "basic" and len(c.answers) <= 3 for c in by_front.values())


def test_a_broadcast_is_asked_only_by_its_own_cards(compiled) -> None:
    """Engage gives every other activity knowledge about third-party service components; the
    notes also say so per receiver (Deliver and support, Design and Transition), which asks
    nothing more."""
    about = [
        c.front
        for c in compiled.cards
        if c.kind == "flows"
        and any("third-party service components" in t.casefold() for t in (c.front, *c.answers))
    ]
    assert sorted(about) == [
        "What does <b>Engage</b> provide to every other activity?",
        "What two things does <b>Engage</b> receive from Partners and suppliers?",
        "Which activity provides <i>knowledge and information about third-party service "
        "components</i> to every other activity?",
        "Who provides <i>knowledge and information about third-party service components</i> to "
        "<b>Engage</b>?",
    ]


def test_the_chapters_value_stream_is_one_note(compiled) -> None:
    [stream] = [c for c in compiled.cards if c.kind == "streams"]
    assert stream.deck == DEFAULT
    assert stream.front == (
        "Sequence <b>new service introduction</b>:<br>{{c1::Plan}} → {{c2::Engage}} → "
        "{{c3::Design and Transition}} → {{c4::Obtain or Build}} → {{c5::Deliver and support}} "
        "→ {{c6::Improve}}"
    )


def test_a_fact_in_two_notes_is_carded_once(compiled) -> None:
    """'User support tasks' for Deliver and support is in Engage's note, in Deliver and support's
    and twice in the chapter: one forward and one reverse card, in Engage's deck."""
    line = line_of(ENGAGE_SEED, "- User support tasks for [[Deliver and support]].")
    forward = [c for c in compiled.cards if "user support tasks" in map(normalise_key, c.answers)]
    reverse = [c for c in compiled.cards if "<i>user support tasks</i>" in c.front]
    assert [c.front for c in forward] == [
        "What two things does <b>Engage</b> provide to <b>Deliver and support</b>?"
    ]
    assert [c.front for c in reverse] == [
        "Which activity provides <i>user support tasks</i> to <b>Deliver and support</b>?"
    ]
    for card in (*forward, *reverse):
        assert (card.deck, card.origin) == (COURSE, f"{ENGAGE_NOTE}:{line}")
    assert reverse[0].answers == ("Engage",)
    assert not [
        c
        for c in compiled.cards
        if c.deck == DEFAULT
        and "user support tasks" in normalise_key(text_of(c.front + " " + " ".join(c.answers)))
    ]


def test_no_question_is_asked_twice(compiled) -> None:
    """Across both decks, counts aside: two cards never ask one question with other answers."""
    questions = Counter(same_question(c.front) for c in compiled.cards if c.kind == "flows")
    assert [q for q, n in questions.items() if n > 1] == []
    hidden = Counter(
        (activity_of(c), c.kind, normalise_key(c.answers[0]))
        for c in compiled.cards
        if c.kind in ("inputs", "outputs")
    )
    assert [k for k, n in hidden.items() if n > 1] == []


def test_quality_report(compiled) -> None:
    quality = compiled.quality
    assert quality.self_answering == []
    assert quality.suppressed_duplicates == 0
    assert dict(quality.by_kind) == NOTES_BY_KIND
    assert sum(quality.by_kind.values()) == len(compiled.cards)
    # Which activity gives every other one improvement initiatives? The word tells: Improve.
    # Its forward card asks the same facts.
    assert [(d.kind, d.origin, d.reason, d.question) for d in quality.dropped] == [
        (
            "flows",
            f"{CHAPTER_NOTE}:46",
            "give-away",
            "Which activity provides improvement initiatives and plans to every other activity?",
        ),
        (
            "flows",
            f"{CHAPTER_NOTE}:48",
            "give-away",
            "Which activity provides improvement status reports to every other activity?",
        ),
    ]
    assert quality.budget_line() == (
        "cards: flows 71 (2 give-away dropped); inputs 11; outputs 1; purpose 12; streams 1"
    )


# The seeds in Anki.


def test_every_card_renders_a_question_in_anki(anki_cards) -> None:
    assert Counter(kind_of(c) for c in anki_cards) == ANKI_CARDS_BY_KIND
    assert Counter(c["deck"] for c in anki_cards) == ANKI_CARDS_BY_DECK
    for card in anki_cards:
        assert card["question"].strip(), card["guid"]
        assert card["answer"].strip(), card["guid"]
        assert "{{c" not in card["question"]


@pytest.mark.parametrize("subject", ["anki_cards", "bakery_cards"])
def test_no_duplicate_fronts_in_any_deck(request: pytest.FixtureRequest, subject) -> None:
    cards: list[dict[str, Any]] = request.getfixturevalue(subject)
    fronts = Counter((c["deck"], c["question"]) for c in cards)
    assert [key for key, count in fronts.items() if count > 1] == []


def test_fields_tags_and_source_as_imported(anki_cards) -> None:
    # Generated cards are basic or cloze notes: nothing is asked backwards any more.
    assert {c["notetype"] for c in anki_cards} == {"chaincards Basic", "chaincards Cloze"}
    purpose = [c for c in anki_cards if "chaincards::purpose" in c["tags"]]
    engage = [c for c in purpose if "chaincards::activity::Engage" in c["tags"]]
    key_message = line_of(ENGAGE_SEED, ">[!tip] Key Message")
    # The key phrase in two pieces, and the purpose → name card.
    assert sorted((c["notetype"], c["ord"]) for c in engage) == [
        ("chaincards Basic", 0),
        ("chaincards Cloze", 0),
        ("chaincards Cloze", 1),
    ]
    for card in engage:
        assert card["deck"] == COURSE
        assert "C846::1_Introduction" in card["tags"]
        assert f"{ENGAGE_NOTE}:{key_message}<" in card["fields"]["Source"]
        assert "ITIL Foundations Book, p. 88" in card["fields"]["Source"]
    [to_name] = [c for c in engage if c["notetype"] == "chaincards Basic"]
    assert to_name["question"].splitlines() == [
        "…",  # the Context: the note's title is the answer
        "Which activity has this purpose?",
        "The purpose of the … value chain activity is to provide a good understanding of "
        "stakeholder needs, transparency, and continual … and good relationships with all "
        "stakeholders.",
    ]
    assert to_name["answer"].splitlines()[-2] == "Engage"
    for card in anki_cards:
        for name, value in card["fields"].items():
            assert name == "Extra" or value.strip(), (name, card["guid"])


@pytest.mark.parametrize("subject", ["anki_cards", "bakery_cards"])
def test_no_rendered_question_shows_its_answer(request: pytest.FixtureRequest, subject) -> None:
    cards: list[dict[str, Any]] = request.getfixturevalue(subject)
    leaks = [
        (card["question"].replace("\n", " | "), answer)
        for card in cards
        for answer in answers_of(card)
        if shows(card["question"], answer)
    ]
    assert leaks == []
    assert all(answers_of(c) for c in cards)


def name_telltale(name: str) -> str:
    """The start every form of the name's first word shares: `deliver` (delivered), `engag`
    (engagement), `bak` (baked)."""
    first = name.split()[0].casefold()
    return first[:-1] if first.endswith("e") else first


@pytest.mark.parametrize(
    ("subject", "activity", "noun"),
    [
        *(("anki_cards", a, "activity") for a in ACTIVITIES if a != "Deliver and support"),
        ("anki_cards", "Deliver and support", "activity"),  # 'delivered and supported'
        ("bakery_cards", "Mix", "step"),  # 'mixing', 'well mixed'
        ("bakery_cards", "Proof", "step"),  # 'proofing'
        ("bakery_cards", "Bake", "step"),  # 'baked through'
    ],
)
def test_purpose_to_name_card_hides_every_form_of_the_name(
    request: pytest.FixtureRequest, subject: str, activity: str, noun: str
) -> None:
    cards: list[dict[str, Any]] = request.getfixturevalue(subject)
    [card] = [
        c
        for c in cards
        if c["notetype"] == "chaincards Basic"
        and "chaincards::purpose" in c["tags"]
        and f"chaincards::activity::{activity.replace(' ', '_')}" in c["tags"]
    ]
    context, question, _ = card["question"].splitlines()
    assert question == f"Which {noun} has this purpose?"
    assert "…" in context  # the note's title or heading names the answer
    assert answers_of(card) == [activity]
    start = name_telltale(activity)
    told = [w for w in re.findall(r"\w+", card["question"].casefold()) if w.startswith(start)]
    assert told == [], card["question"]


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
        assert len(purpose) == 3  # two pieces of the cloze, the purpose → name card
        for days, card in zip((7, 11, 13), purpose, strict=True):
            set_review_interval(col, card["card_id"], days)

        note = vault / ENGAGE_NOTE
        text = note.read_text(encoding="utf-8")
        assert text.count(ENGAGE_KEY_MESSAGE) == 1
        note.write_text(text.replace(ENGAGE_KEY_MESSAGE, ENGAGE_REWORDED), encoding="utf-8")
        os.utime(note, (T0 + 3600, T0 + 3600))
        build(vault, out)
        new, updated = import_all(col, out)
        assert new == 0  # no new note: the same notes, updated
        # Only the two notes whose content changed are updated (the purpose's cloze and its
        # purpose → name card); the other cards of Engage's note keep their time, so Anki
        # leaves them, and the learner's tags on them, alone.
        assert updated == 2

        after = {c["card_id"]: c for c in learner_cards(col)}
        changed = [c["card_id"] for c in before if c["fields"] != after[c["card_id"]]["fields"]]
        assert sorted(changed) == sorted(c["card_id"] for c in purpose)
        for days, card in zip((7, 11, 13), purpose, strict=True):
            now = after[card["card_id"]]
            assert (now["note_id"], now["guid"], now["notetype"]) == (
                card["note_id"],
                card["guid"],
                card["notetype"],
            )
            assert card_interval(col, card["card_id"]) == days
            assert "stay transparent" in " ".join(now["fields"].values())
            assert "continual engagement" not in " ".join(now["fields"].values())
        # The reworded key phrase has three pieces: Anki adds the third card to the same note.
        added = [c for i, c in after.items() if i not in {b["card_id"] for b in before}]
        [cloze] = [c for c in purpose if c["notetype"] == "chaincards Cloze" and c["ord"] == 0]
        assert [(c["note_id"], c["ord"]) for c in added] == [(cloze["note_id"], 2)]
        assert "[...]" in added[0]["question"] and "keep engaging" not in added[0]["question"]
        [to_name] = [c for c in purpose if c["notetype"] == "chaincards Basic"]
        assert after[to_name["card_id"]]["question"].splitlines()[-1] == (
            "The purpose of the … value chain activity is to understand clearly what "
            "stakeholders need, to stay transparent, and to keep … with every stakeholder and "
            "relating well."
        )


def test_a_collection_from_the_reversed_pair_design_gets_the_purpose_to_name_card(
    tmp_path: Path,
) -> None:
    vault = seed_vault(tmp_path)
    out = tmp_path / "decks"
    build(vault, out)
    compiled = compile_vault([vault])
    [to_name] = [
        c
        for c in compiled.cards
        if c.kind == "purpose" and c.shape == "basic" and activity_of(c) == "Engage"
    ]
    # Earlier builds wrote the pair Engage ↔ its whole purpose, reversed, under this identity;
    # Anki would skip a basic note with that GUID as conflicting, so the new card has its own.
    pair = card_guid("model", "purpose", "engage", "pair")
    assert to_name.guid != pair
    masked = re.sub(r"(?i)\bengage\b", "[…]", ENGAGE_KEY_MESSAGE)
    old: CardNote = replace(
        to_name,
        guid=pair,
        shape="reverse",
        front="<b>Engage</b>",
        back=f"<i>{masked}</i>",
        mod=T0 - 3600,
    )
    earlier = tmp_path / "earlier.apkg"
    write_package([old], earlier, vault)
    with fresh_collection(tmp_path / "collection") as col:
        import_package(col, earlier)
        for package in sorted(out.glob("*.apkg")):
            import_package(col, package)  # no conflict: nothing is skipped
        cards = [c for c in learner_cards(col) if c["guid"] == to_name.guid]
    assert [(c["notetype"], c["question"].splitlines()[1]) for c in cards] == [
        ("chaincards Basic", "Which activity has this purpose?")
    ]


# A second subject: a bakery.

BAKERY = {
    "Mix.md": """---
cards-deck: Baking::Bread
---
# Mix
>[!tip] Key Message
>The purpose of mixing is to combine flour, water and yeast until well mixed into an even dough.

## Inputs
- Flour from the miller.
- Rye flour from the miller.
- Yeast from the miller.
- Salt from the miller.
- Malt from the miller.
- Water
## Outputs
- Dough for [[Proof]].
""",
    "Proof.md": """---
cards-deck: Baking::Bread
---
# Proof
>[!tip] Key Message
>The purpose of proofing is to let the yeast raise the dough until it has doubled in size.

## Inputs
- Dough from [[Mix]].
## Outputs
- Risen loaves for [[Bake]].
""",
    "Bake.md": """---
cards-deck: Baking::Bread
---
# Bake
>[!tip] Key Message
>The purpose of the bake is to set the crumb and brown the crust until the loaves are baked through.

## Inputs
- Risen loaves from [[Proof]].
- Oven temperature schedules for the rye, spelt and wholemeal loaves from the shift supervisor.
- Cleaning checklists for the deck ovens and proving cabinets from the shift supervisor.
- Fire safety instructions from the shift supervisor.
## Outputs
- Bread for customers.
""",
}
BREAD = "Baking::Bread"


@pytest.fixture(scope="module")
def bakery_cards(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("bakery")
    vault = write_notes(root / "bakery", BAKERY)
    build(vault, root / "decks")
    with fresh_collection(root / "collection") as col:
        new, updated = import_all(col, root / "decks")
        assert updated == 0
        cards = learner_cards(col)
    assert new == len({c["note_id"] for c in cards})
    return cards


def rendered(cards: list[dict[str, Any]], start: str) -> list[dict[str, Any]]:
    """The cards whose question (after the Context line) starts with `start`."""
    return [c for c in cards if any(line.startswith(start) for line in c["question"].splitlines())]


def test_bakery_cards_by_kind_in_anki(bakery_cards) -> None:
    assert Counter(kind_of(c) for c in bakery_cards) == {"flows": 14, "inputs": 9, "purpose": 11}
    assert {c["deck"] for c in bakery_cards} == {BREAD}
    assert {c["notetype"] for c in bakery_cards} == {"chaincards Basic", "chaincards Cloze"}


@pytest.mark.parametrize(
    ("head", "items"),
    [
        # Five things from one party: too many for one card to ask at once.
        ("What Mix receives from the miller:", ("Flour", "Rye flour", "Yeast", "Salt", "Malt")),
        # Three things, but 22 words: too long to recite on one card.
        (
            "What Bake receives from the shift supervisor:",
            (
                "Oven temperature schedules for the rye, spelt and wholemeal loaves",
                "Cleaning checklists for the deck ovens and proving cabinets",
                "Fire safety instructions",
            ),
        ),
    ],
)
def test_a_party_with_many_or_long_answers_gets_list_cards(
    bakery_cards, head: str, items: tuple[str, ...]
) -> None:
    cards = rendered(bakery_cards, head)
    assert sorted(a for c in cards for a in answers_of(c)) == sorted(items)
    for card in cards:
        assert (card["notetype"], kind_of(card)) == ("chaincards Cloze", "inputs")
        lines = card["question"].splitlines()
        [hidden] = answers_of(card)
        # Every other answer to the same question is shown, in the notes' order; one that holds
        # the hidden answer shows it as "…".
        expected = ["[...]" if item == hidden else item for item in items]
        if hidden == "Flour":
            expected[items.index("Rye flour")] = "Rye …"
        assert lines[lines.index(head) + 1 :] == expected
    # No card asks for them all at once; each is still asked the other way round.
    subject = head.split()[1]
    for count in ("three", "four", "five"):
        assert not rendered(bakery_cards, f"What {count} things does {subject} receive")
    for item in items:
        [who] = rendered(bakery_cards, f"Who provides {item[0].lower()}{item[1:]} to {subject}?")
        assert answers_of(who) == [head.removesuffix(":").split(" the ")[-1]]


def test_bakery_flows_and_an_item_naming_no_one(bakery_cards) -> None:
    # Stated in Mix's note and in Proof's: one question each way.
    [forward] = rendered(bakery_cards, "What does Mix provide to Proof?")
    [reverse] = rendered(bakery_cards, "Which step provides dough to Proof?")
    assert (answers_of(forward), answers_of(reverse)) == (["Dough"], ["Mix"])
    assert kind_of(forward) == kind_of(reverse) == "flows"
    assert reverse["question"].splitlines()[0] == "… › Outputs"  # Mix's note, its name hidden
    # Water names no one: a list card, the only way the notes let it be asked.
    [water] = [c for c in bakery_cards if answers_of(c) == ["Water"]]
    assert kind_of(water) == "inputs" and "Inputs of Mix:" in water["question"].splitlines()
    assert not rendered(bakery_cards, "Who provides water")
