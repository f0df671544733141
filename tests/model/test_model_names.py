"""Name normalisation and matching (chaincards.model.names)."""

from __future__ import annotations

import pytest

from chaincards.model.names import (
    NameIndex,
    clean_activity_name,
    content_words,
    is_party_phrase,
    name_key,
    party_display,
    party_key,
    singular,
    stem,
)


@pytest.mark.parametrize(
    "spelling",
    ["Obtain and build", "Obtain or Build", "obtain/build", "Obtain/Build", "Obtain & Build"],
)
def test_and_or_ampersand_and_slash_are_one_connector(spelling: str) -> None:
    assert name_key(spelling) == ("obtain", "and", "build")


def test_name_key_ignores_case_spacing_and_leading_article() -> None:
    assert name_key("  The   Deliver AND support ") == name_key("deliver and support")
    assert name_key("Plan") != name_key("Planning")


@pytest.mark.parametrize(
    ("heading", "name", "aliases"),
    [
        ("5.3 Plan Activity", "Plan", ()),
        ("5.6 Design and Transition Activity", "Design and Transition", ()),
        ("3.2 Planning Process Group", "Planning", ()),
        ("Preliminary Phase", "Preliminary", ()),
        # Both parts of a labelled phase are used to refer to it.
        (
            "Phase A: Architecture Vision",
            "Phase A: Architecture Vision",
            ("Phase A", "Architecture Vision"),
        ),
        ("6.2 Step 2 - Assess", "Step 2 - Assess", ("Step 2", "Assess")),
        ("5.3 The Plan value chain activity", "Plan", ()),
        ("4. Deliver", "Deliver", ()),
        ("Engage", "Engage", ()),
        # Removing the kind word would leave `or` dangling: here it is part of the name.
        ("Close Project or Phase", "Close Project or Phase", ()),
        ("**Monitor value stream step**", "Monitor", ()),
    ],
)
def test_clean_activity_name(heading: str, name: str, aliases: tuple[str, ...]) -> None:
    assert clean_activity_name(heading) == (name, aliases)


@pytest.mark.parametrize(
    ("word", "one"),
    [
        ("reports", "report"),
        ("parties", "party"),
        ("stakeholders'", "stakeholder"),
        ("Stakeholder's", "stakeholder"),
        ("status", "status"),
        ("process", "process"),
        ("processes", "process"),
        ("analysis", "analysis"),
    ],
)
def test_singular(word: str, one: str) -> None:
    assert singular(word) == one


def test_content_words_drop_stop_words_and_fold_number() -> None:
    assert content_words("Improvement initiatives & Status reports") == {
        "improv",
        "initiativ",
        "status",
        "report",
    }
    assert content_words("Marketing opportunities") == content_words("Market opportunity")
    assert content_words("user supported tasks") == content_words("user support tasks")
    assert content_words("A product and service portfolio") == content_words(
        "Product and service portfolios"
    )


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (("inspection", "inspector", "inspect", "inspections"), True),
        (("drilling", "drill", "drilled"), True),
        (("planning", "planned", "plan"), True),
        (("improvement", "improve", "improvements"), True),
        (("loaves", "loaf"), True),
        (("shelves", "shelf"), True),
        (("valves", "valve"), True),
        (("user", "use"), False),  # short words keep their endings
        (("order", "ore"), False),
    ],
)
def test_stem_folds_the_forms_learners_mix(forms: tuple[str, ...], same: bool) -> None:
    assert (len({stem(f) for f in forms}) == 1) is same


def test_party_key_ignores_order_number_and_modifiers() -> None:
    assert party_key("Partners and suppliers") == party_key("suppliers and partners")
    assert party_key("external and internal suppliers and partners") == party_key(
        "partner and supplier"
    )
    assert party_key("internal and external customers") == party_key("customer")
    assert party_key("customers") != party_key("users")


def test_party_display_drops_modifiers_only() -> None:
    assert party_display("current and potential customers and users") == "customers and users"
    assert party_display("the governing body") == "governing body"
    assert party_display("internal and external customers") == "customers"
    assert party_display("customers, users and partners") == "customers, users and partners"


@pytest.mark.parametrize(
    ("phrase", "party"),
    [
        ("customers", True),
        ("the governing body", True),
        ("Partners and suppliers", True),
        ("Project Sponsor", True),
        ("Architecture Board", True),
        ("design and transition", False),
        ("Manage Stakeholder Engagement", False),
        ("services and products", False),
    ],
)
def test_party_phrases_end_in_stakeholder_nouns(phrase: str, party: bool) -> None:
    assert is_party_phrase(phrase) is party


def test_name_index_prefers_the_longest_name() -> None:
    index = NameIndex()
    for name in ("Design", "Design and Transition", "Improve"):
        index.add(name_key(name), name)
    norms = list(name_key("design and transition and improve"))
    assert index.longest(norms, 0) == (3, "Design and Transition")
    assert index.longest(norms, 4) == (5, "Improve")
    assert index.longest(norms, 1) is None


def test_name_index_prefix_lookup_for_partial_names() -> None:
    index = NameIndex()
    for name in ("Design and transition", "Deliver and support", "Plan"):
        index.add(name_key(name), name)
    assert index.by_prefix(("design",)) == {"Design and transition"}
    assert index.by_prefix(("d",)) == set()
    assert index.by_prefix(("plan",)) == {"Plan"}
