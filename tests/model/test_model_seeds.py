"""Acceptance on the real learner notes in ../shared/seeds (kept as .txt, read here as .md).

000 and 002 are activity notes, 003 a chapter note, 001 a transcript and 004 an article.
"""

from __future__ import annotations

import pytest
from model_helpers import parse_text

from chaincards.document import ParsedNote
from chaincards.model import ALL, Model, build_model
from chaincards.model.export import all_flows
from seedfiles import seed_folder

SEEDS = seed_folder()

ENGAGE_NOTE, TRANSCRIPT, DELIVER_NOTE, CHAPTER, ARTICLE = "000", "001", "002", "003", "004"


def seeds(*prefixes: str) -> list[ParsedNote]:
    assert SEEDS is not None
    files = sorted(f for f in SEEDS.glob("*.txt") if f.name[:3] in prefixes)
    assert len(files) == len(prefixes)
    return [parse_text(f"{f.stem}.md", f.read_text(encoding="utf-8")) for f in files]


P, IM, E, DT, OB, DS = (
    "Plan",
    "Improve",
    "Engage",
    "Design and Transition",
    "Obtain or Build",
    "Deliver and Support",
)
# The chapter, read by hand: each activity's inputs (sources) and outputs (targets), in order.
CHAPTER_LISTS: dict[str, tuple[list[list[str]], list[list[str]]]] = {
    P: ([[], [], [], [], [], []], [[], [DT], [DT], [IM], [E], [E]]),
    # `Stakeholders' feedback` names no counterpart: it is what arrives, not who sends it.
    IM: ([[], [], [], [], []], [[ALL], [P, "governing body"], [ALL], [DT]]),
    E: (
        [
            [P],
            ["customers"],
            ["customers"],
            ["customers"],
            ["users"],
            [DS],
            ["customers"],
            ["partners and suppliers"],
            [ALL],
            ["partners and suppliers"],
            [DT, OB],
            [DS],
            [IM],
            [IM],
        ],
        [[P], [DT], [DS], [IM], [OB], [OB, DT], [ALL], ["customers"]],
    ),
    DT: ([[P], [P], [E], [IM], [DS, IM], [OB], [E], [OB]], [[OB], [E], [DS], [ALL], [IM]]),
    OB: (
        [[P], [E], ["partners and suppliers"], [DT], [IM], [IM], [E], [DS], [DT], [E]],
        [[DS], [DT], [ALL], [E], [IM]],
    ),
    DS: (
        [[DT], [E], [OB], [IM], [IM], [E], [DT, OB], [E]],
        [["customers and users"], [E], [E, IM], [IM], [E], [OB], [DT]],
    ),
}


@pytest.fixture(scope="module")
def chapter() -> Model:
    return build_model(seeds(CHAPTER))


def test_chapter_alone_has_the_six_activities_with_their_list_sizes(chapter: Model) -> None:
    sizes = [(a.name, len(a.inputs), len(a.outputs)) for a in chapter.activities]
    assert sizes == [(P, 6, 6), (IM, 5, 4), (E, 14, 8), (DT, 8, 5), (OB, 10, 5), (DS, 8, 7)]
    assert all(a.purpose for a in chapter.activities)
    assert chapter.activity("Plan").purpose.startswith("Plan value chain activity ensures")  # type: ignore[union-attr]


def test_chapter_counterparts_match_the_text(chapter: Model) -> None:
    read = {
        a.name: ([i.names for i in a.inputs], [i.names for i in a.outputs])
        for a in chapter.activities
    }
    assert read == {name: (ins, outs) for name, (ins, outs) in CHAPTER_LISTS.items()}


def test_chapter_flows_are_exactly_the_stated_ones(chapter: Model) -> None:
    names = list(CHAPTER_LISTS)
    stated: set[tuple[str, str]] = set()
    for name, (ins, outs) in CHAPTER_LISTS.items():
        for sources in ins:
            for source in sources:
                if source == ALL:
                    stated |= {(other, name) for other in names if other != name}
                elif source in names:
                    stated.add((source, name))
        for targets in outs:
            for target in targets:
                if target == ALL:
                    stated |= {(name, other) for other in names if other != name}
                elif target in names:
                    stated.add((name, target))
    assert {(f.source, f.target) for f in all_flows(chapter)} == stated
    confirmed = {(f.source, f.target, f.artifact) for f in all_flows(chapter) if f.confirmed}
    assert (P, E, "Product and service portfolio") in confirmed
    assert (IM, E, "Improvement status reports") in confirmed
    assert (OB, DS, "Service components") in confirmed


