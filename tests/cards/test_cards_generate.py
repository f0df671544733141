"""All cards of a vault (chaincards.cards.generate.all_cards): written cards unchanged before the
model's cards, which facts each `--cards` kind selects, the rules every generated card keeps, and
edits, and the step noun the notes use.

`--cards` selects facts, not card types: `flows` are the facts between two activities or from one
activity to every other; `inputs` / `outputs` the items naming a party, or no one. A card keeps
the kind its GUID was made with (a party's "What does Bake receive from customers?" is a `flows`
card, a list of a broadcast's outputs an `outputs` card), so a selection and the kinds of the cards
it gives can differ. Subjects: ITIL, a bakery, a CI pipeline and civil procedure.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import replace
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.generate import CARD_KINDS, all_cards
from chaincards.cards.quality import gives_away_answer, screen
from chaincards.cards.written import written_card_notes
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse.note import parse_note
from model.model_helpers import activity_note

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
        - Incidents from customers.
        - Change proposals from customers.
        ## Outputs
        - Consolidated demands for [[Plan]].
        - Service performance reports for customers.
        - Contracts and agreements.

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
        - Knowledge and information.
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


def dated(note: ParsedNote, mtime: int) -> ParsedNote:
    return replace(note, source=replace(note.source, mtime=mtime))


def generate(notes: list[ParsedNote], kinds: tuple[str, ...] = CARD_KINDS) -> list[CardNote]:
    cards, diagnostics = all_cards(notes, build_model(notes), "Vault", kinds)
    assert diagnostics == []
    return cards


def text(html: str) -> str:
    """What a card shows, as one line: inline markup dropped, list items and breaks spaced."""
    html = re.sub(r"</?(?:b|i|span)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def asked(card: CardNote) -> tuple[str, ...]:
    """(kind, question) of a basic card; (kind, head, answer) of a list card, whose siblings
    are the list tests' matter."""
    if card.shape == "cloze":
        return (card.kind, text(card.front.split("<ul>")[0]), *card.answers)
    return (card.kind, text(card.front))


def fronts(cards: list[CardNote]) -> list[tuple[str, ...]]:
    return [asked(c) for c in cards]


