"""All cards of a vault (chaincards.cards.generate.all_cards): written cards unchanged beside the
model's cards, kinds chosen by name, and the rules every generated card keeps.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.generate import CARD_KINDS, all_cards
from chaincards.cards.guid import normalise_key
from chaincards.cards.quality import quality_report
from chaincards.cards.written import written_card_notes
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse import parse_note
from chaincards.pipeline import drop_duplicate_fronts

MTIME = 1_700_000_000
MODEL_KINDS = ("purpose", "flows", "inputs", "outputs", "streams")

NOTES = {
    "Chain/Plan.md": """\
        ---
        aliases: [Plan]
        tags: [itil/chain]
        cards-deck: Course::Chain
        ---
        # Plan
        >[!tip] Key Message
        >The purpose of the plan activity is to give everyone one shared view of the way ahead.

        ## Inputs
        - Policies and constraints from the governing body.
        - Consolidated demands provided by [[Engage]].
        - Progress reports from [[Improve]].
        ## Outputs
        - Strategic plans for all value chain activities.
        - Portfolio decisions for [[Engage]].
        - Improvement opportunities for [[Improve]].

        # cards
        >[!info] card
        >Who sets the limits plan works within?
        >---
        >The governing body.
        """,
    "Chain/Engage.md": """\
        ---
        cards-deck: Course::Chain
        ---
        # Engage
        >[!tip] Key Message
        >The purpose of the engage activity is to understand stakeholders and keep good ties.

        ## Inputs
        - Portfolio decisions from [[Plan]].
        - Detailed requirements from customers.
        - Feedback and requests from customers.
        ## Outputs
        - Consolidated demands for [[Plan]].
        - Service performance reports for customers.

        Where does demand enter the chain?::Engage
        """,
    "Chain/Improve.md": """\
        ---
        cards-deck: Course::Chain
        ---
        # Improve
        >[!tip] Key Message
        >Improve ensures continual improvement of products, services and practices.

        ## Inputs
        - Improvement opportunities from [[Plan]].
        ## Outputs
        - Progress reports for [[Plan]].
        """,
    "Streams.md": """\
        ---
        cards-deck: Course::Streams
        ---
        # Streams
        - Demand intake: Engage → Plan → Improve
        """,
}


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


@pytest.fixture(scope="module")
def notes() -> list[ParsedNote]:
    return [parse(path, text) for path, text in NOTES.items()]


@pytest.fixture(scope="module")
def cards(notes) -> list[CardNote]:
    generated, diagnostics = all_cards(notes, build_model(notes), "Vault")
    assert diagnostics == []
    return generated


def words(html: str) -> int:
    html = re.sub(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", r"\1", html)
    return len(re.findall(r"\w+", unescape(re.sub(r"<[^>]+>", " ", html))))


def test_every_kind_is_made(cards) -> None:
    assert ("written", *MODEL_KINDS) == CARD_KINDS
    assert Counter(c.kind for c in cards) == {
        "callout": 1,
        "inline": 1,
        "purpose": 6,  # three activities, cloze + pair each
        # Plan→Engage, Engage→Plan, Plan→Improve, Improve→Plan: forward + which-activity each;
        # Plan ← governing body, Engage ↔ customers (2 in, 1 out): "what" + "who" each;
        # Plan → every other activity: one card.
        "flows": 8 + 2 + 6 + 1,
        "inputs": 3 + 3 + 1,
        "outputs": 3 + 2 + 1,
        "streams": 1,
    }


def test_written_cards_come_first_and_unchanged(notes, cards) -> None:
    expected = [c for note in notes for c in written_card_notes(note, "Course::Chain")[0]]
    assert cards[: len(expected)] == expected
    assert {c.kind for c in expected} == {"callout", "inline"}
    assert all("chaincards::written" in c.tags for c in expected)


@pytest.mark.parametrize("kind", CARD_KINDS)
def test_one_kind_alone(notes, cards, kind: str) -> None:
    alone, _ = all_cards(notes, build_model(notes), "Vault", (kind,))
    wanted = {"written": {"callout", "inline"}}.get(kind, {kind})
    assert alone == [c for c in cards if c.kind in wanted]


def test_no_kinds_no_cards(notes) -> None:
    assert all_cards(notes, build_model(notes), "Vault", ()) == ([], [])


def test_every_model_card_is_tagged_with_its_kind_and_activity(cards) -> None:
    for card in cards:
        if card.kind not in MODEL_KINDS:
            continue
        assert f"chaincards::{card.kind}" in card.tags, card
        activities = [t for t in card.tags if t.startswith("chaincards::activity::")]
        assert len(activities) == (0 if card.kind == "streams" else 1), card
        assert "chaincards::written" not in card.tags


def test_note_tags_are_carried(cards) -> None:
    plan_cards = [c for c in cards if c.origin.startswith("Chain/Plan.md:")]
    assert plan_cards
    assert all("itil::chain" in c.tags for c in plan_cards)


def test_no_empty_field_and_source_is_path_and_line(cards) -> None:
    for card in cards:
        assert card.front.strip() and card.context.strip() and card.source.strip(), card
        if card.shape != "cloze":
            assert card.back.strip(), card
        assert re.fullmatch(r"[^:]+\.md:\d+", card.origin), card.origin
        assert f">{card.origin}</a>" in card.source


def test_no_duplicate_front_within_a_deck(cards) -> None:
    fronts = Counter((c.deck, c.shape, normalise_key(c.front)) for c in cards)
    assert [key for key, count in fronts.items() if count > 1] == []
    assert len({c.guid for c in cards}) == len(cards)
    assert drop_duplicate_fronts(list(cards), [])[1] == 0


def test_no_front_answers_itself(cards) -> None:
    assert quality_report(cards, 0).self_answering == []


def test_fronts_are_short(cards) -> None:
    assert max(words(c.front) for c in cards) <= 60


def test_cards_are_placed_in_the_deck_of_their_note(cards) -> None:
    decks = {c.deck for c in cards if c.kind != "streams"}
    assert decks == {"Course::Chain"}
    assert [c.deck for c in cards if c.kind == "streams"] == ["Course::Streams"]


def test_same_notes_same_cards(notes, cards) -> None:
    again, _ = all_cards(list(reversed(notes)), build_model(list(reversed(notes))), "Vault")
    assert sorted(c.guid for c in again) == sorted(c.guid for c in cards)
    assert {c.guid: c for c in again} == {c.guid: c for c in cards}
