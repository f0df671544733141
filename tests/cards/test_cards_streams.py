"""Sequence cards (chaincards.cards.streams): one cloze note per stated sequence, a deletion per
step, named with the notes' own kind word (`Value stream`, `Pathway`, `Route`, `Pipeline`, …).

Subjects: ITIL value streams, respiration pathways, a press shop's routes, a CI pipeline and the
phases of a civil case.
"""

from __future__ import annotations

import re
import textwrap
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.generate import all_cards
from chaincards.cards.guid import card_guid
from chaincards.cards.quality import gives_away_answer, screen
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse.note import parse_note

MTIME = 1_700_000_000
ACTIVITIES = ("Engage", "Plan", "Design and transition", "Obtain or build", "Deliver and support")


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


def steps(*names: str) -> list[ParsedNote]:
    """One note per step, each with an input so that it is an activity."""
    return [
        parse(f"{name}.md", f"# {name}\n## Inputs\n- Demands from customers.\n") for name in names
    ]


def chain() -> list[ParsedNote]:
    return steps(*ACTIVITIES)


RESPIRATION = ("Glycolysis", "Pyruvate oxidation", "Krebs cycle", "Electron transport chain")
PRESS_SHOP = ("Blanking", "Stamping", "Welding", "Painting")
CI = ("Build", "Test", "Deploy")
CIVIL = ("Pleadings", "Discovery", "Trial", "Appeal")


def stream_cards(*notes: ParsedNote) -> list[CardNote]:
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", ("streams",))
    return cards


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def deletions(card: CardNote) -> list[tuple[int, str]]:
    return [(int(n), unescape(t)) for n, t in re.findall(r"\{\{c(\d+)::(.*?)\}\}", card.front)]


STREAMS = """\
---
cards-deck: Course::Streams
tags: [streams]
---
# Value streams
## Examples
- Incident resolution: Engage → Deliver and support
- New service: Engage → Plan → Design → Obtain or build → Deliver and support

## Value stream: User onboarding
1. Engage
2. Obtain or build
3. Deliver and support
"""


def test_one_cloze_note_per_stream_one_deletion_per_step() -> None:
    cards = stream_cards(*chain(), parse("Value streams.md", STREAMS))
    assert [c.shape for c in cards] == ["cloze"] * 3
    incident, new, onboarding = cards
    assert deletions(incident) == [(1, "Engage"), (2, "Deliver and support")]
    # `Design` is read as the one activity whose name starts with it.
    assert deletions(new) == [
        (1, "Engage"),
        (2, "Plan"),
        (3, "Design and transition"),
        (4, "Obtain or build"),
        (5, "Deliver and support"),
    ]
    assert deletions(onboarding) == [
        (1, "Engage"),
        (2, "Obtain or build"),
        (3, "Deliver and support"),
    ]


def test_stream_card_names_the_stream_and_shows_the_order() -> None:
    _, new, _ = stream_cards(*chain(), parse("Value streams.md", STREAMS))
    assert new.front.startswith("Value stream <b>New service</b>:<br>")
    assert " → {{c2::Plan}} → " in new.front
    assert new.back == ""
    assert not gives_away_answer(new)


def test_deck_tags_and_source_of_a_stream_card() -> None:
    incident, _, onboarding = stream_cards(*chain(), parse("Value streams.md", STREAMS))
    assert incident.deck == "Course::Streams"
    assert incident.kind == "streams"
    assert set(incident.tags) == {"chaincards::streams", "streams"}
    assert incident.origin == "Value streams.md:7"
    assert onboarding.origin == "Value streams.md:11"  # the list under its heading


def test_guid_is_the_streams_name_not_its_steps() -> None:
    before = stream_cards(*chain(), parse("VS.md", "# VS\n- Intake: Engage → Plan\n"))
    after = stream_cards(
        *chain(), parse("VS.md", "# VS\n- Intake: Engage → Plan → Deliver and support\n")
    )
    other = stream_cards(*chain(), parse("VS.md", "# VS\n- Outtake: Engage → Plan\n"))
    assert [c.guid for c in before] == [c.guid for c in after]
    assert before[0].guid != other[0].guid


def test_a_chain_with_an_unknown_step_is_no_stream() -> None:
    assert stream_cards(*chain(), parse("VS.md", "# VS\n- Intake: Engage → Lunch → Plan\n")) == []


