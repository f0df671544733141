"""Hand-built notes for the model tests, independent of the Markdown parser.

`NoteBuilder` appends blocks the way parse.py reports them: one line each, with the current
heading path as section. `[[Target]]` / `[[Target|alias]]` in texts become Link objects and are
shown as their display text, as the parser's contract says.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from chaincards.document import (
    Block,
    Callout,
    Heading,
    Link,
    ListBlock,
    ListItem,
    NoteMeta,
    Paragraph,
    ParsedNote,
    SourceNote,
)
from chaincards.model.counterparts import Resolution, Resolver, strip_period
from chaincards.model.names import NameIndex, name_key
from chaincards.parse.note import parse_note

_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")


def inline(text: str) -> tuple[str, tuple[Link, ...]]:
    """Plain text and links of `text` with `[[…]]` wikilinks."""
    links: list[Link] = []

    def shown(match: re.Match[str]) -> str:
        target, anchor, alias = match.group(1), match.group(2) or "", match.group(3)
        display = alias or target
        links.append(Link(target=target, anchor=anchor, display=display))
        return display

    return _WIKILINK.sub(shown, text), tuple(links)


class NoteBuilder:
    def __init__(self, path: str, aliases: tuple[str, ...] = (), first_line: int = 1) -> None:
        self.path = path
        self.aliases = aliases
        self.line = first_line
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self.title: str | None = None
        self.title_line = 1

    def _section(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def h(self, level: int, text: str) -> NoteBuilder:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))
        if level == 1 and self.title is None:
            self.title, self.title_line = text, self.line
        self.blocks.append(Heading(level, text, self.line, self._section()))
        self.line += 1
        return self

    def p(self, text: str) -> NoteBuilder:
        plain, links = inline(text)
        self.blocks.append(Paragraph(plain, self.line, self._section(), links))
        self.line += 2
        return self

    def ul(self, *items: str, ordered: bool = False) -> NoteBuilder:
        start = self.line
        built: list[ListItem] = []
        for item in items:
            plain, links = inline(item)
            built.append(ListItem(plain, self.line, links))
            self.line += 1
        self.blocks.append(ListBlock(tuple(built), ordered, start, self._section()))
        self.line += 1
        return self

    def ol(self, *items: str) -> NoteBuilder:
        return self.ul(*items, ordered=True)

    def callout(self, title: str, body: str, kind: str = "tip") -> NoteBuilder:
        self.blocks.append(Callout(kind, title, "", self.line, self._section(), body, body))
        self.line += 3
        return self

    def build(self) -> ParsedNote:
        title = self.title or PurePosixPath(self.path).stem
        meta = NoteMeta(aliases=self.aliases, has_frontmatter=bool(self.aliases))
        source = SourceNote(self.path, "vault", "", 0)
        return ParsedNote(source, title, meta, tuple(self.blocks), (), title_line=self.title_line)


def activity_note(
    name: str,
    inputs: list[str],
    outputs: list[str],
    purpose: str = "",
    aliases: tuple[str, ...] = (),
    path: str | None = None,
) -> ParsedNote:
    """An activity note: `# name`, optional Key Message, `## Inputs`, `## Outputs`."""
    builder = NoteBuilder(path or f"{name}.md", aliases).h(1, name)
    if purpose:
        builder.callout("Key Message", purpose)
    if inputs:
        builder.h(2, "Inputs").ul(*inputs)
    if outputs:
        builder.h(2, "Outputs").ul(*outputs)
    return builder.build()


def parse_text(path: str, text: str) -> ParsedNote:
    """A note through the real parser (for tests that want the exact file shape)."""
    result = parse_note(SourceNote(path, "vault", text, 0))
    assert result.note is not None, result.diagnostics
    return result.note


def parse_folder(folder: Path, pattern: str = "*.md") -> list[ParsedNote]:
    notes = []
    for file in sorted(folder.rglob(pattern)):
        rel = file.relative_to(folder).as_posix()
        notes.append(parse_text(rel, file.read_text(encoding="utf-8")))
    return notes


def name_resolver(names: tuple[str, ...], aliases: dict[str, str] | None = None) -> Resolver:
    """A resolver that knows these activity names (and aliases, alias → name)."""
    index = NameIndex()
    for name in names:
        index.add(name_key(name), name)
    for alias, name in (aliases or {}).items():
        index.add(name_key(alias), name)
    return Resolver(index)


def resolve_among(text: str, names: tuple[str, ...]) -> Resolution:
    """How an item written with `[[links]]` reads when these activities are known."""
    plain, links = inline(text)
    return name_resolver(names).resolve(strip_period(plain), links)


def counterpart_kinds(resolution: Resolution) -> list[tuple[str, str]]:
    return [(c.kind, c.name) for c in resolution.counterparts]
