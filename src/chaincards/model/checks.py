"""`check`: what the model finds doubtful in the notes, as one-line diagnostics (all warnings).

- a counterpart that names no known activity and no stakeholder (a typo, or a missing note);
- a flow stated at one end only. Reported only when both activities have their own Inputs *and*
  Outputs lists somewhere in the vault: an activity that is only linked (`provided by [[Plan]]`
  with no Plan note yet) cannot state its end, so a warning would just say "write that note".
  Flows that come only from "all activities" are not reported either: a broadcast does not
  oblige every activity to list it;
- a relation phrase that reads against its list: an output item `… from X` (outputs go *to* their
  counterpart, so this is the flow this activity → X) or an input item `… for X`;
- wikilinks to notes that do not exist (files such as `Book.pdf` are someone else's business;
  links to known activities and parties are fine even without a note);
- activities with no purpose;
- an item that names a group instead of steps (`from other design steps`, `for the relevant
  teams`): only `all`/`every`/`each` means every step, so no flow is read from it;
- a stated sequence left out because a step names no activity;
- two notes titled with the same activity's name (two course folders each with a `Plan` note).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import ParsedNote
from chaincards.model.counterparts import link_is_file, relation_reads
from chaincards.model.definitions import plural
from chaincards.model.flows import SIMILARITY, overlap
from chaincards.model.names import content_words, name_key
from chaincards.model.types import Activity, Flow, Item, Model


def check_model(
    model: Model, notes: Sequence[ParsedNote], known_note_names: set[str]
) -> list[Diagnostic]:
    """Warnings about the chain the notes describe, sorted by place."""
    diagnostics = [
        *_unknown_counterparts(model.activities),
        *_backwards(model.activities),
        *_one_ended(model),
        *_missing_notes(model, notes, known_note_names),
        *_no_purpose(model.activities),
        *_unnamed_groups(model),
        *_left_out_sequences(model),
        *_one_name_two_notes(model.activities, notes),
    ]
    return sorted(dict.fromkeys(diagnostics))


def _one_name_two_notes(
    activities: Sequence[Activity], notes: Sequence[ParsedNote]
) -> list[Diagnostic]:
    """Two notes titled with one activity's name (`Course A/Plan.md`, `Course B/Plan.md`):
    they are read as one activity, with one purpose, which may not be what was meant."""
    titles = {note.path: note.title.casefold() for note in notes}
    found: list[Diagnostic] = []
    for activity in activities:
        names = {activity.name.casefold(), *(a.casefold() for a in activity.aliases)}
        own = {s.path: s for s in reversed(activity.sources) if titles.get(s.path) in names}
        paths = sorted(own)
        for path in paths[1:]:
            source = own[path]
            message = (
                f"{paths[0]} is also the {activity.kind or 'activity'} '{activity.name}': the "
                "two notes are read "
                "as one, with one purpose and their lists merged; rename one (or its title) if "
                "they are different"
            )
            found.append(warning(source.path, source.line, message))
    return found


def _items(activity: Activity) -> Iterable[Item]:
    yield from activity.inputs
    yield from activity.outputs


def _unknown_counterparts(activities: Sequence[Activity]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for activity in activities:
        for item in _items(activity):
            for counterpart in item.counterparts:
                if not counterpart.known:
                    found.append(
                        warning(
                            item.path,
                            item.line,
                            f"'{counterpart.text}' in the {item.direction}s of {activity.name} is "
                            "no known activity or stakeholder; read as an outside party "
                            "(link it or correct the name)",
                        )
                    )
    return found


def _backwards(activities: Sequence[Activity]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for activity in activities:
        for item in _items(activity):
            reads = relation_reads(item.relation)
            names = ", ".join(item.names)
            if item.direction == "output" and reads == "source":
                message = (
                    f"output of {activity.name} says '{item.relation} {names}': outputs go to "
                    f"their counterpart, so this is read as {activity.name} → {names}; "
                    "write 'for' or 'to'"
                )
            elif item.direction == "input" and reads == "target":
                message = (
                    f"input of {activity.name} says '{item.relation} {names}': inputs come from "
                    f"their counterpart, so this is read as {names} → {activity.name}; "
                    "write 'from' or 'provided by'"
                )
            else:
                continue
            found.append(warning(item.path, item.line, message))
    return found


def _one_ended(model: Model) -> list[Diagnostic]:
    by_name = {a.name: a for a in model.activities}
    found: list[Diagnostic] = []
    for flow in model.flows:
        if flow.confirmed or flow.source == flow.target:
            continue
        source, target = by_name.get(flow.source), by_name.get(flow.target)
        if source is None or target is None or not (source.has_lists and target.has_lists):
            continue
        explicit = [s for s in flow.statements if not s.broadcast]
        if explicit:
            message = _one_ended_message(flow, source, target)
            found.append(warning(explicit[0].path, explicit[0].line, message))
    return found


def _unattributed(items: Iterable[Item], artifact: str) -> Item | None:
    """An item naming no counterpart with a similar artifact: the other end, half written."""
    words = content_words(artifact)
    scored = [
        (overlap(words, content_words(item.artifact)), -index, item)
        for index, item in enumerate(items)
        if not item.counterparts
    ]
    best = max(scored, key=lambda s: s[:2], default=None)
    return best[2] if best is not None and best[0] >= SIMILARITY else None


def _one_ended_message(flow: Flow, source: Activity, target: Activity) -> str:
    head = f"{flow.source} → {flow.target}: '{flow.artifact}'"
    if flow.statements[0].side == "output":
        half = _unattributed(target.inputs, flow.artifact)
        if half is not None:
            return (
                f"{head} is an output of {flow.source}; {flow.target} lists '{half.text}' as an "
                f"input but does not say it comes from {flow.source}"
            )
        return f"{head} is an output of {flow.source}, but no input of {flow.target} lists it"
    half = _unattributed(source.outputs, flow.artifact)
    if half is not None:
        return (
            f"{head} is an input of {flow.target}; {flow.source} lists '{half.text}' as an "
            f"output but does not say it goes to {flow.target}"
        )
    return f"{head} is an input of {flow.target}, but no output of {flow.source} lists it"


def _missing_notes(
    model: Model, notes: Sequence[ParsedNote], known_note_names: set[str]
) -> list[Diagnostic]:
    known = {n.casefold().removesuffix(".md") for n in known_note_names}
    known |= {p.name.casefold() for p in model.parties}
    known |= {s.casefold() for p in model.parties for s in p.spellings}
    activity_keys = {name_key(n) for a in model.activities for n in (a.name, *a.aliases)}
    found: list[Diagnostic] = []
    for note in notes:
        reported: set[str] = set()
        lines = note.link_lines or (note.title_line,) * len(note.links)
        for link, line in zip(note.links, lines, strict=True):
            target = link.target.strip()
            if not target or link_is_file(target):
                continue
            stem = PurePosixPath(target).name.removesuffix(".md")
            names = {target.casefold().removesuffix(".md"), stem.casefold()}
            if names & known or name_key(stem) in activity_keys:
                continue
            if target.casefold() in reported:
                continue
            reported.add(target.casefold())
            found.append(warning(note.path, line, f"link [[{target}]]: no note of that name"))
    return found


def _no_purpose(activities: Sequence[Activity]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for activity in activities:
        if activity.purpose:
            continue
        if activity.declared:
            message = (
                f"activity {activity.name} has no purpose: add a 'Key Message' callout or "
                "start its section with a sentence saying what it is for"
            )
        else:
            message = (
                f"activity {activity.name} is only linked from Inputs/Outputs lists; "
                "no note states its purpose"
            )
        found.append(warning(activity.home_path, activity.home_line, message))
    return found


def _unnamed_groups(model: Model) -> list[Diagnostic]:
    noun = model.step_noun
    return [
        warning(
            item.path,
            item.line,
            f"'{group}' in the {item.direction}s of {activity.name} names no {noun}: no flow is "
            f"read from it (link the {plural(noun)} meant, or write 'all {plural(noun)}' for "
            "every one)",
        )
        for activity in model.activities
        for item in _items(activity)
        for group in item.groups
    ]


def _left_out_sequences(model: Model) -> list[Diagnostic]:
    noun = model.step_noun
    found: list[Diagnostic] = []
    for left in model.left_out:
        name = f" '{left.name}'" if left.name else ""
        found.append(
            warning(
                left.path,
                left.line,
                f"{left.kind}{name} left out: '{left.step}' names no {noun} (write its name or "
                "an alias, or link it)",
            )
        )
    return found