def test_no_activities_no_stream_cards() -> None:
    assert stream_cards(parse("VS.md", "# VS\n- Intake: Engage → Plan\n")) == []


def test_a_stream_that_revisits_an_activity_does_not_answer_itself() -> None:
    text = "# VS\n- New service: Engage → Plan → Deliver and support → Plan → Engage\n"
    [card] = stream_cards(*chain(), parse("VS.md", text))
    assert not gives_away_answer(card)


def test_answers_are_the_steps_each_once() -> None:
    incident, new, _ = stream_cards(*chain(), parse("Value streams.md", STREAMS))
    assert incident.answers == ("Engage", "Deliver and support")
    assert new.answers == (
        "Engage",
        "Plan",
        "Design and transition",
        "Obtain or build",
        "Deliver and support",
    )
    text = "# VS\n- New service: Engage → Plan → Deliver and support → Plan → Engage\n"
    [revisit] = stream_cards(*chain(), parse("VS.md", text))
    assert revisit.answers == ("Engage", "Plan", "Deliver and support")
    assert [n for n, _ in deletions(revisit)] == [1, 2, 3, 2, 1]


@pytest.mark.parametrize(
    ("names", "note", "front"),
    [
        (  # biology: the kind word in the name
            RESPIRATION,
            "# Respiration\nAerobic respiration pathway: Glycolysis → Pyruvate oxidation → "
            "Krebs cycle → Electron transport chain.\n",
            "Pathway <b>Aerobic respiration</b>:<br>{{c1::Glycolysis}} → "
            "{{c2::Pyruvate oxidation}} → {{c3::Krebs cycle}} → {{c4::Electron transport chain}}",
        ),
        (  # biology: the kind word in the heading above the list
            RESPIRATION,
            "# Metabolism\n## Metabolic pathways\n- Aerobic respiration: Glycolysis → "
            "Pyruvate oxidation → Electron transport chain\n",
            "Pathway <b>Aerobic respiration</b>:<br>{{c1::Glycolysis}} → "
            "{{c2::Pyruvate oxidation}} → {{c3::Electron transport chain}}",
        ),
        (  # biology: a heading that names one sequence, one step per item
            RESPIRATION,
            "# Notes\n## Pathway: Inside the mitochondria\n1. Pyruvate oxidation\n"
            "2. Krebs cycle\n3. Electron transport chain\n",
            "Pathway <b>Inside the mitochondria</b>:<br>{{c1::Pyruvate oxidation}} → "
            "{{c2::Krebs cycle}} → {{c3::Electron transport chain}}",
        ),
        (  # manufacturing
            PRESS_SHOP,
            "# Press shop\n- Strip route: Blanking → Stamping → Welding\n",
            "Route <b>Strip</b>:<br>{{c1::Blanking}} → {{c2::Stamping}} → {{c3::Welding}}",
        ),
        (  # manufacturing: a step that comes back keeps its number
            PRESS_SHOP,
            "# Press shop\n- Body workflow: Stamping -> Welding -> Painting -> Welding\n",
            "Workflow <b>Body</b>:<br>{{c1::Stamping}} → {{c2::Welding}} → {{c3::Painting}} → "
            "{{c2::Welding}}",
        ),
        (  # software
            CI,
            "# CI\nRelease pipeline: Build → Test → Deploy\n",
            "Pipeline <b>Release</b>:<br>{{c1::Build}} → {{c2::Test}} → {{c3::Deploy}}",
        ),
        (  # law: a two-word kind word
            CIVIL,
            "# Civil case\n- Civil claim life cycle: Pleadings → Discovery → Trial → Appeal\n",
            "Life cycle <b>Civil claim</b>:<br>{{c1::Pleadings}} → {{c2::Discovery}} → "
            "{{c3::Trial}} → {{c4::Appeal}}",
        ),
        (  # law: no kind word anywhere
            CIVIL,
            "# Civil case\n- Civil claim: Pleadings → Discovery → Trial → Appeal\n",
            "Sequence <b>Civil claim</b>:<br>{{c1::Pleadings}} → {{c2::Discovery}} → "
            "{{c3::Trial}} → {{c4::Appeal}}",
        ),
    ],
)
def test_a_sequence_is_named_with_the_notes_kind_word(
    names: tuple[str, ...], note: str, front: str
) -> None:
    [card] = stream_cards(*steps(*names), parse("Sequences.md", note))
    assert card.front == front
    assert card.kind == "streams"
    assert not gives_away_answer(card)


