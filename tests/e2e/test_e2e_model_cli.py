"""End to end: `chaincards model` (a tree, or --json in the documented shape) and `chaincards check`
(one diagnostic per doubtful fact, exit 0 / 1 with --strict / 2 on usage errors).

The JSON is validated against docs/schemas/model.schema.json with the small validator in
tests/jsonschema_lite.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chaincards.cli import app
from jsonschema_lite import schema_errors
from vaults import make_vault

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "model.schema.json"
CANDIDATES = (
    Path(__file__).resolve().parents[3] / "shared" / "seeds",
    Path("/work/shared/seeds"),
)
SEEDS = next((p for p in CANDIDATES if p.is_dir() and any(p.glob("*.txt"))), None)
CHAPTER_SEED = "003_4e10c9f05c583749.txt"
DIAGNOSTIC = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<severity>error|warning): .+$")
SOURCE = re.compile(r"^[^:]+:\d+$")
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="the seed notes are not present")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "120"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def model_json(*args: str) -> dict[str, Any]:
    result = invoke("model", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def diagnostics(stderr: str) -> list[str]:
    """The diagnostic lines; `check` ends with the card budget (`cards: …`)."""
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("cards:")]
    assert all(DIAGNOSTIC.match(line) for line in lines), lines
    return lines


# --- the schema validator itself -------------------------------------------------------------


def test_validator_catches_what_the_schema_forbids(schema) -> None:
    good = {
        "activities": [
            {
                "name": "Plan",
                "aliases": [],
                "purpose": "",
                "inputs": [{"text": "x from Engage", "from": ["Engage"], "extra": 1}],
                "outputs": [],
                "sources": ["Plan.md:1"],
            }
        ],
        "parties": ["customers"],
        "flows": [{"from": "Engage", "to": "Plan", "artifact": "x", "confirmed": False}],
        "value_streams": [{"name": "S", "steps": ["Engage", "Plan"]}],
        "diagnostics": [],
    }
    assert schema_errors(good, schema) == []
    bad = json.loads(json.dumps(good))
    del bad["activities"][0]["inputs"][0]["from"]
    bad["flows"][0]["confirmed"] = "yes"
    bad["value_streams"][0]["steps"] = "Engage, Plan"
    del bad["parties"]
    assert schema_errors(bad, schema) == [
        "$: missing 'parties'",
        "$.activities[0].inputs[0]: missing 'from'",
        "$.flows[0].confirmed: expected boolean, got str",
        "$.value_streams[0].steps: expected array, got str",
    ]


# --- model --json ---------------------------------------------------------------------------


def check_model_document(document: dict[str, Any], schema: dict[str, Any]) -> None:
    assert schema_errors(document, schema) == []
    names = {a["name"] for a in document["activities"]}
    parties = set(document["parties"])
    assert len(names) == len(document["activities"])
    for activity in document["activities"]:
        assert all(SOURCE.match(s) for s in activity["sources"]), activity["sources"]
        for item in activity["inputs"]:
            assert set(item["from"]) <= names | parties | {"*"}, item
        for item in activity["outputs"]:
            assert set(item["to"]) <= names | parties | {"*"}, item
    for flow in document["flows"]:
        assert flow["from"] in names and flow["to"] in names, flow  # activity → activity only
    for stream in document["value_streams"]:
        assert set(stream["steps"]) <= names


@needs_seeds
def test_chapter_seed_alone_gives_six_activities_with_their_lists(schema) -> None:
    document = model_json(str(SEEDS / CHAPTER_SEED))
    check_model_document(document, schema)
    counts = [(a["name"], len(a["inputs"]), len(a["outputs"])) for a in document["activities"]]
    assert counts == [
        ("Plan", 6, 6),
        ("Improve", 5, 4),
        ("Engage", 14, 8),
        ("Design and Transition", 8, 5),
        ("Obtain or Build", 10, 5),
        ("Deliver and Support", 8, 7),
    ]
    assert all(
        s.startswith(f"{CHAPTER_SEED}:") for a in document["activities"] for s in a["sources"]
    )
    engage = document["activities"][2]
    assert engage["inputs"][0] == {
        **engage["inputs"][0],
        "text": "Product and service portfolio provided by plan",
        "from": ["Plan"],
    }
    assert "*" in {name for a in document["activities"] for i in a["outputs"] for name in i["to"]}
    assert {"customers", "governing body"} <= set(document["parties"])
    assert document["flows"] and all(isinstance(f["confirmed"], bool) for f in document["flows"])


@needs_seeds
def test_all_seeds_as_a_vault(tmp_path: Path, schema) -> None:
    vault = tmp_path / "seeds"
    shutil.copytree(SEEDS, vault)
    document = model_json(str(vault), "--include", "*.txt")
    check_model_document(document, schema)
    engage = next(a for a in document["activities"] if a["name"] == "Engage")
    lines = (SEEDS / "000_b4cfc50b9f70545b.txt").read_text(encoding="utf-8").splitlines()
    heading = lines.index("# Engage") + 1
    assert engage["sources"] == [f"000_b4cfc50b9f70545b.txt:{heading}", f"{CHAPTER_SEED}:51"]
    assert engage["purpose"].startswith("The purpose of the engage value chain activity")
    assert [s["steps"] for s in document["value_streams"]] == [
        [
            "Plan",
            "Engage",
            "Design and Transition",
            "Obtain or Build",
            "Deliver and support",
            "Improve",
        ]
    ]


def test_model_of_a_small_vault(tmp_path: Path, schema) -> None:
    vault = make_vault(
        tmp_path,
        Plan=(
            "# Plan\n>[!tip] Key Message\n>The purpose of plan is to set direction.\n\n"
            "## Inputs\n- Demands from [[Engage]].\n- Policies from the governing body.\n"
            "## Outputs\n- Plans for all value chain activities.\n- Portfolio for [[Engage]].\n"
        ),
        Engage=(
            "# Engage\n## Inputs\n- Portfolio from [[Plan]].\n## Outputs\n- Demands for [[Plan]].\n"
        ),
        Streams="# Streams\n- Intake: Engage → Plan\n",
    )
    document = model_json(str(vault))
    check_model_document(document, schema)
    assert [a["name"] for a in document["activities"]] == ["Engage", "Plan"]  # by note path
    plan = document["activities"][1]
    assert (plan["name"], plan["purpose"]) == ("Plan", "The purpose of plan is to set direction.")
    assert [(i["text"], i["from"]) for i in plan["inputs"]] == [
        ("Demands from Engage", ["Engage"]),
        ("Policies from the governing body", ["governing body"]),
    ]
    assert [(o["text"], o["to"]) for o in plan["outputs"]] == [
        ("Plans for all value chain activities", ["*"]),
        ("Portfolio for Engage", ["Engage"]),
    ]
    assert plan["sources"] == ["Plan.md:1"]
    assert document["parties"] == ["governing body"]
    flows = {(f["from"], f["to"], f["artifact"], f["confirmed"]) for f in document["flows"]}
    assert ("Plan", "Engage", "Portfolio", True) in flows
    assert ("Engage", "Plan", "Demands", True) in flows
    # "all activities" is expanded to the activities, never kept as "*" in flows.
    assert ("Plan", "Engage", "Plans", False) in flows
    assert document["value_streams"] == [
        {**document["value_streams"][0], "name": "Intake", "steps": ["Engage", "Plan"]}
    ]


def test_model_without_json_prints_a_tree(tmp_path: Path) -> None:
    vault = make_vault(
        tmp_path,
        Plan=(
            "# Plan\n## Inputs\n- Demands from [[Engage]].\n"
            "## Outputs\n- Portfolio for [[Engage]].\n"
        ),
    )
    result = invoke("model", str(vault))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not out.lstrip().startswith("{")
    assert "Plan" in out and "Engage" in out
    assert "inputs (1)" in out and "outputs (1)" in out
    assert "Demands" in out and "← Engage" in out and "→ Engage" in out
    assert re.search(r"[├└]──", out)


def test_model_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("model", str(tmp_path / "missing")).exit_code == 2
    assert invoke("model", str(tmp_path), "--bogus").exit_code == 2


# --- check ----------------------------------------------------------------------------------

PURPOSE = ">[!tip] Key Message\n>The purpose of this activity is to be checked.\n"
CLEAN = {
    "Plan": f"---\ncards-deck: C\n---\n# Plan\n{PURPOSE}\n"
    "## Inputs\n- Demands from [[Engage]].\n## Outputs\n- Portfolio for [[Engage]].\n",
    "Engage": f"---\ncards-deck: C\n---\n# Engage\n{PURPOSE}\n"
    "## Inputs\n- Portfolio from [[Plan]].\n## Outputs\n- Demands for [[Plan]].\n",
}


def check_vault(tmp_path: Path, **changes: str) -> tuple[Any, Any, Any]:
    vault = make_vault(tmp_path, **{**CLEAN, **changes})
    return (
        invoke("check", str(vault)),
        invoke("check", str(vault), "--strict"),
        invoke("check", str(vault), "--json"),
    )


def test_clean_vault_checks_clean(tmp_path: Path) -> None:
    plain, strict, as_json = check_vault(tmp_path)
    assert (plain.exit_code, strict.exit_code, as_json.exit_code) == (0, 0, 0)
    assert diagnostics(plain.stderr) == []
    assert json.loads(as_json.stdout)["diagnostics"] == []


def plan_with(inputs: str = "- Demands from [[Engage]].\n", outputs: str = "") -> str:
    outputs = outputs or "- Portfolio for [[Engage]].\n"
    return f"---\ncards-deck: C\n---\n# Plan\n{PURPOSE}\n## Inputs\n{inputs}## Outputs\n{outputs}"


@pytest.mark.parametrize(
    ("changes", "path", "line", "words"),
    [
        pytest.param(
            {"Plan": plan_with(inputs="- Demands from [[Engage]].\n- Data from Gamma Unit.\n")},
            "Plan.md",
            10,
            ["'Gamma Unit'", "no known activity or stakeholder"],
            id="counterpart-resolving-to-nothing",
        ),
        pytest.param(
            {
                "Plan": plan_with(
                    outputs="- Portfolio for [[Engage]].\n- Lost memos for [[Engage]].\n"
                )
            },
            "Plan.md",
            12,
            ["Plan → Engage: 'Lost memos'", "no input of Engage lists it"],
            id="one-sided-flow",
        ),
        pytest.param(
            {"Plan": plan_with(outputs="- Portfolio from [[Engage]].\n")},
            "Plan.md",
            11,
            ["output of Plan says 'from Engage'", "write 'for' or 'to'"],
            id="backwards-preposition",
        ),
        pytest.param(
            {"Plan": plan_with() + "\nSee [[Nowhere note]].\n"},
            "Plan.md",
            13,
            ["link [[Nowhere note]]: no note of that name"],
            id="missing-note-link",
        ),
        pytest.param(
            {"Engage": CLEAN["Engage"].replace(PURPOSE, "")},
            "Engage.md",
            4,
            ["activity Engage has no purpose"],
            id="activity-without-purpose",
        ),
        pytest.param(
            {"Plan": plan_with() + "\n>[!info] card\n>\n"},
            "Plan.md",
            13,
            ["empty card callout"],
            id="empty-card-callout",
        ),
        pytest.param(
            {"Engage": CLEAN["Engage"].replace("---\ncards-deck: C\n---\n", "")},
            "Engage.md",
            1,
            ["no cards-deck", "go to deck 'vault' (from the default deck)", "cards-deck: "],
            id="note-without-cards-deck",
        ),
    ],
)
def test_each_doubt_is_one_warning(
    tmp_path: Path, changes: dict[str, str], path: str, line: int, words: list[str]
) -> None:
    plain, strict, as_json = check_vault(tmp_path, **changes)
    assert plain.exit_code == 0
    assert strict.exit_code == 1
    assert as_json.exit_code == 0
    [found] = diagnostics(plain.stderr)
    assert found.startswith(f"{path}:{line}: warning: "), found
    assert all(w in found for w in words), found
    [entry] = json.loads(as_json.stdout)["diagnostics"]
    assert {k: entry[k] for k in ("path", "line", "severity")} == {
        "path": path,
        "line": line,
        "severity": "warning",
    }
    assert found.endswith(entry["message"])
    assert plain.stdout == ""


def test_check_usage_errors_exit_2(tmp_path: Path) -> None:
    make_vault(tmp_path, **CLEAN)
    assert invoke("check", str(tmp_path / "missing")).exit_code == 2
    assert invoke("check", str(tmp_path / "vault"), "--bogus").exit_code == 2


def test_check_note_error_exits_1_even_without_strict(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, **CLEAN, Broken="---\ntags: [a\ncards-deck: X\n---\n# B\n")
    result = invoke("check", str(vault))
    assert result.exit_code == 1
    assert any(": error: " in line for line in diagnostics(result.stderr))


@needs_seeds
def test_check_seeds_warns_but_exits_0(tmp_path: Path) -> None:
    vault = tmp_path / "seeds"
    shutil.copytree(SEEDS, vault)
    result = invoke("check", str(vault), "--include", "*.txt")
    assert result.exit_code == 0
    found = diagnostics(result.stderr)
    assert "000_b4cfc50b9f70545b.txt:54: warning: empty card callout" in found
    assert "002_ab8d8c080dae0f02.txt:47: warning: empty card callout" in found
    assert invoke("check", str(vault), "--include", "*.txt", "--strict").exit_code == 1
