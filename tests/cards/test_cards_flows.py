"""Flow cards (chaincards.cards.flows): one artifact per card, distinct fronts with hints, their own
wording for parties and "all activities", one card per fact in the most specific note's deck.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.facts import distinguishing_hint
from chaincards.cards.generate import all_cards
from chaincards.cards.guid import normalise_key
from chaincards.cards.quality import gives_away_answer
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse import parse_note
from chaincards.pipeline import drop_duplicate_fronts

MTIME = 1_700_000_000


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


def activity(
    name: str, inputs: list[str], outputs: list[str], deck: str = "", mtime: int = MTIME
) -> ParsedNote:
    front = f"---\ncards-deck: {deck}\n---\n" if deck else ""
    lines = [f"# {name}", ">[!tip] Key Message", f">The purpose of {name} is to be tested.", ""]
    if inputs:
        lines += ["## Inputs", *(f"- {i}" for i in inputs), ""]
    if outputs:
        lines += ["## Outputs", *(f"- {o}" for o in outputs), ""]
    return parse(f"{name}.md", front + "\n".join(lines), mtime)


def flow_cards(*notes: ParsedNote) -> list[CardNote]:
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", ("flows",))
    return cards


def text(html: str) -> str:
    html = re.sub(r"</?(?:b|i|span)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def question(card: CardNote) -> str:
    """The front without its hint."""
    return text(re.sub(r'<div class="cc-hint">.*?</div>', "", card.front))


def hint(card: CardNote) -> str:
    found = re.search(r'<div class="cc-hint">(.*?)</div>', card.front)
    return text(found.group(1)) if found else ""


def asking(cards: list[CardNote], front: str) -> list[CardNote]:
    return [c for c in cards if question(c) == front]


PLAN_TO_DESIGN = ["Portfolio decisions", "Target architectures and policies", "Strategic plans"]


@pytest.fixture
def pair_notes() -> list[ParsedNote]:
    """Plan gives Design three artifacts, stated at both ends."""
    plan = activity("Plan", [], [f"{a} for [[Design]]." for a in PLAN_TO_DESIGN])
    design = activity("Design", [f"{a} provided by [[Plan]]." for a in PLAN_TO_DESIGN], [])
    return [plan, design]


def test_one_forward_card_per_artifact_with_distinct_fronts(pair_notes) -> None:
    cards = flow_cards(*pair_notes)
    forward = asking(cards, "What does Plan provide to Design?")
    assert sorted(text(c.back) for c in forward) == sorted(PLAN_TO_DESIGN)
    fronts = [normalise_key(c.front) for c in forward]
    assert len(set(fronts)) == len(fronts) == 3
    for card in forward:
        assert hint(card).startswith("one of 3 — ")
        assert not gives_away_answer(card)
        assert normalise_key(text(card.back)) not in normalise_key(hint(card))


def test_no_card_asks_for_all_artifacts_at_once(pair_notes) -> None:
    cards = flow_cards(*pair_notes)
    for card in cards:
        back = text(card.back)
        assert sum(a in back for a in PLAN_TO_DESIGN) <= 1, back
        assert not re.search(r"\b(name|list) (all|every|the \d+)\b", question(card), re.I)


def test_reverse_card_asks_which_activity_provides_the_artifact(pair_notes) -> None:
    cards = flow_cards(*pair_notes)
    [card] = asking(cards, "Which activity provides Portfolio decisions to Design?")
    assert text(card.back) == "Plan"
    assert "<i>Portfolio decisions</i>" in card.front
    assert not gives_away_answer(card)
    assert len([c for c in cards if question(c).startswith("Which activity provides")]) == 3


def test_a_single_artifact_between_two_activities_has_no_hint() -> None:
    cards = flow_cards(
        activity("Plan", [], ["Portfolio decisions for [[Design]]."]),
        activity("Design", ["Portfolio decisions from [[Plan]]."], []),
    )
    [card] = asking(cards, "What does Plan provide to Design?")
    assert hint(card) == ""
    assert text(card.back) == "Portfolio decisions"


def test_a_flow_stated_at_both_ends_is_one_card_each_way(pair_notes) -> None:
    cards = flow_cards(*pair_notes)
    assert len(cards) == 6
    assert len({c.guid for c in cards}) == 6


def test_tags_source_and_time_of_a_flow_card() -> None:
    plan = activity("Plan", [], ["Portfolio decisions for [[Design]]."], mtime=MTIME + 9)
    design = activity("Design", ["Portfolio decisions from [[Plan]]."], [])
    cards = flow_cards(plan, design)
    [forward] = asking(cards, "What does Plan provide to Design?")
    [reverse] = asking(cards, "Which activity provides Portfolio decisions to Design?")
    assert "chaincards::flows" in forward.tags
    assert "chaincards::activity::Plan" in forward.tags
    assert "chaincards::activity::Design" in reverse.tags
    # Both notes state the flow: the card carries the later of their times.
    assert forward.mod == reverse.mod == MTIME + 9
    assert re.search(r">(Design|Plan)\.md:\d+</a>", forward.source)


def test_a_fact_in_a_chapter_and_an_own_note_is_carded_in_the_own_notes_deck() -> None:
    chapter = parse(
        "Chapter.md",
        """\
        ---
        cards-deck: Course::Chapter
        ---
        # Chapter 5
        ## 5.3 Plan Activity
        Plan: Output
        - Portfolio decisions for design

        ## 5.4 Design Activity
        Design: Input
        - Portfolio decisions provided by plan
        """,
    )
    design = activity("Design", ["Portfolio decisions provided by [[Plan]]."], [], "Course::Design")
    cards = flow_cards(chapter, design)
    [forward] = asking(cards, "What does Plan provide to Design?")
    [reverse] = asking(cards, "Which activity provides Portfolio decisions to Design?")
    assert forward.deck == reverse.deck == "Course::Design"
    assert forward.origin.startswith("Design.md:")


def test_guid_is_the_flow_not_its_hint_or_line() -> None:
    one = flow_cards(
        activity("Plan", [], ["Portfolio decisions for [[Design]]."]),
        activity("Design", [], []),
    )
    two = flow_cards(
        activity(
            "Plan", [], ["Strategic plans for [[Design]].", "portfolio  decisions for [[Design]]."]
        ),
        activity("Design", [], []),
    )
    [first] = asking(one, "What does Plan provide to Design?")
    again = [c for c in asking(two, "What does Plan provide to Design?") if "ortfolio" in c.back]
    assert [c.guid for c in again] == [first.guid]
    assert again[0].front != first.front  # now "one of 2"


ENGAGE_WITH_PARTIES = [
    "Detailed requirements from customers.",
    "Feedback and requests from customers.",
    "Goods and services from partners and suppliers.",
    "Policies and constraints from the governing body.",
]


def test_parties_get_their_own_wording() -> None:
    engage = activity("Engage", ENGAGE_WITH_PARTIES, ["Service performance reports for customers."])
    cards = flow_cards(engage)
    received = asking(cards, "What does Engage receive from customers?")
    assert sorted(text(c.back) for c in received) == [
        "Detailed requirements",
        "Feedback and requests",
    ]
    assert all(hint(c).startswith("one of 2 — ") for c in received)
    [who] = asking(cards, "Who provides Detailed requirements to Engage?")
    assert text(who.back) == "customers"
    [supplier] = asking(cards, "Who provides Goods and services to Engage?")
    assert text(supplier.back) == "partners and suppliers"
    [out] = asking(cards, "What does Engage provide to customers?")
    assert text(out.back) == "Service performance reports"
    [receiver] = asking(cards, "Who receives Service performance reports from Engage?")
    assert text(receiver.back) == "customers"
    # A party is never asked for as an activity.
    assert not [c for c in cards if question(c).startswith("Which activity")]
    assert not any(gives_away_answer(c) for c in cards)


def test_broadcast_is_one_card_not_one_per_activity() -> None:
    plan = activity("Plan", [], ["Strategic plans for all value chain activities."])
    others = [activity(n, ["Demands from customers."], []) for n in ("Engage", "Design", "Build")]
    cards = flow_cards(plan, *others)
    [card] = asking(cards, "What does Plan provide to every other activity?")
    assert text(card.back) == "Strategic plans"
    assert not [c for c in cards if "Strategic plans" in c.back and c is not card]
    assert not [c for c in cards if "Strategic plans" in c.front]


def test_broadcast_input_is_received_from_every_other_activity() -> None:
    engage = activity("Engage", ["Contract requirements from all value chain activities."], [])
    others = [activity(n, [], ["Reports for customers."]) for n in ("Plan", "Design")]
    cards = flow_cards(engage, *others)
    [card] = asking(cards, "What does Engage receive from every other activity?")
    assert text(card.back) == "Contract requirements"
    assert not [c for c in cards if "Who provides" in c.front]


def test_a_broadcast_confirmed_by_one_activity_gets_a_card_for_that_pair_only() -> None:
    plan = activity("Plan", [], ["Strategic plans for all value chain activities."])
    design = activity("Design", ["Strategic plans from [[Plan]]."], [])
    engage = activity("Engage", ["Demands from customers."], [])
    cards = flow_cards(plan, design, engage)
    assert len(asking(cards, "What does Plan provide to every other activity?")) == 1
    [pair] = asking(cards, "What does Plan provide to Design?")
    assert text(pair.back) == "Strategic plans"
    assert not asking(cards, "What does Plan provide to Engage?")


def test_no_duplicate_fronts_in_a_small_chain(pair_notes) -> None:
    engage = activity("Engage", ENGAGE_WITH_PARTIES, ["Consolidated demands for [[Plan]]."])
    cards = flow_cards(*pair_notes, engage)
    fronts = Counter((c.deck, normalise_key(c.front)) for c in cards)
    assert [f for f, n in fronts.items() if n > 1] == []
    assert drop_duplicate_fronts(cards, [])[1] == 0


@pytest.mark.parametrize(
    ("artifact", "siblings", "expected"),
    [
        ("Portfolio decisions", ["Portfolio decisions", "Strategic plans"], "Portfolio …"),
        (
            "Improvement status reports",
            ["Improvement initiatives and plans", "Improvement status reports"],
            "Improvement status …",
        ),
        # No shorter prefix tells them apart: half the words, never the whole artifact.
        ("Service components", ["Service components", "Service components"], "Service …"),
    ],
)
def test_distinguishing_hint(artifact: str, siblings: list[str], expected: str) -> None:
    assert distinguishing_hint(artifact, siblings) == expected


def test_same_artifact_from_two_parties_is_one_who_card_naming_both() -> None:
    engage = activity("Engage", ["Feedback from customers.", "Feedback from users."], [])
    cards = flow_cards(engage)
    diagnostics: list = []
    kept, suppressed = drop_duplicate_fronts(cards, diagnostics)
    assert suppressed == 0, diagnostics
    [who] = asking(kept, "Who provides Feedback to Engage?")
    assert "customers" in text(who.back) and "users" in text(who.back)


def test_which_activity_card_context_does_not_show_the_answer() -> None:
    improve = activity("Improve", [], ["Improvement initiatives for [[Plan]]."])
    plan = activity("Plan", ["Improvement initiatives from [[Improve]]."], [])
    cards = flow_cards(improve, plan)
    [card] = asking(cards, "Which activity provides Improvement initiatives to Plan?")
    assert "improve" not in text(card.context).casefold()
