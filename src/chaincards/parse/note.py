"""Parse one note: frontmatter, then the Obsidian Markdown token stream into sections, paragraphs,
lists, callouts and the cards the learner wrote.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath
from typing import cast
from urllib.parse import unquote

from markdown_it.token import Token

from chaincards.decks import TARGET_DECK, DeckError, validate_deck
from chaincards.diagnostics import Diagnostic, Severity, warning
from chaincards.document import (
    Block,
    Callout,
    FileResolver,
    Heading,
    Link,
    ListBlock,
    ListItem,
    NoteMeta,
    Paragraph,
    ParsedNote,
    ParseResult,
    SourceNote,
)
from chaincards.obsidian import obsidian_markdown
from chaincards.parse.card_syntax import CARD_TAGS, callout_source
from chaincards.parse.meta import read_meta
from chaincards.parse.written_cards import find_written_cards


def plain_text(children: list[Token] | None) -> str:
    """Inline tokens as plain text: markup dropped, links as display text, tags and ids omitted."""
    parts: list[str] = []
    for token in children or []:
        kind = token.type
        if kind in ("text", "code_inline"):
            parts.append(token.content)
        elif kind == "wikilink":
            parts.append(token.meta["link"].display)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind in ("math_inline", "math_inline_double"):
            parts.append(f"${token.content}$")
        elif kind == "image":
            parts.append(plain_text(token.children))
    return " ".join("".join(parts).split())


def inline_links(children: list[Token] | None) -> tuple[Link, ...]:
    links: list[Link] = []
    for index, token in enumerate(children or []):
        if token.type == "wikilink":
            links.append(token.meta["link"])
        elif token.type == "link_open":
            href = unquote(str(token.attrs.get("href", "")))
            if "://" in href or href.startswith(("mailto:", "#")):
                continue
            label = plain_text(_until_close(children or [], index))
            target = PurePosixPath(href.split("#", 1)[0]).name.removesuffix(".md")
            links.append(Link(target=target, anchor=href.partition("#")[2], display=label))
    return tuple(links)


def _until_close(children: list[Token], start: int) -> list[Token]:
    result: list[Token] = []
    for token in children[start + 1 :]:
        if token.type == "link_close":
            break
        result.append(token)
    return result


def inline_tags(children: list[Token] | None) -> list[str]:
    return [t.content for t in children or [] if t.type == "obsidian_tag"]


class _Walker:
    """One pass over the block tokens, tracking the heading path and the open containers."""

    def __init__(self, tokens: list[Token], lines: list[str], offset: int) -> None:
        self.tokens = tokens
        self.lines = lines
        self.offset = offset
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self.title: str | None = None
        self.title_line = 1

    def line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + 1 + self.offset

    def section(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def walk(self) -> None:
        tokens, index, containers = self.tokens, 0, 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                # Headings inside callouts (a card's `front` + `---`) are not note sections.
                if containers == 0:
                    self._heading(token, tokens[index + 1])
                index += 3
                continue
            if kind == "callout_open":
                containers += 1
                self._callout(index, containers)
            elif kind == "callout_close":
                containers -= 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                block, index = self._list(index)
                if containers == 0:
                    self.blocks.append(block)
                continue
            elif kind == "paragraph_open" and containers == 0 and not token.hidden:
                inline = tokens[index + 1]
                if text := plain_text(inline.children):
                    self.blocks.append(
                        Paragraph(
                            text, self.line(token), self.section(), inline_links(inline.children)
                        )
                    )
            index += 1

    def _heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1])
        text = plain_text(inline.children)
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))
        if level == 1 and self.title is None and text:
            self.title, self.title_line = text, self.line(token)
        self.blocks.append(Heading(level, text, self.line(token), self.section()))

    def _callout(self, index: int, depth: int) -> None:
        token = self.tokens[index]
        body: list[str] = []
        level = token.level
        for inner in self.tokens[index + 1 :]:
            if inner.type == "callout_close" and inner.level == level:
                break
            if inner.type == "inline":
                body.append(plain_text(inner.children))
        meta = token.meta
        self.blocks.append(
            Callout(
                kind=meta["kind"],
                title=plain_text(meta.get("title_tokens"))
                if meta.get("title_tokens")
                else meta["title"],
                fold=meta["fold"],
                line=self.line(token),
                section=self.section(),
                body=" ".join(part for part in body if part),
                body_markdown=callout_source(self.lines, token.map, depth),
                depth=depth,
            )
        )

    def _list(self, index: int) -> tuple[ListBlock, int]:
        """Read a whole (nested) list iteratively: pathological nesting must not recurse."""
        open_token = self.tokens[index]
        root: list[list[object]] = []
        stack: list[list[list[object]]] = [root]  # item lists being filled, innermost last
        current: list[list[object]] = []  # [text parts, line, links, children, task] per level
        depth = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                depth += 1
                if current:
                    stack.append(current[-1][3])  # type: ignore[arg-type]
            elif kind in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
                if depth == 0:
                    index += 1
                    break
                stack.pop()
            elif kind == "list_item_open":
                task = "task-list-item" in str(token.attrs.get("class", ""))
                item: list[object] = [[], self.line(token), [], [], task]
                stack[-1].append(item)
                current.append(item)
            elif kind == "list_item_close":
                current.pop()
            elif kind == "inline" and current:
                parts, links = cast(list[str], current[-1][0]), cast(list[Link], current[-1][2])
                parts.append(plain_text(token.children or []))
                links.extend(inline_links(token.children or []))
            index += 1
        items = tuple(_freeze(item) for item in root)
        ordered = open_token.type == "ordered_list_open"
        return ListBlock(items, ordered, self.line(open_token), self.section()), index


def _freeze(item: list[object]) -> ListItem:
    # Iterative post-order so deep nesting cannot hit the recursion limit.
    done: dict[int, ListItem] = {}
    pending: list[tuple[list[object], bool]] = [(item, False)]
    while pending:
        node, expanded = pending.pop()
        children: list[list[object]] = node[3]  # type: ignore[assignment]
        if not expanded:
            pending.append((node, True))
            pending.extend((child, False) for child in children)
            continue
        done[id(node)] = ListItem(
            text=" ".join(p for p in node[0] if p),  # type: ignore[attr-defined]
            line=node[1],  # type: ignore[arg-type]
            links=tuple(node[2]),  # type: ignore[arg-type]
            children=tuple(done[id(child)] for child in children),
            task=bool(node[4]),
        )
    return done[id(item)]


def _target_deck(
    meta: NoteMeta, blocks: list[Block], path: str, diagnostics: list[Diagnostic]
) -> NoteMeta:
    """obsidian-to-anki's `TARGET DECK` line names the deck when there is no `cards-deck`."""
    for block in blocks:
        found = TARGET_DECK.match(block.text) if isinstance(block, Paragraph) else None
        if not found or not found.group(1).strip():
            continue
        try:
            deck, notes = validate_deck(found.group(1).strip())
        except DeckError as exc:
            diagnostics.append(warning(path, block.line, f"TARGET DECK ignored: {exc}"))
            return meta
        diagnostics.extend(warning(path, block.line, note) for note in notes)
        return replace(meta, deck=deck, deck_line=block.line)
    return meta


