"""Purpose cards (chaincards.cards.purpose): a cloze over the purpose's key phrase with the activity
named, and a reversed pair activity ↔ purpose whose purpose side never names the activity.

Notes go through the real parser (`parse_note`), the model and `all_cards`, as in a build.
"""

from __future__ import annotations

import re
import textwrap
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.facts import activity_pattern
from chaincards.cards.generate import all_cards
from chaincards.cards.purpose import split_purpose
from chaincards.cards.quality import gives_away_answer
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse import parse_note

MTIME = 1_700_000_000

ENGAGE_PURPOSE = (
    "The purpose of the engage value chain activity is to provide a good understanding of "
    "stakeholder needs, transparency, and continual engagement with all stakeholders."
)
ENGAGE = f"""\
---
aliases: [Engage]
tags: [itil4/value-chain]
cards-deck: Course::Chain
---
# Engage
>[!tip] Key Message
>{ENGAGE_PURPOSE}

## Inputs
- Demands from customers.
## Outputs
- Consolidated demands for [[Plan]].
"""

CHAPTER = """\
---
cards-deck: Course::Chapter
---
# 5 The value chain
## 5.3 Plan Activity
Plan value chain activity ensures a shared understanding of the vision and the direction
for all products and services.

Plan: Input
- Consolidated demands from engage

## 5.8 Deliver and Support Activity
This activity ensures that services are delivered and supported according to the agreed
specifications.

Deliver and Support: Output
- Services for customers
"""


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


def purpose_cards(*notes: ParsedNote) -> list[CardNote]:
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", ("purpose",))
    return cards


def of(cards: list[CardNote], activity: str) -> tuple[CardNote, CardNote]:
    """(cloze, pair) of one activity."""
    tag = f"chaincards::activity::{activity.replace(' ', '_')}"
    mine = [c for c in cards if tag in c.tags]
    assert [c.shape for c in mine] == ["cloze", "reverse"], [(c.shape, c.front) for c in mine]
    return mine[0], mine[1]


