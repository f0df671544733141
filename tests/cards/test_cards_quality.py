"""The card-quality report (chaincards.cards.quality) and the duplicate-front rule behind its
"suppressed duplicates" count (chaincards.pipeline.drop_duplicate_fronts).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.quality import QualityReport, gives_away_answer, quality_report
from chaincards.pipeline import drop_duplicate_fronts


def card(front: str, back: str = "", shape: str = "basic", **fields: Any) -> CardNote:
    defaults: dict[str, Any] = {
        "guid": f"g-{shape}-{front}-{back}",
        "context": "Note",
        "source": "note.md:1",
        "deck": "Course",
        "tags": (),
        "mod": 0,
        "kind": "flows",
        "origin": "note.md:1",
    }
    return CardNote(shape=shape, front=front, back=back, **{**defaults, **fields})


@pytest.mark.parametrize(
    ("front", "back", "shape", "expected"),
    [
        # basic: the back in the front, whatever the case, markup or punctuation
        ("What does Plan provide? Portfolio decisions", "Portfolio decisions", "basic", True),
        (
            "What does <b>Plan</b> give? <i>portfolio</i>  DECISIONS!",
            "Portfolio, decisions",
            "basic",
            True,
        ),
        ("What does Plan provide to Design?", "Portfolio decisions", "basic", False),
        # whole words only: "plan" is not in "planning"
        ("What does the planning team provide?", "Plan", "basic", False),
        # answers of two characters or fewer are never counted (too common to mean anything)
        ("Is it IT or OT?", "IT", "basic", False),
        # a hint with the leading words of the answer is a cue, not the answer
        (
            'What does Engage provide? <div class="cc-hint">one of 2 — “Contracts …”</div>',
            "Contracts and agreements",
            "basic",
            False,
        ),
        # reversed: the second card asks for the front with the back shown
        ("Engage", "The purpose of engage is to listen.", "reverse", True),
        ("Engage", "The purpose of […] is to listen.", "reverse", False),
        ("Engage", "Engage", "reverse", True),
        # cloze: another deletion is visible on the card that hides this one
        ("{{c1::Plan}} → {{c2::Engage}} → {{c3::Improve}}", "", "cloze", False),
        ("{{c1::Plan}} feeds the plan review", "", "cloze", True),
        ("{{c1::Plan}} → {{c2::Plan}}", "", "cloze", True),
        # the same number twice is one card hiding both
        ("{{c1::Plan}} → Engage → {{c1::Plan}}", "", "cloze", False),
        (
            "Inputs: {{c1::Service components}} · Knowledge about service components",
            "",
            "cloze",
            True,
        ),
        ("Inputs: {{c1::Service components}} · Knowledge about services", "", "cloze", False),
        ("The purpose of engage is to {{c1::listen to stakeholders}}.", "", "cloze", False),
    ],
)
def test_gives_away_answer(front: str, back: str, shape: str, expected: bool) -> None:
    assert gives_away_answer(card(front, back, shape)) is expected


def test_cloze_hint_that_is_the_answer_gives_it_away() -> None:
    assert gives_away_answer(
        card("{{c1::obtain or build::obtain or build}} buys servers", "", "cloze")
    )


def test_report_counts_kinds_and_lists_self_answering_origins() -> None:
    cards = [
        card("What does Plan provide to Design?", "Portfolio", kind="flows", origin="b.md:2"),
        card("Plan", "The purpose of plan is to plan.", "reverse", kind="purpose", origin="b.md:9"),
        card("Which is it? Portfolio", "Portfolio", kind="flows", origin="a.md:4"),
        card("{{c1::Engage}} → {{c2::Plan}}", "", "cloze", kind="streams", origin="c.md:1"),
    ]
    report = quality_report(cards, suppressed=3)
    assert isinstance(report, QualityReport)
    assert report.by_kind == Counter({"flows": 2, "purpose": 1, "streams": 1})
    assert report.to_json() == {
        "cards_by_kind": {"flows": 2, "purpose": 1, "streams": 1},
        "suppressed_duplicates": 3,
        "self_answering": ["a.md:4", "b.md:9"],
    }


def test_empty_report() -> None:
    assert quality_report([], 0).to_json() == {
        "cards_by_kind": {},
        "suppressed_duplicates": 0,
        "self_answering": [],
    }


def test_same_front_in_one_deck_is_kept_once_and_reported() -> None:
    first = card("What does <b>Plan</b> provide?", "A", guid="g1", origin="a.md:3")
    again = card("what does plan provide", "B", guid="g2", origin="b.md:7")
    elsewhere = card("What does Plan provide?", "C", guid="g3", deck="Other", origin="c.md:1")
    cloze = card("What does Plan provide?", "", "cloze", guid="g4", origin="d.md:1")
    diagnostics: list = []
    kept, suppressed = drop_duplicate_fronts([first, again, elsewhere, cloze], diagnostics)
    assert kept == [first, elsewhere, cloze]
    assert suppressed == 1
    [warning] = diagnostics
    assert (warning.path, warning.line) == ("b.md", 7)
    assert "duplicate card in deck 'Course' (same as a.md:3)" in warning.message


def test_same_guid_is_kept_once() -> None:
    diagnostics: list = []
    kept, suppressed = drop_duplicate_fronts(
        [card("One?", "1", guid="same"), card("Two?", "2", guid="same")], diagnostics
    )
    assert [c.front for c in kept] == ["One?"]
    assert suppressed == 1
    assert len(diagnostics) == 1
