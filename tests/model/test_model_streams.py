"""Value streams (chaincards.model.streams)."""

from __future__ import annotations

import pytest
from model_helpers import NoteBuilder, activity_note

from chaincards.document import ParsedNote
from chaincards.model import build_model

CHAIN = [
    "Plan",
    "Engage",
    "Design and transition",
    "Obtain or build",
    "Deliver and support",
    "Improve",
]


def chain_notes() -> list[ParsedNote]:
    return [
        activity_note(name, [f"Things from {name}"], [], path=f"chain/{name}.md") for name in CHAIN
    ]


def streams(*blocks: NoteBuilder) -> list[tuple[str, tuple[str, ...]]]:
    notes = chain_notes() + [b.build() for b in blocks]
    return [(s.name, s.steps) for s in build_model(notes).value_streams]


@pytest.mark.parametrize(
    "line",
    [
        "new service introduction: Plan-Engage-Design-Obtain/Build-Deliver & Support-Improve",
        "new service introduction: Plan → Engage → Design → Obtain/Build → Deliver & Support "
        "→ Improve",
        "new service introduction: Plan -> Engage -> Design and transition -> Obtain or build "
        "-> Deliver and support -> Improve",
        "new service introduction: Plan - Engage - Design - Obtain/Build - Deliver - Improve",
    ],
)
def test_named_chain_in_a_paragraph(line: str) -> None:
    assert streams(NoteBuilder("VS.md").p(line)) == [("new service introduction", tuple(CHAIN))]


def test_chain_in_a_list_item() -> None:
    result = streams(
        NoteBuilder("VS.md").ul("Incident resolution: Engage → Deliver and support → Improve")
    )
    assert result == [("Incident resolution", ("Engage", "Deliver and support", "Improve"))]


def test_chain_at_the_end_of_a_prose_sentence() -> None:
    text = (
        "Value streams compose subsets of activities for targeted scenarios. Example: new service "
        "introduction sequences Plan-Engage-Design-Obtain/Build-Deliver & Support-Improve. Chains "
        "adapt to cloud migrations."
    )
    assert streams(NoteBuilder("Article.md").p(text)) == [
        ("new service introduction", tuple(CHAIN))
    ]


def test_two_step_arrow_chain_and_unnamed_chain() -> None:
    result = streams(NoteBuilder("VS.md").p("Engage -> Plan"))
    assert result == [("", ("Engage", "Plan"))]  # the notes give it no name


def test_numbered_list_under_a_value_stream_heading() -> None:
    note = (
        NoteBuilder("VS.md")
        .h(2, "Value stream: User onboarding")
        .p("When a new employee joins, a manager asks for accounts.")
        .ol("Engage", "Obtain or build: laptop and licences", "Deliver and support", "Improve")
    )
    assert streams(note) == [
        ("User onboarding", ("Engage", "Obtain or build", "Deliver and support", "Improve"))
    ]


def test_unnamed_chain_under_a_value_stream_heading_takes_its_name() -> None:
    note = NoteBuilder("VS.md").h(2, "Incident value stream").p("Engage → Deliver → Improve")
    assert streams(note) == [("Incident", ("Engage", "Deliver and support", "Improve"))]


@pytest.mark.parametrize(
    "text",
    [
        "Onboarding: Engage → Procure → Improve",  # Procure is no activity
        "Demand enters via Engage, flowing through Plan, Design, Obtain/Build, Deliver & Support.",
        "High-level demand for services and third-party components",
        "The Plan-Engage handoff matters",  # a two-step dash chain inside prose is too weak
        "Onboarding: Engage → D → Improve",  # `D` starts two activities: ambiguous
    ],
)
def test_not_a_value_stream(text: str) -> None:
    assert streams(NoteBuilder("VS.md").p(text)) == []


def test_list_with_an_unknown_step_is_not_a_value_stream() -> None:
    note = NoteBuilder("VS.md").h(2, "Value stream: Hiring").ol("Engage", "Interview", "Improve")
    assert streams(note) == []


def test_a_plural_value_streams_heading_names_no_stream() -> None:
    note = NoteBuilder("VS.md").h(2, "5.9 Service Value Streams").ol("Plan", "Engage")
    assert streams(note) == []


def test_the_same_stream_twice_is_kept_once() -> None:
    note = NoteBuilder("VS.md").p("Fix: Engage → Improve").p("Fix: Engage → Improve")
    assert streams(note) == [("Fix", ("Engage", "Improve"))]


def test_name_before_a_dash_and_two_step_dash_line() -> None:
    assert streams(NoteBuilder("VS.md").p("Incident resolution - Engage → Deliver → Improve")) == [
        ("Incident resolution", ("Engage", "Deliver and support", "Improve"))
    ]
    assert streams(NoteBuilder("VS.md").p("Quick fix: Engage - Improve")) == [
        ("Quick fix", ("Engage", "Improve"))
    ]
