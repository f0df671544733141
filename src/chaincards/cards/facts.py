"""What every card generated from the model shares: the deck, time, tags, Context and Source of the
note a fact came from, and the GUID from the fact's identity rather than its wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from chaincards.cards.card import CardNote
from chaincards.cards.context import anki_tag, note_tags, source_html
from chaincards.cards.guid import card_guid, normalise_key
from chaincards.decks import deck_for
from chaincards.document import CardShape, ParsedNote
from chaincards.model.types import Activity, Model


class _ReadLog(Mapping[str, ParsedNote]):
    """The notes, remembering which paths were looked up."""

    def __init__(self, notes: Mapping[str, ParsedNote], read: set[str]) -> None:
        self._notes = notes
        self._read = read

    def __getitem__(self, path: str) -> ParsedNote:
        self._read.add(path)
        return self._notes[path]

    def __contains__(self, path: object) -> bool:
        if isinstance(path, str):
            self._read.add(path)
        return path in self._notes

    def __iter__(self) -> Iterator[str]:
        self._read.update(self._notes)
        return iter(self._notes)

    def __len__(self) -> int:
        return len(self._notes)


@dataclass
class Recording:
    """What cards made while recording used: each card with the notes whose newest time it
    carries, and every note path looked up (present or not)."""

    made: list[tuple[CardNote, tuple[str, ...]]] = field(default_factory=list)
    read: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Vault:
    """The notes by path and the deck rules: enough to place a fact's card."""

    notes: Mapping[str, ParsedNote]
    default_deck: str
    model: Model
    own_notes: frozenset[str] = field(init=False)
    _recording: Recording | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        own = frozenset(a.home_path for a in self.model.activities if a.own_note)
        object.__setattr__(self, "own_notes", own)

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        """Records the cards made and the notes looked up meanwhile."""
        recording = Recording()
        notes = self.notes
        object.__setattr__(self, "_recording", recording)
        object.__setattr__(self, "notes", _ReadLog(notes, recording.read))
        try:
            yield recording
        finally:
            object.__setattr__(self, "_recording", None)
            object.__setattr__(self, "notes", notes)

    def deck(self, path: str) -> str:
        return deck_for(self.notes[path], self.default_deck)

    def neutral_context(self, path: str, label: str) -> str:
        """Context that names no activity: for cards whose answer is an activity's name
        (Anki shows Context on the question side)."""
        leaf = self.deck(path).split("::")[-1]
        return f'<span class="cc-note">{escape(leaf)}</span> › {escape(label)}'

    def home_rank(self, path: str) -> tuple[int, str]:
        """Own activity notes first: a fact stated twice is carded in the most specific note."""
        return (0 if path in self.own_notes else 1, path)

    def best(self, paths: Iterable[str]) -> str:
        known = [p for p in paths if p in self.notes]
        return min(known, key=self.home_rank)

    def card(
        self,
        *,
        kind: str,
        identity: Iterable[str],
        shape: CardShape,
        front: str,
        back: str,
        path: str,
        line: int,
        paths: Iterable[str] = (),
        activity: str = "",
        context: str = "",
        flow: tuple[str, str] | None = None,
    ) -> CardNote:
        note = self.notes[path]
        dated = tuple(dict.fromkeys(p for p in (path, *paths) if p in self.notes))
        extra = [f"chaincards::{kind}"]
        if activity:
            extra.append("chaincards::activity::" + anki_tag(activity).replace("::", "_"))
        made = CardNote(
            guid=card_guid("model", kind, *(normalise_key(part) for part in identity)),
            shape=shape,
            front=front,
            back=back,
            context=context or f'<span class="cc-note">{escape(note.title)}</span>',
            source=source_html(note, line),
            deck=self.deck(path),
            tags=note_tags(note, *extra),
            mod=max(self.notes[p].source.mtime for p in dated),
            kind=kind,
            origin=f"{path}:{line}",
            focus=flow or ((activity,) if activity else ()),
        )
        if self._recording is not None:
            self._recording.made.append((made, dated))
        return made


def cloze_safe(text: str) -> str:
    """Escaped text that cannot open, close or split a cloze: `std::vector`, `}}` in an item."""
    return escape(text).replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")


def cloze(number: int, text: str) -> str:
    return f"{{{{c{number}::{cloze_safe(text)}}}}}"


def strong(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def activity_pattern(activity: Activity) -> re.Pattern[str]:
    """The activity's name or aliases as written in prose, with and/or/&/ slash interchangeable."""
    return _names_pattern(activity.name, activity.aliases)


@lru_cache(maxsize=4096)
def _names_pattern(main: str, aliases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives: list[str] = []
    for name in sorted({main, *aliases}, key=len, reverse=True):
        words = re.split(r"\s*(?:\band\b|\bor\b|&|/)\s*|\s+", name.strip())
        words = [re.escape(w) for w in words if w]
        if words:
            alternatives.append(r"\s*(?:and|or|&|/|\s)\s*".join(words))
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def mask_activity(text: str, activity: Activity, mask: str = "[…]") -> str:
    """The text with the activity's own name hidden, for the side that asks for the name."""
    return activity_pattern(activity).sub(mask, text)


def distinguishing_hint(artifact: str, siblings: list[str]) -> str:
    """The fewest leading words of `artifact` that no sibling starts with: a cue, not the answer."""
    words = artifact.split()
    others = [s.split() for s in siblings if s != artifact]
    # An article alone tells nothing ("The …"): the cue holds at least one real word.
    first = 2 if len(words) > 2 and words[0].casefold() in {"the", "a", "an"} else 1
    for count in range(first, len(words)):
        prefix = [w.casefold() for w in words[:count]]
        if not any([w.casefold() for w in other[:count]] == prefix for other in others):
            return " ".join(words[:count]).rstrip(",;:") + " …"
    return " ".join(words[: max(1, len(words) // 2)]).rstrip(",;:") + " …"
