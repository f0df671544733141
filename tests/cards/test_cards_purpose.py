"""Purpose cards (chaincards.cards.purpose): the purpose asks for the step's name (the name and the
words sharing its stem hidden as "…"), and one cloze note asks the purpose's key phrase in pieces
of at most about eight words, one deletion each.

Notes go through the real parser (`parse_note`) or `model_helpers`, the model and `all_cards`, as
in a build; the subjects are ITIL, biology, civil procedure, a press shop and a CI pipeline.
"""

from __future__ import annotations

import re
import textwrap
from html import unescape

import pytest

from chaincards.cards.card import CardNote
from chaincards.cards.facts import activity_pattern
from chaincards.cards.generate import all_cards
from chaincards.cards.guid import card_guid
from chaincards.cards.purpose import MAX_PIECE_WORDS, pieces, split_purpose
from chaincards.cards.quality import gives_away_answer, screen
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import build_model
from chaincards.parse.note import parse_note
from model.model_helpers import activity_note

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

PYRUVATE = """\
---
cards-deck: Biology::Respiration
---
# Pyruvate oxidation
Pyruvate oxidation is the stage of aerobic respiration that links glycolysis to the Krebs cycle.

## Purpose
>[!tip] Key Message
>The purpose of pyruvate oxidation is to convert pyruvate into acetyl-CoA, releasing carbon
>dioxide and reducing NAD+ to NADH in the mitochondrial matrix.

## Inputs
- Pyruvate from [[Glycolysis]].
## Outputs
- Acetyl-CoA for [[Krebs cycle]].
"""

DISCOVERY = """\
# Discovery
Discovery is the phase of a civil case between the pleadings and trial.

>[!tip] Key Message
>The purpose of discovery is to narrow the issues in dispute, and to let each party obtain
>the evidence it needs before trial.

See [[Civil Procedure Handbook.pdf#page=88|Civil Procedure Handbook]].

## Inputs
- Pleadings from [[Pleadings]].
## Outputs
- Evidence for [[Trial]].
"""

STAMPING = """\
# Stamping
Stamping is the process that presses blanks into panels.

>[!tip] Key Message
>Stamping exists to press steel blanks into body panels with the exact shape, depth and
>surface finish that assembly needs, so stamped panels fit without rework.

## Inputs
- Blanks from [[Blanking]].
## Outputs
- Panels for [[Welding]].
"""

BUILD_PURPOSE = (
    "The purpose of the build stage is to compile the source code, run the unit tests and "
    "package versioned artifacts for deployment across all target platforms."
)


def parse(path: str, text: str, mtime: int = MTIME) -> ParsedNote:
    result = parse_note(SourceNote(path, "vault", textwrap.dedent(text), mtime))
    assert result.note is not None, result.diagnostics
    return result.note


def purpose_cards(*notes: ParsedNote) -> list[CardNote]:
    cards, _ = all_cards(list(notes), build_model(notes), "Vault", ("purpose",))
    return cards


def of(cards: list[CardNote], activity: str) -> tuple[CardNote, CardNote]:
    """(key-phrase cloze, purpose → name card) of one activity."""
    tag = f"chaincards::activity::{activity.replace(' ', '_')}"
    mine = [c for c in cards if tag in c.tags]
    assert [c.shape for c in mine] == ["cloze", "basic"], [(c.shape, c.front) for c in mine]
    return mine[0], mine[1]


