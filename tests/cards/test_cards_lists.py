"""Input and output cards (chaincards.cards.lists): one item hidden per card, at most 8 neighbours
shown around it, "(N more not shown)" for the rest, neighbours that contain the hidden words left
out.
"""

from __future__ import annotations

import re
import textwrap
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.generate import all_cards
from chaincards.cards.lists import MAX_NEIGHBOURS, window
from chaincards.cards.quality import gives_away_answer
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse import parse_note

MTIME = 1_700_000_000

# Fourteen inputs with no words in common, so no neighbour is ever left out for containing another.
FOURTEEN = [
    "Alpha reports",
    "Bravo budgets",
    "Charlie charters",
    "Delta designs",
    "Echo estimates",
    "Foxtrot forecasts",
    "Golf guidelines",
    "Hotel handbooks",
    "India invoices",
    "Juliet journals",
    "Kilo keys",
    "Lima licences",
    "Mike minutes",
    "November notices",
]


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


def activity(name: str, inputs: list[str], outputs: list[str], deck: str = "") -> ParsedNote:
    front = f"---\ncards-deck: {deck}\n---\n" if deck else ""
    lines = [f"# {name}"]
    if inputs:
        lines += ["## Inputs", *(f"- {i}" for i in inputs), ""]
    if outputs:
        lines += ["## Outputs", *(f"- {o}" for o in outputs), ""]
    return parse(f"{name}.md", front + "\n".join(lines))


def list_cards(
    *notes: ParsedNote, kinds: tuple[str, ...] = ("inputs", "outputs")
) -> list[CardNote]:
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", kinds)
    return cards


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class Shown:
    """What one list card shows: the hidden item, the visible neighbours, the tail."""

    def __init__(self, card: CardNote) -> None:
        self.card = card
        self.header = plain(card.front.split("<ul>")[0])
        self.lines = [plain(li) for li in re.findall(r"<li>(.*?)</li>", card.front)]
        hidden = re.findall(r"\{\{c(\d+)::(.*?)\}\}", card.front)
        assert [n for n, _ in hidden] == ["1"], card.front  # exactly one deletion, c1
        self.hidden = unescape(hidden[0][1])
        self.index = next(i for i, line in enumerate(self.lines) if "{{c1::" in line)
        self.neighbours = [re.sub(r" [←→] .*$", "", x) for x in self.lines]
        del self.neighbours[self.index]
        tail = re.search(r"\((\d+) more not shown\)", card.front)
        self.more = int(tail.group(1)) if tail else 0


@pytest.fixture(scope="module")
def fourteen() -> list[Shown]:
    cards = list_cards(activity("Plan", [f"{x} from [[Engage]]." for x in FOURTEEN], []))
    return [Shown(c) for c in cards]


def test_fourteen_inputs_give_fourteen_cards_one_item_hidden_each(fourteen) -> None:
    assert [s.hidden for s in fourteen] == FOURTEEN
    assert {s.card.kind for s in fourteen} == {"inputs"}
    assert {s.card.shape for s in fourteen} == {"cloze"}
    assert all(s.header == "Inputs of Plan (14 in all):" for s in fourteen)


def test_at_most_eight_neighbours_and_the_rest_counted(fourteen) -> None:
    for shown in fourteen:
        assert len(shown.neighbours) == MAX_NEIGHBOURS == 8
        assert shown.more == 14 - 9
        assert "(5 more not shown)" in shown.card.front


@pytest.mark.parametrize(
    ("index", "first", "last"),
    [(0, 0, 8), (1, 0, 8), (6, 2, 10), (7, 3, 11), (12, 5, 13), (13, 5, 13)],
)
def test_window_is_centred_and_slides_at_the_ends(fourteen, index, first, last) -> None:
    shown = fourteen[index]
    expected = [x for x in FOURTEEN[first : last + 1] if x != FOURTEEN[index]]
    assert shown.neighbours == expected
    assert shown.lines[shown.index].startswith("{{c1::" + FOURTEEN[index] + "}}")


