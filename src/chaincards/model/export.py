"""The model as plain JSON-ready data (`chaincards model` prints it)."""

from __future__ import annotations

from typing import Any

from chaincards.model.flows import broadcast_only_flows, flow_sort_key
from chaincards.model.names import dedupe
from chaincards.model.types import Activity, Flow, Item, Model, Party, ValueStream


def _item(item: Item, end: str) -> dict[str, Any]:
    return {
        "text": item.text,
        end: list(dict.fromkeys(item.names)),
        "artifact": item.artifact,
        "relation": item.relation,
        "source": str(item.source),
        # Other notes stating the same item in their own words (one fact, merged).
        "also": [{"source": str(r), "text": r.text} for r in item.also],
    }


def _activity(activity: Activity) -> dict[str, Any]:
    return {
        "name": activity.name,
        "aliases": list(activity.aliases),
        "purpose": activity.purpose,
        "inputs": [_item(i, "from") for i in activity.inputs],
        "outputs": [_item(i, "to") for i in activity.outputs],
        "sources": [str(s) for s in activity.sources],
        "home": activity.home_path,
        "declared": activity.declared,
        "purpose_source": str(activity.purpose_source) if activity.purpose_source else None,
        "kind": activity.kind,
    }


def _flow(flow: Flow) -> dict[str, Any]:
    return {
        "from": flow.source,
        "to": flow.target,
        "artifact": flow.artifact,
        "confirmed": flow.confirmed,
        "sources": dedupe(str(s.source) for s in flow.statements),
    }


def _stream(stream: ValueStream) -> dict[str, Any]:
    return {
        "name": stream.name,
        "kind": stream.kind,
        "steps": list(stream.steps),
        "source": f"{stream.path}:{stream.line}",
    }


def _party(party: Party) -> str:
    return party.name


def all_flows(model: Model) -> list[Flow]:
    """Every activity → activity flow, "all activities" expanded into one flow per activity."""
    return sorted((*model.flows, *broadcast_only_flows(model.activities)), key=flow_sort_key)


def model_to_json(model: Model) -> dict[str, Any]:
    """`{"step_noun", "activities", "parties", "flows", "value_streams"}`; every list in a
    fixed order."""
    return {
        "step_noun": model.step_noun,
        "activities": [_activity(a) for a in model.activities],
        "parties": [_party(p) for p in model.parties],
        "flows": [_flow(f) for f in all_flows(model)],
        "value_streams": [_stream(s) for s in model.value_streams],
    }


def merged_items(model: Model) -> list[str]:
    """One line per item stated in several notes and kept once (`check --verbose`)."""
    return [
        f"{r}: merged into {activity.name}'s {item.direction} '{item.artifact}' "
        f"({item.source}): '{r.text}'"
        for activity in model.activities
        for item in (*activity.inputs, *activity.outputs)
        for r in item.also
    ]