def text(html: str) -> str:
    """What the learner reads: inline tags dropped, block tags as spaces."""
    html = re.sub(r"</?(?:b|i|span)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def cloze_parts(front: str) -> tuple[str, list[str]]:
    """(visible text with each deletion replaced by [...], hidden texts in order)."""
    numbers = [int(n) for n in re.findall(r"\{\{c(\d+)::", front)]
    assert numbers == list(range(1, len(numbers) + 1)), front  # c1, c2, … in reading order
    hidden = [unescape(h) for h in re.findall(r"\{\{c\d+::(.*?)\}\}", front)]
    return text(re.sub(r"\{\{c\d+::.*?\}\}", "[...]", front)), hidden


def purpose_of(card: CardNote) -> str:
    """The purpose statement a purpose → name card shows."""
    shown = card.front.partition("<br>")[2]
    assert shown.startswith("<i>") and shown.endswith("</i>"), card.front
    return text(shown)


def asked(phrase: str) -> list[str]:
    return [part for part, is_asked in pieces(phrase) if is_asked]


def rejoined(phrase: str) -> str:
    """The phrase put back together from its pieces, asked or not."""
    return " ".join(part for part, _ in pieces(phrase)).replace(" ,", ",").replace(" ;", ";")


# --- the two cards -------------------------------------------------------------------------------


def test_an_activity_with_a_purpose_gets_a_cloze_and_a_purpose_to_name_card() -> None:
    cards = purpose_cards(parse("Engage.md", ENGAGE))
    assert len(cards) == 2
    cloze, named = of(cards, "Engage")
    assert {c.kind for c in cards} == {"purpose"}
    assert cloze.guid != named.guid


def test_the_cloze_keeps_the_old_guid_and_the_purpose_to_name_card_gets_a_new_one() -> None:
    """The key-phrase cloze is the same fact on the same notetype: its reviews carry over. The
    old name ↔ purpose pair was a reversed note; Anki skips a note whose GUID it knows with
    another notetype, so the basic purpose → name card must not reuse it."""
    cloze, named = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    assert cloze.guid == card_guid("model", "purpose", "engage", "cloze")
    assert named.guid == card_guid("model", "purpose", "engage", "purpose to name")
    assert named.guid != card_guid("model", "purpose", "engage", "pair")


def test_no_purpose_no_purpose_card() -> None:
    note = parse("Plan.md", "# Plan\n## Inputs\n- Demands from [[Engage]].\n")
    assert purpose_cards(note) == []


# --- the key-phrase cloze ------------------------------------------------------------------------


def test_cloze_asks_the_key_phrase_in_pieces_and_names_the_activity() -> None:
    cloze, _ = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    visible, hidden = cloze_parts(cloze.front)
    assert visible == "The purpose of the engage value chain activity is to [...], and [...]."
    assert hidden == [
        "provide a good understanding of stakeholder needs, transparency",
        "continual engagement with all stakeholders",
    ]
    assert cloze.answers == tuple(hidden)
    assert cloze.back == ""
    assert not gives_away_answer(cloze)


@pytest.mark.parametrize(
    ("path", "note", "activity", "visible", "hidden"),
    [
        (
            "Biology/Pyruvate oxidation.md",
            PYRUVATE,
            "Pyruvate oxidation",
            "The purpose of pyruvate oxidation is to [...], [...] in the [...].",
            [
                "convert pyruvate into acetyl-CoA",
                "releasing carbon dioxide and reducing NAD+ to NADH",
                "mitochondrial matrix",
            ],
        ),
        (
            "Civil procedure/Discovery.md",
            DISCOVERY,
            "Discovery",
            "The purpose of discovery is to [...], and to [...] [...].",
            [
                "narrow the issues in dispute",
                "let each party obtain the evidence it needs",
                "before trial",
            ],
        ),
        (
            "Press shop/Stamping.md",
            STAMPING,
            "Stamping",
            "Stamping exists to [...] with the [...], [...], [...].",
            [
                "press steel blanks into body panels",
                "exact shape",
                "depth and surface finish that assembly needs",
                "so stamped panels fit without rework",
            ],
        ),
    ],
)
def test_key_phrase_pieces_in_several_subjects(
    path: str, note: str, activity: str, visible: str, hidden: list[str]
) -> None:
    cloze, _ = of(purpose_cards(parse(path, note)), activity)
    shown, deletions = cloze_parts(cloze.front)
    assert (shown, deletions) == (visible, hidden)
    assert cloze.answers == tuple(hidden)
    assert all(len(piece.split()) <= MAX_PIECE_WORDS for piece in deletions)
    assert not gives_away_answer(cloze)


def test_key_phrase_pieces_of_a_note_built_by_hand() -> None:
    note = activity_note(
        "Build", ["Source code from developers"], ["Artifacts for [[Deploy]]"], BUILD_PURPOSE
    )
    cloze, _ = of(purpose_cards(note), "Build")
    visible, hidden = cloze_parts(cloze.front)
    assert visible == "The purpose of the build stage is to [...], [...] for [...]."
    assert hidden == [
        "compile the source code",
        "run the unit tests and package versioned artifacts",
        "deployment across all target platforms",
    ]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (  # ITIL: a one-word segment joins the phrase before it.
            "provide a good understanding of stakeholder needs, transparency, and continual "
            "engagement with all stakeholders",
            [
                ("provide a good understanding of stakeholder needs, transparency", True),
                (",", False),
                ("and", False),
                ("continual engagement with all stakeholders", True),
            ],
        ),
        (  # biology: a long segment is cut before a preposition, the article stays visible.
            "oxidises pyruvate to acetyl-CoA and carbon dioxide, linking glycolysis to the Krebs "
            "cycle in the mitochondrial matrix",
            [
                ("oxidises pyruvate to acetyl-CoA and carbon dioxide", True),
                (",", False),
                ("linking glycolysis to the Krebs cycle", True),
                ("in the", False),
                ("mitochondrial matrix", True),
            ],
        ),
        (  # law: `according to` is never split.
            "ensure that services are delivered and supported according to the agreed "
            "specifications",
            [
                ("ensure that services are delivered and supported", True),
                ("according to the agreed specifications", True),
            ],
        ),
        (  # manufacturing: cut before `of`, with two content words on each side.
            "cut the steel coil into blanks of the right size for the press line",
            [
                ("cut the steel coil into blanks", True),
                ("of the", False),
                ("right size for the press line", True),
            ],
        ),
        (  # software: a comma list of clauses.
            "compile the source code, run the unit tests and package the artifacts for "
            "deployment across all target platforms",
            [
                ("compile the source code", True),
                (",", False),
                ("run the unit tests and package the artifacts", True),
                ("for", False),
                ("deployment across all target platforms", True),
            ],
        ),
        ("products, services", [("products, services", True)]),
        ("engage", [("engage", True)]),
    ],
)
def test_pieces(phrase: str, expected: list[tuple[str, bool]]) -> None:
    assert pieces(phrase) == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "provide a good understanding of stakeholder needs, transparency, and continual "
        "engagement with all stakeholders",
        "convert pyruvate into acetyl-CoA, releasing carbon dioxide and reducing NAD+ to NADH in "
        "the mitochondrial matrix",
        "narrow the issues in dispute, and to let each party obtain the evidence it needs before "
        "trial",
        "press steel blanks into body panels with the exact shape, depth and surface finish that "
        "assembly needs, so stamped panels fit without rework",
        "compile the source code, run the unit tests and package versioned artifacts for "
        "deployment across all target platforms",
        "provide the one two three four five six seven eight nine ten eleven twelve thirteen",
    ],
)
def test_pieces_cover_the_phrase_in_short_asked_phrases(phrase: str) -> None:
    assert rejoined(phrase) == phrase
    questions = asked(phrase)
    assert len(questions) >= 2
    assert all(1 <= len(q.split()) <= MAX_PIECE_WORDS for q in questions)
    # What is asked starts with a content word; joining words and commas stay visible.
    assert not any(
        q.split()[0].casefold() in {"and", "or", "the", "a", "of", "to"} for q in questions
    )
    assert not any(q.endswith((",", ";")) for q in questions)


