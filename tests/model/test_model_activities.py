"""Finding activities, merging them across notes, purposes and items (build_model)."""

from __future__ import annotations

import pytest
from model_helpers import NoteBuilder, activity_note, parse_text

from chaincards.document import ParsedNote
from chaincards.model import Source, build_model


def names(notes: list[ParsedNote]) -> list[str]:
    return [a.name for a in build_model(notes).activities]


def test_activity_note_is_named_by_its_title_with_frontmatter_aliases() -> None:
    note = activity_note(
        "Engage",
        ["Portfolio provided by [[Plan]]."],
        ["Demands for [[Plan]]."],
        purpose="The purpose of engage is to understand stakeholders.",
        aliases=("Engagement",),
        path="chain/Engage note.md",
    )
    model = build_model([note])
    engage = model.activity("Engage")
    assert engage is not None
    assert engage.aliases == ("Engagement",)
    assert engage.home_path == "chain/Engage note.md"
    assert engage.own_note and engage.declared
    assert engage.sources == (Source("chain/Engage note.md", 1),)
    assert engage.purpose == "The purpose of engage is to understand stakeholders."
    assert [i.text for i in engage.inputs] == ["Portfolio provided by Plan"]


@pytest.mark.parametrize(("inputs", "outputs"), [("Input", "Output"), ("inputs", "OUTPUTS")])
def test_io_heading_level_and_number_do_not_matter(inputs: str, outputs: str) -> None:
    note = (
        NoteBuilder("Plan.md")
        .h(1, "Plan")
        .h(3, inputs)
        .ul("Demand from customers")
        .h(4, f"2.1 {outputs}")
        .ul("Plans for [[Engage]]")
        .build()
    )
    plan = build_model([note]).activity("Plan")
    assert plan is not None
    assert (len(plan.inputs), len(plan.outputs)) == (1, 1)


def test_without_h1_the_file_name_is_the_name() -> None:
    note = NoteBuilder("notes/Deliver & support.md").h(2, "Inputs").ul("Components").build()
    assert names([note]) == ["Deliver & support"]


def chapter() -> NoteBuilder:
    return (
        NoteBuilder("Chapter 4.md")
        .h(1, "4. The chain")
        .h(2, "4.1 Overview")
        .p("Each activity turns inputs into outputs.")
        .h(2, "4.2 Plan Activity")
        .p("Plan value chain activity ensures a shared understanding of the vision.")
        .p("Plan: Input")
        .ul("Demands from engage", "Policies from the governing body")
        .p("Plan: Output")
        .ul("Plans for engage")
        .h(2, "4.3 Engage Phase")
        .p("Engage builds relationships with stakeholders and customers.")
        .p("INPUTS")
        .ul("Plans provided by plan")
        .p("Outputs:")
        .ul("Demands for plan")
    )


def test_chapter_sections_with_labelled_lists_are_activities() -> None:
    model = build_model([chapter().build()])
    assert [a.name for a in model.activities] == ["Plan", "Engage"]
    plan, engage = model.activities
    assert (len(plan.inputs), len(plan.outputs)) == (2, 1)
    assert (len(engage.inputs), len(engage.outputs)) == (1, 1)
    assert plan.sources == (Source("Chapter 4.md", 5),)
    assert plan.home_path == "Chapter 4.md" and not plan.own_note
    assert plan.purpose.startswith("Plan value chain activity ensures")
    assert engage.purpose.startswith("Engage builds relationships")
    assert plan.inputs[0].names == ["Engage"]


def test_named_label_different_from_its_section_declares_that_name() -> None:
    note = (
        NoteBuilder("Group.md")
        .h(2, "Initiating Process Group")
        .p("Develop Project Charter: Inputs")
        .ul("Business case from the sponsor")
        .p("Identify Stakeholders - Outputs")
        .ul("Stakeholder register for [[Plan Stakeholder Engagement]]")
        .build()
    )
    assert names([note]) == [
        "Develop Project Charter",
        "Identify Stakeholders",
        "Plan Stakeholder Engagement",
    ]