def text(html: str) -> str:
    """What the learner reads: inline tags dropped, block tags as spaces."""
    html = re.sub(r"</?(?:b|i|span)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def cloze_parts(front: str) -> tuple[str, list[str]]:
    """(visible text with each deletion replaced by [...], hidden texts)."""
    hidden = re.findall(r"\{\{c\d+::(.*?)\}\}", front)
    return text(re.sub(r"\{\{c\d+::.*?\}\}", "[...]", front)), hidden


def test_an_activity_with_a_purpose_gets_a_cloze_and_a_reversed_pair() -> None:
    cards = purpose_cards(parse("Engage.md", ENGAGE))
    assert len(cards) == 2
    cloze, pair = of(cards, "Engage")
    assert {c.kind for c in cards} == {"purpose"}
    assert cloze.guid != pair.guid


def test_cloze_hides_the_key_phrase_and_names_the_activity() -> None:
    cloze, _ = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    visible, hidden = cloze_parts(cloze.front)
    assert hidden == [
        "provide a good understanding of stakeholder needs, transparency, and continual "
        "engagement with all stakeholders"
    ]
    assert visible == "The purpose of the engage value chain activity is to [...]."
    assert cloze.back == ""
    assert not gives_away_answer(cloze)


def test_pair_asks_for_the_purpose_by_name_and_the_name_by_the_purpose() -> None:
    _, pair = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    assert text(pair.front) == "Engage"
    back = text(pair.back)
    assert back.startswith("The purpose of the […] value chain activity is to provide")
    assert "engage" not in back.casefold().replace("engagement", "")
    assert not gives_away_answer(pair)


def test_chapter_section_purpose_names_the_activity_in_bold() -> None:
    cards = purpose_cards(parse("Chapter.md", CHAPTER))
    plan_cloze, _ = of(cards, "Plan")
    visible, hidden = cloze_parts(plan_cloze.front)
    assert visible == "Plan value chain activity ensures [...]."
    assert hidden == [
        "a shared understanding of the vision and the direction for all products and services"
    ]
    # "This activity ensures …" does not say which activity: the card names it.
    ds_cloze, ds_pair = of(cards, "Deliver and Support")
    visible, hidden = cloze_parts(ds_cloze.front)
    assert "<b>Deliver and Support</b>" in ds_cloze.front
    assert visible == "Deliver and Support — This activity ensures that [...]."
    assert hidden == ["services are delivered and supported according to the agreed specifications"]
    assert text(ds_pair.back).startswith("This activity ensures that services are delivered")


def test_name_is_masked_however_it_is_written_on_the_side_that_asks_for_it() -> None:
    note = parse(
        "Obtain or build.md",
        """\
        ---
        aliases: [Obtain/build, Obtain and build]
        ---
        # Obtain or build
        >[!tip] Key Message
        >Obtain/build makes sure that components are ready: OBTAIN  AND  BUILD them on time.

        ## Inputs
        - Specifications from [[Design]].
        ## Outputs
        - Components for [[Design]].
        """,
    )
    _, pair = of(purpose_cards(note), "Obtain or build")
    back = text(pair.back)
    assert back == "[…] makes sure that components are ready: […] them on time."
    assert not activity_pattern(build_model([note]).activities[0]).search(back)


def test_the_name_is_masked_but_words_that_only_start_with_it_stay() -> None:
    note = parse(
        "Plan.md",
        """\
        # Plan
        >[!tip] Key Message
        >The purpose of plan is to make plans and planning visible to everyone.

        ## Inputs
        - Demands from customers.
        """,
    )
    _, pair = of(purpose_cards(note), "Plan")
    assert (
        text(pair.back) == "The purpose of […] is to make plans and planning visible to everyone."
    )


def test_purpose_without_a_pivot_is_hidden_whole() -> None:
    note = parse(
        "Improve.md",
        """\
        # Improve
        >[!tip] Key Message
        >Continual improvement of products, services and practices everywhere.

        ## Outputs
        - Initiatives for customers.
        """,
    )
    cloze, _ = of(purpose_cards(note), "Improve")
    visible, hidden = cloze_parts(cloze.front)
    assert visible == "The purpose of Improve: [...]."
    assert hidden == ["Continual improvement of products, services and practices everywhere"]


def test_no_purpose_no_purpose_card() -> None:
    note = parse("Plan.md", "# Plan\n## Inputs\n- Demands from [[Engage]].\n")
    assert purpose_cards(note) == []


@pytest.mark.parametrize(
    ("purpose", "lead", "key"),
    [
        (
            "The purpose of the deliver and support value chain activity is to ensure that "
            "services are delivered.",
            "The purpose of the deliver and support value chain activity is to",
            "ensure that services are delivered",
        ),
        (
            "Deliver and support value chain activity ensures that services are delivered and "
            "supported.",
            "Deliver and support value chain activity ensures that",
            "services are delivered and supported",
        ),
        # Too little after the pivot: the whole purpose is the key phrase.
        ("Deliver and support helps users.", "", "Deliver and support helps users"),
    ],
)
def test_split_purpose_never_splits_at_a_verb_inside_the_name(
    purpose: str, lead: str, key: str
) -> None:
    note = parse("Deliver and support.md", "# Deliver and support\n## Inputs\n- Tasks from users\n")
    activity = build_model([note]).activities[0]
    assert split_purpose(purpose, activity_pattern(activity)) == (lead, key)


def test_guid_follows_the_activity_not_the_wording_or_the_file() -> None:
    before = purpose_cards(parse("Engage.md", ENGAGE))
    reworded = ENGAGE.replace(
        "provide a good understanding of stakeholder needs",
        "build a clear picture of what stakeholders need",
    )
    after = purpose_cards(parse("Engage.md", reworded))
    moved = purpose_cards(parse("Value chain/ITIL Engage.md", ENGAGE))
    assert [c.guid for c in before] == [c.guid for c in after] == [c.guid for c in moved]
    assert before[0].front != after[0].front
    other = purpose_cards(parse("Plan.md", ENGAGE.replace("Engage", "Plan")))
    assert not {c.guid for c in other} & {c.guid for c in before}


def test_source_tags_deck_and_time_come_from_the_purpose_note() -> None:
    cloze, pair = of(purpose_cards(parse("Engage.md", ENGAGE, mtime=MTIME + 5)), "Engage")
    for card in (cloze, pair):
        assert card.origin == "Engage.md:7"
        assert ">Engage.md:7</a>" in card.source
        assert "obsidian://open?vault=vault&amp;file=Engage" in card.source
        assert card.deck == "Course::Chain"
        assert card.mod == MTIME + 5
        assert set(card.tags) == {
            "chaincards::purpose",
            "chaincards::activity::Engage",
            "itil4::value-chain",
        }
        assert all(" " not in tag for tag in card.tags)


def test_purpose_stated_in_chapter_and_own_note_is_carded_once_in_the_own_notes_deck() -> None:
    plan = parse(
        "Plan.md",
        """\
        ---
        cards-deck: Course::Chain
        ---
        # Plan
        >[!tip] Key Message
        >The purpose of the plan value chain activity is to give everyone one shared
        >picture of the way ahead.

        ## Inputs
        - Consolidated demands from [[Engage]].
        """,
    )
    cards = purpose_cards(parse("Chapter.md", CHAPTER), plan)
    cloze, pair = of(cards, "Plan")
    assert cloze.deck == pair.deck == "Course::Chain"
    assert cloze.origin == "Plan.md:5"  # the Key Message callout
    assert "one shared picture" in cloze.front
    assert len(cards) == 4  # Plan (once) and Deliver and Support


def test_pair_context_does_not_name_the_activity() -> None:
    _, pair = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    assert "engage" not in text(pair.context).casefold()