@pytest.mark.parametrize(
    "phrase",
    [
        # law: `… obtain the evidence each party needs before` + `trial`
        "narrow the issues in dispute and obtain the evidence each party needs before trial",
        # accounting list with an Oxford comma: `schedules` asked alone
        "maintain records, budgets, forecasts, and schedules",
        # software: `safe` asked alone
        "a safe, repeatable release of tested artifacts to production with automated rollback",
    ],
)
def test_a_one_word_piece_is_joined_to_its_neighbour(phrase: str) -> None:
    assert rejoined(phrase) == phrase
    assert all(len(q.split()) >= 2 for q in asked(phrase)), pieces(phrase)


def test_chapter_section_purpose_names_the_activity_in_bold() -> None:
    cards = purpose_cards(parse("Chapter.md", CHAPTER))
    plan_cloze, _ = of(cards, "Plan")
    visible, hidden = cloze_parts(plan_cloze.front)
    assert visible == "Plan value chain activity ensures a [...] for [...]."
    assert hidden == [
        "shared understanding of the vision and the direction",
        "all products and services",
    ]
    # "This activity ensures …" does not say which activity: the card names it.
    ds_cloze, _ = of(cards, "Deliver and Support")
    visible, hidden = cloze_parts(ds_cloze.front)
    assert ds_cloze.front.startswith("<b>Deliver and Support</b> — ")
    assert visible == "Deliver and Support — This activity ensures that [...] [...]."
    assert hidden == [
        "services are delivered and supported",
        "according to the agreed specifications",
    ]


