"""`check` diagnostics (chaincards.model.checks)."""

from __future__ import annotations

from model_helpers import NoteBuilder, activity_note, parse_text

from chaincards.diagnostics import Diagnostic, Severity
from chaincards.document import ParsedNote
from chaincards.model import build_model, check_model

PURPOSE = "The purpose of this activity is to be tested."


def check(notes: list[ParsedNote], known: set[str] | None = None) -> list[Diagnostic]:
    names = known if known is not None else {n.title for n in notes}
    return check_model(build_model(notes), notes, names)


def messages(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.line}: {d.message}" for d in diagnostics]


def test_a_consistent_chain_has_no_diagnostics() -> None:
    notes = [
        activity_note("Plan", ["Demands from [[Engage]]"], ["Portfolio for [[Engage]]"], PURPOSE),
        activity_note("Engage", ["Portfolio from [[Plan]]"], ["Demands for [[Plan]]"], PURPOSE),
    ]
    assert check(notes) == []


def test_all_diagnostics_are_warnings_and_sorted() -> None:
    notes = [activity_note("Engage", ["Budget from the PMO"], ["Data from [[Plan]]"])]
    found = check(notes)
    assert found and all(d.severity is Severity.WARNING for d in found)
    assert found == sorted(found)


def test_unknown_counterpart_is_reported() -> None:
    notes = [activity_note("Engage", ["Budget from the PMO"], [], PURPOSE)]
    (diagnostic,) = check(notes)
    assert (diagnostic.path, diagnostic.line) == ("Engage.md", 6)
    assert "'the PMO'" in diagnostic.message and "no known activity" in diagnostic.message


def test_flow_stated_at_one_end_only_when_both_have_lists() -> None:
    notes = [
        activity_note("Plan", ["Demands from [[Engage]]"], ["Budgets for [[Engage]]"], PURPOSE),
        activity_note("Engage", ["Portfolio from [[Plan]]"], ["Demands for [[Plan]]"], PURPOSE),
    ]
    assert messages(check(notes)) == [
        "Engage.md:6: Plan → Engage: 'Portfolio' is an input of Engage, but no output of Plan "
        "lists it",
        "Plan.md:9: Plan → Engage: 'Budgets' is an output of Plan, but no input of Engage lists it",
    ]


def test_half_written_other_end_is_named_in_the_warning() -> None:
    notes = [
        activity_note("Plan", ["Demands"], ["Strategy"], PURPOSE),
        activity_note("Engage", ["Portfolio"], ["Demands for [[Plan]]"], PURPOSE),
    ]
    (diagnostic,) = check(notes)
    assert diagnostic.message == (
        "Engage → Plan: 'Demands' is an output of Engage; Plan lists 'Demands' as an input but "
        "does not say it comes from Engage"
    )


def test_no_one_ended_warning_when_an_end_has_no_lists_of_its_own() -> None:
    # Plan is only linked: it cannot state its end of the flow.
    notes = [
        activity_note("Engage", ["Portfolio from [[Plan]]"], ["Demands for [[Plan]]"], PURPOSE)
    ]
    assert not any("→" in d.message and "Plan →" in d.message for d in check(notes))


def test_no_one_ended_warning_for_broadcasts() -> None:
    notes = [
        activity_note(
            "Improve", ["Feedback from [[Plan]]"], ["Reports for all activities"], PURPOSE
        ),
        activity_note(
            "Plan", ["Budgets from the governing body"], ["Feedback for improve"], PURPOSE
        ),
    ]
    assert check(notes) == []


def test_prepositions_against_the_list_are_reported() -> None:
    notes = [
        activity_note(
            "Engage",
            ["Portfolio for [[Plan]]"],
            ["Change requests from [[Obtain and build]]", "Requests provided by [[Plan]]"],
            PURPOSE,
        ),
        activity_note("Plan", [], [], PURPOSE),
        activity_note("Obtain and build", [], [], PURPOSE),
    ]
    found = messages([d for d in check(notes, {"Engage"}) if "says" in d.message])
    assert found == [
        "Engage.md:6: input of Engage says 'for Plan': inputs come from their counterpart, so "
        "this is read as Plan → Engage; write 'from' or 'provided by'",
        "Engage.md:9: output of Engage says 'from Obtain and build': outputs go to their "
        "counterpart, so this is read as Engage → Obtain and build; write 'for' or 'to'",
        "Engage.md:10: output of Engage says 'provided by Plan': outputs go to their counterpart, "
        "so this is read as Engage → Plan; write 'for' or 'to'",
    ]


def test_links_to_missing_notes_are_reported_but_not_files_activities_or_parties() -> None:
    text = (
        "# Engage\n"
        "> [!tip] Key Message\n"
        "> The purpose of engage is to listen.\n"
        "\n"
        "See [[Book.pdf#page=88|the book]] and ![[diagram.png]] and [[Glossary]].\n"
        "## Inputs\n"
        "- Portfolio provided by [[Plan]].\n"
        "- Feedback by [[Partners and suppliers]].\n"
        "- Contract requirements from all [[Service Value Chain]] activities.\n"
        "- Ideas from [[Missing Note#Heading|missing]].\n"
    )
    note = parse_text("Engage.md", text)
    found = [d for d in check([note], {"Engage"}) if "link [[" in d.message]
    assert messages(found) == [
        "Engage.md:5: link [[Glossary]]: no note of that name",
        "Engage.md:9: link [[Service Value Chain]]: no note of that name",
    ]
    assert (
        messages(
            [
                d
                for d in check([note], {"Engage", "Glossary", "service value chain"})
                if "link [[" in d.message
            ]
        )
        == []
    )


def test_activities_without_purpose() -> None:
    notes = [
        NoteBuilder("Chapter.md")
        .h(2, "2.1 Plan")
        .p("Plan: Input")
        .ul("Demand from [[Engage]]")
        .build()
    ]
    assert messages(check(notes, {"Chapter"})) == [
        "Chapter.md:1: activity Plan has no purpose: add a 'Key Message' callout or start its "
        "section with a sentence saying what it is for",
        "Chapter.md:4: activity Engage is only linked from Inputs/Outputs lists; no note states "
        "its purpose",
    ]
