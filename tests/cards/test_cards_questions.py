"""Which card asks which fact (chaincards.cards.questions): forward questions per (activity,
direction, counterpart), reverse questions per artifact, broadcasts asked once.

Notes are hand-built (model_helpers) and go through the real model, as in a build.
"""

from __future__ import annotations

import pytest

from chaincards.cards.questions import (
    Answer,
    Forward,
    Reverse,
    activity_flows,
    activity_questions,
    broadcast_coverage,
    broadcast_questions,
    broadcasts,
    pair_questions,
    provider_questions,
)
from chaincards.document import ParsedNote
from chaincards.model import build_model
from chaincards.model.types import ALL, Model
from model.model_helpers import NoteBuilder, activity_note


def model_of(*notes: ParsedNote) -> Model:
    return build_model(list(notes))


def forward_of(model: Model, name: str) -> list[Forward]:
    activity = model.activity(name)
    assert activity is not None, name
    return activity_questions(activity)[0]


def reverse_of(model: Model, name: str) -> list[Reverse]:
    activity = model.activity(name)
    assert activity is not None, name
    return activity_questions(activity)[1]


def texts(question: Forward) -> list[str]:
    return [a.text for a in question.answers]


def pairs(model: Model) -> dict[tuple[str, str], list[str]]:
    """What each pair question asks: (source, target) → its answers."""
    return {(q.subject, q.other): texts(q) for q in pair_questions(activity_flows(model))}


def providers(model: Model) -> dict[tuple[str, str], tuple[str, ...]]:
    """What each "Which step provides X to B?" asks: (artifact, B) → its answers."""
    return {(r.artifact.text, r.known): r.answers for r in provider_questions(model)}


# --- forward questions between activities ---------------------------------------------------


def test_one_pair_question_per_source_and_target() -> None:
    model = model_of(
        activity_note(
            "Mill", [], ["Flour for [[Bake]].", "Bran for [[Bake]].", "Sacks for [[Sell]]."]
        ),
        activity_note("Bake", [], ["Loaves for [[Sell]]."]),
        activity_note("Sell", [], []),
    )
    questions = pair_questions(activity_flows(model))
    assert len(questions) == 3
    assert {q.direction for q in questions} == {"output"}
    assert {q.other_kind for q in questions} == {"activity"}
    found = pairs(model)
    assert sorted(found) == [("Bake", "Sell"), ("Mill", "Bake"), ("Mill", "Sell")]
    assert sorted(found[("Mill", "Bake")]) == ["Bran", "Flour"]
    assert found[("Mill", "Sell")] == ["Sacks"]


def test_a_flow_stated_at_both_ends_is_one_answer_with_both_places() -> None:
    model = model_of(
        activity_note("Glycolysis", [], ["Pyruvate for [[Krebs cycle]]."]),
        activity_note("Krebs cycle", ["Pyruvate from [[Glycolysis]]."], []),
    )
    [question] = pair_questions(activity_flows(model))
    [answer] = question.answers
    assert answer.text == "Pyruvate"
    assert sorted(answer.places) == [("Glycolysis.md", 3), ("Krebs cycle.md", 3)]
    [reverse] = provider_questions(model)
    assert (reverse.known, reverse.answers, reverse.who) == (
        "Krebs cycle",
        ("Glycolysis",),
        "activity",
    )
    assert reverse.direction == "input"


def test_pair_answers_keep_the_notes_order() -> None:
    model = model_of(
        activity_note(
            "Pleadings", [], ["Rule 12 motions for [[Discovery]].", "Complaints for [[Discovery]]."]
        ),
        activity_note("Discovery", [], []),
    )
    assert pairs(model)[("Pleadings", "Discovery")] == ["Rule 12 motions", "Complaints"]


def test_a_flow_to_itself_is_never_asked() -> None:
    model = model_of(
        activity_note("Review", ["Drafts from [[Review]]."], ["Drafts for [[Review]]."])
    )
    assert pairs(model) == {}
    assert providers(model) == {}


# --- reverse questions between activities ---------------------------------------------------


def test_one_provider_question_per_artifact_into_an_activity_naming_every_source() -> None:
    model = model_of(
        activity_note(
            "Glycolysis", [], ["NADH for [[Krebs cycle]].", "Pyruvate for [[Krebs cycle]]."]
        ),
        activity_note("Beta oxidation", [], ["NADH for [[Krebs cycle]]."]),
        activity_note("Krebs cycle", [], []),
    )
    found = providers(model)
    assert sorted(found["NADH", "Krebs cycle"]) == ["Beta oxidation", "Glycolysis"]
    assert found["Pyruvate", "Krebs cycle"] == ("Glycolysis",)
    assert len(found) == 2  # NADH is one question, not one per source