def test_purpose_without_a_pivot_is_asked_whole_in_pieces() -> None:
    note = activity_note(
        "Improve",
        [],
        ["Initiatives for customers"],
        "Continual improvement of products, services and practices everywhere.",
    )
    cloze, _ = of(purpose_cards(note), "Improve")
    visible, hidden = cloze_parts(cloze.front)
    assert visible == "The purpose of Improve: [...], [...]."
    assert "<b>Improve</b>" in cloze.front
    assert hidden == ["Continual improvement of products", "services and practices everywhere"]


def test_no_deletion_asks_for_the_name_the_card_shows() -> None:
    note = activity_note(
        "Build",
        ["Source code from developers"],
        ["Artifacts for [[Deploy]]"],
        "The build stage compiles the source code, runs the unit tests and packages versioned "
        "artifacts for deployment across all target platforms.",
    )
    cloze, _ = of(purpose_cards(note), "Build")
    _, hidden = cloze_parts(cloze.front)
    assert hidden
    assert not any(re.search(r"\bbuild\b", h, re.IGNORECASE) for h in hidden), hidden


def test_cloze_text_cannot_break_the_cloze_syntax() -> None:
    note = activity_note(
        "Compile",
        ["Sources from developers"],
        [],
        "The purpose of compile is to turn C++ sources using std::vector into object files, "
        "and to report {{template}} errors early.",
    )
    cloze, _ = of(purpose_cards(note), "Compile")
    assert len(re.findall(r"\{\{c\d+::", cloze.front)) == len(cloze.answers) == 2
    visible, hidden = cloze_parts(cloze.front)
    assert hidden == list(cloze.answers)
    assert hidden == [
        "turn C++ sources using std::vector into object files",
        "report {{template}} errors early",
    ]
    assert visible == "The purpose of compile is to [...], and to [...]."


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


# --- purpose → name ------------------------------------------------------------------------------


def test_the_purpose_asks_for_the_name_with_name_and_stem_words_hidden() -> None:
    _, named = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    assert named.front.startswith("Which activity has this purpose?<br><i>")
    assert purpose_of(named) == (
        "The purpose of the … value chain activity is to provide a good understanding of "
        "stakeholder needs, transparency, and continual … with all stakeholders."
    )
    assert named.back == "<b>Engage</b>"
    assert named.answers == ("Engage",)
    assert not gives_away_answer(named)