def test_activity_notes_alone() -> None:
    model = build_model(seeds(ENGAGE_NOTE, DELIVER_NOTE))
    sizes = {a.name: (len(a.inputs), len(a.outputs)) for a in model.activities}
    assert sizes == {
        "Engage": (13, 8),
        "Deliver and support": (6, 7),
        "Plan": (0, 0),
        "Design and transition": (0, 0),
        "Obtain and build": (0, 0),
        "Improve": (0, 0),
    }
    engage = model.activity("Engage")
    assert engage is not None and engage.own_note and engage.purpose.startswith("The purpose")
    assert not model.activity("Plan").declared  # type: ignore[union-attr]
    parties = [p.name for p in model.parties]
    assert "Partners and suppliers" in parties and "customers" in parties
    assert not any(a.name.casefold().startswith("partners") for a in model.activities)
    # The output written `from [[Obtain and build]]` flows from Engage to Obtain and build.
    assert ("Engage", "Obtain and build") in {(f.source, f.target) for f in all_flows(model)}
    # Both notes state Deliver and support → Engage performance information.
    assert any(
        f.source == "Deliver and support" and f.target == "Engage" and f.confirmed
        for f in all_flows(model)
    )


def test_all_seeds_together() -> None:
    model = build_model(seeds(ENGAGE_NOTE, TRANSCRIPT, DELIVER_NOTE, CHAPTER, ARTICLE))
    assert [a.name for a in model.activities] == [
        "Engage",
        "Deliver and support",
        P,
        IM,
        DT,
        OB,
    ]
    engage, deliver = model.activities[:2]
    assert engage.home_path.startswith("000") and deliver.home_path.startswith("002")
    assert {s.path[:3] for s in engage.sources} == {"000", "003"}
    assert model.activity("obtain/build").aliases == ("Obtain and build",)  # type: ignore[union-attr]
    assert all(a.purpose for a in model.activities)
    assert [(s.name, s.steps) for s in model.value_streams] == [
        ("new service introduction", (P, E, DT, OB, "Deliver and support", IM))
    ]
    confirmed = {(f.source, f.target) for f in all_flows(model) if f.confirmed}
    assert ("Engage", OB) in confirmed  # the note's backwards `from` meets the chapter's input


def test_prose_seeds_alone_give_no_activities() -> None:
    model = build_model(seeds(TRANSCRIPT, ARTICLE))
    assert model.activities == () and all_flows(model) == [] and model.value_streams == ()


def test_one_fact_once_across_the_activity_note_and_the_chapter() -> None:
    """The activity note lists 13 inputs of Engage and the chapter 14 in other words; merged,
    Engage has 14 (the note's `Improvement initiatives & Status reports` is the chapter's
    `Improvement status reports`; `Improvements initiatives and plans` shares too few words)."""
    model = build_model(seeds(ENGAGE_NOTE, CHAPTER))
    engage = model.activity("Engage")
    assert engage is not None
    assert len(engage.inputs) == 14
    by_artifact = {i.artifact: i for i in engage.inputs}
    combined = by_artifact["Improvement initiatives & Status reports"]
    assert [r.text for r in combined.also] == ["Improvement status reports from improve"]
    assert [r.text for r in by_artifact["Marketing opportunities"].also] == [
        "Market opportunities from current and potential customers"
    ]
    supported = by_artifact["Information on completion of user supported tasks"]
    assert [r.path[:3] for r in supported.also] == [CHAPTER]
    # Every chapter item is either merged into one of the note's or kept, never lost.
    chapter_items = sum(1 for i in engage.inputs if i.path.startswith(CHAPTER))
    merged = sum(len(i.also) for i in engage.inputs)
    assert chapter_items + merged == 14
