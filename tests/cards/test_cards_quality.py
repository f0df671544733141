"""The card screen (chaincards.cards.quality.screen) and the budget it reports (QualityReport).

A generated card is dropped when it gives its answer away, has more than three answers to recite
on one side ("unanswerable") or an answer over twenty words ("answer too long"); a card asking the
same question as an earlier one in its deck is a duplicate, whatever its breadcrumb, hint or card
type, and written cards come first. A card the learner wrote that shows its answer is kept, with a
warning. Checked on hand-made cards and on the cards of real notes from several subjects.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.generate import all_cards
from chaincards.cards.quality import (
    Dropped,
    QualityReport,
    gives_away_answer,
    name_stem,
    question_key,
    screen,
)
from chaincards.diagnostics import Severity
from chaincards.document import ParsedNote
from chaincards.model import build_model
from jsonschema_lite import schema_errors
from model.model_helpers import activity_note, parse_text

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
HINT = '<div class="cc-hint">{}</div>'


def card(
    front: str, back: str = "", shape: str = "basic", answers: tuple[str, ...] = (), **fields: Any
) -> CardNote:
    defaults: dict[str, Any] = {
        "guid": f"g-{shape}-{front}-{back}-{answers}",
        "context": "Note",
        "source": "note.md:1",
        "deck": "Course",
        "tags": (),
        "mod": 0,
        "kind": "flows",
        "origin": "note.md:1",
    }
    return CardNote(shape=shape, front=front, back=back, answers=answers, **{**defaults, **fields})


def written(front: str, back: str, **fields: Any) -> CardNote:
    return card(front, back, **{"kind": "callout", **fields})


def messages(diagnostics: list) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.message) for d in diagnostics]


def screened(notes: list[ParsedNote], deck: str = "Vault"):
    cards, problems = all_cards(notes, build_model(notes), deck)
    assert problems == []
    return cards, *screen(cards)


@cache
def build_schema() -> dict[str, Any]:
    return json.loads((SCHEMAS / "build.schema.json").read_text(encoding="utf-8"))


def quality_errors(document: Any) -> list[str]:
    schema = build_schema()
    return schema_errors(document, schema["properties"]["quality"], "$.quality", schema)


# ---------------------------------------------------------------------------------------------
# What gives an answer away


@pytest.mark.parametrize(
    ("front", "back", "shape", "answers", "expected"),
    [
        # basic: the back in the front, whatever the case, markup or punctuation
        ("What does Plan provide? Portfolio decisions", "Portfolio decisions", "basic", (), True),
        (
            "What does <b>Plan</b> give? <i>portfolio</i>  DECISIONS!",
            "Portfolio, decisions",
            "basic",
            (),
            True,
        ),
        ("What does Plan provide to Design?", "Portfolio decisions", "basic", (), False),
        # whole words only: "plan" is not in "planning"
        ("What does the planning team provide?", "Plan", "basic", (), False),
        # answers of two characters or fewer are never counted (too common to mean anything)
        ("Is it IT or OT?", "IT", "basic", (), False),
        # one of several answers on the front gives that one away, whatever the back looks like
        (
            "What two things does <b>Bake</b> receive from customers? Complaints",
            "<ul><li>Orders</li><li>Complaints</li></ul>",
            "basic",
            ("Orders", "Complaints"),
            True,
        ),
        (
            "What two things does <b>Bake</b> receive from customers?",
            "<ul><li>Orders</li><li>Complaints</li></ul>",
            "basic",
            ("Orders", "Complaints"),
            False,
        ),
        # a hint holding half the answer's words gives it away; fewer is a cue
        (
            "What does Engage provide? " + HINT.format("one of 2 — “Contracts …”"),
            "Contracts and agreements",
            "basic",
            ("Contracts and agreements",),
            True,
        ),
        (
            "What does Engage provide? " + HINT.format("starts with “Signed …”"),
            "Signed contracts and service agreements",
            "basic",
            ("Signed contracts and service agreements",),
            False,
        ),
        # "Which/Who" asks for a name: the stem of its first telling word on the front tells it
        (
            "Which stage provides <i>progress reports on improvement initiatives</i> to "
            "<b>Plan</b>?",
            "<b>Improve</b>",
            "basic",
            ("Improve",),
            True,
        ),
        (
            "Which stage provides <i>progress reports</i> to <b>Plan</b>?",
            "<b>Improve</b>",
            "basic",
            ("Improve",),
            False,
        ),
        (
            "Who provides <i>customer orders</i> to <b>Bake</b>?",
            "customers",
            "basic",
            ("customers",),
            True,
        ),
        (
            "Which phase provides <i>pretrial rulings</i> to <b>Trial</b>?",
            "Phase 3: Pretrial motions",
            "basic",
            ("Phase 3: Pretrial motions",),
            True,
        ),
        # … its kind word and number tell nothing
        (
            "Which phase provides <i>rulings of phase 3</i> to <b>Trial</b>?",
            "Phase 3: Pretrial motions",
            "basic",
            ("Phase 3: Pretrial motions",),
            False,
        ),
        # … nor does the step noun: `Which stage` does not tell `Staging deployment`
        (
            "Which stage provides <i>builds</i> to <b>Deploy</b>?",
            "Staging deployment",
            "basic",
            ("Staging deployment",),
            False,
        ),
        # a question that asks "What" is not checked for stems: the answer is not a name
        (
            "What does <b>Plan</b> receive from <b>Improve</b>?",
            "Improvement opportunities",
            "basic",
            ("Improvement opportunities",),
            False,
        ),
        # reversed: the second card asks for the front with the back shown
        ("Engage", "The purpose of engage is to listen.", "reverse", (), True),
        ("Engage", "The purpose of […] is to listen.", "reverse", (), False),
        ("Engage", "Engage", "reverse", (), True),
        # cloze: another deletion is visible on the card that hides this one
        ("{{c1::Plan}} → {{c2::Engage}} → {{c3::Improve}}", "", "cloze", (), False),
        ("{{c1::Plan}} feeds the plan review", "", "cloze", (), True),
        ("{{c1::Plan}} → {{c2::Plan}}", "", "cloze", (), True),
        # the same number twice is one card hiding both
        ("{{c1::Plan}} → Engage → {{c1::Plan}}", "", "cloze", (), False),
        (
            "Inputs: {{c1::Service components}} · Knowledge about service components",
            "",
            "cloze",
            (),
            True,
        ),
        ("Inputs: {{c1::Service components}} · Knowledge about services", "", "cloze", (), False),
        ("The purpose of engage is to {{c1::listen to stakeholders}}.", "", "cloze", (), False),
        # a list card's sibling with the hidden words shown as "…" keeps the answer hidden
        (
            "What Mix provides to every other stage:<ul><li>{{c1::Mixing logs}}</li>"
            "<li>Cleaned … </li></ul>",
            "",
            "cloze",
            ("Mixing logs",),
            False,
        ),
    ],
)
def test_gives_away_answer(
    front: str, back: str, shape: str, answers: tuple[str, ...], expected: bool
) -> None:
    assert gives_away_answer(card(front, back, shape, answers)) is expected


def test_cloze_hint_that_is_the_answer_gives_it_away() -> None:
    assert gives_away_answer(
        card("{{c1::obtain or build::obtain or build}} buys servers", "", "cloze")
    )
    assert not gives_away_answer(card("{{c1::obtain or build::verb}} buys servers", "", "cloze"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Improve", "improv"),
        ("Phase 3: Pretrial motions", "pretrial"),  # kind words and numbers tell nothing
        ("The Bake stage", "bak"),
        ("Pyruvate oxidation", "pyruvat"),
        ("Design and transition", "design"),
        ("3", ""),
        ("", ""),
    ],
)
def test_name_stem_is_the_stem_of_the_first_telling_word(name: str, expected: str) -> None:
    assert name_stem(name) == expected


def test_question_key_ignores_hint_markup_and_case_but_not_what_a_cloze_hides() -> None:
    plain = card("What does Plan provide to Design?")
    marked = card("What does <b>plan</b> provide to <i>Design</i>? " + HINT.format("one of 2"))
    assert question_key(plain) == question_key(marked) == "what does plan provide to design"
    first = card("Inputs of <b>Mix</b>:<ul><li>{{c1::Water}}</li><li>Salt</li></ul>", shape="cloze")
    second = card(
        "Inputs of <b>Mix</b>:<ul><li>Water</li><li>{{c1::Salt}}</li></ul>", shape="cloze"
    )
    assert question_key(first) != question_key(second)


# ---------------------------------------------------------------------------------------------
# Each reason a generated card is dropped


def test_a_generated_card_that_gives_its_answer_away_is_dropped_without_a_warning() -> None:
    away = card(
        "Which stage provides <i>Bake reports</i> to <b>Mix</b>?",
        "<b>Bake</b>",
        answers=("Bake",),
        origin="Bake.md:12",
    )
    fine = card("Which stage provides <i>dough</i> to <b>Proof</b>?", "Mix", answers=("Mix",))
    kept, report, diagnostics = screen([away, fine])
    assert kept == [fine]
    assert report.dropped == [
        Dropped("flows", "Bake.md:12", "give-away", "Which stage provides Bake reports to Mix?")
    ]
    assert report.self_answering == []
    assert diagnostics == []  # the budget reports it; nothing the learner wrote is wrong


@pytest.mark.parametrize("shape", ["basic", "reverse"])
def test_a_basic_card_with_more_than_three_answers_is_unanswerable(shape: str) -> None:
    three = card("Which three phases provide status reports to Trial?", "…", shape, ("A", "B", "C"))
    four = card(
        "Which four phases provide status reports to Trial?",
        "…",
        shape,
        ("Pleadings", "Discovery", "Motions", "Mediation"),
        origin="Discovery.md:9",
    )
    kept, report, _ = screen([three, four])
    assert kept == [three]
    assert [(d.origin, d.reason) for d in report.dropped] == [("Discovery.md:9", "unanswerable")]


def test_a_cloze_with_many_deletions_asks_one_each_and_is_kept() -> None:
    steps = ("Glycolysis", "Pyruvate oxidation", "Krebs cycle", "Electron transport")
    stream = card(
        "Pathway <b>Aerobic respiration</b>:<br>"
        + " → ".join(f"{{{{c{n}::{s}}}}}" for n, s in enumerate(steps, 1)),
        shape="cloze",
        answers=steps,
        kind="streams",
    )
    kept, report, _ = screen([stream])
    assert kept == [stream]
    assert report.dropped == []


@pytest.mark.parametrize("shape", ["basic", "cloze"])
def test_an_answer_over_twenty_words_is_too_long(shape: str) -> None:
    twenty = " ".join(f"word{n}" for n in range(20))
    longer = twenty + " more"
    front = "What does Glycolysis provide to the muscles?"
    if shape == "cloze":
        ok = card(f"Outputs of Glycolysis: {{{{c1::{twenty}}}}}", shape=shape, answers=(twenty,))
        long = card(
            f"Outputs: {{{{c1::{longer}}}}}", shape=shape, answers=(longer,), origin="g.md:4"
        )
    else:
        ok = card(front, twenty, shape, (twenty,))
        long = card(front + " ", longer, shape, (longer,), guid="other", origin="g.md:4")
    kept, report, _ = screen([ok, long])
    assert kept == [ok]
    assert [(d.origin, d.reason) for d in report.dropped] == [("g.md:4", "answer too long")]


def test_a_dropped_card_is_counted_once_under_its_first_reason() -> None:
    shown = card("What does Mix provide to Proof? Dough", "Dough", answers=("Dough",))
    again = card(
        "What does Mix provide to Proof?",
        "Dough",
        answers=("Dough", "Labels", "Logs", "Flour"),
        guid="again",
    )
    first = card("What does Mix provide to Proof?", "Dough", answers=("Dough",), guid="first")
    kept, report, _ = screen([first, shown, again])
    assert kept == [first]
    # `again` is a duplicate of `first` too, and `shown` of nothing: one reason each
    assert [d.reason for d in report.dropped] == ["give-away", "unanswerable"]
    assert report.suppressed_duplicates == 0


def test_the_answer_rules_are_for_generated_cards_only() -> None:
    long = " ".join(["because"] * 30)
    mine = written("Why does dough rise?", long, answers=("a", "b", "c", "d"), origin="notes.md:3")
    kept, report, diagnostics = screen([mine])
    assert kept == [mine]
    assert report.dropped == [] and diagnostics == []


# ---------------------------------------------------------------------------------------------
# Duplicates


def test_same_question_in_one_deck_is_a_duplicate_whatever_breadcrumb_hint_or_type() -> None:
    first = card(
        "What does <b>Plan</b> provide to <b>Design</b>?",
        "Portfolio decisions",
        answers=("Portfolio decisions",),
        guid="g1",
        context="Plan › Outputs",
        origin="a.md:3",
    )
    again = card(
        "what does Plan provide to Design " + HINT.format("one of 2"),
        "Architectures",
        "reverse",
        guid="g2",
        context="Design › Inputs",
        origin="b.md:7",
    )
    elsewhere = card("What does Plan provide to Design?", "C", guid="g3", deck="Other")
    other = card("What does Plan provide to Engage?", "D", guid="g4")
    kept, report, diagnostics = screen([first, again, elsewhere, other])
    assert kept == [first, elsewhere, other]
    assert report.dropped == [
        Dropped("flows", "b.md:7", "duplicate", "what does Plan provide to Design one of 2")
    ]
    assert report.suppressed_duplicates == 1
    assert diagnostics == []  # a generated duplicate is reported in the budget only
    # The learner's own duplicate is theirs to fix: a warning says where.
    _, _, warned = screen(
        [
            written("What does Plan provide to Design?", "A", origin="a.md:3"),
            written("what does Plan provide to Design", "B", origin="b.md:7"),
        ]
    )
    assert messages(warned) == [
        ("b.md", 7, "duplicate card in deck 'Course' (same question as a.md:3); skipped")
    ]
    assert [d.severity for d in warned] == [Severity.WARNING]


def test_cloze_cards_are_the_same_question_only_when_they_hide_the_same_words() -> None:
    water = "Inputs of <b>Mix</b>:<ul><li>{{c1::Water}}</li><li>Salt</li></ul>"
    salt = "Inputs of <b>Mix</b>:<ul><li>Water</li><li>{{c1::Salt}}</li></ul>"
    cards = [
        card(water, shape="cloze", guid="w", origin="Mix.md:7"),
        card(salt, shape="cloze", guid="s", origin="Mix.md:8"),
        card(water, shape="cloze", guid="w2", origin="Bakery.md:20"),
    ]
    kept, report, _ = screen(cards)
    assert kept == cards[:2]
    assert [(d.origin, d.reason) for d in report.dropped] == [("Bakery.md:20", "duplicate")]


def test_same_guid_is_kept_once() -> None:
    kept, report, diagnostics = screen(
        [written("One?", "1", guid="same", origin="a.md:1"), written("Two?", "2", guid="same")]
    )
    assert [c.front for c in kept] == ["One?"]
    assert report.suppressed_duplicates == 1
    assert "(same question as a.md:1)" in diagnostics[0].message


def test_written_cards_come_first_and_win_over_the_generated_card_that_asks_the_same() -> None:
    generated = card(
        "What does <b>Proof</b> provide to <b>Bake</b>?",
        "Risen dough",
        answers=("Risen dough",),
        guid="model",
        origin="Bake.md:6",
    )
    mine = written("What does Proof provide to Bake?", "Risen dough", origin="Proof.md:14")
    copy = written("What does Proof provide to Bake?", "Dough", guid="copy", origin="Proof.md:20")
    kept, report, diagnostics = screen([generated, mine, copy])
    assert kept == [mine]
    assert [(d.kind, d.origin, d.reason) for d in report.dropped] == [
        ("callout", "Proof.md:20", "duplicate"),  # written: first in source order wins
        ("flows", "Bake.md:6", "duplicate"),
    ]
    assert messages(diagnostics) == [  # the generated duplicate is in the budget only
        ("Proof.md", 20, "duplicate card in deck 'Course' (same question as Proof.md:14); skipped"),
    ]


def test_a_dropped_card_does_not_make_a_later_one_a_duplicate() -> None:
    question = "Which stage provides <i>proofing schedules</i> to <b>Bake</b>?"
    away = card(question, "Proof", answers=("Proof",), guid="away")
    fine = card(question, "Shape", answers=("Shape",), guid="fine")
    kept, report, _ = screen([away, fine])
    assert kept == [fine]
    assert [d.reason for d in report.dropped] == ["give-away"]


# ---------------------------------------------------------------------------------------------
# Cards the learner wrote that show their answer


def test_a_written_card_that_shows_its_answer_is_kept_with_a_warning() -> None:
    mine = written("What is the capital of France? Paris", "Paris", origin="geo/France.md:12")
    theirs = card("What is the capital of France? Paris", "Paris", answers=("Paris",), guid="m")
    kept, report, diagnostics = screen([mine, theirs])
    assert kept == [mine]
    assert report.self_answering == ["geo/France.md:12"]
    assert report.by_kind == Counter({"callout": 1})
    assert [(d.kind, d.reason) for d in report.dropped] == [("flows", "give-away")]
    assert messages(diagnostics) == [
        ("geo/France.md", 12, "card shows its own answer on the front")
    ]
    assert diagnostics[0].severity is Severity.WARNING


def test_a_written_card_without_a_line_is_warned_about_at_line_one() -> None:
    mine = written("Which gas do plants take in? CO2", "CO2", origin="bio/Plants.md")
    _, report, diagnostics = screen([mine])
    assert report.self_answering == ["bio/Plants.md"]
    assert messages(diagnostics) == [("bio/Plants.md", 1, "card shows its own answer on the front")]


# ---------------------------------------------------------------------------------------------
# The budget


def mixed_cards() -> list[CardNote]:
    return [
        card("What does Plan provide to Design?", "A", answers=("A",), guid="1", origin="b.md:2"),
        card("What does Plan provide to Design?", "B", answers=("B",), guid="2", origin="b.md:9"),
        card("Which? Portfolio", "Portfolio", answers=("Portfolio",), guid="3", origin="a.md:4"),
        card("Which four?", "…", answers=("A", "B", "C", "D"), guid="4", origin="a.md:10"),
        card("{{c1::Engage}} → {{c2::Plan}}", "", "cloze", ("Engage", "Plan"), kind="streams"),
        card(
            "Other outputs of <b>Mix</b>:<ul><li>{{c1::A very long item}}</li></ul>",
            shape="cloze",
            answers=(" ".join(["long"] * 21),),
            kind="outputs",
            origin="Mix.md:11",
        ),
        written("Who sets the limits? The governing body", "The governing body", origin="c.md:1"),
    ]


def test_budget_counts_cards_made_and_dropped_per_kind_and_reason() -> None:
    _, report, _ = screen(mixed_cards())
    assert report.by_kind == Counter({"flows": 1, "streams": 1, "callout": 1})
    assert report.budget() == {
        "callout": {"made": 1},
        "flows": {"made": 1, "duplicate": 1, "give-away": 1, "unanswerable": 1},
        "outputs": {"made": 0, "answer too long": 1},  # every card dropped: still listed
        "streams": {"made": 1},
    }
    assert report.budget_line() == (
        "cards: callout 1; flows 1 (1 duplicate, 1 give-away, 1 unanswerable dropped); "
        "outputs 0 (1 answer too long dropped); streams 1"
    )


def test_to_json_holds_the_budget_every_drop_and_the_self_answering_written_cards() -> None:
    _, report, _ = screen(mixed_cards())
    document = report.to_json()
    assert document["cards_by_kind"] == {"callout": 1, "flows": 1, "streams": 1}
    assert document["budget"] == report.budget()
    assert document["dropped"] == [
        {
            "kind": "outputs",
            "path": "Mix.md",
            "line": 11,
            "reason": "answer too long",
            "question": "Other outputs of Mix: {{c1::A very long item}}",
        },
        {
            "kind": "flows",
            "path": "a.md",
            "line": 4,
            "reason": "give-away",
            "question": "Which? Portfolio",
        },
        {
            "kind": "flows",
            "path": "a.md",
            "line": 10,
            "reason": "unanswerable",
            "question": "Which four?",
        },
        {
            "kind": "flows",
            "path": "b.md",
            "line": 9,
            "reason": "duplicate",
            "question": "What does Plan provide to Design?",
        },
    ]
    assert document["suppressed_duplicates"] == 1
    assert document["self_answering"] == ["c.md:1"]
    assert quality_errors(document) == []


def test_empty_budget() -> None:
    kept, report, diagnostics = screen([])
    assert (kept, diagnostics) == ([], [])
    assert report.budget() == {}
    assert report.budget_line() == "cards: none"
    assert report.to_json() == {
        "cards_by_kind": {},
        "budget": {},
        "dropped": [],
        "suppressed_duplicates": 0,
        "self_answering": [],
    }
    assert quality_errors(QualityReport().to_json()) == []


def test_drops_are_listed_by_path_then_line_number() -> None:
    _, report, _ = screen(mixed_cards())
    places = [(d["path"], int(d["line"])) for d in report.to_json()["dropped"]]
    assert places == sorted(places)


def test_a_dropped_question_reads_as_the_card_shows_it() -> None:
    away = card(
        "Which stage provides <i>Bake reports</i> to <b>Mix</b>?", "Bake", answers=("Bake",)
    )
    _, report, _ = screen([away])
    assert report.dropped[0].question == "Which stage provides Bake reports to Mix?"


# ---------------------------------------------------------------------------------------------
# Real notes


BAKERY = [
    activity_note(
        "Mix",
        ["Flour from the miller.", "Water."],
        ["Dough for [[Proof]].", "Mixing logs for every other stage."],
        purpose="The purpose of the mix stage is to combine flour, water and yeast into dough.",
    ),
    activity_note(
        "Proof",
        ["Dough from [[Mix]]."],
        ["Risen dough for [[Bake]].", "Proofing schedules for [[Bake]]."],
        purpose="Proof ensures the dough rises slowly in warm, humid air.",
    ),
    activity_note(
        "Bake",
        ["Risen dough from [[Proof]].", "Customer orders from customers."],
        ["Loaves for customers.", "Bake reports for [[Mix]]."],
        purpose="Bake turns risen dough into crusty loaves at a steady oven temperature.",
    ),
]


def test_bakery_questions_that_name_their_answer_are_dropped() -> None:
    cards, kept, report, diagnostics = screened(BAKERY)
    assert sorted((d.reason, d.question) for d in report.dropped) == [
        ("give-away", "Which stage provides Bake reports to Mix?"),
        ("give-away", "Which stage provides mixing logs to every other stage?"),
        ("give-away", "Which stage provides proofing schedules to Bake?"),
        ("give-away", "Who provides customer orders to Bake?"),
    ]
    assert diagnostics == []
    assert len(kept) == len(cards) - 4
    assert not any(gives_away_answer(c) for c in kept)
    # the forward questions about the same facts stay: they ask for the artifact, not the name
    fronts = {re.sub(r"<[^>]+>", "", c.front) for c in kept}
    assert {
        "What does Bake provide to Mix?",
        "What does Mix provide to every other stage?",
        "What two things does Proof provide to Bake?",
        "What does Bake receive from customers?",
    } <= fronts


LAW = [
    activity_note(
        "Pleadings",
        [],
        ["Status reports for [[Trial]].", "Complaints for [[Discovery]]."],
        purpose="The purpose of the pleadings phase is to frame the issues in dispute.",
    ),
    activity_note(
        "Discovery",
        ["Complaints from [[Pleadings]]."],
        ["Status reports for [[Trial]].", "Discovery responses for [[Trial]]."],
        purpose="The purpose of the discovery phase is to gather evidence from both sides.",
    ),
    activity_note(
        "Motions",
        [],
        ["Status reports for [[Trial]].", "Rulings for [[Trial]]."],
        purpose="The purpose of the motions phase is to settle legal questions before trial.",
    ),
    activity_note(
        "Mediation",
        [],
        ["Status reports for [[Trial]]."],
        purpose="The purpose of the mediation phase is to try to settle the case.",
    ),
    activity_note("Trial", [], ["Verdicts for the parties."]),
]


def test_law_a_question_four_phases_answer_is_unanswerable() -> None:
    _, kept, report, _ = screened(LAW)
    assert sorted((d.reason, d.question, d.origin) for d in report.dropped) == [
        ("give-away", "Which phase provides Discovery responses to Trial?", "Discovery.md:10"),
        ("unanswerable", "Which four phases provide status reports to Trial?", "Discovery.md:9"),
    ]
    # the same fact is still asked from each provider's side
    fronts = {re.sub(r"<[^>]+>", "", c.front) for c in kept}
    assert {
        "What does Mediation provide to Trial?",
        "What does Pleadings provide to Trial?",
        "What two things does Motions provide to Trial?",
        "What two things does Discovery provide to Trial?",
    } <= fronts
    assert report.budget()["flows"] == {"made": 9, "give-away": 1, "unanswerable": 1}


def test_biology_an_item_of_a_whole_sentence_is_too_long_to_ask() -> None:
    sentence = (
        "A net gain of two ATP molecules and two NADH molecules per glucose molecule split in "
        "the cytoplasm of every living cell"
    )
    notes = [
        activity_note(
            "Glycolysis",
            ["Glucose from the bloodstream."],
            ["Pyruvate for [[Krebs cycle]].", f"{sentence}."],
        ),
        activity_note("Krebs cycle", ["Pyruvate from [[Glycolysis]]."], []),
    ]
    _, kept, report, _ = screened(notes)
    [drop] = report.dropped
    assert (drop.kind, drop.origin, drop.reason) == (
        "outputs",
        "Glycolysis.md:7",
        "answer too long",
    )
    assert sentence in drop.question
    assert report.budget()["outputs"] == {"made": 0, "answer too long": 1}
    assert not any(sentence in c.front for c in kept)


BAKERY_WITH_CARDS = """\
---
cards-deck: Bakery
---
# Proof
>[!tip] Key Message
>The purpose of the proof stage is to let the dough rise slowly.

