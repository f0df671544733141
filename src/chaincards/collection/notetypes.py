"""chaincards' notetypes in a collection, kept in step with the packages' without losing
what the collection holds: a field or template is matched by its id (Anki keeps it when
the learner renames one), else by its name, and keeps its place (`ord`), so Anki moves each
note's content with it. A field or template the learner added stays, after ours. Pure:
notetypes are Anki's JSON dicts."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Notetype = dict[str, Any]


@dataclass(frozen=True)
class NotetypeStep:
    """A notetype to write: added (the package's, with its id) or brought in step."""

    notetype: Notetype
    new: bool
    # For each field of `notetype`, the place of the collection's field it continues (None:
    # a new field): how the collection's notes will read once it is written.
    layout: tuple[int | None, ...]


def notetype_steps(
    held: Mapping[int, Notetype | None], wanted: Mapping[int, Notetype]
) -> dict[int, NotetypeStep]:
    """The notetypes to write, by id: those the collection lacks (`held[id]` None) and those
    out of step with the packages' (fields, templates, style)."""
    steps: dict[int, NotetypeStep] = {}
    for notetype_id, package in sorted(wanted.items()):
        known = held.get(notetype_id)
        if known is None:
            steps[notetype_id] = NotetypeStep(package, True, ())
            continue
        merged = in_step(known, package)
        if merged != known:
            layout = tuple(field.get("ord") for field in merged["flds"])
            steps[notetype_id] = NotetypeStep(merged, False, layout)
    return steps


def in_step(held: Notetype, package: Notetype) -> Notetype:
    """The collection's notetype with the package's fields, templates and style (its name,
    the learner's, stays; so do field fonts and the learner's own fields and templates)."""
    merged = copy.deepcopy(held)
    merged["css"] = package["css"]
    merged["flds"] = _matched(held["flds"], package["flds"], ("name",))
    merged["tmpls"] = _matched(held["tmpls"], package["tmpls"], ("name", "qfmt", "afmt"))
    return merged


def _matched(
    held: list[dict[str, Any]], package: list[dict[str, Any]], taken: tuple[str, ...]
) -> list[dict[str, Any]]:
    by_id = {item["id"]: item for item in held if item.get("id")}
    by_name = {item["name"]: item for item in held}
    used: set[int] = set()
    found = []
    for item in package:
        old = by_id.get(item.get("id")) or by_name.get(item["name"])
        if old is None or id(old) in used:
            found.append({**copy.deepcopy(item), "ord": None})
            continue
        used.add(id(old))
        found.append({**old, **{key: item[key] for key in taken}})
    # The learner's own, after ours; template names must stay unique.
    names = {item["name"] for item in found}
    for item in held:
        if id(item) not in used:
            extra = dict(item)
            while extra["name"] in names:
                extra["name"] += " (own)"
            names.add(extra["name"])
            found.append(extra)
    return found


def relaid(fields: tuple[str, ...], layout: tuple[int | None, ...]) -> tuple[str, ...]:
    """A note's fields as they read once its notetype is written with this layout."""
    return tuple(
        fields[place] if place is not None and place < len(fields) else "" for place in layout
    )
