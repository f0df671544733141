"""The process-chain model: activities with their inputs and outputs, the outside parties they
exchange with, the flows between activities, and named value streams.

Every fact keeps where it was stated (`path`, `line`) so cards and diagnostics can point back at
the note. All types are frozen: the model is built once and then only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from chaincards.document import Link
from chaincards.model.names import name_key

Direction = Literal["input", "output"]
# "group": an unnamed group (`other design steps`), only while an item is read; never in a model.
CounterpartKind = Literal["activity", "party", "all", "group"]
ALL = "*"  # the counterpart "every activity" (`from all value chain activities`)


@dataclass(frozen=True, order=True, slots=True)
class Source:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, order=True, slots=True)
class Restated(Source):
    """Another place that states an item already kept, with its own wording."""

    text: str = ""


@dataclass(frozen=True, slots=True)
class Counterpart:
    """Who an item comes from (inputs) or goes to (outputs)."""

    kind: CounterpartKind
    name: str  # Activity.name, Party.name, or ALL
    text: str  # as written in the item
    linked: bool = False  # written as a wikilink
    known: bool = True  # False: matched no activity or stakeholder word; read as an outside party


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of an activity's Inputs or Outputs list."""

    text: str  # plain text, trailing period dropped
    artifact: str  # the text without the relation phrase and counterparts
    direction: Direction
    counterparts: tuple[Counterpart, ...]
    relation: str  # the relation phrase as written (`provided by`, `for`), "" when none
    path: str
    line: int
    links: tuple[Link, ...] = ()
    also: tuple[Restated, ...] = ()  # other notes stating the same item (merged: merge.py)
    groups: tuple[str, ...] = ()  # unnamed groups it names instead (`other design steps`)

    @property
    def source(self) -> Source:
        return Source(self.path, self.line)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.counterparts]


@dataclass(frozen=True, slots=True)
class Activity:
    name: str
    aliases: tuple[str, ...]
    purpose: str  # "" when no note states it
    purpose_source: Source | None
    inputs: tuple[Item, ...]
    outputs: tuple[Item, ...]
    sources: tuple[Source, ...]  # where it is declared; where it is linked, when never declared
    home_path: str  # the deck-defining note: own activity note, else chapter, else first mention
    home_line: int
    declared: bool  # has its own note or chapter section (False: only linked from lists)
    own_note: bool  # home_path is the activity's own note
    kind: str = ""  # the noun its notes use for it: `activity`, `process`, `stage`, …

    @property
    def has_lists(self) -> bool:
        """Both lists are written somewhere, so a missing end of a flow is worth reporting."""
        return bool(self.inputs) and bool(self.outputs)


@dataclass(frozen=True, slots=True)
class Party:
    """Someone outside the chain: customers, suppliers and partners, the governing body."""

    name: str
    spellings: tuple[str, ...]  # other ways the notes write it
    known: bool  # False when no stakeholder word or link made it a party (check warns)
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class FlowStatement:
    side: Direction  # "output": stated in the source's outputs; "input": in the target's inputs
    artifact: str
    path: str
    line: int
    broadcast: bool  # came from "all activities"

    @property
    def source(self) -> Source:
        return Source(self.path, self.line)


@dataclass(frozen=True, slots=True)
class Flow:
    source: str  # activity name
    target: str  # activity name
    artifact: str
    confirmed: bool  # stated at both ends
    statements: tuple[FlowStatement, ...]


@dataclass(frozen=True, slots=True)
class ValueStream:
    """A stated sequence of steps (a value stream, pathway, route, pipeline, …)."""

    name: str  # as the notes call it, "" when unnamed
    steps: tuple[str, ...]  # activity names
    path: str
    line: int
    kind: str = "sequence"  # the notes' word for it: `value stream`, `pathway`, `route`, …


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A stated sequence left out because one of its steps names no activity."""

    path: str
    line: int
    name: str
    kind: str  # `value stream`, `pathway`, …
    step: str  # the first step that names nothing, as written


@dataclass(frozen=True)
class Model:
    activities: tuple[Activity, ...]
    parties: tuple[Party, ...]
    flows: tuple[Flow, ...]
    value_streams: tuple[ValueStream, ...]
    step_noun: str = "step"  # what the notes call their steps, the most common activity kind
    left_out: tuple[LeftOut, ...] = ()  # stated sequences with a step that names nothing

    @cached_property
    def _by_key(self) -> dict[tuple[str, ...], Activity]:
        """Activities by the key of their name and of each alias; the first one wins a key."""
        found: dict[tuple[str, ...], Activity] = {}
        for activity in self.activities:
            found.setdefault(name_key(activity.name), activity)
        for activity in self.activities:
            for alias in activity.aliases:
                found.setdefault(name_key(alias), activity)
        return found

    def activity(self, name: str) -> Activity | None:
        """The activity called `name` or one of its aliases, however and/or/&/slash are written
        (a dictionary probe: cards ask this for every card of a big vault)."""
        return self._by_key.get(name_key(name))
