"""Resolving an item's counterparts (chaincards.model.counterparts)."""

from __future__ import annotations

import pytest
from model_helpers import counterpart_kinds, inline, name_resolver, resolve_among

from chaincards.model.counterparts import Resolution, Resolver, relation_reads, strip_period

ACTIVITIES = (
    "Plan",
    "Improve",
    "Engage",
    "Design and Transition",
    "Obtain or Build",
    "Deliver and Support",
)


def resolver(*names: str, aliases: dict[str, str] | None = None) -> Resolver:
    return name_resolver(names or ACTIVITIES, aliases)


def resolve(text: str, *names: str) -> Resolution:
    return resolve_among(text, names or ACTIVITIES)


kinds = counterpart_kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Service performance information provided by deliver and support and improve",
            ["Deliver and Support", "Improve"],
        ),
        (
            "Contracts and agreements with external and internal suppliers for obtain/build "
            "and design and transition",
            ["Obtain or Build", "Design and Transition"],
        ),
        ("Improvement opportunities for improve", ["Improve"]),
        (
            "Knowledge and information about new and changed products and services from "
            "design and transition and obtain or build",
            ["Design and Transition", "Obtain or Build"],
        ),
        (
            "Product and service performance information for engage and improve",
            ["Engage", "Improve"],
        ),
        ("Portfolio from Plan, Engage and Improve", ["Plan", "Engage", "Improve"]),
        ("Inputs provided by the plan activity", ["Plan"]),
        ("Inputs from the Deliver & Support activity", ["Deliver and Support"]),
    ],
)
def test_plain_text_activity_names_longest_match_first(text: str, expected: list[str]) -> None:
    resolution = resolve(text)
    assert [c.name for c in resolution.counterparts] == expected
    assert all(c.kind == "activity" and not c.linked for c in resolution.counterparts)


def test_wikilinks_resolve_to_known_activities_and_keep_the_artifact() -> None:
    resolution = resolve("A product and service portfolio provided by [[Plan]].")
    assert kinds(resolution) == [("activity", "Plan")]
    assert resolution.counterparts[0].linked
    assert resolution.artifact == "A product and service portfolio"
    assert resolution.relation == "provided by"
    assert resolution.reads == "source"


def test_several_links_with_comma_and_and() -> None:
    resolution = resolve(
        "Knowledge from [[Design and transition]], and [[Obtain and build]].", *ACTIVITIES
    )
    assert kinds(resolution) == [
        ("activity", "Design and Transition"),
        ("activity", "Obtain or Build"),
    ]


def test_link_display_alias_is_found_and_target_names_the_activity() -> None:
    resolution = resolve("Portfolio decisions for [[Design and transition|D&T]]")
    assert kinds(resolution) == [("activity", "Design and Transition")]
    assert resolution.counterparts[0].text == "D&T"
    assert resolution.linked_names == ("Design and transition",)


def test_link_to_an_unknown_note_is_a_new_activity() -> None:
    resolution = resolve("Lessons learned from [[Closing]]")
    assert kinds(resolution) == [("activity", "Closing")]
    assert resolution.linked_names == ("Closing",)


def test_activity_name_inside_a_longer_word_is_not_the_link() -> None:
    # `Improve` must be found at the end, not inside `Improvement`.
    resolution = resolve("Improvement initiatives & Status reports from [[Improve]]")
    assert kinds(resolution) == [("activity", "Improve")]
    assert resolution.counterparts[0].linked
    assert resolution.artifact == "Improvement initiatives & Status reports"


@pytest.mark.parametrize(
    "text",
    [
        "Contract and agreement requirements from all value chain activities",
        "Contract and agreement requirements from all [[Service Value Chain]] activities",
        "Contract and agreement requirements from all activities",
        "Contract and agreement requirements from all the other activities",
        "Contract and agreement requirements from every phase",
        "Contract and agreement requirements from every other stage",
        "Contract and agreement requirements from each of the steps",
        "Contract and agreement requirements from all process groups",
    ],
)
def test_all_activities_is_a_broadcast(text: str) -> None:
    assert kinds(resolve(text)) == [("all", "*")]


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Contract requirements from value chain activities", "value chain activities"),
        ("Contract requirements from [[Service Value Chain]] activities", None),
        ("Outputs from other design processes", "other design processes"),
        ("Parts from all design processes", "all design processes"),
        ("Drawings from upstream stages", "upstream stages"),
        ("Feedback from later phases", "later phases"),
        ("Notes from the previous stage", "the previous stage"),
        ("Tasks for the relevant teams", "the relevant teams"),
    ],
)
def test_a_group_without_all_names_no_one(text: str, group: str | None) -> None:
    """Only `all`/`every`/`each` expand; a qualified or unnamed group is no counterpart, the
    artifact is the whole item, and the group is kept for the check's warning."""
    resolution = resolve(text)
    assert resolution.counterparts == ()
    assert resolution.artifact == text.replace("[[", "").replace("]]", "")
    assert len(resolution.groups) == 1
    if group is not None:
        assert resolution.groups[0] == group