def test_neighbours_keep_list_order_and_show_where_items_come_from(fourteen) -> None:
    assert fourteen[3].lines[0] == "Alpha reports ← Engage"
    assert fourteen[3].lines[3] == "{{c1::Delta designs}} ← Engage"


@pytest.mark.parametrize(("index", "start", "stop"), [(0, 0, 9), (7, 3, 12), (13, 5, 14)])
def test_window_function(index: int, start: int, stop: int) -> None:
    assert window(list(range(14)), index) == range(start, stop)


def test_window_of_a_short_list_is_the_whole_list() -> None:
    assert window([1, 2, 3], 1) == range(0, 3)
    assert window([1], 0) == range(0, 1)


def test_a_short_list_shows_everything_and_no_tail() -> None:
    cards = list_cards(
        activity("Plan", ["Demands from customers.", "Budgets from [[Finance]]."], [])
    )
    for card in cards:
        shown = Shown(card)
        assert len(shown.neighbours) == 1
        assert shown.more == 0
        assert "more not shown" not in card.front


def test_neighbours_containing_the_hidden_words_are_left_out() -> None:
    outputs = [
        "Service components for [[Deliver]].",
        "Service components for [[Design]].",
        "Knowledge about service components for all value chain activities.",
        "Performance information for [[Improve]].",
        "Contract requirements for customers.",
    ]
    cards = list_cards(activity("Build", [], outputs), kinds=("outputs",))
    first = Shown(cards[0])
    assert first.hidden == "Service components"
    assert first.lines[0] == "{{c1::Service components}} → Deliver"
    assert first.neighbours == ["Performance information", "Contract requirements"]
    assert first.more == 2  # the two left out still count
    assert first.header == "Outputs of Build (5 in all):"
    # The longer item is hidden on its own card with the shorter ones in view: they do not
    # contain its words, so they stay.
    third = Shown(cards[2])
    assert third.hidden == "Knowledge about service components"
    assert "Service components" in third.neighbours
    assert "→ all activities" in third.lines[third.index]
    assert not any(gives_away_answer(c) for c in cards)


def test_counterparts_are_shown_with_arrows() -> None:
    cards = list_cards(
        activity(
            "Engage",
            [
                "Portfolio from [[Plan]].",
                "Demands from customers.",
                "Requirements from all activities.",
            ],
            ["Reports for customers and [[Plan]]."],
        )
    )
    inputs = Shown(cards[0])
    assert inputs.lines == [
        "{{c1::Portfolio}} ← Plan",
        "Demands ← customers",
        "Requirements ← all activities",
    ]
    [output] = [Shown(c) for c in cards if c.kind == "outputs"]
    assert output.lines == ["{{c1::Reports}} → customers, Plan"]


def test_tags_and_guids_follow_the_item_not_its_position() -> None:
    items = ["Alpha reports from [[Engage]].", "Bravo budgets from customers."]
    before = list_cards(activity("Plan", items, []))
    after = list_cards(activity("Plan", [items[1], "Zulu zones.", items[0]], []))
    by_hidden = {Shown(c).hidden: c.guid for c in after}
    assert [by_hidden[Shown(c).hidden] for c in before] == [c.guid for c in before]
    for card in before:
        assert {"chaincards::inputs", "chaincards::activity::Plan"} <= set(card.tags)
        assert card.back == ""
    assert before[0].origin == "Plan.md:3"


def test_item_stated_in_chapter_and_own_note_is_one_card_in_the_own_notes_deck() -> None:
    chapter = parse(
        "Chapter.md",
        """\
        ---
        cards-deck: Course::Chapter
        ---
        # Chapter
        ## 5.3 Plan Activity
        Plan: Input
        - Consolidated demands from engage
        """,
    )
    plan = activity("Plan", ["Consolidated demands from [[Engage]]."], [], deck="Course::Plan")
    cards = list_cards(chapter, plan)
    [card] = [c for c in cards if c.kind == "inputs"]
    assert card.deck == "Course::Plan"
    assert card.origin.startswith("Plan.md:")