def note_title(path: str, heading_title: str | None) -> str:
    return heading_title or PurePosixPath(path).stem


def parse_note(source: SourceNote, resolve_file: FileResolver | None = None) -> ParseResult:
    """Parse a decoded note. Frontmatter errors skip the note; everything else is best effort."""
    meta, body, offset, diagnostics = read_meta(source.path, source.text)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return ParseResult(None, diagnostics)
    md = obsidian_markdown()
    tokens = md.parse(body, {"_md": md})
    walker = _Walker(tokens, body.split("\n"), offset)
    walker.walk()
    title = note_title(source.path, walker.title)
    if meta.deck is None:
        meta = _target_deck(meta, walker.blocks, source.path, diagnostics)
    link = (source.vault_name, source.link_prefix)
    cards, card_tags, card_diagnostics = find_written_cards(
        tokens, body, offset, source.path, resolve_file, link
    )
    diagnostics.extend(card_diagnostics)
    note_tags: list[str] = []
    links: list[Link] = []
    for token in tokens:
        if token.type == "inline":
            note_tags.extend(
                t for t in inline_tags(token.children) if t.casefold() not in CARD_TAGS
            )
            links.extend(inline_links(token.children))
    tags = tuple(dict.fromkeys(t for t in note_tags if t not in card_tags))
    note = ParsedNote(
        source=source,
        title=title,
        meta=meta,
        blocks=tuple(walker.blocks),
        cards=tuple(cards),
        tags=tags,
        links=tuple(links),
        title_line=walker.title_line,
        link_lines=link_lines(source.text, links, walker.title_line),
    )
    return ParseResult(note, diagnostics)


def link_lines(text: str, links: list[Link], title_line: int) -> tuple[int, ...]:
    """The file line each link is written on, in order (inline tokens carry no line): found
    by searching the text for the links one after another; the title's line when not found."""
    position, line, counted = 0, 1, 0
    found: list[int] = []
    for link in links:
        at = text.find(f"[[{link.target}", position)
        if at < 0:
            at = text.find(link.target, position)
        if at < 0:
            found.append(title_line)
            continue
        line += text.count("\n", counted, at)
        counted = position = at
        found.append(line)
        position = at + 2
    return tuple(found)