def test_same_artifact_into_two_activities_is_two_provider_questions() -> None:
    model = model_of(
        activity_note("Intake", [], ["Case files for [[Triage]].", "Case files for [[Billing]]."]),
        activity_note("Triage", [], []),
        activity_note("Billing", [], []),
    )
    assert providers(model) == {
        ("Case files", "Triage"): ("Intake",),
        ("Case files", "Billing"): ("Intake",),
    }


# --- broadcasts -------------------------------------------------------------------------------


@pytest.fixture
def broadcasting() -> Model:
    """Mill gives recipes to every stage and flour to Bake, which also confirms the recipes."""
    return model_of(
        activity_note(
            "Mill", [], ["Recipes for all value chain activities.", "Flour for [[Bake]]."]
        ),
        activity_note("Bake", ["Recipes from [[Mill]].", "Flour from [[Mill]]."], []),
        activity_note("Sell", ["Prices from all value chain activities."], []),
        activity_note("Pack", [], ["Prices for [[Sell]].", "Boxes for [[Sell]]."]),
    )


def test_broadcasts_are_the_items_naming_every_other_step(broadcasting) -> None:
    mill, sell = broadcasting.activity("Mill"), broadcasting.activity("Sell")
    assert [i.artifact for i in broadcasts(mill, "output")] == ["Recipes"]
    assert broadcasts(mill, "input") == []
    assert [i.artifact for i in broadcasts(sell, "input")] == ["Prices"]


def test_a_pair_flow_restating_a_broadcast_is_asked_only_by_the_broadcast(broadcasting) -> None:
    flows = {(f.source, f.target, f.artifact): f for f in broadcasting.flows}
    covered = broadcast_coverage(broadcasting)
    # Bake confirms Mill's broadcast; Sell's broadcast input covers what Pack says it gives.
    assert covered(flows["Mill", "Bake", "Recipes"])
    assert covered(flows["Pack", "Sell", "Prices"])
    assert not covered(flows["Mill", "Bake", "Flour"])
    assert not covered(flows["Pack", "Sell", "Boxes"])
    assert pairs(broadcasting) == {("Mill", "Bake"): ["Flour"], ("Pack", "Sell"): ["Boxes"]}
    assert sorted(providers(broadcasting)) == [("Boxes", "Sell"), ("Flour", "Bake")]


def test_a_similar_wording_of_the_broadcast_is_the_same_fact() -> None:
    # `Plans` shares half the content words of `Strategic plans`: one fact, asked once.
    model = model_of(
        activity_note(
            "Plan", [], ["Strategic plans for all value chain activities.", "Plans for [[Design]]."]
        ),
        activity_note("Design", [], []),
    )
    assert pairs(model) == {}


def test_a_broadcast_is_asked_by_one_forward_and_one_reverse_question(broadcasting) -> None:
    [mill_all] = [q for q in forward_of(broadcasting, "Mill") if q.other_kind == "all"]
    assert (mill_all.other, mill_all.direction, texts(mill_all)) == (ALL, "output", ["Recipes"])
    [sell_all] = [q for q in forward_of(broadcasting, "Sell") if q.other_kind == "all"]
    assert (sell_all.other, sell_all.direction, texts(sell_all)) == (ALL, "input", ["Prices"])
    found = {(r.artifact.text, r.direction): r for r in broadcast_questions(broadcasting)}
    assert sorted(found) == [("Prices", "output"), ("Recipes", "input")]
    # "Which stage provides recipes to every other stage?" / "… receives prices from …"
    assert found["Recipes", "input"].known == ALL
    assert found["Recipes", "input"].answers == ("Mill",)
    assert found["Prices", "output"].answers == ("Sell",)
    assert {r.who for r in found.values()} == {"activity"}


def test_the_same_broadcast_from_two_activities_is_one_reverse_question() -> None:
    model = model_of(
        activity_note("Glycolysis", [], ["ATP for all stages."]),
        activity_note("Fermentation", [], ["ATP for all stages.", "Lactate for all stages."]),
    )
    found = {r.artifact.text: sorted(r.answers) for r in broadcast_questions(model)}
    assert found == {"ATP": ["Fermentation", "Glycolysis"], "Lactate": ["Fermentation"]}


def test_a_provider_question_names_every_stated_provider_even_one_that_broadcasts() -> None:
    model = model_of(
        activity_note("Mill", [], ["Flour for all stages."]),
        activity_note("Market", [], ["Flour for [[Bake]]."]),
        activity_note("Bake", ["Flour from [[Mill]] and [[Market]]."], []),
    )
    assert sorted(providers(model)[("Flour", "Bake")]) == ["Market", "Mill"]