def test_io_headings_under_sub_sections_belong_to_the_sub_section() -> None:
    note = (
        NoteBuilder("TOGAF ADM.md")
        .h(1, "The ADM")
        .h(2, "Phase A: Architecture Vision")
        .h(3, "Inputs")
        .ul("Request for architecture work from the sponsor")
        .h(3, "Outputs")
        .ul("Statement of architecture work for phase B")
        .h(2, "Phase B: Business Architecture")
        .h(3, "Inputs")
        .ul("Statement of architecture work from architecture vision")
        .build()
    )
    model = build_model([note])
    assert [a.name for a in model.activities] == [
        "Phase A: Architecture Vision",
        "Phase B: Business Architecture",
    ]
    vision, business = model.activities
    assert vision.aliases == ("Phase A", "Architecture Vision")
    assert vision.outputs[0].names == ["Phase B: Business Architecture"]
    assert business.inputs[0].names == ["Phase A: Architecture Vision"]


def test_a_label_paragraph_needs_a_list_right_after_it() -> None:
    note = NoteBuilder("x.md").h(2, "Plan").p("Plan: Input").p("Demands come from engage.").build()
    assert names([note]) == []


def test_prose_never_becomes_an_activity() -> None:
    text = (
        "ITIL Service Value Chain\n"
        "Plan activity establishes direction. Inputs come from governance directives.\n"
        "1. Plan Activity Breakdown Plan activity establishes direction for value creation. "
        "Outputs include strategic plans. Inputs come from governance.\n"
        "2. Engage Activity Role Engage focuses on stakeholder relationships.\n"
        "Demand enters via Engage, flowing through Plan, Design, Obtain/Build.\n"
    )
    assert names([parse_text("article.md", text)]) == []


def test_the_same_activity_in_several_notes_is_merged() -> None:
    own = activity_note(
        "Obtain and build",
        ["Specifications from [[Design and transition]]"],
        ["Components for [[Deliver and support]]"],
        path="b/Obtain and build.md",
    )
    section = (
        NoteBuilder("a/Chapter.md")
        .h(2, "5.7 Obtain or Build Activity")
        .p("This activity ensures that components are available.")
        .p("Obtain or Build: Input")
        .ul("Specifications provided by design and transition")
        .h(2, "5.8 Deliver and Support Activity")
        .p("Deliver and Support: Input")
        .ul("Service components provided by obtain/build")
        .build()
    )
    model = build_model([own, section])
    assert [a.name for a in model.activities] == [
        "Obtain and build",
        "Deliver and Support",
        "Design and transition",
    ]
    obtain = model.activities[0]
    # Its own note is the home and names it, though the chapter comes first in path order.
    assert obtain.home_path == "b/Obtain and build.md" and obtain.own_note
    assert obtain.sources == (Source("a/Chapter.md", 1), Source("b/Obtain and build.md", 1))
    assert obtain.aliases == ("Obtain or Build",)
    # The chapter adds no duplicate: same artifact, same counterpart.
    assert len(obtain.inputs) == 1
    assert [(r.path, r.line) for r in obtain.inputs[0].also] == [("a/Chapter.md", 6)]
    assert obtain.purpose == "This activity ensures that components are available."
    deliver = model.activity("deliver & support")
    assert deliver is not None and deliver.inputs[0].names == ["Obtain and build"]


def test_linked_counterparts_without_notes_are_activities_without_lists() -> None:
    note = activity_note("Engage", ["Portfolio provided by [[Plan]]."], ["Demands for [[Plan]]."])
    model = build_model([note])
    plan = model.activity("Plan")
    assert plan is not None
    assert not plan.declared and not plan.own_note
    assert (plan.inputs, plan.outputs) == ((), ())
    assert plan.home_path == "Engage.md"
    assert plan.sources == (Source("Engage.md", 3), Source("Engage.md", 6))


def test_plain_mentions_resolve_to_link_only_activities() -> None:
    first = activity_note("Engage", ["Portfolio provided by [[Plan]]"], [])
    second = activity_note("Improve", ["Plans from plan"], [])
    model = build_model([first, second])
    improve = model.activity("Improve")
    assert improve is not None and improve.inputs[0].names == ["Plan"]