def test_a_kind_word_inside_a_steps_name_is_not_the_sequences_kind() -> None:
    note = "# Respiration\n- Aerobic respiration: Glycolysis → Pyruvate oxidation → Krebs cycle\n"
    [card] = stream_cards(*steps(*RESPIRATION), parse("Respiration.md", note))
    assert card.front.startswith("Sequence <b>Aerobic respiration</b>:<br>"), card.front


@pytest.mark.parametrize(
    ("names", "note"),
    [
        (CI, "# CI\n- Build → Test → Deploy\n"),
        (CI, "# CI\nFirst build, then test, then deploy.\n"),
        (CIVIL, "# Civil case\n## Phases\n- Pleadings → Discovery → Trial\n"),
    ],
)
def test_an_unnamed_sequence_does_not_show_its_steps_as_its_name(
    names: tuple[str, ...], note: str
) -> None:
    cards = stream_cards(*steps(*names), parse("Unnamed.md", note))
    assert len(cards) == 1
    assert not gives_away_answer(cards[0]), cards[0].front
    kept, _, _ = screen(cards)
    assert kept == cards


def test_the_verb_that_introduces_a_sequence_is_not_its_name() -> None:
    note = "# Civil case\nA civil case follows this sequence: Pleadings → Discovery → Trial.\n"
    [card] = stream_cards(*steps(*CIVIL), parse("Civil case.md", note))
    named = re.match(r"Sequence <b>(.*?)</b>:<br>", card.front)
    assert named is not None, card.front
    assert "follows" not in named.group(1).split(), named.group(1)


def test_context_and_source_of_a_stream_card() -> None:
    incident, _, onboarding = stream_cards(*chain(), parse("Value streams.md", STREAMS))
    assert plain(incident.context) == "Value streams › Examples"
    assert plain(onboarding.context) == "Value streams › Value stream: User onboarding"
    assert plain(incident.source) == "Value streams.md:7"
    assert "obsidian://open?vault=vault&amp;file=Value%20streams" in incident.source
    cited = parse(
        "Biology/Respiration.md",
        "# Respiration\nAerobic respiration pathway: Glycolysis → Pyruvate oxidation → "
        "Krebs cycle.\n\nSee [[Campbell Biology.pdf#page=164|Campbell Biology]].\n",
    )
    [card] = stream_cards(*steps(*RESPIRATION), cited)
    assert plain(card.source) == "Biology/Respiration.md:2 · Campbell Biology, p. 164"
    assert plain(card.context) == "Respiration"


def test_guid_is_the_one_of_the_old_value_stream_card() -> None:
    """Same fact, same identity, whatever kind word the card now shows."""
    [route] = stream_cards(
        *steps(*PRESS_SHOP), parse("Routes.md", "# Routes\n- Strip route: Blanking → Stamping\n")
    )
    assert route.guid == card_guid("model", "streams", "value stream", "strip")
    incident, _, _ = stream_cards(*chain(), parse("Value streams.md", STREAMS))
    assert incident.guid == card_guid("model", "streams", "value stream", "incident resolution")


def test_the_screen_keeps_named_sequences_of_every_subject() -> None:
    notes = [
        *chain(),
        *steps(*RESPIRATION, *PRESS_SHOP, *CI, *CIVIL),
        parse("Value streams.md", STREAMS),
        parse(
            "Respiration.md",
            "# Respiration\n- Aerobic respiration pathway: Glycolysis → "
            "Pyruvate oxidation → Krebs cycle → Electron transport chain\n",
        ),
        parse("Press shop.md", "# Press shop\n- Strip route: Blanking → Stamping → Welding\n"),
        parse("CI.md", "# CI\nRelease pipeline: Build → Test → Deploy → Test\n"),
        parse("Civil case.md", "# Civil case\n- Civil claim: Pleadings → Discovery → Trial\n"),
    ]
    cards = stream_cards(*notes)
    assert len(cards) == 7
    kept, report, _ = screen(cards)
    assert kept == cards, [d.to_json() for d in report.dropped]
    assert report.budget() == {"streams": {"made": 7}}