def words(html: str) -> int:
    html = re.sub(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", r"\1", html)
    return len(re.findall(r"\w+", unescape(re.sub(r"<[^>]+>", " ", html))))


@pytest.fixture(scope="module")
def notes() -> list[ParsedNote]:
    return [parse(path, body) for path, body in NOTES.items()]


@pytest.fixture(scope="module")
def cards(notes) -> list[CardNote]:
    return generate(notes)


BAKERY = [
    activity_note(
        "Mix",
        ["Flour from the miller.", "Water.", "Salt."],
        ["Dough for [[Proof]].", "Mixing logs for every other stage.", "Batch labels."],
        purpose="The purpose of the mix stage is to combine flour, water and yeast into dough.",
    ),
    activity_note(
        "Proof",
        ["Dough from [[Mix]].", "Temperature readings from every other stage."],
        ["Risen dough for [[Bake]].", "Proofing schedules for [[Bake]]."],
        purpose="The purpose of the proof stage is to let the dough rise slowly in warm air.",
    ),
    activity_note(
        "Bake",
        ["Risen dough from [[Proof]].", "Orders from customers.", "Complaints from customers."],
        ["Loaves for customers.", "Bake reports for [[Mix]]."],
        purpose="The purpose of the bake stage is to turn risen dough into crusty loaves.",
    ),
]

PIPELINE = [
    activity_note(
        "Build",
        ["Source code from developers."],
        [
            "Release notes for every other stage.",
            "Audit logs for every other stage.",
            "Test metrics for every other stage.",
            "Incident tags for every other stage.",
            "Artifacts for [[Deploy]].",
        ],
    ),
    activity_note("Deploy", ["Artifacts from [[Build]]."], ["Running services for users."]),
]

LAW = [
    activity_note(
        "Pleadings",
        ["Claims from the plaintiff."],
        ["Complaints for [[Discovery]].", "Case summaries."],
        purpose="The purpose of the pleadings phase is to frame the issues in dispute.",
    ),
    activity_note(
        "Discovery",
        ["Complaints from [[Pleadings]].", "Subpoenaed records from third parties."],
        ["Evidence for [[Trial]]."],
    ),
    activity_note("Trial", ["Evidence from [[Discovery]]."], ["Verdicts for the parties."]),
]


# ---------------------------------------------------------------------------------------------
# What a vault gives


def test_every_kind_is_made(cards) -> None:
    assert ("written", *MODEL_KINDS) == CARD_KINDS
    assert Counter(c.kind for c in cards) == {
        "callout": 1,
        "inline": 1,
        "purpose": 6,  # three activities: the key phrase's cloze and "Which activity …?" each
        # Plan → Engage, Engage → Plan, Plan → Improve, Improve → Plan: "What does A provide to
        # B?" and "Which activity provides X to B?" each; Plan → every other activity and back;
        # Plan ← governing body, Engage → customers: "What …?" and "Who …?" each; Engage ←
        # customers: four "Who provides …?" (its "What …?" has four answers: a list, below)
        "flows": 4 * 2 + 2 + 2 * 2 + 4,
        "inputs": 4 + 1,  # Engage ← customers as a list; Improve's input naming no one
        "outputs": 1,  # Engage's output naming no one
        "streams": 1,
    }


def test_written_cards_come_first_and_unchanged(notes, cards) -> None:
    expected = [c for note in notes for c in written_card_notes(note, "Course::Chain")[0]]
    assert cards[: len(expected)] == expected
    assert {c.kind for c in expected} == {"callout", "inline"}
    assert all("chaincards::written" in c.tags for c in expected)


def test_no_kinds_no_cards(notes) -> None:
    assert all_cards(notes, build_model(notes), "Vault", ()) == ([], [])


def test_the_order_of_kinds_does_not_matter_and_unknown_kinds_are_ignored(notes) -> None:
    assert generate(notes, ("outputs", "flows")) == generate(notes, ("flows", "outputs"))
    assert generate(notes, ("streams", "bogus")) == generate(notes, ("streams",))


# ---------------------------------------------------------------------------------------------
# Which facts each kind selects


@pytest.mark.parametrize(
    ("kind", "made"),
    [("written", {"callout", "inline"}), ("purpose", {"purpose"}), ("streams", {"streams"})],
)
def test_written_purpose_and_streams_select_their_own_cards(notes, cards, kind, made) -> None:
    assert generate(notes, (kind,)) == [c for c in cards if c.kind in made]


def test_flows_are_the_cards_that_ask_a_question_once() -> None:
    """`--cards flows` selects every card of kind `flows`: the questions about another activity,
    every activity or a party that one card asks, both ways."""
    assert fronts(generate(BAKERY, ("flows",))) == [
        ("flows", "What does Bake provide to customers?"),
        ("flows", "What two things does Bake receive from customers?"),
        ("flows", "Who receives loaves from Bake?"),
        ("flows", "Who provides orders to Bake?"),
        ("flows", "Who provides complaints to Bake?"),
        ("flows", "What does Mix provide to every other stage?"),
        ("flows", "What does Mix receive from the miller?"),
        ("flows", "Who provides flour to Mix?"),
        ("flows", "What does Proof receive from every other stage?"),
        ("flows", "What does Bake provide to Mix?"),
        ("flows", "What does Mix provide to Proof?"),
        ("flows", "What two things does Proof provide to Bake?"),
        ("flows", "Which stage provides Bake reports to Mix?"),
        ("flows", "Which stage provides dough to Proof?"),
        ("flows", "Which stage provides risen dough to Bake?"),  # the notes' order
        ("flows", "Which stage provides proofing schedules to Bake?"),
        ("flows", "Which stage provides mixing logs to every other stage?"),
        ("flows", "Which stage receives temperature readings from every other stage?"),
    ]


def test_inputs_and_outputs_are_the_list_cards() -> None:
    """`--cards inputs`/`outputs` select the list cards: items naming no one, and answers of a
    question too long for one card."""
    assert fronts(generate(BAKERY, ("inputs",))) == [
        ("inputs", "Inputs of Mix:", "Water"),
        ("inputs", "Inputs of Mix:", "Salt"),
    ]
    assert fronts(generate(BAKERY, ("outputs",))) == [
        ("outputs", "Outputs of Mix:", "Batch labels"),
    ]


def test_a_broadcast_too_long_for_one_card_is_asked_by_outputs_list_cards() -> None:
    outputs = generate(PIPELINE, ("outputs",))
    head = "What Build provides to every other step:"  # no note says what its steps are
    assert fronts(outputs) == [
        ("outputs", head, "Release notes"),
        ("outputs", head, "Audit logs"),
        ("outputs", head, "Test metrics"),
        ("outputs", head, "Incident tags"),
    ]
    flows = generate(PIPELINE, ("flows",))
    assert all(c.kind == "flows" and c.shape == "basic" for c in flows)
    assert ("flows", "Which step provides audit logs to every other step?") in fronts(flows)
    assert not {c.guid for c in flows} & {c.guid for c in outputs}


@pytest.mark.parametrize(
    ("vault", "selecting"),
    [
        ("itil", MODEL_KINDS),
        ("bakery", ("purpose", "flows", "inputs", "outputs")),
        ("pipeline", ("flows", "outputs")),  # no purpose, no sequence, no input list
        ("law", ("purpose", "flows", "outputs")),
    ],
)
def test_each_model_card_is_selected_by_exactly_one_kind(notes, vault, selecting) -> None:
    chosen = {"itil": notes, "bakery": BAKERY, "pipeline": PIPELINE, "law": LAW}[vault]
    every = generate(chosen, MODEL_KINDS)
    alone = {kind: generate(chosen, (kind,)) for kind in MODEL_KINDS}
    assert tuple(kind for kind in MODEL_KINDS if alone[kind]) == selecting
    # every card once: the kinds cut the facts apart and together give them all
    assert Counter(c.guid for kind in MODEL_KINDS for c in alone[kind]) == Counter(
        c.guid for c in every
    )
    assert all(c in every for kind in MODEL_KINDS for c in alone[kind])


def test_law_cards_by_kind() -> None:
    assert fronts(generate(LAW, ("inputs",))) == []
    assert fronts(generate(LAW, ("outputs",))) == [
        ("outputs", "Outputs of Pleadings:", "Case summaries"),
    ]
    assert fronts(generate(LAW, ("flows",))) == [
        ("flows", "What does Discovery receive from third parties?"),
        ("flows", "Who provides subpoenaed records to Discovery?"),
        ("flows", "What does Pleadings receive from the plaintiff?"),
        ("flows", "Who provides claims to Pleadings?"),
        ("flows", "What does Trial provide to parties?"),
        ("flows", "Who receives verdicts from Trial?"),
        ("flows", "What does Discovery provide to Trial?"),
        ("flows", "What does Pleadings provide to Discovery?"),
        ("flows", "Which phase provides evidence to Trial?"),
        ("flows", "Which phase provides complaints to Discovery?"),
    ]


# ---------------------------------------------------------------------------------------------
# What every generated card keeps


def test_every_model_card_is_tagged_with_its_kind_and_activity(cards) -> None:
    for card in cards:
        if card.kind not in MODEL_KINDS:
            continue
        assert f"chaincards::{card.kind}" in card.tags, card
        activities = [t for t in card.tags if t.startswith("chaincards::activity::")]
        assert len(activities) == (0 if card.kind == "streams" else 1), card
        assert "chaincards::written" not in card.tags
        assert card.answers, card


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


def test_no_hints_and_no_windows(cards) -> None:
    for card in cards:
        assert "cc-hint" not in card.front, card.front
        assert not re.search(r"one of \d|more not shown|\d+ in all", text(card.front)), card.front


def test_step_noun_is_the_chains(cards) -> None:
    which = [text(c.front) for c in cards if c.front.startswith("Which ")]
    assert which and all(f.startswith("Which activity ") for f in which)
    bakery = [text(c.front) for c in generate(BAKERY) if c.front.startswith("Which ")]
    assert bakery and all(f.startswith("Which stage ") for f in bakery)
    law = [text(c.front) for c in generate(LAW) if c.front.startswith("Which ")]
    assert law and all(f.startswith("Which phase ") for f in law)


def test_no_duplicate_question_within_a_deck(cards) -> None:
    _, report, diagnostics = screen(cards)
    assert report.suppressed_duplicates == 0
    assert not [d for d in diagnostics if "duplicate" in d.message]
    assert len({c.guid for c in cards}) == len(cards)


def test_the_screen_leaves_no_card_that_answers_itself(cards) -> None:
    kept, report, _ = screen(cards)
    assert report.self_answering == []
    assert not any(gives_away_answer(c) for c in kept)
    # Plan's broadcast is "strategic plans": asking which activity provides it names Plan
    assert [(d.reason, d.question) for d in report.dropped] == [
        ("give-away", "Which activity provides strategic plans to every other activity?")
    ]


def test_fronts_are_short(cards) -> None:
    assert max(words(c.front) for c in cards) <= 60


def test_cards_are_placed_in_the_deck_of_their_note(cards) -> None:
    decks = {c.deck for c in cards if c.kind != "streams"}
    assert decks == {"Course::Chain"}
    assert [c.deck for c in cards if c.kind == "streams"] == ["Course::Streams"]


def test_same_notes_same_cards(notes, cards) -> None:
    again = generate(list(reversed(notes)))
    assert sorted(c.guid for c in again) == sorted(c.guid for c in cards)
    assert {c.guid: c for c in again} == {c.guid: c for c in cards}


# ---------------------------------------------------------------------------------------------
# Edits and the step noun


def bakery(mtimes: tuple[int, int, int] = (100, 200, 300), noun: str = "stage") -> list[ParsedNote]:
    """The bakery with times of its own; `noun` is what Proof and Bake call themselves."""
    notes = list(BAKERY)
    notes[1] = activity_note(
        "Proof",
        ["Dough from [[Mix]].", "Temperature readings from every other stage."],
        ["Risen dough for [[Bake]].", "Proofing schedules for [[Bake]]."],
        purpose=f"The purpose of the proof {noun} is to let the dough rise slowly in warm air.",
    )
    notes[2] = activity_note(
        "Bake",
        ["Risen dough from [[Proof]].", "Orders from customers.", "Complaints from customers."],
        ["Loaves for customers.", "Bake reports for [[Mix]]."],
        purpose=f"The purpose of the bake {noun} is to turn risen dough into crusty loaves.",
    )
    return [dated(note, mtime) for note, mtime in zip(notes, mtimes, strict=True)]


def test_a_new_output_and_a_new_save_time_reach_the_cards() -> None:
    first = generate(bakery())
    # Bake's note is saved again (a new time, the same facts); Mix gains an output for Bake
    edited = bakery((100, 200, 999))
    edited[0] = dated(
        activity_note(
            "Mix",
            ["Flour from the miller.", "Water.", "Salt."],
            [
                "Dough for [[Proof]].",
                "Mixing logs for every other stage.",
                "Batch labels.",
                "Flour sacks for [[Bake]].",
            ],
            purpose="The purpose of the mix stage is to combine flour, water and yeast into dough.",
        ),
        100,
    )
    after = generate(edited)
    assert after != first
    bake_cards = [c for c in after if c.origin.startswith("Bake.md:")]
    assert bake_cards and {c.mod for c in bake_cards} == {999}
    assert "What does Mix provide to Bake?" in {text(c.front) for c in after}


def test_the_step_noun_the_notes_use_is_the_one_the_cards_say() -> None:
    after = generate(bakery(noun="process"))
    which = [text(c.front) for c in after if c.kind == "flows" and c.front.startswith("Which ")]
    assert which and all(f.startswith("Which process ") for f in which)
    # a purpose card names what its own note calls the step: Mix still says "stage"
    purposes = [
        text(c.front).split("?")[0] for c in after if c.shape == "basic" and c.kind == "purpose"
    ]
    assert sorted(purposes) == [
        "Which process has this purpose",
        "Which process has this purpose",
        "Which stage has this purpose",
    ]