def test_activities_are_ordered_by_declaration_then_first_mention() -> None:
    notes = [
        activity_note("Zeta", ["x from [[Alpha]]"], [], path="1.md"),
        activity_note("Beta", ["y from [[Gamma]]"], [], path="0.md"),
    ]
    assert names(notes) == ["Beta", "Zeta", "Gamma", "Alpha"]
    assert names(list(reversed(notes))) == names(notes)


def test_purpose_prefers_key_message_then_first_paragraph_then_takeaway() -> None:
    with_paragraph = (
        NoteBuilder("Plan.md")
        .h(1, "Plan")
        .p("[[Book.pdf#page=3|Book]].")
        .p("Plan sets the direction for all products and services.")
        .h(2, "Inputs")
        .ul("Demand from customers")
        .build()
    )
    summary = (
        NoteBuilder("Summary.md")
        .h(2, "Key Takeaways")
        .ul(
            "The activities are plan and improve.",
            "Plan and improve work together closely.",
            "Improve value chain activity ensures continual improvement.",
        )
        .build()
    )
    improve = activity_note("Improve", ["Feedback from users"], [])
    model = build_model([with_paragraph, summary, improve])
    plan, improve_activity = model.activity("Plan"), model.activity("Improve")
    assert plan is not None and improve_activity is not None
    assert plan.purpose == "Plan sets the direction for all products and services."
    assert plan.purpose_source == Source("Plan.md", 4)
    assert improve_activity.purpose == "Improve value chain activity ensures continual improvement."
    assert improve_activity.purpose_source == Source("Summary.md", 4)


def test_key_message_beats_the_first_paragraph() -> None:
    note = (
        NoteBuilder("Plan.md")
        .h(1, "Plan")
        .p("Plan is the first activity we study in this chapter.")
        .callout("Key Message", "The purpose of plan is a shared vision.")
        .h(2, "Inputs")
        .ul("Demand from customers")
        .build()
    )
    plan = build_model([note]).activity("Plan")
    assert plan is not None and plan.purpose == "The purpose of plan is a shared vision."


def test_items_keep_text_artifact_counterparts_and_place() -> None:
    note = activity_note(
        "Engage",
        ["A product and service portfolio provided by [[Plan]].", "Incidents from users."],
        ["Change or project initiation requests from [[Obtain and build]]."],
    )
    engage = build_model([note]).activity("Engage")
    assert engage is not None
    portfolio, incidents = engage.inputs
    assert portfolio.text == "A product and service portfolio provided by Plan"
    assert portfolio.artifact == "A product and service portfolio"
    assert (portfolio.relation, portfolio.names, portfolio.direction) == (
        "provided by",
        ["Plan"],
        "input",
    )
    assert (portfolio.path, portfolio.line) == ("Engage.md", 3)
    assert incidents.names == ["users"]
    (requests,) = engage.outputs
    assert requests.names == ["Obtain and build"] and requests.direction == "output"


def test_parties_merge_across_spellings_and_prefer_the_linked_one() -> None:
    note = activity_note(
        "Engage",
        [
            "Components from suppliers and partners",
            "Feedback by [[Partners and suppliers]]",
            "Requests from customers",
            "Demand from internal and external customers",
        ],
        [],
    )
    model = build_model([note])
    assert [p.name for p in model.parties] == ["Partners and suppliers", "customers"]
    engage = model.activity("Engage")
    assert engage is not None
    assert [i.names for i in engage.inputs] == [
        ["Partners and suppliers"],
        ["Partners and suppliers"],
        ["customers"],
        ["customers"],
    ]