## Inputs
- Dough from [[Mix]].
## Outputs
- Risen dough for [[Bake]].

## Cards
What does Proof provide to Bake?::Risen dough

>[!info] card
>Which dough does Proof give Bake? Risen dough.
>---
>Risen dough
"""


def test_a_written_card_in_the_notes_wins_and_one_showing_its_answer_warns() -> None:
    notes = [
        parse_text("Proof.md", BAKERY_WITH_CARDS),
        parse_text(
            "Mix.md", "---\ncards-deck: Bakery\n---\n# Mix\n## Outputs\n- Dough for [[Proof]].\n"
        ),
        parse_text(
            "Bake.md",
            "---\ncards-deck: Bakery\n---\n# Bake\n## Inputs\n- Risen dough from [[Proof]].\n",
        ),
    ]
    cards, kept, report, diagnostics = screened(notes)
    inline = [c for c in kept if c.kind == "inline"]
    assert [c.origin for c in inline] == ["Proof.md:14"]
    assert [(d.kind, d.origin, d.reason) for d in report.dropped] == [
        ("flows", "Bake.md:6", "duplicate")
    ]
    assert report.self_answering == ["Proof.md:16"]
    assert sorted(messages(diagnostics)) == [
        ("Proof.md", 16, "card shows its own answer on the front"),
    ]
    assert report.by_kind == Counter({"purpose": 2, "flows": 3, "inline": 1, "callout": 1})
    assert len(kept) == len(cards) - 1
