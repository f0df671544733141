"""Whole-model acceptance on fixture vaults in other subjects, labelled by hand.

Each folder under tests/fixtures/ with an `expected-model.json` is a vault written the way
students write (typos, aliases, plain-text counterparts, prose around the lists) in one shape:
one note per step (respiration), a textbook chapter with `X: Input` paragraphs (steelworks),
sections of one note (litigation). The labels were written by reading the notes, never by
running chaincards. Every activity, every item with its counterparts and place, every flow
(pair recall and precision), every sequence and the warnings a reader must give are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chaincards.model import ALL, Item, Model, build_model
from chaincards.model.export import all_flows
from chaincards.model.names import name_key, party_key
from chaincards.pipeline import ParsedVault, compile_parsed, read_vault

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VAULTS = sorted(p.parent.name for p in FIXTURES.glob("*/expected-model.json"))


def _text(value: str) -> str:
    return " ".join(value.casefold().split()).rstrip(".")


def _who(counterpart: str | dict[str, str]) -> list[tuple[str, ...]]:
    """Comparable counterparts; a party phrase counts as its parts (`the plaintiff and the
    defendant` is one counterpart in the model and two parties in the labels)."""
    if isinstance(counterpart, dict):
        return [("party", part) for part in party_key(counterpart["party"])]
    if counterpart == ALL:
        return [("*",)]
    return [("activity", *name_key(counterpart))]


def _item_who(item: Item) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for c in item.counterparts:
        if c.kind == "party":
            found.extend(("party", part) for part in party_key(c.name))
        elif c.kind == "all":
            found.append(("*",))
        else:
            found.append(("activity", *name_key(c.name)))
    return sorted(found)


@pytest.fixture(scope="module", params=VAULTS)
def vault(request: pytest.FixtureRequest) -> tuple[dict[str, Any], ParsedVault, Model]:
    folder = FIXTURES / request.param
    expected = json.loads((folder / "expected-model.json").read_text(encoding="utf-8"))
    parsed = read_vault([folder])
    return expected, parsed, build_model(parsed.notes)


def test_there_are_three_subjects() -> None:
    assert len(VAULTS) >= 3


def test_activities_and_aliases(vault: tuple[dict[str, Any], ParsedVault, Model]) -> None:
    expected, _, model = vault
    assert sorted(name_key(a["name"]) for a in expected["activities"]) == sorted(
        name_key(a.name) for a in model.activities
    )
    for wanted in expected["activities"]:
        activity = model.activity(wanted["name"])
        assert activity is not None
        known = {name_key(n) for n in (activity.name, *activity.aliases)}
        for alias in wanted.get("aliases", []):
            assert name_key(alias) in known, f"{activity.name}: alias {alias!r} not read"


@pytest.mark.parametrize("direction", ["inputs", "outputs"])
def test_items_counterparts_and_counts(
    vault: tuple[dict[str, Any], ParsedVault, Model], direction: str
) -> None:
    expected, _, model = vault
    end = "from" if direction == "inputs" else "to"
    for wanted in expected["activities"]:
        activity = model.activity(wanted["name"])
        assert activity is not None
        got = [
            (_text(i.artifact), _item_who(i), str(i.source)) for i in getattr(activity, direction)
        ]
        want = [
            (_text(i["artifact"]), sorted(w for c in i[end] for w in _who(c)), i["note"])
            for i in wanted[direction]
        ]
        assert got == want, f"{activity.name} {direction}"


def test_flows_pair_recall_and_precision(
    vault: tuple[dict[str, Any], ParsedVault, Model],
) -> None:
    expected, _, model = vault
    got = sorted(
        (name_key(f.source), name_key(f.target), _text(f.artifact)) for f in all_flows(model)
    )
    want = sorted(
        (name_key(f["from"]), name_key(f["to"]), _text(f["artifact"])) for f in expected["flows"]
    )
    assert got == want


def test_sequences_exact(vault: tuple[dict[str, Any], ParsedVault, Model]) -> None:
    expected, _, model = vault
    got = sorted(
        (s.kind, _text(s.name), [name_key(x) for x in s.steps], f"{s.path}:{s.line}")
        for s in model.value_streams
    )
    want = sorted(
        (s["kind"], _text(s["name"]), [name_key(x) for x in s["steps"]], s["note"])
        for s in expected["sequences"]
    )
    assert got == want


def test_step_noun(vault: tuple[dict[str, Any], ParsedVault, Model]) -> None:
    expected, _, model = vault
    assert model.step_noun == expected["step_noun"]


def test_warnings_for_what_is_left_out(
    vault: tuple[dict[str, Any], ParsedVault, Model],
) -> None:
    expected, parsed, _ = vault
    diagnostics = compile_parsed(parsed, None).diagnostics  # what build and check report
    for wanted in expected["warnings"]:
        path, line = wanted["note"].rsplit(":", 1)
        at = [d.message.casefold() for d in diagnostics if (d.path, d.line) == (path, int(line))]
        assert any(wanted["contains"].casefold() in m for m in at), (wanted, at)
