"""The reading rules of issue 17, one at a time, each tried in several subjects."""

from __future__ import annotations

import pytest
from model_helpers import NoteBuilder, activity_note, counterpart_kinds, resolve_among

from chaincards.document import ParsedNote
from chaincards.model import build_model, check_model
from chaincards.model.artifacts import strip_residue
from chaincards.model.counterparts import Resolution
from chaincards.model.definitions import defined_aliases, kind_noun, plural


def read(text: str, *names: str) -> Resolution:
    return resolve_among(text, names)


ends = counterpart_kinds


# -- 1. every counterpart in an item ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "artifact", "expected"),
    [
        (
            "Spare parts supplied by [[Stores]] (or by [[Maintenance]] when Stores is closed)",
            ("Stores", "Maintenance"),
            "Spare parts",
            [("activity", "Stores"), ("activity", "Maintenance")],
        ),
        (
            "Summary judgment order for [[Appeal]] (or [[Enforcement]] if nobody appeals)",
            ("Appeal", "Enforcement"),
            "Summary judgment order",
            [("activity", "Appeal"), ("activity", "Enforcement")],
        ),
        (
            "Pyruvate for the link reaction or for fermentation",
            ("Link reaction", "Fermentation"),
            "Pyruvate",
            [("activity", "Link reaction"), ("activity", "Fermentation")],
        ),
        (
            "Bug reports from testing or from monitoring",
            ("Testing", "Monitoring"),
            "Bug reports",
            [("activity", "Testing"), ("activity", "Monitoring")],
        ),
    ],
)
def test_every_link_and_name_after_or_counts(
    text: str, names: tuple[str, ...], artifact: str, expected: list[tuple[str, str]]
) -> None:
    resolution = read(text, *names)
    assert (resolution.artifact, ends(resolution)) == (artifact, expected)


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Scrap returned back to melting for reuse", ("Melting",), "Melting"),
        ("Rejected batches sent back to mixing", ("Mixing",), "Mixing"),
        ("Failed builds passed back to code review when tests fail", ("Code review",), None),
        ("Reports for the inspector", ("Inspection",), "Inspection"),  # same stem, after `the`
        ("Service data for design", ("Design and transition",), "Design and transition"),
        ("Rule 12 motions for the motions phase", ("Pretrial motions",), "Pretrial motions"),
        ("Dough fed into proofing", ("Proofing",), "Proofing"),
    ],
)
def test_plain_text_counterparts(text: str, names: tuple[str, ...], expected: str | None) -> None:
    resolution = read(text, *names)
    assert [c.name for c in resolution.counterparts] == [expected or names[0]]


def test_a_link_to_a_section_of_a_chapter_names_that_step_not_the_chapter() -> None:
    """The chapter note is no step: linking one of its sections must not make it one."""
    chapter = (
        NoteBuilder("Lectures/Bread.md")
        .h(2, "Step 3 – Dividing")
        .p("Dividing: Input")
        .ul("Dough from mixing")
        .h(2, "Step 4 – Baking")
        .p("Baking: Input")
        .ul("Dough pieces from dividing")
        .build()
    )
    own = activity_note(
        "Baking", ["Shaped dough pieces from [[Bread#Step 3 – Dividing|dividing]]"], []
    )
    model = build_model([chapter, own])
    assert sorted(a.name for a in model.activities) == ["Baking", "Step 3 – Dividing"]
    baking = model.activity("Baking")
    assert baking is not None
    assert [c.name for c in baking.inputs[0].counterparts] == ["Step 3 – Dividing"]


def test_a_heading_link_names_the_section_step() -> None:
    resolution = read(
        "Evidence for [[#Phase 3: Pretrial motions|summary judgement]]", "Pretrial motions"
    )
    assert ends(resolution) == [("activity", "Pretrial motions")]


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Glucose from the bloodstream", "bloodstream"),
        ("Lactate, sent to the liver", "liver"),
        ("Writ of execution, supplied by the clerk", "clerk"),
        ("Deposition testimony from witnesses", "witnesses"),
    ],
)
def test_places_and_people_outside_the_chain_are_parties(text: str, party: str) -> None:
    resolution = read(text, "Glycolysis", "Execution")
    assert ends(resolution) == [("party", party)]
    assert resolution.counterparts[0].known


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Source code changes from developers", "developers"),
        ("Pages and alerts for the on-call engineer", "on-call engineer"),
        ("Published packages for the package registry", "package registry"),
        ("Lab results for the technician", "technician"),
    ],
)
def test_people_by_their_agent_noun_and_compound_recipients(text: str, party: str) -> None:
    resolution = read(text, "Build", "Code review")
    assert ends(resolution) == [("party", party)]


def test_a_link_to_a_missing_note_is_a_step_even_with_an_agent_noun_name() -> None:
    resolution = read("Orders for [[Dispatcher]]", "Packing")
    assert ends(resolution) == [("activity", "Dispatcher")]


def test_for_the_something_is_a_purpose_not_a_party() -> None:
    resolution = read("Revision notes for the exam", "Glycolysis")
    assert resolution.counterparts == ()
    assert resolution.artifact == "Revision notes for the exam"


# -- 4. clean artifacts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "artifact"),
    [
        ("Solvent, recovered and reused", "Solvent"),
        ("Rejects sent back", "Rejects"),
        ("Edge trimmings, recycled back", "Edge trimmings"),
        ("Affirmed judgment, passed on", "Affirmed judgment"),
        ("NAD+, released and reused", "NAD+"),
        ("Lessons learned", "Lessons learned"),  # a participle that is part of the noun
        ("Approved change requests", "Approved change requests"),
        ("Animal feed", "Animal feed"),
    ],
)
def test_verb_residue_is_stripped_from_the_end_only(before: str, artifact: str) -> None:
    assert strip_residue(before) == artifact