def test_a_qualified_activity_plural_is_not_a_broadcast() -> None:
    assert kinds(resolve("Data from the plan activities")) == [("activity", "Plan")]
    assert resolve("Notes from design activities").counterparts == ()


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Requests and feedback from customers", "customers"),
        ("High-level demand for services provided by internal and external customers", "customers"),
        (
            "Marketing opportunities from current and potential customers and users",
            "customers and users",
        ),
        ("Cooperation opportunities provided by partners and suppliers", "partners and suppliers"),
        (
            "Goods and services provided by external and internal suppliers and partners",
            "suppliers and partners",
        ),
        ("Budget approval from the project sponsor", "project sponsor"),
        ("Issue log for the project team", "project team"),
        ("Services delivered to customers and users", "customers and users"),
    ],
)
def test_stakeholder_phrases_are_parties(text: str, party: str) -> None:
    resolution = resolve(text)
    assert kinds(resolution) == [("party", party)]
    assert resolution.counterparts[0].known


def test_linked_stakeholder_is_a_party_not_an_activity() -> None:
    resolution = resolve("Cooperation opportunities and feedback by [[Partners and suppliers]].")
    assert kinds(resolution) == [("party", "Partners and suppliers")]
    assert resolution.linked_names == ()


def test_activity_and_party_mixed() -> None:
    resolution = resolve("Value chain performance information for plan and the governing body")
    assert kinds(resolution) == [("activity", "Plan"), ("party", "governing body")]
    assert resolution.artifact == "Value chain performance information"


def test_rightmost_relation_that_reads_cleanly_wins() -> None:
    # `for services and products` is part of the artifact; `provided by customers` is the source.
    resolution = resolve("Detailed requirements for services and products provided by customers")
    assert resolution.artifact == "Detailed requirements for services and products"
    assert kinds(resolution) == [("party", "customers")]


def test_a_name_containing_a_preposition_is_still_found() -> None:
    resolution = resolve("Designs from design for six sigma", "Design for Six Sigma", "Plan")
    assert kinds(resolution) == [("activity", "Design for Six Sigma")]
    assert resolution.artifact == "Designs"


@pytest.mark.parametrize(
    "text",
    [
        "Policies, requirements, and constraints",
        "Demand for services",
        "Data from plan documents",
        "Requests to change the plan",
        "Knowledge and information about third-party service components",
    ],
)
def test_no_counterpart_is_unspecified(text: str) -> None:
    resolution = resolve(text)
    assert resolution.counterparts == ()
    assert resolution.relation == ""
    assert resolution.artifact == text


def test_unknown_name_after_a_relation_is_an_unknown_party() -> None:
    resolution = resolve("Organizational process assets from the PMO")
    assert kinds(resolution) == [("party", "PMO")]
    assert not resolution.counterparts[0].known


def test_unknown_part_next_to_known_ones_is_kept_as_unknown_party() -> None:
    resolution = resolve("Reports for plan and finance")
    assert kinds(resolution) == [("activity", "Plan"), ("party", "finance")]
    assert [c.known for c in resolution.counterparts] == [True, False]


def test_link_to_a_file_is_not_an_activity() -> None:
    resolution = resolve("Figures from [[Book.pdf#page=3|the book]]")
    assert all(c.kind != "activity" for c in resolution.counterparts)
    assert resolution.linked_names == ()


def test_aliases_resolve_to_the_activity_name() -> None:
    plain, links = inline("Change requests from M&C")
    index_resolver = resolver(
        "Monitoring and Controlling", aliases={"M&C": "Monitoring and Controlling"}
    )
    resolution = index_resolver.resolve(plain, links)
    assert kinds(resolution) == [("activity", "Monitoring and Controlling")]


@pytest.mark.parametrize(
    ("relation", "reads"),
    [
        ("provided by", "source"),
        ("from", "source"),
        ("by", "source"),
        ("for", "target"),
        ("to", "target"),
        ("delivered to", "target"),
        ("", None),
    ],
)
def test_relation_reads(relation: str, reads: str | None) -> None:
    assert relation_reads(relation) == reads


def test_strip_period_only_at_the_end() -> None:
    assert (
        strip_period("Incidents, e.g. outages, from users. ")
        == "Incidents, e.g. outages, from users"
    )


def test_trailing_aside_and_kind_words_around_names() -> None:
    resolution = resolve(
        "Project charter from the initiating process group (see 4.1)", "Initiating"
    )
    assert kinds(resolution) == [("activity", "Initiating")]
    assert resolution.artifact == "Project charter"
    assert kinds(resolve("Budgets from plan and engage activities [2]")) == [
        ("activity", "Plan"),
        ("activity", "Engage"),
    ]
