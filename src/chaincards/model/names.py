"""Names: how activity names, party names and artifacts are normalised and matched.

Learners spell the same activity many ways (`Obtain and build`, `Obtain or Build`, `obtain/build`,
`5.7 Obtain or Build Activity`), so every comparison goes through a *key*: a tuple of case-folded
tokens in which `and`, `or`, `&`, `+` and `/` are one connector token. Nothing here knows the names
of any particular framework; the only vocabularies are generic English (stakeholder nouns,
kind words such as `activity`/`phase`, stop words).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple, Protocol

Key = tuple[str, ...]

CONNECTOR = "and"  # the one token every and/or/&/+/slash becomes
KIND_WORDS = frozenset({"activity", "process", "phase", "step", "stage"})
KIND_PLURALS = frozenset({"activities", "processes", "phases", "steps", "stages"})

# Heads of noun phrases that name people or organisations outside the chain.
STAKEHOLDER_NOUNS = frozenset(
    """customer user consumer client supplier vendor partner provider contractor subcontractor
    sponsor stakeholder regulator auditor body board committee council team department office
    authority agency government manager owner executive employee staff investor shareholder
    public community organization organisation member leadership buyer seller party requester
    requestor beneficiary citizen patient student plaintiff defendant claimant respondent
    appellant court judge jury clerk witness counsel lawyer attorney solicitor barrister expert
    employer dealer merchant retailer wholesaler distributor manufacturer farmer doctor nurse
    physician pharmacist teacher lecturer bank insurer lender tenant landlord applicant""".split()
)
# Modifiers that do not change who the party is (`internal and external customers` = customers).
PARTY_MODIFIERS = frozenset(
    """the a an all any both internal external current potential existing prospective relevant
    key other various main our their its new future appropriate respective affected interested
    individual""".split()
)
STOP_WORDS = frozenset(
    """a an the and or of for to from by with about on in into at as its their all any other
    etc via per""".split()
)
# Headings that group sections without naming an activity (`## Details` / `### Inputs`).
GENERIC_HEADINGS = frozenset(
    {"details", "overview", "notes", "summary", "description", "flow", "flows", "interfaces"}
    | {"inputs and outputs", "input and output", "io", "i o"}
)

_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*['’]?|[&/+,;]")
_NUMBER = re.compile(r"^\s*\(?\d+(?:\.\d+)*[.)]?\s+")
_LABELLED_KIND = re.compile(
    r"^(?P<label>(?:phase|step|stage|process)\s+[\w.]+)\s*[:\-–—]\s*(?P<rest>\S.*)$", re.I
)
_TRAILING_KIND = re.compile(
    r"^(?P<rest>.+?)\s+(?:value[ -]chain\s+|value[ -]stream\s+)?"
    r"(?:activity|process(?:\s+group)?|phase|step|stage)$",
    re.I,
)
_DANGLING = frozenset({"and", "or", "of", "the", "a", "an", "&", "/", "for", "to"})


class Token(NamedTuple):
    """One word or separator of a text, with its span so callers can cut the original text."""

    norm: str  # case-folded; and/or/&/+/slash are CONNECTOR, `;` is `,`
    start: int
    end: int
    raw: str


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if raw.isascii():
            norm = raw.lower()  # what NFKC and casefold give for ASCII, several times faster
        else:
            norm = unicodedata.normalize("NFKC", raw).casefold().replace("’", "'")
        if norm in ("or", "&", "/", "+"):
            norm = CONNECTOR
        elif norm == ";":
            norm = ","
        tokens.append(Token(norm, match.start(), match.end(), raw))
    return tokens


@lru_cache(maxsize=1 << 16)  # pure, and asked for the same few names over and over
def name_key(text: str) -> Key:
    """The matching key of a name: `Obtain/Build` and `obtain or build` give the same key.

    Leading articles and possessive apostrophes do not distinguish names.
    """
    norms = [t.norm.rstrip("'") for t in tokenize(text) if t.norm != ","]
    while norms and norms[0] in ("the", "a", "an"):
        norms.pop(0)
    return tuple(n for n in norms if n)


def clean_activity_name(text: str) -> tuple[str, tuple[str, ...]]:
    """An activity name from a section heading, and the aliases its parts give.

    `5.3 Plan Activity` → `Plan`; `Preliminary Phase` → `Preliminary`; `Phase A: Architecture
    Vision` keeps its name and has the aliases `Phase A` and `Architecture Vision`, as both are
    used to refer to it. A kind word is kept when removing it would leave a dangling word
    (`Close Project or Phase`), because then it is part of the name.
    """
    name = " ".join(text.replace("*", " ").split()).strip(" :")
    name = _NUMBER.sub("", name)
    aliases: list[str] = []
    labelled = _LABELLED_KIND.match(name)
    if labelled:
        aliases = [labelled.group("label"), labelled.group("rest").strip()]
        return name, tuple(aliases)
    trailing = _TRAILING_KIND.match(name)
    if trailing:
        rest = trailing.group("rest").strip()
        if rest.split()[-1].casefold() not in _DANGLING:
            name = rest
    if name[:4].casefold() == "the " and len(name.split()) > 1:  # `The Plan value chain activity`
        name = name[4:].strip()
    return name, tuple(aliases)


@lru_cache(maxsize=1 << 16)
def match_keys(text: str) -> tuple[Key, ...]:
    """Every key a written name may match: as written and as cleaned, so a link to
    `[[Phase A: Architecture Vision]]` or `[[Plan Activity]]` finds the activity."""
    cleaned, aliases = clean_activity_name(text)
    keys = [name_key(text), name_key(cleaned), *(name_key(a) for a in aliases)]
    return tuple(k for k in dict.fromkeys(keys) if k)


def singular(word: str) -> str:
    """A crude English singular, enough to fold `reports`/`report` and `parties`/`party`."""
    word = word.casefold().replace("’", "'").rstrip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Suffixes a light stemmer removes, longest first; what is left must keep this many letters.
_SUFFIXES = ("ments", "ment", "ings", "ing", "ions", "ion", "ers", "ors", "er", "or", "ed")
_MIN_STEM = 4


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stem, enough to fold the forms learners mix up: `marketing`/`market`,
    `supported`/`support`, `inspection`/`inspector`/`inspect`, `improvement`/`improve`,
    `drilling`/`drill`, `planned`/`plan`. Short words are left alone (`user`, `order`)."""
    word = singular(word)
    for _ in range(2):  # `delivered` → `deliver` → `deliv`, as `deliver` stems
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM - 1:
                rest = word[: -len(suffix)]
                if len(rest) >= 3 and rest[-1] == rest[-2] and rest[-1] not in "aeiousl":
                    rest = rest[:-1]  # `planning` → `plann` → `plan`
                if len(rest) >= _MIN_STEM - 1:
                    word = rest
                    break
        else:
            break
    if word.endswith("fe") and len(word) >= _MIN_STEM:
        word = word[:-2] + "ve"  # `knife` as `knives` has it
    elif word.endswith("f") and not word.endswith("ff") and len(word) >= _MIN_STEM:
        word = word[:-1] + "v"  # `loaf`/`loaves`, `shelf`/`shelves`
    return word[:-1] if len(word) >= _MIN_STEM and word.endswith("e") else word


