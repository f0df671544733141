"""Cards the learner wrote: `card` callouts, flashcards-obsidian `#card` blocks, inline
`front::back` and obsidian-spaced-repetition `?` separators. Works on the note's token stream;
each card side's Markdown is then rendered to HTML with the same parser.
"""

from __future__ import annotations

import re
import textwrap

from markdown_it.token import Token

from chaincards.decks import TARGET_DECK
from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import CardShape, FileResolver, WrittenCard
from chaincards.keys import normalise_key
from chaincards.obsidian.cloze import cloze_problem, strip_cloze_markers
from chaincards.obsidian.inline_cards import find_separator
from chaincards.parse.card_syntax import (
    CARD_TAGS,
    PROPERTY_KEYS,
    REVERSE_TAGS,
    callout_source,
    card_tags,
    first_card_tag_line,
    first_line,
    is_card_title,
    question_kind,
    split_card_body,
    strip_tags,
)
from chaincards.parse.fenced_cards import is_card_fence, read_fenced_card
from chaincards.parse.render import Rendered, render


class _CardFinder:
    def __init__(
        self,
        tokens: list[Token],
        lines: list[str],
        offset: int,
        path: str,
        resolve: FileResolver | None,
        vault_link: tuple[str, str] = ("", ""),
    ) -> None:
        self.tokens, self.lines, self.offset, self.path = tokens, lines, offset, path
        self.resolve = resolve
        self.vault_link = vault_link
        self.cards: list[WrittenCard] = []
        self.diagnostics: list[Diagnostic] = []
        self.card_tags: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.consumed: set[int] = set()  # token indexes already used as a card's back

    def file_line(self, span: list[int] | None, extra: int = 0) -> int:
        return (span[0] if span else 0) + 1 + self.offset + extra

    def section(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def source(self, span: list[int] | None) -> str:
        return "\n".join(self.lines[span[0] : span[1]]) if span else ""

    def run(self) -> None:
        card_callout_depth = 0  # >0 while inside a card callout: its content is the card
        callout_depth = 0
        for index, token in enumerate(self.tokens):
            kind = token.type
            if kind == "callout_open":
                callout_depth += 1
                asks = question_kind(token.meta["kind"], token.meta["title"])
                if is_card_title(token.meta["title"]) or asks:
                    if card_callout_depth:
                        self.warn(
                            token.map,
                            "card callout inside a card callout; it is text of the outer card",
                        )
                    elif asks:
                        self.question_callout(token, callout_depth, asks == "reverse")
                    else:
                        self.callout_card(token, callout_depth)
                    card_callout_depth += 1
                elif card_callout_depth:
                    card_callout_depth += 1
            elif kind == "callout_close":
                callout_depth -= 1
                card_callout_depth = max(0, card_callout_depth - 1)
            elif kind == "fence" and not card_callout_depth and is_card_fence(token.info):
                self.fenced_card(token)
            elif kind == "heading_open" and not callout_depth:
                self.heading(index)
            elif kind == "inline" and not card_callout_depth and index not in self.consumed:
                if self.tokens[index - 1].type == "heading_open" and not callout_depth:
                    continue
                self.paragraph(index)

    def render(self, source: str, cloze: bool = False) -> Rendered:
        return render(source, self.path, self.resolve, cloze=cloze, vault_link=self.vault_link)

    def warn(self, span: list[int] | None, message: str) -> None:
        self.diagnostics.append(warning(self.path, self.file_line(span), message))

    # -- card callouts -------------------------------------------------------------------------
    def callout_card(self, token: Token, depth: int) -> None:
        body = callout_source(self.lines, token.map, depth)
        title_words = token.meta["title"].casefold().split()
        reverse = any(word.startswith("revers") for word in title_words[1:])
        front, back, separator = split_card_body(body)
        line = self.file_line(token.map)
        if not body.strip():
            self.warn(token.map, "empty card callout")
            return
        if separator is None:
            rendered = self.render(body, cloze=True)
            if "{{c" not in rendered.html:
                self.warn(
                    token.map,
                    "card callout has no back: add a line '---' (or '?') between front and back",
                )
                return
            self.add_cloze(rendered, Rendered("", ""), line, "callout")
            return
        shape: CardShape = "reverse" if reverse or separator == "??" else "basic"
        self.add_basic(front, back, shape, line, token.map, "callout")

    def question_callout(self, token: Token, depth: int, reverse: bool) -> None:
        """`> [!question]- What is X?` with the answer as its (often folded) body: the form
        flashcards-obsidian and spaced-repetition users write."""
        body = callout_source(self.lines, token.map, depth)
        shape: CardShape = "reverse" if reverse else "basic"
        self.add_basic(
            token.meta["title"], body, shape, self.file_line(token.map), token.map, "callout"
        )

    def fenced_card(self, token: Token) -> None:
        card = read_fenced_card(token.content)
        line = self.file_line(token.map)
        if not card.shape:
            self.warn(token.map, f"flashcard block of type {card.type_written!r}: not made")
            return
        if card.shape == "cloze":
            if not self.tag_cloze(card.front, card.back, line, "fenced"):
                self.warn(token.map, "cloze flashcard block without a deletion; skipped")
            return
        self.add_basic(card.front, card.back, card.shape, line, token.map, "fenced")

    # -- headings and paragraphs ---------------------------------------------------------------
    def heading(self, index: int) -> None:
        token, inline = self.tokens[index], self.tokens[index + 1]
        level = int(token.tag[1])
        tags = card_tags(inline.children)
        text = " ".join(inline.content.split())
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        if not tags:
            self.headings.append((level, strip_tags(inline.children) or text))
            return
        self.headings.append((level, strip_tags(inline.children)))
        shape: CardShape = "reverse" if tags & REVERSE_TAGS else "basic"
        back_source = self.answer_from(self.next_block(index + 3))
        self.tag_card(inline.content, back_source, shape, token.map)

    def paragraph(self, index: int) -> None:
        inline = self.tokens[index]
        lines = inline.content.split("\n")
        if TARGET_DECK.match(lines[0]):
            return  # obsidian-to-anki's deck directive (`TARGET DECK` + name), read by note.py
        tag_line = first_card_tag_line(inline.children)
        if tag_line is not None:
            tags = card_tags(inline.children)
            shape: CardShape = "reverse" if tags & REVERSE_TAGS else "basic"
            front = "\n".join(lines[: tag_line + 1])
            back = "\n".join(lines[tag_line + 1 :])
            if tag_line == 0 and not strip_tags(first_line(inline.children)) and self.headings:
                # `## Front` then a line `#card`: the heading is the front (flashcards-obsidian).
                front = self.headings[-1][1]
            line = self.file_line(inline.map)
            # A cloze needs no back: the next paragraph is not pulled in as its extra.
            if self.tag_cloze(front, back, line):
                return
            if back.strip():
                back = "\n".join([back, *self.run_on(index + 2, self.tokens[index - 1].map)])
            else:
                back = self.answer_from(self.next_block(index + 2))
            self.add_basic(front, back, shape, line, inline.map, "tag")
            return
        question = [i for i, line in enumerate(lines) if line.strip() in ("?", "??")]
        if question and 0 < question[0] < len(lines) - 1:
            split = question[0]
            shape = "reverse" if lines[split].strip() == "??" else "basic"
            front, back = "\n".join(lines[:split]), "\n".join(lines[split + 1 :])
            self.add_basic(front, back, shape, self.file_line(inline.map), inline.map, "spaced")
            return
        for number, text in enumerate(lines):
            self.inline_card(text, inline.map, number)

    def inline_card(self, line: str, span: list[int] | None, number: int) -> None:
        found = find_separator(line)
        if found is None:
            return
        start, end, reverse = found
        front, back = line[:start].strip(), line[end:].strip()
        front = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", front)
        if not front or not back or front.casefold() in PROPERTY_KEYS:
            return
        shape: CardShape = "reverse" if reverse else "basic"
        self.add_basic(front, back, shape, self.file_line(span, number), span, "inline")

    def next_block(self, index: int) -> int | None:
        """Index of the first inline token of the next block, unless a heading comes first."""
        while index < len(self.tokens):
            token = self.tokens[index]
            if token.type == "heading_open":
                return None
            if token.nesting == 1 or token.type in ("fence", "math_block", "code_block"):
                following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
                if following is not None and card_tags(following.children):
                    return None  # the next block is a card of its own, not this card's back
                return index
            index += 1
        return None

    def answer_from(self, index: int | None) -> str:
        """A `#card` answer: the block at `index` and every block that follows it without a
        blank line between (a sentence, then its list or table), as flashcards-obsidian reads
        it: the answer runs to the first blank line."""
        if index is None:
            return ""
        return "\n".join(
            [
                self.block_source(index),
                *self.run_on(self.block_end(index) + 1, self.tokens[index].map),
            ]
        )

    def run_on(self, index: int, span: list[int] | None) -> list[str]:
        """The sources of the blocks from `index` on that start on the line where the one
        before ended (`span`), none of them a heading or a card of its own."""
        found: list[str] = []
        while span and index < len(self.tokens):
            token = self.tokens[index]
            starts = token.nesting == 1 or token.type in ("fence", "math_block", "code_block")
            if not starts or not token.map or token.map[0] != span[1]:
                break
            if token.map[0] and not self.lines[token.map[0] - 1].strip():
                break  # a list's span takes in the blank line after it
            if token.type == "heading_open" or self.next_block(index) != index:
                break  # a heading, or a block that is a card of its own
            found.append(self.block_source(index))
            span, index = token.map, self.block_end(index) + 1
        return found

    def block_end(self, index: int) -> int:
        """Index of the token that closes the block opened at `index` (itself for a leaf)."""
        token = self.tokens[index]
        end = index
        if token.nesting == 1:
            while end + 1 < len(self.tokens) and not (
                self.tokens[end + 1].nesting == -1 and self.tokens[end + 1].level == token.level
            ):
                end += 1
            end += 1
        return end

    def block_source(self, index: int) -> str:
        """The Markdown of the block at `index`, dedented; its inline tokens count as used."""
        token = self.tokens[index]
        end = self.block_end(index)
        for later in range(index, end + 1):
            if self.tokens[later].type == "inline":
                self.consumed.add(later)
        return textwrap.dedent(self.source(token.map).expandtabs(4))

    # -- card assembly -------------------------------------------------------------------------
    def tag_card(self, front: str, back: str, shape: CardShape, span: list[int] | None) -> None:
        line = self.file_line(span)
        if not self.tag_cloze(front, back, line):
            self.add_basic(front, back, shape, line, span, "tag")

    def tag_cloze(self, front: str, back: str, line: int, syntax: str = "tag") -> bool:
        """A `#card` front with highlights or clozes is a cloze card, its back the extra."""
        text = self.render(front, cloze=True)
        if "{{c" not in text.html:
            return False
        extra = self.render(back) if back.strip() else Rendered("", "")
        self.add_cloze(text, extra, line, syntax)
        return True

    def add_basic(
        self,
        front: str,
        back: str,
        shape: CardShape,
        line: int,
        span: list[int] | None,
        syntax: str,
    ) -> None:
        front_r = self.render(front)
        back_r = self.render(back)
        # Reported before the empty-side checks: a side that is only a missing picture is empty.
        self.report_missing_media(line, front_r, back_r)
        if not front_r.html or not _visible(front_r):
            self.warn(span, "card has an empty front; skipped")
            return
        if not back_r.html or not _visible(back_r):
            self.warn(span, "card has an empty back; skipped")
            return
        self.finish(shape, front_r, back_r, line, syntax, front_r.text)

    def add_cloze(self, text: Rendered, extra: Rendered, line: int, syntax: str) -> None:
        problem = cloze_problem(text.html)
        if problem:
            self.diagnostics.append(warning(self.path, line, f"{problem}; card skipped"))
            return
        self.report_missing_media(line, text, extra)
        self.finish("cloze", text, extra, line, syntax, strip_cloze_markers(text.text))

    def report_missing_media(self, line: int, *sides: Rendered) -> None:
        for side in sides:
            self.diagnostics.extend(
                warning(
                    self.path, line, f"image not found in the vault, or not readable: {missing}"
                )
                for missing in side.missing_media
            )
            self.diagnostics.extend(
                warning(self.path, line, f"a card cannot show {name}: it links to it in Obsidian")
                for name in side.unshown_media
            )

    def finish(
        self, shape: CardShape, front: Rendered, back: Rendered, line: int, syntax: str, key: str
    ) -> None:
        block_ids = front.block_ids + back.block_ids
        tags = [t for t in front.tags + back.tags if t.casefold() not in CARD_TAGS]
        self.card_tags.update(tags)
        self.cards.append(
            WrittenCard(
                shape=shape,
                front=front.html,
                back=back.html,
                key=f"^{block_ids[-1]}" if block_ids else _card_key(key, front.html),
                line=line,
                section=self.section(),
                syntax=syntax,
                tags=tuple(dict.fromkeys(tags)),
                media=tuple(dict.fromkeys(front.media + back.media)),
            )
        )


def _card_key(text: str, html: str) -> str:
    """Normalised front text; a front of only pictures or math is identified by its HTML."""
    return normalise_key(text) or "html:" + " ".join(html.split())


def _visible(rendered: Rendered) -> bool:
    return (
        bool(rendered.text.strip())
        or "<img" in rendered.html
        or "\\(" in rendered.html
        or "\\[" in rendered.html
    )


def find_written_cards(
    tokens: list[Token],
    body: str,
    offset: int,
    path: str,
    resolve: FileResolver | None,
    vault_link: tuple[str, str] = ("", ""),
) -> tuple[list[WrittenCard], set[str], list[Diagnostic]]:
    """The note's written cards; `vault_link`: the Obsidian vault's name and the folder's path
    inside it, for links to files a card cannot show."""
    finder = _CardFinder(tokens, body.split("\n"), offset, path, resolve, vault_link)
    finder.run()
    return finder.cards, finder.card_tags, finder.diagnostics


__all__ = ["Rendered", "find_written_cards", "render"]
