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
    assert list(data) == ["activities", "parties", "flows", "value_streams"]
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
        {"name": "Intake", "steps": ["Engage", "Plan"], "source": "VS.md:1"}
    ]
    assert json.loads(json.dumps(data)) == data


def test_empty_model() -> None:
    assert model_to_json(build_model([])) == {
        "activities": [],
        "parties": [],
        "flows": [],
        "value_streams": [],
    }
