"""List cards (chaincards.cards.lists): a question with many answers, or items naming no one, is one
cloze per answer that hides it and shows every other answer of the same question (no window, no
"(N more not shown)"); a sibling holding the hidden words shows them as "…".
"""

from __future__ import annotations

import re
import textwrap
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.generate import all_cards
from chaincards.cards.quality import gives_away_answer, screen
from chaincards.document import ParsedNote, SourceNote
from chaincards.keys import normalise_key
from chaincards.model import build_model
from chaincards.parse.note import parse_note
from model.model_helpers import activity_note

MTIME = 1_700_000_000

# Fourteen items with no words in common, so no sibling is ever masked for containing another.
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
    *notes: ParsedNote, kinds: tuple[str, ...] = ("flows", "inputs", "outputs")
) -> list[CardNote]:
    """The list cards (clozes) all_cards makes of these notes."""
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", kinds)
    return [c for c in cards if c.shape == "cloze"]


def plain(html: str) -> str:
    html = re.sub(r"</?(?:b|i|span)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class Shown:
    """What one list card shows: its head, its lines, the hidden answer and its siblings."""

    def __init__(self, card: CardNote) -> None:
        self.card = card
        self.header = plain(card.front.split("<ul>")[0])
        self.lines = [plain(li) for li in re.findall(r"<li>(.*?)</li>", card.front)]
        hidden = re.findall(r"\{\{c(\d+)::(.*?)\}\}", card.front)
        assert [n for n, _ in hidden] == ["1"], card.front  # exactly one deletion, c1
        self.hidden = unescape(hidden[0][1])
        self.index = next(i for i, line in enumerate(self.lines) if "{{c1::" in line)
        self.siblings = [x for i, x in enumerate(self.lines) if i != self.index]


def shown(cards: list[CardNote]) -> list[Shown]:
    return [Shown(c) for c in cards]


def by_hidden(cards: list[CardNote]) -> dict[str, Shown]:
    return {s.hidden: s for s in shown(cards)}


# --- every other answer shown --------------------------------------------------------------

CUSTOMERS = [
    "Detailed requirements",
    "Feedback and requests",
    "Change requests",
    "Contract terms",
]


@pytest.fixture
def customers() -> list[Shown]:
    """Engage receives four things from customers (ITIL): too many for one card."""
    engage = activity_note("Engage", [f"{x} from customers." for x in CUSTOMERS], [])
    return shown(list_cards(engage))


def test_each_answer_is_hidden_on_its_own_card(customers) -> None:
    assert [s.hidden for s in customers] == CUSTOMERS
    assert {s.card.kind for s in customers} == {"inputs"}
    assert {s.card.back for s in customers} == {""}
    assert [s.card.answers for s in customers] == [(x,) for x in CUSTOMERS]
    assert all(s.header == "What Engage receives from customers:" for s in customers)


def test_every_other_answer_is_shown_in_the_notes_order(customers) -> None:
    for index, card in enumerate(customers):
        assert card.index == index
        assert card.siblings == [x for x in CUSTOMERS if x != card.hidden]
        assert card.lines[index] == "{{c1::" + CUSTOMERS[index] + "}}"
        assert "more not shown" not in card.card.front
        assert "cc-hint" not in card.card.front


def test_fourteen_answers_show_all_thirteen_others() -> None:
    cards = shown(list_cards(activity_note("Plan", [f"{x}." for x in FOURTEEN], [])))
    assert [s.hidden for s in cards] == FOURTEEN
    for card in cards:
        assert card.header == "Inputs of Plan:"
        assert len(card.siblings) == 13
        assert card.siblings == [x for x in FOURTEEN if x != card.hidden]
        assert "more not shown" not in card.card.front


def test_many_flows_between_two_steps_are_list_cards_of_the_pair() -> None:
    cards = shown(
        list_cards(activity_note("Plan", [f"{x} from [[Engage]]." for x in FOURTEEN], []))
    )
    assert [s.hidden for s in cards] == FOURTEEN
    for card in cards:
        assert card.header == "What Engage provides to Plan:"
        assert "<b>Plan</b>" in card.card.front.split("<ul>")[0]
        assert card.siblings == [x for x in FOURTEEN if x != card.hidden]
        assert card.card.kind == "outputs"  # the source's outputs
        assert "chaincards::activity::Engage" in card.card.tags


def test_a_question_with_three_short_answers_has_no_list_cards() -> None:
    engage = activity_note("Engage", [f"{x} from customers." for x in CUSTOMERS[:3]], [])
    assert list_cards(engage) == []


# --- items naming no one ---------------------------------------------------------------------


def test_items_naming_no_one_are_shown_in_their_whole_list() -> None:
    mill = activity_note(
        "Mill",
        [],
        [
            "Recipes for all stages.",
            "Bran.",
            "Sacks for customers.",
            "Flour for [[Bake]].",
            "Dust.",
        ],
    )
    cards = list_cards(mill, activity_note("Bake", [], ["Loaves for customers."]))
    found = by_hidden(cards)
    assert sorted(found) == ["Bran", "Dust"]  # the others have questions of their own
    bran = found["Bran"]
    assert bran.header == "Outputs of Mill:"
    assert bran.lines == [
        "Recipes → every other step",
        "{{c1::Bran}}",
        "Sacks → customers",
        "Flour → Bake",
        "Dust",
    ]
    assert found["Dust"].index == 4
    assert {s.card.kind for s in found.values()} == {"outputs"}


def test_every_other_step_in_a_list_uses_the_notes_noun() -> None:
    purpose = "The purpose of the glycolysis stage is to split glucose."
    note = activity_note("Glycolysis", [], ["ATP for all stages.", "Heat."], purpose=purpose)
    [card] = shown(list_cards(note))
    assert card.header == "Outputs of Glycolysis:"
    assert card.lines == ["ATP → every other stage", "{{c1::Heat}}"]


def test_a_lone_item_naming_no_one_is_still_asked() -> None:
    [card] = shown(list_cards(activity_note("Bake", [], ["Loaves."])))
    assert (card.header, card.lines) == ("Outputs of Bake:", ["{{c1::Loaves}}"])


def test_the_hidden_line_is_the_items_own_even_when_another_has_its_words() -> None:
    engage = activity_note("Engage", ["Feedback from customers.", "Budgets.", "Feedback."], [])
    card = by_hidden(list_cards(engage))["Feedback"]
    assert card.index == 2
    assert card.lines == ["… ← customers", "Budgets", "{{c1::Feedback}}"]


# --- nothing given away ----------------------------------------------------------------------


def test_a_sibling_holding_the_hidden_words_shows_them_as_an_ellipsis() -> None:
    outputs = [
        "Service components.",
        "Knowledge about service components.",
        "Performance information.",
        "Contract requirements.",
    ]
    cards = list_cards(activity_note("Build", [], outputs))
    found = by_hidden(cards)
    first = found["Service components"]
    assert first.siblings == [
        "Knowledge about …",
        "Performance information",
        "Contract requirements",
    ]
    # The longer item hidden: the shorter one does not hold its words, so it stays whole.
    longer = found["Knowledge about service components"]
    assert longer.siblings == [
        "Service components",
        "Performance information",
        "Contract requirements",
    ]
    assert not any(gives_away_answer(c) for c in cards)
    kept, report, _ = screen(cards)
    assert (len(kept), report.dropped) == (4, [])


def test_masking_ignores_case_and_whole_words_only() -> None:
    inputs = ["Feedback.", "Customer FEEDBACK forms.", "Feedbacks log.", "Minutes."]
    found = by_hidden(list_cards(activity_note("Review", inputs, [])))
    assert found["Feedback"].siblings == ["Customer … forms", "Feedbacks log", "Minutes"]


def test_a_hidden_answer_ending_in_punctuation_is_masked_too() -> None:
    inputs = ["Plans (approved).", "Budgets and plans (approved).", "Minutes.", "Agendas."]
    cards = list_cards(activity_note("Review", inputs, []))
    card = by_hidden(cards)["Plans (approved)"]
    assert card.siblings == ["Budgets and …", "Minutes", "Agendas"]
    kept, _, _ = screen(cards)
    assert card.card in kept


def test_cloze_syntax_in_items_cannot_break_the_cloze() -> None:
    inputs = ["std::vector headers.", "Templates {{T}}.", "Makefiles.", "Linker scripts."]
    cards = list_cards(activity_note("Compile", inputs, []))
    assert len(cards) == 4
    for card in cards:
        assert card.front.count("{{c1::") == 1
        assert card.front.count("::") == 1  # only the deletion's own
    found = by_hidden(cards)
    assert plain(unescape(found["Makefiles"].card.front)).count("std::vector") == 1


# --- heads -----------------------------------------------------------------------------------


def test_heads_name_the_counterpart_as_the_notes_do() -> None:
    purpose = "The purpose of the mill stage is to grind grain."
    mill = activity_note(
        "Mill",
        [f"{x} from the governing body." for x in ("Permits", "Levies", "Audits", "Codes")],
        [f"{x} for all stages." for x in ("Recipes", "Rotas", "Rules", "Tallies")],
        purpose=purpose,
    )
    heads = {s.header for s in shown(list_cards(mill))}
    assert heads == {
        "What Mill receives from the governing body:",
        "What Mill provides to every other stage:",
    }


# --- identities, tags, decks -----------------------------------------------------------------

# GUIDs that builds before the redesign gave these items' list cards (computed with that code).
OLD_GUIDS = {
    "Invoices": "ccbhf-9PF:w@;5W",
    "Delivery notes": "cc,9_za2#uRoir",
    "Recipes": "ccwcQ);+LMer&b",
    "Allergen lists": "ccb3p>*v`>23Hi/",
    "Spare parts": "ccbUd9bP3ruXJKU",
    "Sacks": "ccdpZz<ksG(aU)]",
}


def test_guids_of_unchanged_items_are_kept_from_earlier_builds() -> None:
    mill = activity_note(
        "Mill",
        ["Grain from farmers.", "Spare parts.", "Sacks."],
        [
            "Invoices for customers.",
            "Price lists for customers.",
            "Sacks of flour for customers.",
            "Delivery notes for customers.",
            "Recipes for all stages.",
            "Hygiene rules for all stages.",
            "Shift rotas for all stages.",
            "Allergen lists for all stages.",
        ],
    )
    found = by_hidden(list_cards(mill))
    assert {h: found[h].card.guid for h in OLD_GUIDS} == OLD_GUIDS


def test_tags_and_guids_follow_the_item_not_its_position() -> None:
    before = list_cards(activity_note("Plan", ["Alpha reports.", "Bravo budgets."], []))
    after = list_cards(
        activity_note("Plan", ["Bravo budgets.", "Zulu zones.", "alpha  reports."], [])
    )
    guids = {normalise_key(s.hidden): s.card.guid for s in shown(after)}
    assert [guids[normalise_key(s.hidden)] for s in shown(before)] == [c.guid for c in before]
    assert len({c.guid for c in after}) == 3
    for card in before:
        assert {"chaincards::inputs", "chaincards::activity::Plan"} <= set(card.tags)
        assert card.back == ""
    assert [c.origin for c in before] == ["Plan.md:3", "Plan.md:4"]
    assert plain(before[0].context) == "Plan › Inputs"


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
        - Consolidated demands
        """,
    )
    plan = activity("Plan", ["Consolidated demands."], [], deck="Course::Plan")
    [card] = list_cards(chapter, plan)
    assert card.kind == "inputs"
    assert card.deck == "Course::Plan"
    assert card.origin == "Plan.md:6"  # below the front matter
