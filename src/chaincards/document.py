"""Plain data passed between the stages: what a note says, before any model or card is built.

source/vault.py produces `SourceNote`; parse/note.py turns it into `ParsedNote`. Everything here
is picklable so notes can be parsed in worker processes and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

# Where a link or embed target points inside the vault: (target, from note path) → vault path.
FileResolver = Callable[[str, str], "str | None"]


@dataclass(frozen=True, slots=True)
class SourceNote:
    """A note file as read from disk: decoded text and where it lives in the vault."""

    path: str  # vault-relative, POSIX separators: the name every diagnostic and Source field uses
    vault_name: str  # the Obsidian vault's name, for obsidian:// links
    text: str  # decoded, BOM removed, line endings normalised to "\n"
    mtime: int  # seconds since the epoch: the modification time every card of this note carries
    folder_deck: str | None = None  # the note's folder path inside the vault joined by "::"
    # The built folder's path inside the Obsidian vault (`vault_name`) when the folder built is
    # a part of one ("" when it is the vault): obsidian:// links need the whole path.
    link_prefix: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """A wikilink or markdown link found in text: `[[target#anchor|alias]]`."""

    target: str  # note or file name as written, without anchor ("Plan", "Book.pdf")
    anchor: str  # heading, `^block` or `page=88`; "" when absent
    display: str  # what the reader sees: alias, else target (and anchor)
    embed: bool = False


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # plain text
    line: int  # 1-based line in the note file
    path: tuple[str, ...]  # heading texts from the top level down to and including this one


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # plain text, inline markup removed, links shown as their display text
    line: int
    section: tuple[str, ...]  # heading path of the section that holds it
    links: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class ListItem:
    text: str  # plain text of the item's own paragraph(s), trailing period kept as written
    line: int
    links: tuple[Link, ...] = ()
    children: tuple[ListItem, ...] = ()
    task: bool = False  # a `- [ ]` / `- [x]` item: never card content


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool
    line: int
    section: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Callout:
    kind: str  # lower-cased callout type: "tip", "info", "note", …
    title: str  # plain text title, "" when absent
    fold: str  # "", "+" or "-"
    line: int
    section: tuple[str, ...]
    body: str  # plain text of the body
    body_markdown: str  # the body's Markdown source with the `>` markers removed
    depth: int = 1  # 1 for a top-level callout, 2 inside another callout, …


Block = Heading | Paragraph | ListBlock | Callout

CardShape = Literal["basic", "reverse", "cloze"]


@dataclass(frozen=True, slots=True)
class WrittenCard:
    """A card the learner wrote in the note (card callout or flashcards-obsidian syntax)."""

    shape: CardShape
    front: str  # rendered HTML; for cloze, the text with {{cN::…}} markers
    back: str  # rendered HTML; for cloze, the extra text ("" allowed)
    key: str  # what identifies the card for its GUID: block id, else normalised front text
    line: int
    section: tuple[str, ...]
    syntax: str  # "callout", "tag", "inline": where it came from, for reports
    tags: tuple[str, ...] = ()  # inline #tags on the card itself
    media: tuple[str, ...] = ()  # vault-relative paths of images the fields show


@dataclass(frozen=True, slots=True)
class NoteMeta:
    """What the frontmatter says, already validated."""

    deck: str | None = None  # `cards-deck`, validated; None when absent
    deck_line: int = 1
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    has_frontmatter: bool = False


@dataclass(frozen=True, slots=True)
class ParsedNote:
    source: SourceNote
    title: str  # `# H1`, else the file name without extension
    meta: NoteMeta
    blocks: tuple[Block, ...]  # in document order; headings included
    cards: tuple[WrittenCard, ...]
    tags: tuple[str, ...] = ()  # inline #tags anywhere in the note (card tags excluded)
    links: tuple[Link, ...] = ()  # every wikilink and embed in the note, in order
    title_line: int = 1
    link_lines: tuple[int, ...] = ()  # the file line of each of `links`

    @property
    def path(self) -> str:
        return self.source.path


@dataclass
class ParseResult:
    note: ParsedNote | None  # None when the note could not be read at all
    diagnostics: list = field(default_factory=list)  # list[Diagnostic]


# Everything a parse result is made of: what the build store may rebuild from its rows.
PARSED_TYPES: tuple[type, ...] = (
    ParseResult,
    ParsedNote,
    SourceNote,
    NoteMeta,
    Link,
    Heading,
    Paragraph,
    ListItem,
    ListBlock,
    Callout,
    WrittenCard,
)
