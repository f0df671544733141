"""Value stream cards (chaincards.cards.streams): one cloze note per stream, a deletion per step."""

from __future__ import annotations

import re
import textwrap
from html import unescape

from chaincards.cards.card import CardNote
from chaincards.cards.generate import all_cards
from chaincards.cards.quality import gives_away_answer
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse import parse_note

MTIME = 1_700_000_000
ACTIVITIES = ("Engage", "Plan", "Design and transition", "Obtain or build", "Deliver and support")


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


def chain() -> list[ParsedNote]:
    return [
        parse(f"{name}.md", f"# {name}\n## Inputs\n- Demands from customers.\n")
        for name in ACTIVITIES
    ]


def stream_cards(*notes: ParsedNote) -> list[CardNote]:
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", ("streams",))
    return cards


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
    assert onboarding.origin.startswith("Value streams.md:")


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