@lru_cache(maxsize=1 << 16)  # a broadcast's artifact is compared once per activity pair
def content_words(text: str) -> frozenset[str]:
    """The words that carry an artifact's meaning: stop words dropped, stemmed, case-folded."""
    words = re.findall(r"[^\W_]+(?:['’][^\W_]+)?", unicodedata.normalize("NFKC", text))
    return frozenset(stem(w) for w in words if w.casefold() not in STOP_WORDS)


_AGENT_SUFFIXES = ("er", "or", "ist", "ian")
_MIN_AGENT = 6


def is_stakeholder(word: str, agents: bool = True) -> bool:
    """A noun for people or organisations: a known one (`customer`, `court`, `sponsor`), or, in
    plain text, an agent noun (`developers`, `on-call engineer`, `technician`)."""
    single = singular(word)
    if single in STAKEHOLDER_NOUNS:
        return True
    return agents and len(single) >= _MIN_AGENT and single.endswith(_AGENT_SUFFIXES)


def _conjuncts(text: str) -> list[list[str]]:
    """Split a party phrase at and/or/&/commas into word lists, modifiers removed."""
    parts: list[list[str]] = [[]]
    for token in tokenize(text):
        if token.norm in (CONNECTOR, ","):
            parts.append([])
        elif token.norm not in PARTY_MODIFIERS:
            parts[-1].append(token.raw.rstrip("'’"))
    return [part for part in parts if part]


