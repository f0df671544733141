"""Flows: what passes from one activity to another, and whether both ends say so.

An output item of A naming B (`… for [[B]]`) states the flow A → B from A's end; an input item of
B naming A (`… from A`) states it from B's end. `*` (all activities) states one flow to or from
every other activity. Statements are grouped by (source, target) pair through a dictionary, so the
work grows with the number of statements, never with the square of the vault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chaincards.model.names import content_words
from chaincards.model.types import ALL, Activity, Flow, FlowStatement, Item

SIMILARITY = 0.5


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two artifacts name the same thing: Jaccard overlap of content words ≥ 0.5.

    Content words are case-folded, singular (`reports` = `report`, `stakeholders'` =
    `stakeholder`) and exclude stop words (`and`, `of`, `for`, `&`, …). So `Improvement status
    reports` matches `Improvement initiatives & Status reports` (3 shared of 4, 0.75): the
    combined input confirms the status reports; it does not confirm `Improvement initiatives and
    plans` (2 of 5, 0.4), which is a different output. `Product and service portfolio` matches
    `A product and service portfolio` exactly.
    """
    return overlap(a, b) >= SIMILARITY


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard index of two word sets; two empty sets are identical."""
    if not a or not b:
        return float(a == b)
    return len(a & b) / len(a | b)


@dataclass
class _Group:
    """Statements of one side of a pair that name the very same artifact words."""

    words: frozenset[str]
    statements: list[FlowStatement] = field(default_factory=list)

    @property
    def artifact(self) -> str:
        return self.statements[0].artifact


def _statements(item: Item, side: str, broadcast: bool) -> list[FlowStatement]:
    artifact = item.artifact or item.text
    places = [item.source, *item.also]
    return [FlowStatement(side, artifact, p.path, p.line, broadcast) for p in places]  # type: ignore[arg-type]


@dataclass
class _Statements:
    """Flow statements by pair, with "all activities" statements kept per activity, unexpanded.

    Expanding a broadcast into one flow per other activity is quadratic in the number of
    activities; it is done only where a pair is also stated explicitly, and for export.
    """

    explicit: dict[tuple[str, str], list[FlowStatement]] = field(default_factory=dict)
    to_all: dict[str, list[FlowStatement]] = field(default_factory=dict)  # outputs for everyone
    from_all: dict[str, list[FlowStatement]] = field(default_factory=dict)  # inputs from everyone

    def pair(self, source: str, target: str) -> list[FlowStatement]:
        return [
            *self.explicit.get((source, target), []),
            *self.to_all.get(source, []),
            *self.from_all.get(target, []),
        ]


def _collect(activities: Sequence[Activity]) -> _Statements:
    found = _Statements()
    for activity in activities:
        for side, items in (("output", activity.outputs), ("input", activity.inputs)):
            for item in items:
                for counterpart in item.counterparts:
                    if counterpart.kind == "party":
                        continue
                    broadcast = counterpart.name == ALL
                    statements = _statements(item, side, broadcast)
                    if broadcast:
                        everyone = found.to_all if side == "output" else found.from_all
                        everyone.setdefault(activity.name, []).extend(statements)
                        continue
                    pair = (
                        (activity.name, counterpart.name)
                        if side == "output"
                        else (counterpart.name, activity.name)
                    )
                    found.explicit.setdefault(pair, []).extend(statements)
    return found


def _groups(statements: list[FlowStatement], side: str) -> list[_Group]:
    groups: dict[frozenset[str], _Group] = {}
    for statement in statements:
        if statement.side == side:
            words = content_words(statement.artifact)
            group = groups.setdefault(words, _Group(words))
            if statement not in group.statements:
                group.statements.append(statement)
    return list(groups.values())


def _pair_flows(source: str, target: str, statements: list[FlowStatement]) -> list[Flow]:
    """One flow per distinct output artifact, confirmed by any similar input at the other end;
    inputs that match no output are flows of their own, stated at the input end only."""
    outputs, inputs = _groups(statements, "output"), _groups(statements, "input")
    matched: set[int] = set()
    flows: list[Flow] = []
    for out in outputs:
        partners = [i for i, group in enumerate(inputs) if similar(out.words, group.words)]
        matched.update(partners)
        stated = list(out.statements)
        for i in partners:
            stated.extend(inputs[i].statements)
        flows.append(Flow(source, target, out.artifact, bool(partners), tuple(stated)))
    for i, group in enumerate(inputs):
        if i not in matched:
            flows.append(Flow(source, target, group.artifact, False, tuple(group.statements)))
    return flows


def flow_sort_key(flow: Flow) -> tuple[str, ...]:
    return (
        flow.source.casefold(),
        flow.target.casefold(),
        flow.artifact.casefold(),
        flow.source,
        flow.target,
        flow.artifact,
    )


def build_flows(activities: Sequence[Activity]) -> tuple[Flow, ...]:
    """Activity → activity flows stated for that pair at one end at least, sorted.

    Flows that exist only because of an "all activities" statement are left to
    `broadcast_only_flows`: cards and checks treat them apart, and there may be very many.
    """
    found = _collect(activities)
    flows: list[Flow] = []
    for source, target in found.explicit:
        flows.extend(_pair_flows(source, target, found.pair(source, target)))
    return tuple(sorted(flows, key=flow_sort_key))


def broadcast_only_flows(activities: Sequence[Activity]) -> tuple[Flow, ...]:
    """The flows "all activities" statements add to pairs stated nowhere else (for export)."""
    found = _collect(activities)
    flows: list[Flow] = []
    names = [a.name for a in activities]
    for source in names:
        for target in names:
            if source == target or (source, target) in found.explicit:
                continue
            statements = found.pair(source, target)
            if statements:
                flows.extend(_pair_flows(source, target, statements))
    return tuple(sorted(flows, key=flow_sort_key))