# -- 5./6. definitions: other names and the step noun -------------------------------------------


def test_other_names_from_definition_sentences() -> None:
    texts = [
        "Quality control (inspection) checks every coil.",
        "The Krebs cycle (also called the citric acid cycle) is the third stage.",
        "Finishing cuts the coils to length, also known as the dispatch step.",
        "Acetyl-CoA (2C) joins oxaloacetate.",  # an aside after another word names nothing
    ]
    names = ("Quality control", "Krebs cycle", "Finishing")
    assert defined_aliases(texts, names) == ["inspection", "citric acid cycle", "dispatch"]


@pytest.mark.parametrize(
    ("texts", "noun"),
    [
        (["4.2 Melting Process"], "process"),
        (["Phase 2: Discovery"], "phase"),
        (["Glycolysis", "Glycolysis is the first stage of respiration."], "stage"),
        (["Engage", "The purpose of the engage value chain activity is …"], "activity"),
        (["Mixing", "Flour and water are combined."], None),
    ],
)
def test_kind_noun(texts: list[str], noun: str | None) -> None:
    assert kind_noun(texts) == noun


def test_plural_of_step_nouns() -> None:
    assert [plural(n) for n in ("activity", "process", "phase", "stage", "step")] == [
        "activities",
        "processes",
        "phases",
        "stages",
        "steps",
    ]


def test_the_model_takes_the_step_noun_most_steps_use() -> None:
    notes = [
        NoteBuilder("Chapter.md")
        .h(2, "1. Mixing stage")
        .p("Mixing: Input")
        .ul("Flour from suppliers")
        .h(2, "2. Baking stage")
        .p("Baking: Input")
        .ul("Dough from mixing")
        .h(2, "3. Packing")
        .p("Packing is the last process of the line.")
        .p("Packing: Input")
        .ul("Loaves from baking")
        .build()
    ]
    assert build_model(notes).step_noun == "stage"


# -- 3. one fact once -------------------------------------------------------------------------


def test_items_of_one_list_are_never_merged() -> None:
    note = activity_note(
        "Casting",
        ["Liquid steel from [[Melting]]", "Liquid steel samples from [[Melting]]"],
        [],
    )
    (casting, _) = build_model([note]).activities
    assert len(casting.inputs) == 2


def test_an_item_absorbs_at_most_one_item_of_each_other_note() -> None:
    own = activity_note("Baking", ["Proofed dough from [[Proofing]]"], [])
    chapter = (
        NoteBuilder("Chapter.md")
        .h(2, "Baking step")
        .p("Baking: Input")
        .ul("Proofed dough pieces from proofing", "Dough from proofing")
        .build()
    )
    baking = build_model([own, chapter]).activity("Baking")
    assert baking is not None
    assert [(i.artifact, len(i.also)) for i in baking.inputs] == [
        ("Proofed dough", 1),
        ("Dough", 0),
    ]


def test_unrelated_counterparts_keep_similar_items_apart() -> None:
    own = activity_note("Trial", ["Exhibits from the plaintiff"], [])
    revision = (
        NoteBuilder("Revision.md").h(2, "Trial").p("Trial inputs").ul("Exhibits from the court")
    ).build()
    trial = build_model([own, revision]).activity("Trial")
    assert trial is not None
    assert len(trial.inputs) == 2


# -- 2./5. what check reports -----------------------------------------------------------------


def _warnings(notes: list[ParsedNote]) -> list[str]:
    model = build_model(notes)
    return [d.format() for d in check_model(model, notes, set())]


def test_a_group_is_reported_in_the_notes_noun() -> None:
    note = NoteBuilder("Trial.md").h(1, "Trial").p("Trial is the fourth phase of a lawsuit.")
    note = note.h(2, "Inputs").ul("Verdict for later phases").h(2, "Outputs").ul("Judgment")
    (message,) = [w for w in _warnings([note.build()]) if "names no" in w]
    assert "'later phases' in the inputs of Trial names no phase" in message
    assert "'all phases'" in message


def test_a_sequence_with_an_unknown_step_is_left_out_with_a_warning() -> None:
    steps = [activity_note(n, [], [f"Things for {n}"], path=f"{n}.md") for n in ("Mix", "Bake")]
    routes = NoteBuilder("Routes.md").p(
        "Sourdough route: Mix → Retard → Bake; fast route: Mix → Bake"
    )
    notes = [*steps, routes.build()]
    model = build_model(notes)
    assert [(s.kind, s.name, s.steps) for s in model.value_streams] == [
        ("route", "fast", ("Mix", "Bake"))
    ]
    assert [w for w in _warnings(notes) if "left out" in w] == [
        "Routes.md:1: warning: route 'Sourdough' left out: 'Retard' names no step (write its "
        "name or an alias, or link it)"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "First survey, then drill, then extract, then QC",
        "Exploration route: first survey, then drill, then extract, then QC.",
        "Upstream: survey → drill → extract → QC",
        "The upstream steps, in order: survey, drilling, extraction and quality control",
    ],
)
def test_short_forms_initials_and_then(line: str) -> None:
    names = ("Seismic survey", "Drilling", "Extraction", "Quality control")
    notes = [activity_note(n, [], [f"Data for {n}"], path=f"{n}.md") for n in names]
    model = build_model([*notes, NoteBuilder("Overview.md").p(line).build()])
    assert [s.steps for s in model.value_streams] == [names]
