"""The model as JSON (chaincards.model.export)."""

from __future__ import annotations

import json

from model_helpers import NoteBuilder, activity_note

from chaincards.model import build_model, model_to_json


def test_json_shape() -> None:
    notes = [
        activity_note(
            "Engage",
            ["A portfolio provided by [[Plan]].", "Contract requirements from all activities"],
            ["Reports for customers", "Demands for [[Plan]]"],
            purpose="The purpose of engage is to listen.",
            aliases=("Engage",),
        ),
        NoteBuilder("VS.md").p("Intake: Engage → Plan").build(),
    ]
    data = model_to_json(build_model(notes))
    assert list(data) == ["step_noun", "activities", "parties", "flows", "value_streams"]
    assert data["step_noun"] == "step"  # no note says what its steps are called
    engage, plan = data["activities"]
    assert {k: engage[k] for k in ("name", "aliases", "purpose", "sources")} == {
        "name": "Engage",
        "aliases": ["Engage"],
        "purpose": "The purpose of engage is to listen.",
        "sources": ["Engage.md:1"],
    }
    assert [(i["text"], i["from"]) for i in engage["inputs"]] == [
        ("A portfolio provided by Plan", ["Plan"]),
        ("Contract requirements from all activities", ["*"]),
    ]
    assert [(o["text"], o["to"]) for o in engage["outputs"]] == [
        ("Reports for customers", ["customers"]),
        ("Demands for Plan", ["Plan"]),
    ]
    assert (plan["name"], plan["inputs"], plan["outputs"]) == ("Plan", [], [])
    assert data["parties"] == ["customers"]
    assert [(f["from"], f["to"], f["artifact"], f["confirmed"]) for f in data["flows"]] == [
        ("Engage", "Plan", "Demands", False),
        ("Plan", "Engage", "A portfolio", False),
        ("Plan", "Engage", "Contract requirements", False),
    ]
    assert data["value_streams"] == [
        {"name": "Intake", "kind": "sequence", "steps": ["Engage", "Plan"], "source": "VS.md:1"}
    ]
    assert json.loads(json.dumps(data)) == data


def test_empty_model() -> None:
    assert model_to_json(build_model([])) == {
        "step_noun": "step",
        "activities": [],
        "parties": [],
        "flows": [],
        "value_streams": [],
    }


def test_merged_items_carry_both_sources() -> None:
    """The same input in an activity note and a chapter, in other words: one item, and the
    chapter's place and wording under `also`."""
    notes = [
        activity_note("Engage", ["Marketing opportunities from customers and users"], []),
        NoteBuilder("Chapter.md")
        .h(2, "5.5 Engage Activity")
        .p("Engage: Input")
        .ul("Market opportunities from current and potential customers")
        .build(),
    ]
    (engage,) = model_to_json(build_model(notes))["activities"]
    (item,) = engage["inputs"]
    assert item["artifact"] == "Marketing opportunities"
    assert item["also"] == [
        {
            "source": "Chapter.md:4",
            "text": "Market opportunities from current and potential customers",
        }
    ]