def test_task_items_are_not_inputs() -> None:
    note = parse_text("Plan.md", "# Plan\n## Inputs\n- [ ] find inputs\n- Demand from users\n")
    plan = build_model([note]).activity("Plan")
    assert plan is not None and [i.text for i in plan.inputs] == ["Demand from users"]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Plan: Input", "Plan"),
        ("Plan - Inputs", "Plan"),
        ("Plan inputs", "Plan"),
        ("Design and transition inputs:", "Design and transition"),
        ("Inputs of Plan", "Plan"),
        ("INPUTS", None),
        ("The inputs", None),
        ("Key inputs:", None),
    ],
)
def test_input_labels(label: str, name: str | None) -> None:
    from chaincards.model.activities import label_kind

    assert label_kind(label) == ("input", name)


@pytest.mark.parametrize(
    "text",
    [
        "Each activity transforms inputs into outputs",
        "Value chain activities use different practices to convert inputs into outputs",
        "Inputs and outputs should be adjusted.",
    ],
)
def test_prose_is_not_a_label(text: str) -> None:
    from chaincards.model.activities import label_kind

    assert label_kind(text) is None


def test_a_label_naming_the_section_alias_belongs_to_the_section() -> None:
    note = (
        NoteBuilder("ADM.md")
        .h(2, "Phase B: Business Architecture")
        .p("Business architecture describes how the enterprise operates.")
        .p("Phase B: Inputs")
        .ul("Architecture vision from phase A")
        .build()
    )
    model = build_model([note])
    assert len(model.activities) == 1
    business = model.activities[0]
    assert (business.name, business.aliases) == (
        "Phase B: Business Architecture",
        ("Phase B", "Business Architecture"),
    )
    assert model.activities[0].purpose.startswith("Business architecture describes")


def test_links_by_file_name_reach_the_activity_without_showing_the_file_name() -> None:
    own = activity_note("Obtain or build", ["Specs from [[Plan]]"], [], path="OB.md")
    other = activity_note("Plan", [], ["Budgets for [[OB]]", "Plans for the OB process"])
    model = build_model([own, other])
    assert [a.name for a in model.activities] == ["Obtain or build", "Plan"]
    assert model.activities[0].aliases == ()
    plan = model.activity("Plan")
    assert plan is not None and [i.names for i in plan.outputs] == [
        ["Obtain or build"],
        ["Obtain or build"],
    ]


def test_leading_the_and_trailing_kind_words_leave_the_name() -> None:
    note = (
        NoteBuilder("Chapter.md")
        .h(2, "5.3 The Plan value chain activity")
        .p("Plan: Input")
        .ul("Demand provided by the engage process group")
        .h(2, "5.4 Engage Process Group")
        .p("Outputs")
        .ul("Demand for plan")
        .build()
    )
    model = build_model([note])
    assert [a.name for a in model.activities] == ["Plan", "Engage"]
    assert model.activities[0].inputs[0].names == ["Engage"]


def test_purpose_callout_title_and_nested_headings() -> None:
    note = (
        NoteBuilder("Plan.md")
        .h(1, "Plan")
        .callout("Purpose", "Plan gives everyone one direction.", kind="abstract")
        .h(2, "Inputs and outputs")
        .h(3, "Inputs")
        .ul("Demand from customers")
        .build()
    )
    model = build_model([note])
    assert [(a.name, a.purpose, a.own_note) for a in model.activities] == [
        ("Plan", "Plan gives everyone one direction.", True)
    ]


def test_activity_note_keeps_its_title_and_meets_cleaned_spellings() -> None:
    own = activity_note("Plan Activity", ["Demand from [[Engage]]"], [], path="notes/Plan.md")
    chapter_note = (
        NoteBuilder("Chapter.md")
        .h(2, "5.3 Plan")
        .p("Plan: Output")
        .ul("Plans for engage")
        .h(2, "5.4 Phase A: Engage")
        .p("Inputs")
        .ul("Plans from [[Plan Activity]]", "Budgets from [[Plan]]")
        .build()
    )
    model = build_model([own, chapter_note])
    assert [(a.name, a.aliases) for a in model.activities] == [
        ("Plan Activity", ("Plan",)),
        ("Phase A: Engage", ("Phase A", "Engage")),
    ]
    engage = model.activity("Engage")
    assert engage is not None
    assert [i.names for i in engage.inputs] == [["Plan Activity"], ["Plan Activity"]]
