"""The PMBOK fixture vault, parsed for real: a different chain in both note shapes.

tests/fixtures/pmbok has two activity notes (`## Inputs` / `## Outputs` with wikilinks, aliases,
a Key Message and a first-paragraph purpose), a chapter note with `Planning: Inputs` and
`**Executing: Input**` labelled lists in plain text, a value stream list and a chain line, and a
prose note that must not produce anything.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from model_helpers import parse_folder

from chaincards.document import ParsedNote
from chaincards.model import Model, build_model, check_model, model_to_json
from chaincards.model.export import all_flows

VAULT = Path(__file__).resolve().parents[1] / "fixtures" / "pmbok"
CHAPTER = "3 Process groups.md"
INITIATING = "Process groups/Initiating.md"
MONITORING = "Process groups/Monitoring and Controlling.md"


@pytest.fixture(scope="module")
def notes() -> list[ParsedNote]:
    return parse_folder(VAULT)


@pytest.fixture(scope="module")
def model(notes: list[ParsedNote]) -> Model:
    return build_model(notes)


def summary(model: Model) -> dict[str, object]:
    return {
        a.name: {
            "in": [(i.artifact, i.names) for i in a.inputs],
            "out": [(i.artifact, i.names) for i in a.outputs],
        }
        for a in model.activities
    }


def test_activities_items_and_counterparts(model: Model) -> None:
    assert summary(model) == {
        "Planning": {
            "in": [
                ("Project charter", ["Initiating"]),
                ("Stakeholder register", ["Initiating"]),
                ("Change requests", ["Monitoring and Controlling"]),
                ("Organizational process assets", ["PMO"]),
                ("Expert judgment", []),
            ],
            "out": [
                ("Project management plan", ["Executing", "Monitoring and Controlling"]),
                ("Project documents", ["*"]),
                ("Procurement statement of work", ["sellers"]),
            ],
        },
        "Executing": {
            "in": [
                ("Project management plan", ["Planning"]),
                ("Approved change requests", ["Monitoring and Controlling"]),
                ("Stakeholder register", ["Initiating"]),
            ],
            "out": [
                ("Deliverables", ["Monitoring and Controlling"]),
                ("Work performance data", ["Monitoring and Controlling"]),
                ("Issue log", ["Planning", "project team"]),
            ],
        },
        "Initiating": {
            "in": [
                ("Business case", ["Project Sponsor"]),
                ("Agreements", ["customers"]),
                ("Lessons learned", ["Closing"]),
                ("Enterprise environmental factors", []),
            ],
            "out": [
                ("Project charter", ["Planning"]),
                ("Stakeholder register", ["Planning", "Executing"]),
                ("Assumption log", ["*"]),
            ],
        },
        "Monitoring and Controlling": {
            "in": [
                ("Work performance data", ["Executing"]),
                ("Project management plan", ["Planning"]),
                ("Stakeholder register", ["Initiating"]),
            ],
            "out": [
                ("Change requests", ["Planning"]),
                ("Work performance reports", ["Project Sponsor", "Executing"]),
                ("Accepted deliverables", ["Closing"]),
            ],
        },
        "Closing": {"in": [], "out": []},
    }


def test_names_homes_aliases_and_purposes(model: Model) -> None:
    rows = [
        (a.name, a.aliases, a.home_path, a.own_note, a.declared, a.purpose_source)
        for a in model.activities
    ]
    assert [
        (name, aliases, home, own, declared) for name, aliases, home, own, declared, _ in rows
    ] == [
        ("Planning", (), CHAPTER, False, True),
        ("Executing", (), CHAPTER, False, True),
        ("Initiating", ("Initiation",), INITIATING, True, True),
        ("Monitoring and Controlling", ("M&C", "Monitor and Control"), MONITORING, True, True),
        ("Closing", (), INITIATING, False, False),
    ]
    purposes = {a.name: (a.purpose.split()[:3], str(a.purpose_source)) for a in model.activities}
    assert purposes == {
        "Planning": (["The", "Planning", "process"], f"{CHAPTER}:12"),
        "Executing": (["Executing", "completes", "the"], f"{CHAPTER}:27"),
        "Initiating": (["The", "Initiating", "process"], f"{INITIATING}:6"),  # Key Message
        "Monitoring and Controlling": (["Monitoring", "and", "controlling"], f"{MONITORING}:6"),
        "Closing": (["Closing", "process", "group"], f"{CHAPTER}:47"),  # Key Takeaways
    }


def test_parties(model: Model) -> None:
    assert [(p.name, p.known) for p in model.parties] == [
        ("PMO", False),
        ("sellers", True),
        ("project team", True),
        ("Project Sponsor", True),
        ("customers", True),
    ]


def test_flows(model: Model) -> None:
    confirmed = {(f.source, f.target, f.artifact) for f in all_flows(model) if f.confirmed}
    assert confirmed == {
        ("Executing", "Monitoring and Controlling", "Work performance data"),
        ("Initiating", "Executing", "Stakeholder register"),
        ("Initiating", "Planning", "Project charter"),
        ("Initiating", "Planning", "Stakeholder register"),
        ("Monitoring and Controlling", "Planning", "Change requests"),
        ("Planning", "Executing", "Project management plan"),
        ("Planning", "Monitoring and Controlling", "Project management plan"),
    }
    one_ended = [(f.source, f.target, f.artifact) for f in all_flows(model) if not f.confirmed]
    assert one_ended == [
        ("Closing", "Initiating", "Lessons learned"),
        ("Executing", "Monitoring and Controlling", "Deliverables"),
        ("Executing", "Planning", "Issue log"),
        ("Initiating", "Closing", "Assumption log"),
        ("Initiating", "Executing", "Assumption log"),
        ("Initiating", "Monitoring and Controlling", "Assumption log"),
        ("Initiating", "Monitoring and Controlling", "Stakeholder register"),
        ("Initiating", "Planning", "Assumption log"),
        # An output written `from [[Closing]]` still flows to Closing.
        ("Monitoring and Controlling", "Closing", "Accepted deliverables"),
        ("Monitoring and Controlling", "Executing", "Approved change requests"),
        ("Monitoring and Controlling", "Executing", "Work performance reports"),
        ("Planning", "Closing", "Project documents"),
        ("Planning", "Executing", "Project documents"),
        ("Planning", "Initiating", "Project documents"),
        ("Planning", "Monitoring and Controlling", "Project documents"),
    ]


def test_value_streams(model: Model) -> None:
    assert [(s.name, s.steps, s.path, s.line) for s in model.value_streams] == [
        ("Change loop", ("Executing", "Monitoring and Controlling", "Planning"), CHAPTER, 9),
        (
            "Small project",
            ("Initiating", "Planning", "Executing", "Monitoring and Controlling", "Closing"),
            CHAPTER,
            40,
        ),
    ]


def test_check(model: Model, notes: list[ParsedNote]) -> None:
    known = {n.title for n in notes} | {Path(n.path).stem for n in notes}
    found = [d.format() for d in check_model(model, notes, known)]
    assert found == [
        f"{CHAPTER}:18: warning: 'the PMO' in the inputs of Planning is no known activity or "
        "stakeholder; read as an outside party (link it or correct the name)",
        f"{CHAPTER}:31: warning: Monitoring and Controlling → Executing: 'Approved change "
        "requests' is an input of Executing, but no output of Monitoring and Controlling lists it",
        f"{CHAPTER}:35: warning: Executing → Monitoring and Controlling: 'Deliverables' is an "
        "output of Executing, but no input of Monitoring and Controlling lists it",
        f"{CHAPTER}:37: warning: Executing → Planning: 'Issue log' is an output of Executing, but "
        "no input of Planning lists it",
        f"{MONITORING}:11: warning: Initiating → Monitoring and Controlling: 'Stakeholder "
        "register' is an input of Monitoring and Controlling, but no output of Initiating lists it",
        f"{MONITORING}:15: warning: Monitoring and Controlling → Executing: 'Work performance "
        "reports' is an output of Monitoring and Controlling, but no input of Executing lists it",
        f"{MONITORING}:16: warning: output of Monitoring and Controlling says 'from Closing': "
        "outputs go to their counterpart, so this is read as Monitoring and Controlling → "
        "Closing; write 'for' or 'to'",
    ]


def test_json_is_stable_and_serialisable(notes: list[ParsedNote], model: Model) -> None:
    data = model_to_json(model)
    again = model_to_json(build_model(list(reversed(notes))))
    assert json.dumps(data, sort_keys=True) == json.dumps(again, sort_keys=True)
    initiating = data["activities"][2]
    assert initiating["inputs"][0] == {
        "text": "Business case provided by the Project Sponsor",
        "from": ["Project Sponsor"],
        "artifact": "Business case",
        "relation": "provided by",
        "source": f"{INITIATING}:12",
        "also": [],
    }
    assert initiating["outputs"][2]["to"] == ["*"]
