"""Flows between activities and their confirmation (chaincards.all_flows(model))."""

from __future__ import annotations

import pytest
from model_helpers import activity_note

from chaincards.document import ParsedNote
from chaincards.model import build_model
from chaincards.model.export import all_flows
from chaincards.model.flows import similar
from chaincards.model.names import content_words


def flows(notes: list[ParsedNote]) -> list[tuple[str, str, str, bool]]:
    return [(f.source, f.target, f.artifact, f.confirmed) for f in all_flows(build_model(notes))]


def test_output_flows_go_to_the_counterpart_whatever_the_preposition() -> None:
    note = activity_note(
        "Engage",
        [],
        ["Demands for [[Plan]]", "Change requests from [[Obtain and build]]"],
    )
    assert flows([note]) == [
        ("Engage", "Obtain and build", "Change requests", False),
        ("Engage", "Plan", "Demands", False),
    ]


def test_input_flows_come_from_the_counterpart() -> None:
    note = activity_note("Engage", ["Portfolio provided by [[Plan]]", "Feedback from users"], [])
    # Parties are not activities: no flow for users.
    assert flows([note]) == [("Plan", "Engage", "Portfolio", False)]


def test_a_flow_stated_at_both_ends_is_one_confirmed_flow() -> None:
    plan = activity_note("Plan", [], ["Product and service portfolio for [[Engage]]"])
    engage = activity_note("Engage", ["A product and service portfolio provided by [[Plan]]"], [])
    (flow,) = all_flows(build_model([plan, engage]))
    assert (flow.source, flow.target, flow.confirmed) == ("Plan", "Engage", True)
    assert flow.artifact == "Product and service portfolio"  # the producer's wording
    assert [(s.side, s.path) for s in flow.statements] == [
        ("output", "Plan.md"),
        ("input", "Engage.md"),
    ]


def test_dissimilar_artifacts_are_two_one_ended_flows() -> None:
    plan = activity_note("Plan", [], ["Budgets for [[Engage]]"])
    engage = activity_note("Engage", ["Portfolio from [[Plan]]"], [])
    assert flows([plan, engage]) == [
        ("Plan", "Engage", "Budgets", False),
        ("Plan", "Engage", "Portfolio", False),
    ]


def test_all_activities_expands_to_every_other_activity() -> None:
    improve = activity_note("Improve", [], ["Status reports for all value chain activities"])
    plan = activity_note("Plan", ["Status reports from improve"], [])
    engage = activity_note("Engage", [], ["Demands for plan"])
    result = flows([improve, plan, engage])
    assert ("Improve", "Plan", "Status reports", True) in result
    assert ("Improve", "Engage", "Status reports", False) in result
    assert not any(source == target for source, target, _, _ in result)


def test_an_input_from_all_activities_is_confirmed_by_an_explicit_output() -> None:
    engage = activity_note("Engage", ["Contract requirements from all activities"], [])
    plan = activity_note("Plan", [], ["Contract requirements for engage"])
    assert ("Plan", "Engage", "Contract requirements", True) in flows([engage, plan])


def test_the_same_fact_in_two_notes_is_one_flow_with_both_places() -> None:
    first = activity_note("Plan", [], ["Portfolio for [[Engage]]"], path="a/Plan.md")
    second = activity_note("Plan", [], ["Portfolios for engage."], path="b/Plan.md")
    (flow,) = all_flows(build_model([first, second]))
    assert [s.path for s in flow.statements] == ["a/Plan.md", "b/Plan.md"]


def test_flows_are_sorted_and_deterministic() -> None:
    notes = [
        activity_note("B", ["y from [[A]]", "x from [[C]]"], ["z for [[A]]"]),
        activity_note("A", [], ["w for [[B]]"]),
    ]
    first = flows(notes)
    assert first == sorted(first, key=lambda f: (f[0].casefold(), f[1].casefold(), f[2].casefold()))
    assert flows(list(reversed(notes))) == first


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Improvement status reports", "Improvement initiatives & Status reports", True),
        ("Improvement initiatives and plans", "Improvement initiatives & Status reports", False),
        ("Product and service portfolio", "A product and service portfolio", True),
        ("Improvement opportunities and stakeholders' feedback", "Stakeholder feedback", True),
        ("Service components", "Requirements and specifications", False),
        (
            "Knowledge about new and changed service components",
            "Knowledge about new and changed service components and services",
            True,
        ),
    ],
)
def test_similarity_rule(a: str, b: str, same: bool) -> None:
    assert similar(content_words(a), content_words(b)) is same
