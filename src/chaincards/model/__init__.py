"""The process-chain model: activities, inputs and outputs, parties, flows and value streams,
built from parsed notes.

Public API: `build_model(notes) -> Model`, `model_to_json(model) -> dict`,
`check_model(model, notes, known_note_names) -> list[Diagnostic]`.

How `build_model` proceeds:

1. notes in path order; each declares activities (activities.py), merged by name or alias key,
   with the other names and the kind noun its definition gives (definitions.py);
2. first resolution pass over linked items: a wikilink counterpart naming nothing known becomes an
   activity of its own (`provided by [[Plan]]` without a Plan note);
3. second pass: every item is resolved against all activities (counterparts.py); parties are
   merged by their normalised key; the same item stated in several notes, in the same or other
   words, is kept once, with the other places in `Item.also` (merge.py: the home note's wording
   first);
4. purposes, flows (flows.py), sequences (streams.py; those with a step that names nothing are
   `Model.left_out`) and the chain's step noun (the kind most activities' notes use).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from chaincards.document import ListItem, ParsedNote
from chaincards.model.activities import Declaration, Purpose, declarations, takeaway_purposes
from chaincards.model.checks import check_model
from chaincards.model.counterparts import Resolution, Resolver, strip_period
from chaincards.model.export import model_to_json
from chaincards.model.flows import build_flows
from chaincards.model.merge import one_fact_once
from chaincards.model.names import dedupe, party_key
from chaincards.model.registry import Entry, Registry
from chaincards.model.streams import find_value_streams
from chaincards.model.types import (
    ALL,
    Activity,
    Counterpart,
    Direction,
    Flow,
    Item,
    Model,
    Party,
    Source,
    ValueStream,
)
from chaincards.model.view import model_view

__all__ = [
    "ALL",
    "Activity",
    "Counterpart",
    "Flow",
    "Item",
    "Model",
    "Party",
    "Source",
    "ValueStream",
    "build_model",
    "check_model",
    "model_to_json",
]


class _Parties:
    """Parties by normalised key; the display is the first linked spelling, else the first one."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, ...], list[tuple[Counterpart, Source]]] = {}
        self._linked: dict[tuple[str, ...], str] = {}  # first linked spelling per key

    def add(self, counterpart: Counterpart, where: Source) -> None:
        key = party_key(counterpart.name)
        self._seen.setdefault(key, []).append((counterpart, where))
        if counterpart.linked:
            self._linked.setdefault(key, counterpart.name)

    def canonical(self, name: str) -> str:
        key = party_key(name)
        return self._linked.get(key) or self._seen[key][0][0].name

    def freeze(self) -> tuple[Party, ...]:
        parties: list[Party] = []
        for uses in self._seen.values():
            name = self.canonical(uses[0][0].name)
            spellings = dedupe(c.name for c, _ in uses if c.name != name)
            known = any(c.known for c, _ in uses)
            sources = tuple(dict.fromkeys(where for _, where in uses))
            parties.append(Party(name, tuple(spellings), known, sources))
        return tuple(parties)


def _item(
    resolver: Resolver,
    item: ListItem,
    direction: Direction,
    path: str,
    known: dict[int, Resolution],
) -> Item:
    text = strip_period(item.text)
    resolution = known.get(id(item)) or resolver.resolve(text, item.links)
    return Item(
        text=text,
        artifact=resolution.artifact,
        direction=direction,
        counterparts=resolution.counterparts,
        relation=resolution.relation,
        path=path,
        line=item.line,
        links=item.links,
        groups=resolution.groups,
    )


def _canonical_parties(items: list[Item], parties: _Parties) -> list[Item]:
    """Each party under the one name the vault uses for it."""
    return [
        replace(
            item,
            counterparts=tuple(
                dict.fromkeys(
                    Counterpart(c.kind, parties.canonical(c.name), c.text, c.linked, c.known)
                    if c.kind == "party"
                    else c
                    for c in item.counterparts
                )
            ),
        )
        for item in items
    ]