# --- questions about parties and about items naming no one ----------------------------------

ENGAGE = activity_note(
    "Engage",
    [
        "Detailed requirements from customers.",
        "Feedback from customers.",
        "Feedback from users.",
        "Goods and services from partners and suppliers.",
        "Portfolio from [[Plan]].",
        "Market research.",
        "Contracts.",
    ],
    ["Service reports for customers and [[Plan]].", "Minutes."],
)


@pytest.fixture
def engage() -> Model:
    return model_of(ENGAGE, activity_note("Plan", [], []))


def test_one_forward_question_per_party_and_direction(engage) -> None:
    found = {(q.direction, q.other): q for q in forward_of(engage, "Engage")}
    assert texts(found["input", "customers"]) == ["Detailed requirements", "Feedback"]
    assert texts(found["input", "users"]) == ["Feedback"]
    assert texts(found["input", "partners and suppliers"]) == ["Goods and services"]
    assert texts(found["output", "customers"]) == ["Service reports"]
    assert {q.other_kind for k, q in found.items() if k[1]} == {"party"}


def test_an_activity_counterpart_is_left_to_the_flow_questions(engage) -> None:
    questions = forward_of(engage, "Engage")
    assert not [q for q in questions if q.other == "Plan" or "Portfolio" in texts(q)]
    # The item naming a party and an activity is asked about the party here.
    [service] = [q for q in questions if "Service reports" in texts(q)]
    assert (service.other, service.direction) == ("customers", "output")
    assert pairs(engage) == {
        ("Engage", "Plan"): ["Service reports"],
        ("Plan", "Engage"): ["Portfolio"],
    }


def test_items_naming_no_one_are_one_question_per_list_in_the_notes_order(engage) -> None:
    none = {q.direction: q for q in forward_of(engage, "Engage") if q.other_kind == "none"}
    assert {d: (q.other, texts(q)) for d, q in none.items()} == {
        "input": ("", ["Market research", "Contracts"]),
        "output": ("", ["Minutes"]),
    }


def test_who_questions_one_per_artifact_naming_every_party(engage) -> None:
    found = {(r.artifact.text, r.direction): r for r in reverse_of(engage, "Engage")}
    # Feedback from customers and from users is one question with two answers.
    assert found["Feedback", "input"].answers == ("customers", "users")
    assert found["Detailed requirements", "input"].answers == ("customers",)
    assert found["Goods and services", "input"].answers == ("partners and suppliers",)
    assert found["Service reports", "output"].answers == ("customers",)  # Plan: a flow question
    assert len(found) == 4  # nothing about the items that name no one
    assert {(r.known, r.who) for r in found.values()} == {("Engage", "party")}


def test_answers_point_at_every_statement_own_note_first() -> None:
    chapter = (
        NoteBuilder("Chapter 2.md")
        .h(1, "Chapter 2")
        .h(2, "2.1 Intake")
        .p("Intake: Input")
        .ul("Referrals from clinicians", "Insurance cards")
        .build()
    )
    intake = activity_note("Intake", ["Insurance cards.", "Referrals from clinicians."], [])
    model = model_of(chapter, intake)
    found = {a.text: a for q in forward_of(model, "Intake") for a in q.answers}
    assert found["Referrals"] == Answer("Referrals", (("Intake.md", 4), ("Chapter 2.md", 5)))
    assert found["Insurance cards"].places == (("Intake.md", 3), ("Chapter 2.md", 6))
    [who] = reverse_of(model, "Intake")
    assert who.artifact.places[0] == ("Intake.md", 4)


def test_an_activity_whose_items_all_name_activities_has_only_flow_questions() -> None:
    model = model_of(
        activity_note("Draft", [], ["Drafts for [[Review]]."]),
        activity_note("Review", ["Drafts from [[Draft]]."], []),
    )
    assert [activity_questions(a) for a in model.activities] == [([], []), ([], [])]
    assert broadcast_questions(model) == []
    assert pairs(model) == {("Draft", "Review"): ["Drafts"]}
    assert providers(model) == {("Drafts", "Review"): ("Draft",)}


def test_no_activities_no_questions() -> None:
    model = model_of(NoteBuilder("Notes.md").h(1, "Notes").p("Nothing to learn here.").build())
    assert model.activities == ()
    assert pair_questions(activity_flows(model)) == []
    assert provider_questions(model) == []
    assert broadcast_questions(model) == []
