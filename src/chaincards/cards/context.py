"""The Context and Source fields and the tags every card of a note carries."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape
from urllib.parse import quote

from chaincards.document import ParsedNote

_TAG_LEVEL = re.compile(r"/|::")  # Obsidian nests tags with `/`, Anki with `::`


def context_html(note: ParsedNote, section: tuple[str, ...]) -> str:
    """Note title, then the heading path below it: enough for the card to make sense alone."""
    headings = [h for h in section if h and h != note.title]
    parts = [f'<span class="cc-note">{escape(note.title)}</span>']
    parts += [escape(h) for h in headings]
    return " › ".join(parts)


def source_html(note: ParsedNote, line: int) -> str:
    """`path:line`, linked to the note in Obsidian (`obsidian://open` opens the vault's file)."""
    source = note.source
    return _source_prefix(source.vault_name, source.link_prefix, note.path) + f"{line}</a>"


@lru_cache(maxsize=1 << 16)  # one entry per activity or note: sized for big vaults
def _source_prefix(vault_name: str, link_prefix: str, path: str) -> str:
    file = link_prefix + path.removesuffix(".md")
    vault = quote(vault_name, safe="")
    url = f"obsidian://open?vault={vault}&file={quote(file, safe='')}"
    return f'<a href="{escape(url)}">{escape(path)}:'


@lru_cache(maxsize=65536)
def anki_tag(tag: str) -> str:
    """Anki tags cannot hold spaces; Obsidian's nested `a/b` is Anki's hierarchical `a::b`.
    Written as Anki stores it (NFC, no empty level: `a//b` is `a::b`), so a collection that
    holds the tag holds it as the package gives it."""
    tag = "_".join(unicodedata.normalize("NFC", tag).strip().lstrip("#").split())
    levels = (part.strip(":") for part in _TAG_LEVEL.split(tag))
    return "::".join(level for level in levels if level)


def note_tags(note: ParsedNote, *extra: str) -> tuple[str, ...]:
    tags = [anki_tag(t) for t in (*note.meta.tags, *note.tags, *extra)]
    return tuple(sorted({t for t in tags if t}))