def is_party_phrase(text: str, agents: bool = True) -> bool:
    """True when every coordinated part of the phrase ends in a stakeholder noun (a link's
    target must name a known one: `[[Dispatcher]]` is a step the learner has not written yet)."""
    parts = _conjuncts(text)
    return bool(parts) and all(is_stakeholder(part[-1], agents) for part in parts)


def party_display(text: str) -> str:
    """`current and potential customers and users` → `customers and users`."""
    parts = [" ".join(part) for part in _conjuncts(text)]
    if len(parts) <= 1:
        return parts[0] if parts else text.strip()
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@lru_cache(maxsize=1 << 14)
def party_key(text: str) -> Key:
    """Order- and number-insensitive: `suppliers and partners` = `Partners and suppliers`."""
    parts = {" ".join(singular(w) for w in part) for part in _conjuncts(text)}
    return tuple(sorted(parts))


class Names(Protocol):
    """What resolving an item asks of the known names (a `NameIndex`)."""

    def get(self, key: Key) -> str | None: ...

    def longest(self, norms: Sequence[str], start: int) -> tuple[int, str] | None: ...

    def starts_any(self, word: str) -> bool: ...

    def by_prefix(self, key: Key) -> set[str]: ...

    def by_words(self, stems: frozenset[str]) -> set[str]: ...


class NameIndex:
    """Known names by key, with longest-match lookup over token sequences.

    Lookups are dictionary probes (one per possible length, and one for a prefix), never a scan of
    the names, so matching stays fast in a vault with thousands of activities.
    """

    def __init__(self) -> None:
        self._exact: dict[Key, str] = {}
        self._longest: dict[str, int] = {}  # first token → length of the longest name it starts
        self._prefixes: dict[Key, set[str]] = {}  # proper prefix → names it starts
        self._words: dict[str, set[str]] = {}  # stem of any word of a name → names

    def add(self, key: Key, value: str) -> None:
        if not key or key in self._exact:
            return
        self._exact[key] = value
        self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
        for size in range(1, len(key)):
            self._prefixes.setdefault(key[:size], set()).add(value)
        for word in key:
            if word not in STOP_WORDS and word.isalpha():
                self._words.setdefault(stem(word), set()).add(value)

    def __eq__(self, other: object) -> bool:
        # Everything else is derived from the exact names, so they decide every lookup.
        return isinstance(other, NameIndex) and self._exact == other._exact

    __hash__ = None  # type: ignore[assignment]  # mutable

    def get(self, key: Key) -> str | None:
        return self._exact.get(key)

    def longest(self, norms: Sequence[str], start: int) -> tuple[int, str] | None:
        """(end, value) of the longest known name starting at norms[start], if any."""
        if start >= len(norms):
            return None
        longest = min(self._longest.get(norms[start], 0), len(norms) - start)
        for size in range(longest, 0, -1):  # `design and transition` before `design`
            value = self._exact.get(tuple(norms[start : start + size]))
            if value is not None:
                return start + size, value
        return None

    def by_prefix(self, key: Key) -> set[str]:
        """Values whose key starts with `key` (`design` → `Design and transition`)."""
        found = set(self._prefixes.get(key, ()))
        if key in self._exact:
            found.add(self._exact[key])
        return found

    def starts_any(self, word: str) -> bool:
        return word in self._longest

    def by_words(self, stems: frozenset[str]) -> set[str]:
        """Values whose name has a word of each stem (`{inspect}` → the step also called
        `Inspection`, `{motion}` → `Pretrial motions`)."""
        found: set[str] | None = None
        for word_stem in stems:
            names = self._words.get(word_stem, set())
            found = set(names) if found is None else found & names
            if not found:
                return set()
        return found or set()


def dedupe(names: Iterable[str]) -> list[str]:
    """Names in first-seen order, case-insensitively unique."""
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        folded = name.casefold()
        if name and folded not in seen:
            seen.add(folded)
            result.append(name)
    return result
