"""Which card asks which fact: the model's facts grouped into the questions a learner answers.

Every fact is asked once in each direction:

- forward, one question per (activity, direction, counterpart): "What does A provide to B?",
  "What does A receive from customers?", "What does A provide to every other stage?", and for
  items naming no one "Other inputs of A". Its answers are the artifacts, in the notes' order;
- reverse, one question per artifact and known end: "Which stage provides X to B?", "Who
  provides X to A?", "Which stage provides X to every other stage?". Its answers are the other
  ends. Items naming no one have no reverse: nothing is asked that the notes do not say.

A broadcast is one fact: a flow A → B whose artifact is what A provides to every other step (or
B receives from every other step) is asked by the broadcast's questions, not again per pair.
Flows stated from both ends are one model flow already, and the same item in two notes one item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from chaincards.model.flows import similar
from chaincards.model.names import content_words
from chaincards.model.types import ALL, Activity, Direction, Flow, Item, Model

OtherKind = Literal["activity", "party", "all", "none"]
DIRECTIONS: tuple[Direction, ...] = ("output", "input")


@dataclass(frozen=True)
class Answer:
    """One fact's artifact and where the notes state it (the first place decides the deck)."""

    text: str
    places: tuple[tuple[str, int], ...]  # (path, line) of every statement, best first


@dataclass(frozen=True)
class Forward:
    subject: str  # the activity asked about
    direction: Direction  # "output": provides to; "input": receives from
    other: str  # activity or party name, ALL, or "" for items naming no one
    other_kind: OtherKind
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Reverse:
    artifact: Answer
    known: str  # the end the question names: an activity, or ALL for a broadcast
    direction: Direction  # "input": who provides it to `known`; "output": who receives it
    who: Literal["activity", "party"]  # what the answers are
    answers: tuple[str, ...]


def _item_answer(item: Item) -> Answer:
    places = ((item.path, item.line), *((r.path, r.line) for r in item.also))
    return Answer(item.artifact or item.text, places)


def _flow_answer(flow: Flow) -> Answer:
    places = tuple(dict.fromkeys((s.path, s.line) for s in flow.statements))
    return Answer(flow.artifact, places)


def broadcasts(activity: Activity, direction: Direction) -> list[Item]:
    items = activity.outputs if direction == "output" else activity.inputs
    return [i for i in items if any(c.name == ALL for c in i.counterparts)]


def broadcast_coverage(model: Model) -> Callable[[Flow], bool]:
    """Whether a flow's artifact is what its source gives every step, or its target takes from
    every step (the broadcast's cards ask it). Each activity's broadcast words are read once."""
    said: dict[tuple[str, Direction], list[frozenset[str]]] = {}
    for activity in model.activities:
        for direction in DIRECTIONS:
            items = broadcasts(activity, direction)
            said[(activity.name, direction)] = [content_words(i.artifact or i.text) for i in items]

    def covered(flow: Flow) -> bool:
        words = content_words(flow.artifact)
        stated = (*said.get((flow.source, "output"), ()), *said.get((flow.target, "input"), ()))
        return any(similar(words, other) for other in stated)

    return covered


def _stated_order(flow: Flow) -> tuple[bool, str, int]:
    """Where the notes state the flow first, its provider's own list before the receiver's."""
    return min((s.side != "output", s.path, s.line) for s in flow.statements)


def explicit_flows(model: Model) -> list[Flow]:
    """Flows between two activities that some note states for that pair, in the notes' order."""
    flows = [
        flow
        for flow in model.flows
        if not all(s.broadcast for s in flow.statements) and flow.source != flow.target
    ]
    return sorted(flows, key=_stated_order)


def activity_flows(model: Model) -> list[Flow]:
    """Flows between two activities that their own pair questions ask (broadcasts ask the rest)."""
    covered = broadcast_coverage(model)
    return [f for f in explicit_flows(model) if not covered(f)]


def pair_questions(flows: Iterable[Flow]) -> list[Forward]:
    """ "What does A provide to B?" per pair of activities."""
    by_pair: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in flows:
        by_pair[(flow.source, flow.target)].append(flow)
    return [
        Forward(source, "output", target, "activity", tuple(_flow_answer(f) for f in group))
        for (source, target), group in by_pair.items()
    ]


def provider_questions(model: Model) -> list[Reverse]:
    """ "Which stage provides X to B?" per artifact into an activity that a pair states. Its
    answers are every provider, those whose broadcast covers it too; an artifact only ever
    broadcast is asked by the broadcast's own question."""
    covered = broadcast_coverage(model)
    by_artifact: dict[tuple[str, frozenset[str]], list[Flow]] = defaultdict(list)
    for flow in explicit_flows(model):
        by_artifact[(flow.target, content_words(flow.artifact))].append(flow)
    questions = []
    for group in by_artifact.values():
        asked = next((f for f in group if not covered(f)), None)
        if asked is None:
            continue
        questions.append(
            Reverse(
                _flow_answer(asked),
                asked.target,
                "input",
                "activity",
                tuple(dict.fromkeys(f.source for f in group)),
            )
        )
    return questions


def activity_questions(activity: Activity) -> tuple[list[Forward], list[Reverse]]:
    """The questions about one activity's items that name a party, every step, or no one."""
    forward: list[Forward] = []
    reverse: list[Reverse] = []
    for direction, items in (("output", activity.outputs), ("input", activity.inputs)):
        groups: dict[tuple[str, OtherKind], list[Answer]] = defaultdict(list)
        asked: dict[frozenset[str], tuple[Answer, list[str]]] = {}
        for item in items:
            if not item.counterparts:
                groups[("", "none")].append(_item_answer(item))
            for counterpart in item.counterparts:
                if counterpart.kind == "activity":
                    continue  # asked by the flow questions
                kind: OtherKind = "all" if counterpart.name == ALL else "party"
                groups[(counterpart.name, kind)].append(_item_answer(item))
                if kind == "party":
                    answer = _item_answer(item)
                    key = content_words(answer.text)
                    asked.setdefault(key, (answer, []))[1].append(counterpart.name)
        forward += [
            Forward(activity.name, direction, other, kind, tuple(answers))  # type: ignore[arg-type]
            for (other, kind), answers in groups.items()
        ]
        reverse += [
            Reverse(answer, activity.name, direction, "party", tuple(dict.fromkeys(parties)))  # type: ignore[arg-type]
            for answer, parties in asked.values()
        ]
    return forward, reverse


def broadcast_questions(model: Model) -> list[Reverse]:
    """ "Which stage provides X to every other stage?" per broadcast artifact."""
    by_artifact: dict[tuple[str, frozenset[str]], list[tuple[Item, str]]] = defaultdict(list)
    for activity in model.activities:
        for direction in DIRECTIONS:
            for item in broadcasts(activity, direction):
                key = (direction, content_words(item.artifact or item.text))
                by_artifact[key].append((item, activity.name))
    return [
        Reverse(
            _item_answer(found[0][0]),
            ALL,
            "input" if direction == "output" else "output",
            "activity",
            tuple(dict.fromkeys(name for _, name in found)),
        )
        for (direction, _), found in by_artifact.items()
    ]