@pytest.mark.parametrize(
    ("path", "note", "activity", "question", "shown"),
    [
        (
            "Biology/Pyruvate oxidation.md",
            PYRUVATE,
            "Pyruvate oxidation",
            "Which stage has this purpose?",
            # `pyruvate` shares the name's stem: it would tell the answer.
            "The purpose of … is to convert … into acetyl-CoA, releasing carbon dioxide and "
            "reducing NAD+ to NADH in the mitochondrial matrix.",
        ),
        (
            "Civil procedure/Discovery.md",
            DISCOVERY,
            "Discovery",
            "Which phase has this purpose?",
            "The purpose of … is to narrow the issues in dispute, and to let each party obtain "
            "the evidence it needs before trial.",
        ),
        (
            "Press shop/Stamping.md",
            STAMPING,
            "Stamping",
            "Which process has this purpose?",
            "… exists to press steel blanks into body panels with the exact shape, depth and "
            "surface finish that assembly needs, so … panels fit without rework.",
        ),
    ],
)
def test_purpose_to_name_in_several_subjects_with_the_notes_kind_word(
    path: str, note: str, activity: str, question: str, shown: str
) -> None:
    _, named = of(purpose_cards(parse(path, note)), activity)
    assert named.front.partition("<br>")[0] == question
    assert purpose_of(named) == shown
    assert named.back == f"<b>{activity}</b>"
    assert not gives_away_answer(named)


def test_a_step_whose_notes_name_no_kind_is_asked_with_the_chains_step_noun() -> None:
    notes = [
        activity_note(
            "Glycolysis",
            ["Glucose from the blood"],
            ["Pyruvate for [[Krebs cycle]]"],
            "Glycolysis is the first stage: it splits glucose into two pyruvate molecules.",
        ),
        activity_note(
            "Krebs cycle",
            ["Pyruvate from [[Glycolysis]]"],
            ["NADH for [[Electron transport]]"],
            "The purpose of the Krebs cycle is to oxidise acetyl groups to carbon dioxide.",
        ),
        activity_note(
            "Electron transport",
            ["NADH from [[Krebs cycle]]"],
            [],
            "The electron transport stage provides most of the ATP of respiration.",
        ),
    ]
    cards = purpose_cards(*notes)
    _, krebs = of(cards, "Krebs cycle")
    assert krebs.front.startswith("Which stage has this purpose?<br>")
    assert (
        purpose_of(krebs) == "The purpose of the … is to oxidise acetyl groups to carbon dioxide."
    )


def test_a_chain_with_no_kind_word_asks_which_step() -> None:
    note = activity_note(
        "Plan", ["Demands from customers"], [], "Plan makes sure that work is ordered."
    )
    _, named = of(purpose_cards(note), "Plan")
    assert named.front.startswith("Which step has this purpose?<br>")


def test_name_is_masked_however_it_is_written() -> None:
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
    _, named = of(purpose_cards(note), "Obtain or build")
    shown = purpose_of(named)
    assert shown == "… makes sure that components are ready: … them on time."
    assert not activity_pattern(build_model([note]).activities[0]).search(shown)