def _purpose(entry: Entry, takeaways: dict[str, Purpose]) -> Purpose | None:
    ranked = [
        (purpose.rank, order, purpose)
        for order, declaration in enumerate(entry.ordered_declarations())
        for purpose in declaration.purposes
    ]
    if ranked:
        return min(ranked, key=lambda r: (r[0], r[1]))[2]
    return takeaways.get(entry.name)


def _activity(
    entry: Entry, inputs: tuple[Item, ...], outputs: tuple[Item, ...], purpose: Purpose | None
) -> Activity:
    home: Declaration | None = entry.home
    if home is not None:
        sources = tuple(dict.fromkeys(d.source for d in entry.declarations))
        home_path, home_line = home.path, home.line
    else:
        sources = tuple(dict.fromkeys(entry.mentions))
        home_path, home_line = sources[0].path, sources[0].line
    return Activity(
        name=entry.name,
        aliases=entry.aliases(),
        purpose=purpose.text if purpose else "",
        purpose_source=purpose.source if purpose else None,
        inputs=inputs,
        outputs=outputs,
        sources=sources,
        home_path=home_path,
        home_line=home_line,
        declared=home is not None,
        own_note=home.own_note if home else False,
        kind=entry.kind,
    )


def build_model(notes: Iterable[ParsedNote]) -> Model:
    """The chain the notes describe; the same notes always give the same model. Only each
    note's `model_view` is read: the cards the learner wrote never change the model."""
    ordered = sorted((model_view(note) for note in notes), key=lambda note: note.path)
    declared = [d for note in ordered for d in declarations(note)]
    registry = Registry()
    for declaration in declared:
        registry.declare(declaration)
    first_index = registry.index()
    resolver = Resolver(first_index)
    first_pass: dict[int, Resolution] = {}  # by id() of the list item
    for declaration in declared:
        for item in (*declaration.inputs, *declaration.outputs):
            if item.links:
                # Every linked name is recorded, so `[[Obtain and build]]` becomes an alias of a
                # declared `Obtain or Build`; a name matching nothing becomes an activity.
                resolution = resolver.resolve(strip_period(item.text), item.links)
                first_pass[id(item)] = resolution
                for name in resolution.linked_names:
                    registry.mention(name, Source(declaration.path, item.line))
    index = registry.index()
    if index != first_index:
        first_pass.clear()  # the mentions taught new names: resolve everything again
    resolver = Resolver(index)
    parties = _Parties()
    resolved: list[tuple[Entry, list[Item], list[Item]]] = []
    for entry in registry.entries:
        inputs: list[Item] = []
        outputs: list[Item] = []
        for declaration in entry.ordered_declarations():
            path = declaration.path
            inputs.extend(_item(resolver, i, "input", path, first_pass) for i in declaration.inputs)
            outputs.extend(
                _item(resolver, i, "output", path, first_pass) for i in declaration.outputs
            )
        for read in (*inputs, *outputs):
            for counterpart in read.counterparts:
                if counterpart.kind == "party":
                    parties.add(counterpart, read.source)
        resolved.append((entry, inputs, outputs))
    takeaways = takeaway_purposes(ordered, index)
    activities = tuple(
        _activity(
            entry,
            one_fact_once(_canonical_parties(inputs, parties)),
            one_fact_once(_canonical_parties(outputs, parties)),
            _purpose(entry, takeaways),
        )
        for entry, inputs, outputs in resolved
    )
    streams, left_out = find_value_streams(ordered, activities)
    return Model(
        activities=activities,
        parties=parties.freeze(),
        flows=build_flows(activities),
        value_streams=streams,
        step_noun=step_noun(activities),
        left_out=left_out,
    )


def step_noun(activities: Iterable[Activity]) -> str:
    """The noun most of the steps' own notes use (`stage`, `process`, …); "step" when none say."""
    counts = Counter(a.kind for a in activities if a.kind)
    return counts.most_common(1)[0][0] if counts else "step"
