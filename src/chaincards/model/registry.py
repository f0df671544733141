"""The activities of a build while it is assembled: each with every note's declaration of it
and the links that mention it, merged whenever two names turn out to be one activity."""

from __future__ import annotations

from dataclasses import dataclass, field

from chaincards.model.activities import Declaration
from chaincards.model.names import Key, NameIndex, dedupe, match_keys, name_key
from chaincards.model.types import Source


@dataclass
class Entry:
    """One activity while the model is built: its declarations and the links that mention it."""

    order: int  # first declaration (or mention): the activity's place in the model
    declarations: list[Declaration] = field(default_factory=list)
    mentions: list[Source] = field(default_factory=list)  # where it is linked as a counterpart
    # Spellings it is linked by, each once: a popular activity is linked thousands of times.
    linked_as: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Declaration | None:
        """The deck-defining declaration: the activity's own note, else the first chapter."""
        own = [d for d in self.declarations if d.own_note]
        return (own or self.declarations)[0] if own or self.declarations else None

    @property
    def name(self) -> str:
        home = self.home
        return home.name if home else next(iter(self.linked_as.values()))

    def ordered_declarations(self) -> list[Declaration]:
        """The home declaration first: its wording leads when items are merged."""
        home = self.home
        return [home, *(d for d in self.declarations if d is not home)] if home else []

    @property
    def kind(self) -> str:
        """The step's kind noun, from its home declaration first; "" when no note says."""
        return next((d.kind for d in self.ordered_declarations() if d.kind), "")

    def aliases(self) -> tuple[str, ...]:
        written = [a for d in self.ordered_declarations() for a in d.aliases]
        files = {name_key(n) for d in self.declarations for n in d.match_names}
        linked = [n for n in self.linked_as.values() if name_key(n) not in files]
        others = [d.name for d in self.declarations] + linked
        name = self.name.casefold()
        return tuple(dedupe([*written, *(o for o in others if o.casefold() != name)]))

    def keys(self) -> set[Key]:
        files = [n for d in self.declarations for n in d.match_names]
        return {name_key(n) for n in (self.name, *self.aliases(), *files)} - {()}


class Registry:
    """Activities in order of first declaration, then of first mention; merged by any shared key."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._by_key: dict[Key, Entry] = {}
        self._next = 0

    @property
    def entries(self) -> list[Entry]:
        return sorted(self._entries, key=lambda e: e.order)

    def _entry_for(self, keys: list[Key]) -> Entry:
        hits: list[Entry] = []
        for key in keys:
            entry = self._by_key.get(key)
            if entry is not None and all(entry is not h for h in hits):
                hits.append(entry)
        if not hits:
            entry = Entry(order=self._next)
            self._next += 1
            self._entries.append(entry)
            return entry
        hits.sort(key=lambda e: e.order)
        entry = hits[0]
        for other in hits[1:]:  # two names turned out to be one activity: rare, so O(n) is fine
            entry.declarations.extend(other.declarations)
            entry.mentions.extend(other.mentions)
            for folded, name in other.linked_as.items():
                entry.linked_as.setdefault(folded, name)
            self._entries = [e for e in self._entries if e is not other]
        return entry

    def _rekey(self, entry: Entry, keys: list[Key]) -> None:
        for key in [*keys, *entry.keys()]:
            self._by_key[key] = entry

    def declare(self, declaration: Declaration) -> None:
        names = (declaration.name, *declaration.aliases, *declaration.match_names)
        keys = [k for k in (name_key(n) for n in names) if k]
        entry = self._entry_for(keys)
        entry.declarations.append(declaration)
        self._rekey(entry, keys)

    def mention(self, name: str, where: Source) -> None:
        keys = match_keys(name)
        if keys:
            entry = self._entry_for(list(keys))
            entry.mentions.append(where)
            if name.casefold() not in entry.linked_as:
                entry.linked_as[name.casefold()] = name
                self._rekey(entry, list(keys))

    def index(self) -> NameIndex:
        index = NameIndex()
        for entry in self.entries:
            for key in sorted(entry.keys()):
                index.add(key, entry.name)
        return index