@pytest.mark.parametrize(
    ("name", "purpose", "shown"),
    [
        (  # ITIL: `plans`, `planning` and `planner` share the stem, `planet` does not.
            "Plan",
            "The purpose of plan is to make plans and planning visible to every planner on the "
            "planet.",
            "The purpose of … is to make … and … visible to every … on the planet.",
        ),
        (  # software: `tests`, `testing` hidden, `testimony` kept.
            "Test",
            "The test stage ensures that every build passes its unit tests and integration "
            "testing before release, with testimony from the QA team.",
            "The … stage ensures that every build passes its unit … and integration … before "
            "release, with testimony from the QA team.",
        ),
        (  # law: `trials` hidden, `tribunal` kept.
            "Trial",
            "The purpose of the trial is to decide the facts in dispute, as earlier trials and "
            "any tribunal have not.",
            "The purpose of the … is to decide the facts in dispute, as earlier … and any "
            "tribunal have not.",
        ),
        (  # manufacturing: `pressed`, `presses` hidden, `pressure` kept.
            "Press",
            "The press line exists to form blanks into pressed panels under controlled pressure, "
            "as the presses allow.",
            "The … line exists to form blanks into … panels under controlled pressure, as the "
            "… allow.",
        ),
    ],
)
def test_words_sharing_the_names_stem_are_hidden_and_look_alikes_stay(
    name: str, purpose: str, shown: str
) -> None:
    note = activity_note(name, ["Requests from customers"], [], purpose)
    _, named = of(purpose_cards(note), name)
    assert purpose_of(named) == shown
    assert not gives_away_answer(named)


# --- context, source, deck, tags -----------------------------------------------------------------


def test_context_is_title_and_heading_path_with_the_name_hidden_where_it_is_the_answer() -> None:
    cloze, named = of(
        purpose_cards(parse("Biology/Pyruvate oxidation.md", PYRUVATE)), "Pyruvate oxidation"
    )
    assert text(cloze.context) == "Pyruvate oxidation › Purpose"
    assert text(named.context) == "… › Purpose"
    cards = purpose_cards(parse("Chapter.md", CHAPTER))
    cloze, named = of(cards, "Plan")
    assert text(cloze.context) == "5 The value chain › 5.3 Plan Activity"
    assert text(named.context) == "5 The value chain › 5.3 … Activity"
    _, named = of(cards, "Deliver and Support")
    assert text(named.context) == "5 The value chain › 5.8 … Activity"
    _, named = of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage")
    assert "engage" not in text(named.context).casefold()


def test_source_is_the_purpose_line_and_the_book_page_the_note_cites() -> None:
    cards = purpose_cards(parse("Civil procedure/Discovery.md", DISCOVERY))
    for card in of(cards, "Discovery"):
        assert card.origin == "Civil procedure/Discovery.md:4"
        assert ">Civil procedure/Discovery.md:4</a>" in card.source
        assert "file=Civil%20procedure%2FDiscovery" in card.source
        assert text(card.source) == (
            "Civil procedure/Discovery.md:4 · Civil Procedure Handbook, p. 88"
        )
    # No PDF page cited: the link alone.
    for card in of(purpose_cards(parse("Engage.md", ENGAGE)), "Engage"):
        assert text(card.source) == "Engage.md:7"


def test_source_tags_deck_and_time_come_from_the_purpose_note() -> None:
    cloze, named = of(purpose_cards(parse("Engage.md", ENGAGE, mtime=MTIME + 5)), "Engage")
    for card in (cloze, named):
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
    cloze, named = of(cards, "Plan")
    assert cloze.deck == named.deck == "Course::Chain"
    assert cloze.origin == named.origin == "Plan.md:5"  # the Key Message callout
    assert "one shared picture" in text(cloze.front)
    assert "one shared picture" in purpose_of(named)
    assert len(cards) == 4  # Plan (once) and Deliver and Support


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


def test_the_screen_keeps_every_purpose_card_of_a_mixed_vault() -> None:
    notes = [
        parse("Engage.md", ENGAGE),
        parse("Chapter.md", CHAPTER),
        parse("Biology/Pyruvate oxidation.md", PYRUVATE),
        parse("Civil procedure/Discovery.md", DISCOVERY),
        parse("Press shop/Stamping.md", STAMPING),
        activity_note("Build", ["Source code from developers"], [], BUILD_PURPOSE),
    ]
    cards = purpose_cards(*notes)
    assert len(cards) == 14
    kept, report, _ = screen(cards)
    assert kept == cards, [d.to_json() for d in report.dropped]
    assert report.budget() == {"purpose": {"made": 14}}
